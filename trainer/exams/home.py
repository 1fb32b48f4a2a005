"""Home panels: open quizzes for cadres and mentors, participation in open exams for admins."""
from trainer.exams import marking, service
from trainer.exams.attempts import results_visible
from trainer.org.models import Role
from trainer.timeutil import utcnow


def panel(user):
    now = utcnow()
    if user.role == Role.admin:
        from sqlalchemy import select

        from trainer.exams.models import Exam
        from trainer.extensions import db

        exams = [e for e in db.session.scalars(select(Exam).where(Exam.published.is_(True)).order_by(Exam.id.desc())
                                               .limit(20)) if service.window_state(e, now) == "进行中"]
        counts = service.attempt_counts([e.id for e in exams])
        rows = [(e, counts.get(e.id, (0, 0)), len(service.audience(e))) for e in exams]
        return {"template": "exams/_home_admin.html", "order": 20, "open_exams": rows,
                "grading": sum(q.waiting for q in marking.grading_queue())}
    exams = service.exams_for(user, now)
    mine = service.attempts_of(user, [e.id for e in exams])
    done = {a.exam_id for a in mine if a.state.value in ("graded", "needs_grading")}
    going = {a.exam_id: a for a in mine if a.state.value == "in_progress"}
    open_exams = [e for e in exams if service.window_state(e, now) == "进行中"]
    recent = [a for a in mine if a.state.value in ("graded", "needs_grading")][:3]
    return {"template": "exams/_home_cadre.html", "order": 20, "open_exams": open_exams, "done": done, "going": going,
            "recent": recent, "results_visible": results_visible}
