"""Taking an exam: start, autosave, key secrecy, versions, submit once, deadlines, results policy."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from trainer.banks import service as banks
from trainer.banks.content import RawQuestion
from trainer.exams import service
from trainer.exams.attempts import GRACE, PAPERS, LateAnswer, PaperItem
from trainer.exams.models import Attempt, AttemptEvent, AttemptItem, AttemptState, ResultsPolicy
from trainer.extensions import db
from trainer.grading.types import QuestionSpec
from trainer.org.models import Role
from trainer.timeutil import utcnow


def _start(client, exam):
    resp = client.post(f"/exams/{exam.id}/start")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def _save(client, attempt_id, position, response, **kw):
    return client.post(f"/attempts/{attempt_id}/answer", json={"position": position, "response": response, **kw})


def _right_answer(item):
    return item.version.answer[0] if item.version.type == "single" else item.version.answer


def test_start_fixes_versions_order_and_deadline(login_as, make_exam):
    """Does starting fix the question versions, option orders and a deadline of start + limit?"""
    exam = make_exam(n=5, time_limit_minutes=15)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    attempt = db.session.get(Attempt, aid)
    assert attempt.state == AttemptState.in_progress and len(attempt.items) == 5
    assert all(sorted(i.option_order) == list(range(4)) for i in attempt.items)
    assert abs((attempt.deadline - attempt.started_at) - timedelta(minutes=15)) < timedelta(seconds=1)
    assert _start(cadre, exam) == aid  # pressing start again resumes


def test_deadline_never_passes_the_close_time(login_as, make_exam):
    """Is the deadline capped at the exam's close time?"""
    exam = make_exam(time_limit_minutes=120)
    exam.closes_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    attempt = db.session.get(Attempt, _start(login_as(Role.cadre), exam))
    assert attempt.deadline == exam.closes_at


def test_autosave_persists_and_never_sends_the_key(login_as, make_exam):
    """Is an autosaved answer in the database, and is the key absent from every response before submission?"""
    exam = make_exam(n=3)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    page = cadre.get(f"/attempts/{aid}?mode=all").get_data(as_text=True)
    attempt = db.session.get(Attempt, aid)
    for item in attempt.items:
        assert item.version.explanation not in page  # 解析 is not on the page
    assert '"answer"' not in page and "正确答案" not in page
    resp = _save(cadre, aid, 1, 2, spent_ms=5000)
    assert resp.status_code == 200 and set(resp.get_json()) == {"ok", "saved_at"}
    db.session.expire_all()
    assert db.session.get(Attempt, aid).items[0].response == 2
    assert cadre.get(f"/attempts/{aid}/result").status_code == 302  # no result before submission


def test_editing_a_question_does_not_change_an_attempt(login_as, make_exam):
    """After a question is edited, does the started attempt still show and grade the old version?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    item = db.session.get(Attempt, aid).items[0]
    old_version, old_stem = item.version_id, item.version.stem
    q = item.question
    banks.save_question(exam.admin, q.bank, RawQuestion(line=0, type="single", stem="完全改写的题干（ ）",
                                                        options=["子", "丑"], answer="B", reference="第一条"),
                        q.chapter_id, question=q)
    page = cadre.get(f"/attempts/{aid}").get_data(as_text=True)
    assert old_stem in page and "完全改写的题干" not in page
    _save(cadre, aid, 1, _right_answer(item))
    cadre.post(f"/attempts/{aid}/submit")
    db.session.expire_all()
    graded = db.session.get(Attempt, aid)
    assert graded.items[0].version_id == old_version and graded.items[0].state == "right"


def test_double_submit_grades_once(login_as, make_exam):
    """Do two submits grade once and keep one score?"""
    exam = make_exam(n=2)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    a = db.session.get(Attempt, aid)
    _save(cadre, aid, 1, _right_answer(a.items[0]))
    assert cadre.post(f"/attempts/{aid}/submit").status_code == 302
    assert cadre.post(f"/attempts/{aid}/submit").status_code == 302
    db.session.expire_all()
    a = db.session.get(Attempt, aid)
    assert a.state == AttemptState.graded and a.score == 2
    n = db.session.scalar(select(func.count()).select_from(AttemptEvent).where(AttemptEvent.attempt_id == aid,
                                                                                AttemptEvent.kind == "submitted"))
    assert n == 1


def test_concurrent_submits_from_two_tabs(app, make_exam, make_user):
    """Do submits racing from two threads (two tabs) grade exactly once?"""
    from tests.conftest import sign_in

    exam = make_exam(n=2)
    user = make_user(Role.cadre)
    c = sign_in(app.test_client(), user)
    aid = _start(c, exam)
    results = []

    def submit():
        client = sign_in(app.test_client(), user)
        results.append(client.post(f"/attempts/{aid}/submit").status_code)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * 4
    n = db.session.scalar(select(func.count()).select_from(AttemptEvent).where(AttemptEvent.attempt_id == aid,
                                                                                AttemptEvent.kind == "submitted"))
    assert n == 1


def test_late_answer_is_refused_and_overdue_attempt_is_graded(login_as, make_exam, runner):
    """Is an answer after deadline + 30 s refused, and the attempt graded with what was saved?"""
    exam = make_exam(n=2)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    a = db.session.get(Attempt, aid)
    _save(cadre, aid, 1, _right_answer(a.items[0]))
    a.deadline = utcnow() - GRACE - timedelta(seconds=5)
    db.session.commit()
    resp = _save(cadre, aid, 2, 0)
    assert resp.status_code == 409 and "超过答题时间" in resp.get_json()["error"]
    result = runner.invoke(args=["close-overdue"])
    assert result.exit_code == 0 and "closed 1" in result.output
    db.session.expire_all()
    a = db.session.get(Attempt, aid)
    assert a.state == AttemptState.graded and a.auto_submitted and a.score == 2
    assert a.items[1].response is None


def test_answers_within_grace_are_kept(login_as, make_exam):
    """Is an answer arriving within 30 s after the deadline still saved?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    a = db.session.get(Attempt, aid)
    a.deadline = utcnow() - timedelta(seconds=10)
    db.session.commit()
    assert _save(cadre, aid, 1, 1).status_code == 200


def _overdue_attempt(login_as, make_exam):
    """A cadre's client and an attempt of theirs whose deadline passed five minutes ago, never submitted."""
    cadre = login_as(Role.cadre)
    aid = _start(cadre, make_exam(n=1))
    db.session.get(Attempt, aid).deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    return cadre, aid


def test_overdue_attempt_is_graded_on_next_access(login_as, make_exam):
    """Does opening an overdue attempt grade it and show the result?"""
    cadre, aid = _overdue_attempt(login_as, make_exam)
    resp = cadre.get(f"/attempts/{aid}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/result")
    db.session.expire_all()
    assert db.session.get(Attempt, aid).state == AttemptState.graded


def test_submitting_an_overdue_attempt_grades_it_as_overdue(login_as, make_exam):
    """A submit that arrives past deadline + grace: is the attempt graded as submitted by the system at its
    deadline, not as the cadre's own submit?"""
    cadre, aid = _overdue_attempt(login_as, make_exam)
    resp = cadre.post(f"/attempts/{aid}/submit")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/result")
    db.session.expire_all()
    a = db.session.get(Attempt, aid)
    assert a.state == AttemptState.graded and a.auto_submitted


def test_another_cadre_cannot_touch_my_attempt(login_as, make_exam):
    """Are another cadre's reads, saves and submits of my attempt refused?"""
    exam = make_exam(n=1)
    mine = login_as(Role.cadre)
    aid = _start(mine, exam)
    other = login_as(Role.cadre)
    assert other.get(f"/attempts/{aid}").status_code == 403
    assert _save(other, aid, 1, 0).status_code in (403, 409)
    assert other.post(f"/attempts/{aid}/submit").status_code == 403
    assert other.get(f"/attempts/{aid}/result").status_code == 403
    db.session.expire_all()
    assert db.session.get(Attempt, aid).items[0].response is None


def test_autosave_checks_the_session_in_its_own_query(login_as, make_exam, count_queries):
    """Autosave does not load the user first: is a stale session, a disabled account or a password still to
    be changed refused all the same, and is the first save two statements (the paper, the UPDATE)?"""
    exam = make_exam(n=2)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    PAPERS.forget(aid)
    with count_queries() as n:
        assert _save(client, aid, 1, 0).status_code == 200
    assert n() == 2  # the paper, read once per process, and the UPDATE (later saves: see test_fastsave)
    user = client.user
    user.must_change_password = True
    db.session.commit()
    resp = _save(client, aid, 1, 1)
    assert resp.status_code == 403 and resp.get_json()["error"] == "请先修改初始密码"
    user.must_change_password = False
    user.session_token = "changed-elsewhere"  # e.g. the password was changed on another device
    db.session.commit()
    resp = _save(client, aid, 1, 1)
    assert resp.status_code == 401 and "登录" in resp.get_json()["error"]
    assert _save(client, aid + 1000, 1, 1).status_code == 401  # even for an attempt that does not exist
    sign_in(client, user)  # signed in again: the session carries the new token
    user.active = False
    db.session.commit()
    assert _save(client, aid, 1, 1).status_code == 401
    assert login_as(Role.cadre).post(f"/attempts/{aid}/answer", json={"position": 1, "response": 1}).status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.post(f"/attempts/{aid}/answer", json={"position": 1, "response": 1}).status_code == 401
    db.session.expire_all()
    assert db.session.get(Attempt, aid).items[0].response == 0


def test_a_stale_cached_paper_is_read_again(login_as, make_exam):
    """A cached paper that no longer matches (ids reused after a delete): is the answer normalised against the
    question really shown and saved all the same?"""
    exam = make_exam(n=1)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    item = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == aid)).one()
    wrong = PaperItem(item.id, item.version_id + 999, QuestionSpec(type="fill", stem="（ ）"))
    PAPERS.put(aid, {1: wrong})
    assert _save(client, aid, 1, 2).status_code == 200
    db.session.expire_all()
    assert db.session.get(AttemptItem, item.id).response == 2  # a single choice, not a fill-in list
    assert PAPERS.get(aid)[1].version_id == item.version_id


@pytest.mark.parametrize("policy,visible", [(ResultsPolicy.immediately, True), (ResultsPolicy.after_close, False),
                                            (ResultsPolicy.never, False)])
def test_results_policy(login_as, make_exam, policy, visible):
    """Does the result page show the key only when the results policy allows?"""
    exam = make_exam(n=1, results_policy=policy)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    cadre.post(f"/attempts/{aid}/submit")
    html = cadre.get(f"/attempts/{aid}/result").get_data(as_text=True)
    assert ("正确答案" in html) is visible
    explanation = db.session.get(Attempt, aid).items[0].version.explanation
    assert (explanation in html) is visible


def test_results_after_close_appear_once_closed(login_as, make_exam):
    """With results after close, do they appear once the exam has closed?"""
    exam = make_exam(n=1, results_policy=ResultsPolicy.after_close)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    cadre.post(f"/attempts/{aid}/submit")
    exam.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "正确答案" in cadre.get(f"/attempts/{aid}/result").get_data(as_text=True)


def test_plain_form_post_works_without_javascript(login_as, make_exam):
    """Can a cadre answer page by page with plain form posts and submit?"""
    exam = make_exam(n=2, qtype="judge", bank_size=40)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    a = db.session.get(Attempt, aid)
    resp = cadre.post(f"/attempts/{aid}", data={"positions": "1", "q1": "true" if a.items[0].version.answer else "false",
                                                "go": "2", "mode": "one"})
    assert resp.status_code == 302 and "q=2" in resp.headers["Location"]
    resp = cadre.post(f"/attempts/{aid}", data={"positions": "2", "q2": "true", "flag2": "1", "go": "submit"})
    assert resp.headers["Location"].endswith("/submit")
    assert "还有" not in cadre.get(f"/attempts/{aid}/submit").get_data(as_text=True)
    cadre.post(f"/attempts/{aid}/submit")
    db.session.expire_all()
    a = db.session.get(Attempt, aid)
    assert a.items[0].state == "right" and a.items[1].flagged


def test_submit_page_lists_unanswered(login_as, make_exam):
    """Does the confirmation list the unanswered questions?"""
    exam = make_exam(n=3)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    _save(cadre, aid, 2, 0)
    html = cadre.get(f"/attempts/{aid}/submit").get_data(as_text=True)
    assert "还有 2 题未作答" in html and "第 1 题" in html and "第 3 题" in html


def test_focus_events_and_too_fast_answers_are_recorded(login_as, make_exam):
    """Are leaving the page and implausibly fast answers recorded for admins?"""
    exam = make_exam(n=2)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    cadre.post(f"/attempts/{aid}/event", json={"kind": "focus_lost"})
    cadre.post(f"/attempts/{aid}/event", json={"kind": "focus_back"})
    a = db.session.get(Attempt, aid)
    a.items[0].version.stem  # noqa: B018
    _save(cadre, aid, 1, 0, spent_ms=300)
    cadre.post(f"/attempts/{aid}/submit")
    db.session.expire_all()
    a = db.session.get(Attempt, aid)
    assert a.focus_lost_count == 1
    assert [e.kind for e in a.events].count("focus_lost") == 1
    long_stem = len(a.items[0].version.stem) >= 30
    assert a.items[0].too_fast is long_stem  # test bank stems are short, so only long stems are flagged


def test_unseen_questions_are_preferred(login_as, make_exam):
    """Does a second attempt draw questions not seen in the first when the bank has enough?"""
    exam = make_exam(n=4, bank_size=40, max_attempts=2)  # 8 single-choice questions in the bank
    cadre = login_as(Role.cadre)
    first = _start(cadre, exam)
    cadre.post(f"/attempts/{first}/submit")
    second = _start(cadre, exam)
    assert second != first
    q1 = {i.question_id for i in db.session.get(Attempt, first).items}
    q2 = {i.question_id for i in db.session.get(Attempt, second).items}
    assert not q1 & q2


def test_attempt_limit(login_as, make_exam):
    """Is a start beyond the allowed attempts refused with a message?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    cadre.post(f"/attempts/{aid}/submit")
    resp = cadre.post(f"/exams/{exam.id}/start", follow_redirects=True)
    assert "已达到允许的次数" in resp.get_data(as_text=True)


def test_best_attempt_counts(login_as, make_exam):
    """With best-of policy, is the higher-scoring attempt the counted one?"""
    exam = make_exam(n=1, max_attempts=2)
    cadre = login_as(Role.cadre)
    first = _start(cadre, exam)
    a = db.session.get(Attempt, first)
    _save(cadre, first, 1, _right_answer(a.items[0]))
    cadre.post(f"/attempts/{first}/submit")
    second = _start(cadre, exam)
    cadre.post(f"/attempts/{second}/submit")
    db.session.expire_all()
    assert db.session.get(Attempt, first).counted and not db.session.get(Attempt, second).counted


def test_audience_by_unit(login_as, make_exam, make_unit):
    """Can only people of the chosen units start the exam?"""
    unit = make_unit("民族宗教科")
    exam = make_exam(n=1)
    exam.audience = service.Audience.units
    exam.audience_units = [unit]
    db.session.commit()
    outsider = login_as(Role.cadre)
    assert "参加范围" in outsider.post(f"/exams/{exam.id}/start", follow_redirects=True).get_data(as_text=True)
    insider = login_as(Role.cadre, unit=unit)
    _start(insider, exam)


def test_closed_or_unpublished_exam_cannot_be_started(login_as, make_exam):
    """Is a start outside the window refused?"""
    exam = make_exam(n=1)
    exam.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    resp = login_as(Role.cadre).post(f"/exams/{exam.id}/start", follow_redirects=True)
    assert "不在开放时间内" in resp.get_data(as_text=True)


def test_papers_prepared_ahead_make_start_a_single_update(login_as, make_exam, count_queries):
    """With papers prepared when the exam opens, does a start only flip the prepared paper?"""
    exam = make_exam(n=10)
    cadres = [login_as(Role.cadre) for _ in range(3)]
    assert service.prepare_papers(exam) == 3
    prepared = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.state == AttemptState.prepared))
    assert prepared == 3
    before = db.session.scalar(select(func.count()).select_from(AttemptItem))
    aid = _start(cadres[0], exam)
    assert db.session.scalar(select(func.count()).select_from(AttemptItem)) == before
    assert db.session.get(Attempt, aid).state == AttemptState.in_progress


def test_save_after_submit_is_refused(login_as, make_exam):
    """Is an answer sent after submission refused (and the graded answer unchanged)?"""
    exam = make_exam(n=1)
    cadre = login_as(Role.cadre)
    aid = _start(cadre, exam)
    _save(cadre, aid, 1, 0)
    cadre.post(f"/attempts/{aid}/submit")
    resp = _save(cadre, aid, 1, 3)
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Attempt, aid).items[0].response == 0


def test_late_answer_raises_in_service(app, make_exam, make_user):
    """Does the service raise LateAnswer past deadline + grace?"""
    exam = make_exam(n=1)
    user = make_user(Role.cadre)
    a = service.start_attempt(exam, user)
    a.deadline = utcnow() - timedelta(minutes=2)
    db.session.commit()
    with pytest.raises(LateAnswer):
        service.save_answer(user, a.id, 1, 0)
