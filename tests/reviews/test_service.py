"""Weekly reviews: writing, the editing window, comments, and the contract functions."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from trainer.errors import Forbidden, ServiceError
from trainer.org.models import Role
from trainer.reviews import service
from trainer.reviews.models import ReviewComment, ReviewState, WeeklyReview
from trainer.timeutil import utcnow

FULL = service.ReviewData("走访企业三家", "准备不充分", "完成调研报告")


def _count(db):
    return db.session.scalar(select(func.count()).select_from(WeeklyReview))


def test_draft_then_submit(make_user):
    """Does a review save as a draft first and then submit with a time?"""
    cadre = make_user(Role.cadre)
    week = service.current_week()
    r = service.save_review(cadre, week, service.ReviewData(done="只写了一半"))
    assert r.state == ReviewState.draft and r.submitted_at is None
    r = service.save_review(cadre, week, FULL, submit=True)
    assert r.state == ReviewState.submitted and r.submitted_at is not None
    assert r.done == "走访企业三家" and r.plan == "完成调研报告"


def test_empty_submit_refused_and_nothing_changes(db, make_user):
    """Is submitting with an empty field refused in Chinese, leaving the draft as it was?"""
    cadre = make_user(Role.cadre)
    week = service.current_week()
    service.save_review(cadre, week, service.ReviewData(done="初稿"))
    with pytest.raises(ServiceError, match="提交前请填写「问题与体会」"):
        service.save_review(cadre, week, service.ReviewData(done="改过", lessons="  ", plan="计划"), submit=True)
    db.session.rollback()
    r = service.find_review(cadre.id, week)
    assert r.state == ReviewState.draft and r.done == "初稿"


def test_future_week_refused(db, make_user):
    """Is a review for a future week refused with a clear message and nothing stored?"""
    cadre = make_user(Role.cadre)
    with pytest.raises(ServiceError, match="不能填写未来周的复盘"):
        service.save_review(cadre, service.shift(service.current_week(), 1), FULL, submit=True)
    assert _count(db) == 0


def test_editing_window_is_this_week_and_the_week_before():
    """May a review be written for this and last week but not two weeks back?"""
    monday = date(2026, 11, 23)
    assert service.is_writable((2026, 48), monday) and service.is_writable((2026, 47), monday + timedelta(days=6))
    assert not service.is_writable((2026, 46), monday)
    with pytest.raises(ServiceError, match="已过填写期限"):
        service.check_week((2026, 46), monday)


def test_missing_counts_from_friday():
    """Does a missing review count as missing only from Friday of its week?"""
    assert not service.missing_is_due((2026, 48), date(2026, 11, 26))
    assert service.missing_is_due((2026, 48), date(2026, 11, 27))


def test_parse_week():
    """Are week parameters read strictly?"""
    assert service.parse_week("2026-W48") == (2026, 48)
    assert service.parse_week("2026-W60") is None and service.parse_week("x") is None


def test_admin_cannot_write_reviews(make_user):
    """Do only cadres and mentors write reviews?"""
    with pytest.raises(Forbidden):
        service.save_review(make_user(Role.admin), service.current_week(), FULL, submit=True)


def test_mentor_comments_only_on_own_mentees(db, make_team, make_user):
    """May the mentor comment on a mentee's submitted review, and not another mentor?"""
    team = make_team()
    mentee = team.mentees[0]
    r = service.save_review(mentee, service.current_week(), FULL, submit=True)
    service.add_comment(team.mentor, r, "写得好")
    other = make_user(Role.mentor)
    with pytest.raises(Forbidden):
        service.add_comment(other, r, "越权")
    with pytest.raises(ServiceError, match="请填写点评内容"):
        service.add_comment(team.mentor, r, "  ")
    assert db.session.scalar(select(func.count()).select_from(ReviewComment)) == 1
    assert service.new_comments(r) == 1
    service.mark_seen(mentee, r)
    assert service.new_comments(r) == 0


def test_drafts_cannot_be_commented(make_team):
    """Is commenting on a draft refused?"""
    team = make_team()
    r = service.save_review(team.mentees[0], service.current_week(), service.ReviewData(done="草稿"))
    with pytest.raises(ServiceError, match="提交后才能点评"):
        service.add_comment(team.mentor, r, "提前点评")


def test_contract_functions(make_user, make_unit):
    """Do review_submissions, submission_by_unit and reviews_for return the agreed shapes?"""
    unit = make_unit("办公室")
    a, b = make_user(Role.cadre, unit=unit), make_user(Role.mentor, unit=unit)
    week = service.current_week()
    service.save_review(a, week, FULL, submit=True)
    service.save_review(b, week, service.ReviewData(done="草稿"))
    rows = service.review_submissions(utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1))
    assert [(r[0], r[1], r[2]) for r in rows] == [(a.id, week[0], week[1])]
    by_unit = {s["unit_id"]: s for s in service.submission_by_unit([week, service.shift(week, -1)])}
    s = by_unit[unit.id]
    assert (s["unit_name"], s["expected"], s["submitted"], s["rate"]) == ("办公室", 4, 1, 0.25)
    assert [r.week_key for r in service.reviews_for(a.id)] == [week]


def test_export_escapes_and_lists_missing(make_user, make_unit):
    """Does the unit export list everyone, missing ones marked, with formulas escaped?"""
    import io

    from openpyxl import load_workbook

    unit = make_unit()
    a = make_user(Role.cadre, unit=unit, name="甲")
    make_user(Role.cadre, unit=unit, name="乙")
    week = service.current_week()
    service.save_review(a, week, service.ReviewData("=1+1", "体会", "计划"), submit=True)
    ws = load_workbook(io.BytesIO(service.export_xlsx(unit.id, week))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "单位", "职务", "状态")
    states = {r[0]: r[3] for r in rows[1:]}
    assert states == {"甲": "已提交", "乙": "未填写"}
    assert not any(isinstance(c, str) and c.startswith("=") for r in rows for c in r)


def test_missing_reviews_command(runner, make_user, make_unit):
    """Does missing-reviews list the people without a submitted review, by unit?"""
    unit = make_unit("桃源镇")
    make_user(Role.cadre, unit=unit, name="赵六")
    done = make_user(Role.cadre, unit=unit, name="钱七")
    service.save_review(done, service.current_week(), FULL, submit=True)
    result = runner.invoke(args=["missing-reviews"])
    assert result.exit_code == 0 and "桃源镇\t1/2\t赵六" in result.output and "missing 1" in result.output
    bad = runner.invoke(args=["missing-reviews", "--week", "x"])
    assert bad.exit_code == 1 and "周次格式" in bad.output
