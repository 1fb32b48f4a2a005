"""Composing and running exams, grading short answers, regrading, reopening, exports."""
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from trainer.banks import service as banks
from trainer.banks.content import RawQuestion
from trainer.exams import service
from trainer.exams.models import Attempt, AttemptState, Exam
from trainer.extensions import db
from trainer.org.models import Role
from trainer.timeutil import utcnow


def _start(client, exam):
    resp = client.post(f"/exams/{exam.id}/start")
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def test_new_exam_form_takes_its_kind_from_the_address(login_as):
    """Does 新建竞赛 open the exam form with the kind already set to 竞赛 (and an unknown kind fall back)?"""
    admin = login_as(Role.admin)
    page = admin.get("/admin/exams/new?kind=competition").get_data(as_text=True)
    assert '<option selected value="competition">' in page or 'value="competition" selected' in page
    page = admin.get("/admin/exams/new?kind=nonsense").get_data(as_text=True)
    assert '<option selected value="weekly">' in page or 'value="weekly" selected' in page


def test_admin_creates_exam_and_adds_a_rule(login_as, make_bank):
    """Can an admin create a weekly quiz, add a draw rule, preview and open it?"""
    bank = make_bank(30)
    admin = login_as(Role.admin)
    resp = admin.post("/admin/exams/new", data={
        "title": "第1期每周测验", "kind": "weekly", "max_attempts": 1, "count_policy": "best", "pass_percent": 60,
        "results_policy": "immediately", "scoring_policy": "all_or_nothing", "audience": "everyone",
        "question_mode": "draw", "time_limit_minutes": 20, "shuffle_questions": "y", "shuffle_options": "y"})
    assert resp.status_code == 302
    exam = db.session.scalar(select(Exam))
    resp = admin.post(f"/admin/exams/{exam.id}/rules", data={"bank_id": bank.id, "chapter_id": 0, "type": "judge",
                                                            "difficulty": 0, "count": 3, "points": 5},
                      follow_redirects=True)
    assert "已添加抽题规则" in resp.get_data(as_text=True)
    assert "答案：" in admin.get(f"/admin/exams/{exam.id}/preview").get_data(as_text=True)
    admin.post(f"/admin/exams/{exam.id}/open")
    db.session.expire_all()
    assert service.is_open(db.session.get(Exam, exam.id))


def test_a_rule_that_cannot_be_filled_is_refused(login_as, make_bank):
    """Is a draw rule asking for more questions than the bank has refused with the numbers?"""
    bank = make_bank(10)  # 2 judge questions
    admin = login_as(Role.admin)
    exam = service.create_exam(admin.user, service.ExamData(title="测", kind=service.ExamKind.weekly))
    resp = admin.post(f"/admin/exams/{exam.id}/rules", data={"bank_id": bank.id, "chapter_id": 0, "type": "judge",
                                                            "difficulty": 0, "count": 5, "points": 2},
                      follow_redirects=True)
    assert "需要 5 题，符合条件的已审核题目只有 2 道" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Exam, exam.id).draw_rules


def test_drafts_are_never_drawn(login_as, make_bank):
    """Are draft questions left out of exam draws?"""
    make_bank(10, review="draft")
    bank = banks.get_bank("test-bank")
    admin = login_as(Role.admin)
    exam = service.create_exam(admin.user, service.ExamData(title="测", kind=service.ExamKind.weekly))
    resp = admin.post(f"/admin/exams/{exam.id}/rules", data={"bank_id": bank.id, "chapter_id": 0, "type": "",
                                                            "difficulty": 0, "count": 1, "points": 2},
                      follow_redirects=True)
    assert "只有 0 道" in resp.get_data(as_text=True)


def test_fixed_list_exam(login_as, make_bank):
    """Can an admin build a fixed list of reviewed questions?"""
    make_bank(6)
    admin = login_as(Role.admin)
    exam = service.create_exam(admin.user, service.ExamData(title="固定卷", kind=service.ExamKind.formal,
                                                            question_mode=service.QuestionMode.fixed))
    from trainer.banks.models import Question

    for q in db.session.scalars(select(Question).limit(3)):
        admin.post(f"/admin/exams/{exam.id}/questions", data={"question_id": q.id, "points": 4})
    db.session.expire_all()
    exam = db.session.get(Exam, exam.id)
    assert len(exam.fixed_questions) == 3 and service.total_points(exam) == 12


def test_copy_and_close(login_as, make_exam):
    """Does copy duplicate the rules, and does closing grade unsubmitted attempts?"""
    exam = make_exam(n=2)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    admin = login_as(Role.admin)
    resp = admin.post(f"/admin/exams/{exam.id}/copy")
    assert resp.status_code == 302
    twin = db.session.scalars(select(Exam).order_by(Exam.id.desc())).first()
    assert twin.id != exam.id and len(twin.draw_rules) == 1 and not twin.published
    html = admin.post(f"/admin/exams/{exam.id}/close", follow_redirects=True).get_data(as_text=True)
    assert "1 份未交的答卷" in html
    db.session.expire_all()
    assert db.session.get(Attempt, aid).state == AttemptState.graded


def test_participation_and_export(login_as, make_exam, make_user):
    """Does the exam page list who has and has not taken it, and does the export escape formulas?"""
    exam = make_exam(n=1)
    taker = login_as(Role.cadre, name="=cmd|' /C calc'!A0")
    make_user(Role.cadre, name="未参加者")
    aid = _start(taker, exam)
    taker.post(f"/attempts/{aid}/submit")
    admin = login_as(Role.admin)
    html = admin.get(f"/admin/exams/{exam.id}").get_data(as_text=True)
    assert "未参加者" in html and "未参加" in html
    ws = load_workbook(io.BytesIO(admin.get(f"/admin/exams/{exam.id}/attempts.xlsx").data)).active
    names = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in names and "未参加者" in names


def _short_exam(make_exam):
    return make_exam(n=1, qtype="short", points=10)


def test_grading_queue_and_final_score(login_as, make_exam):
    """Do short answers wait in the queue, get graded with a comment, and make the attempt final?"""
    exam = _short_exam(make_exam)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    cadre.post(f"/attempts/{aid}/answer", json={"position": 1, "response": "要点一，还有要点二"})
    cadre.post(f"/attempts/{aid}/submit")
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    assert attempt.state == AttemptState.needs_grading and attempt.items[0].suggested == 10
    admin = login_as(Role.admin)
    assert "阅卷 1" in admin.get("/admin/grading").get_data(as_text=True)
    qid = attempt.items[0].question_id
    page = admin.get(f"/admin/grading/{exam.id}/{qid}").get_data(as_text=True)
    assert "要点一，还有要点二" in page and cadre.user.name not in page  # graded blind
    resp = admin.post(f"/admin/grading/{exam.id}/{qid}", data={"item_id": attempt.items[0].id, "score": 11})
    assert "得分须在 0–10 之间" in admin.get(resp.headers["Location"]).get_data(as_text=True)
    admin.post(f"/admin/grading/{exam.id}/{qid}", data={"item_id": attempt.items[0].id, "score": 8, "comment": "要点齐全"})
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    assert attempt.state == AttemptState.graded and attempt.score == 8 and attempt.passed
    assert "要点齐全" in cadre.get(f"/attempts/{aid}/result").get_data(as_text=True)


def test_regrade_keeps_old_and_new_scores(login_as, make_exam):
    """After a key is corrected, does a regrade change the scores and record old and new?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    attempt = db.session.get(Attempt, aid)
    item = attempt.items[0]
    wrong = next(i for i in range(4) if i not in item.version.answer)
    cadre.post(f"/attempts/{aid}/answer", json={"position": 1, "response": wrong})
    cadre.post(f"/attempts/{aid}/submit")
    q, old_version = item.question, item.version
    # the admin decides the cadre's option was the right one after all
    letters = "ABCD"
    banks.save_question(exam.admin, q.bank, RawQuestion(line=0, type="single", stem=old_version.stem,
                                                        options=list(old_version.options), answer=letters[wrong],
                                                        reference=old_version.reference), q.chapter_id, question=q)
    admin = login_as(Role.admin)
    assert old_version.stem[:10] in admin.get("/admin/grading").get_data(as_text=True)
    html = admin.post("/admin/regrade", data={"question_id": q.id, "version_id": old_version.id},
                      follow_redirects=True).get_data(as_text=True)
    assert "1 份答卷，1 处得分变化" in html
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    assert attempt.score == 2 and attempt.items[0].version_id == old_version.id
    regraded = [e for e in attempt.events if e.kind == "regraded"][0]
    assert regraded.detail["old"] == 0 and regraded.detail["new"] == 2


def test_reopen_after_a_power_cut(login_as, make_exam):
    """Can an admin reopen an attempt that was auto-submitted, with the reason logged, but not a submitted one?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    a = db.session.get(Attempt, aid)
    a.deadline = utcnow() - timedelta(minutes=3)
    db.session.commit()
    service.close_overdue()
    admin = login_as(Role.admin)
    html = admin.post(f"/admin/attempts/{aid}/reopen", data={"minutes": 15, "reason": "考场停电"},
                      follow_redirects=True).get_data(as_text=True)
    assert "已重新开放" in html and "考场停电" in html
    db.session.expire_all()
    a = db.session.get(Attempt, aid)
    assert a.state == AttemptState.in_progress and a.deadline > utcnow() + timedelta(minutes=14)
    cadre.post(f"/attempts/{aid}/submit")
    html = admin.post(f"/admin/attempts/{aid}/reopen", data={"minutes": 15, "reason": "再来"},
                      follow_redirects=True).get_data(as_text=True)
    assert "本人提交的" in html


def test_admin_sees_focus_events_beside_the_result(login_as, make_exam):
    """Does the admin's view of an attempt list when the cadre left the page?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    cadre.post(f"/attempts/{aid}/event", json={"kind": "focus_lost"})
    cadre.post(f"/attempts/{aid}/submit")
    html = login_as(Role.admin).get(f"/admin/attempts/{aid}").get_data(as_text=True)
    assert "离开答题页面" in html


def test_cadre_pages(login_as, make_exam):
    """Do the cadre's exam list and home page show the open quiz?"""
    exam = make_exam(n=1, title="第3期每周测验")
    cadre = login_as(Role.cadre)
    assert "第3期每周测验" in cadre.get("/exams").get_data(as_text=True)
    assert "第3期每周测验" in cadre.get("/").get_data(as_text=True)
    assert cadre.get(f"/exams/{exam.id}").status_code == 200


def test_cadres_cannot_reach_exam_admin(login_as, make_exam):
    """Are exam admin pages closed to cadres and mentors?"""
    exam = make_exam(n=1)
    for role in (Role.cadre, Role.mentor):
        c = login_as(role)
        for path in ["/admin/exams", f"/admin/exams/{exam.id}", f"/admin/exams/{exam.id}/preview",
                     f"/admin/exams/{exam.id}/attempts.xlsx", "/admin/grading"]:
            assert c.get(path).status_code == 403, path
        assert c.post(f"/admin/exams/{exam.id}/open").status_code == 403
