"""Home panels: a cadre's points this week and rank; for admins, the competitions running now."""
from trainer.competitions import points, service
from trainer.exams import service as exams
from trainer.org.models import Role


def panel(user):
    if user.role == Role.admin:
        running = service.running_now()
        counts = exams.attempt_counts([e.id for e in running])
        rows = [(e, counts.get(e.id, (0, 0)), len(exams.audience(e)), service.is_frozen(e)) for e in running]
        return {"template": "competitions/_home_admin.html", "order": 25, "running": rows}
    points.refresh_recent()
    week = points.period("week")
    mine, rank, n = points.my_standing(user, week)
    return {"template": "competitions/_home_cadre.html", "order": 35, "points": mine, "rank": rank, "n": n,
            "running": [e for e in service.competitions_for(user) if service.window_state(e) == "进行中"]}
