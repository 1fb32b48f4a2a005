"""Season points: rules, sources, weekly caps, idempotent refresh, boards and history."""
import types
from datetime import date, datetime, timedelta

import pytest

from tests.competitions.conftest import sit
from trainer.competitions import points
from trainer.competitions.models import PointEntry, PointKind
from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.org.models import Role
from trainer.practice.service import STREAK_MIN_ANSWERS
from trainer.timeutil import from_local, local_today, utcnow


def _window():
    return utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1)


def _entries(user):
    return {(e.kind, e.ref): e.points for e in db.session.query(PointEntry).filter_by(user_id=user.id)}


def test_default_rules_are_created_once(app):
    """Does every kind get a default rule, once?"""
    first = points.list_rules()
    assert {r.kind for r in first} == set(PointKind)
    assert len(points.list_rules()) == len(first)


def test_weekly_quiz_earns_points_for_taking_and_for_score(make_exam, make_user):
    """Does a graded weekly quiz earn the taking points plus points per 10 (percentage) points of score?"""
    exam = make_exam(n=5)
    user = make_user(Role.cadre)
    sit(exam, user, 4)  # 8 of 10 → 80 %
    assert points.refresh_points(*_window()) == 2
    assert _entries(user) == {(PointKind.quiz, f"exam:{exam.id}"): 5, (PointKind.quiz_score, f"exam:{exam.id}"): 8}


def test_refresh_is_idempotent(make_exam, make_user):
    """Does refreshing the same or an overlapping range again never count anything twice?"""
    exam = make_exam(n=5)
    user = make_user(Role.cadre)
    sit(exam, user, 5)
    since, until = _window()
    assert points.refresh_points(since, until) == 2
    assert points.refresh_points(since, until) == 0
    assert points.refresh_points(since - timedelta(days=3), until) == 0
    assert sum(_entries(user).values()) == 15


def test_inactive_rule_earns_nothing_and_rule_changes_apply_to_new_events(make_exam, make_user):
    """Does a paused rule add nothing, and a changed value apply to events counted after the change?"""
    admin = make_user(Role.admin)
    rules = {r.kind: r for r in points.list_rules()}
    points.update_rule(admin, rules[PointKind.quiz_score], 1, None, False)
    points.update_rule(admin, rules[PointKind.quiz], 7, None, True)
    exam = make_exam(n=5)
    user = make_user(Role.cadre)
    sit(exam, user, 5)
    points.refresh_points(*_window())
    assert _entries(user) == {(PointKind.quiz, f"exam:{exam.id}"): 7}


def test_rule_values_are_checked(app, make_user):
    """Are negative points and caps refused?"""
    admin = make_user(Role.admin)
    rule = points.list_rules()[0]
    with pytest.raises(ServiceError):
        points.update_rule(admin, rule, -1, None, True)
    with pytest.raises(ServiceError):
        points.update_rule(admin, rule, 1, -5, True)


def _drill_days(user, days: list[date], answers: int = STREAK_MIN_ANSWERS):
    """`answers` drill answers by user around noon of each local day."""
    from trainer.practice.models import Drill, DrillItem

    bank_q = db.session.execute(db.text("select id from question limit 1")).scalar()
    version = db.session.execute(db.text("select id from question_version limit 1")).scalar()
    for d in days:
        at = from_local(datetime(d.year, d.month, d.day, 12))
        drill = Drill(user_id=user.id, title="练兵", size=answers, answered=answers, started_at=at)
        for n in range(answers):
            drill.items.append(DrillItem(user_id=user.id, position=n + 1, question_id=bank_q, version_id=version,
                                         state="right", correct=True, answered_at=at + timedelta(seconds=n)))
        db.session.add(drill)
    db.session.commit()


def test_a_short_drill_day_earns_nothing(make_bank, make_user):
    """Is a day with fewer answers than the drill page's daily minimum left out?"""
    make_bank(5)
    user = make_user(Role.cadre)
    _drill_days(user, [local_today() - timedelta(days=1)], answers=STREAK_MIN_ANSWERS - 1)
    assert points.refresh_points(utcnow() - timedelta(days=3), utcnow()) == 0


def test_drill_days_streaks_and_the_weekly_cap(make_bank, make_user):
    """Does each drill day earn points, the third day in a row and later earn the streak bonus, and the week's
    cap stop both (the capped entries kept at 0 so a later refresh does not award them)?"""
    make_bank(5)
    user = make_user(Role.cadre)
    monday = points.week_start(local_today()) - timedelta(weeks=2)
    days = [monday + timedelta(days=i) for i in range(7)]
    _drill_days(user, days)
    since, until = points.local_range(monday, monday + timedelta(days=6))
    points.refresh_points(since, until)
    got = _entries(user)
    day_pts = [got[(PointKind.drill_day, f"day:{d.isoformat()}")] for d in days]
    assert day_pts == [1, 1, 1, 1, 1, 0, 0]  # cap 5 a week
    streak = [got.get((PointKind.drill_streak, f"day:{d.isoformat()}")) for d in days]
    assert streak == [None, None, 2, 2, 2, 2, 2]  # cap 10 a week
    assert points.refresh_points(since, until) == 0
    assert sum(_entries(user).values()) == 15


def test_streak_looks_back_before_the_range(make_bank, make_user):
    """Is a streak that began before the refreshed range still recognised?"""
    make_bank(5)
    user = make_user(Role.cadre)
    start = local_today() - timedelta(days=10)
    _drill_days(user, [start, start + timedelta(days=1), start + timedelta(days=2)])
    third = start + timedelta(days=2)
    points.refresh_points(*points.local_range(third, third))
    assert _entries(user).get((PointKind.drill_streak, f"day:{third.isoformat()}")) == 2


def test_night_school_and_reviews_through_their_contracts(app, make_user, monkeypatch):
    """Do attendance (present or late) and submitted weekly reviews earn points through the contracts?"""
    user = make_user(Role.cadre)
    at = utcnow() - timedelta(hours=2)
    fakes = {
        "trainer.nightschool.service": types.SimpleNamespace(attendance_events=lambda since, until: [
            (user.id, 1, "present", at), (user.id, 2, "absent", at), (user.id, 3, "late", at)]),
        "trainer.reviews.service": types.SimpleNamespace(review_submissions=lambda since, until: [(user.id, 2026, 47, at)]),
    }
    real = points._optional
    monkeypatch.setattr(points, "_optional", lambda name: fakes.get(name) or real(name))
    points.refresh_points(*_window())
    assert _entries(user) == {(PointKind.night_school, "session:1"): 5, (PointKind.night_school, "session:3"): 0,
                              (PointKind.review, "week:2026-47"): 3}


def test_board_ranks_everyone_in_the_period(make_exam, make_user):
    """Does the week's board rank active cadres and mentors by points (those without points last, no admins)?"""
    exam = make_exam(n=5)
    a, b = make_user(Role.cadre, name="甲"), make_user(Role.mentor, name="乙")
    make_user(Role.cadre, name="丙")
    sit(exam, a, 2)
    sit(exam, b, 5)
    points.refresh_points(*_window())
    rows = points.leaderboard(points.period("week"))
    assert [(r.name, r.points, r.rank) for r in rows[:2]] == [("乙", 15, 1), ("甲", 9, 2)]
    assert rows[-1].points == 0 and "甲" in {r.name for r in rows}
    assert all(r.name != exam.admin.name for r in rows)
    assert points.my_standing(a, points.period("week"))[:2] == (9, 2)
    last_month = points.period("month", day=local_today() - timedelta(days=62))
    assert all(r.points == 0 for r in points.leaderboard(last_month))


def test_periods():
    """Are a week Monday–Sunday, a month whole, and a term checked?"""
    wk = points.period("week", day=date(2026, 11, 26))
    assert (wk.first, wk.last) == (date(2026, 11, 23), date(2026, 11, 29))
    mo = points.period("month", day=date(2026, 2, 10))
    assert (mo.first, mo.last) == (date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(ServiceError):
        points.period("term", first=date(2026, 5, 1), last=date(2026, 4, 1))


def test_refresh_command(runner, make_exam, make_user):
    """Does `flask refresh-points` add the entries once?"""
    exam = make_exam(n=5)
    sit(exam, make_user(Role.cadre), 5)
    assert "added 2" in runner.invoke(args=["refresh-points"]).output
    assert "added 0" in runner.invoke(args=["refresh-points"]).output
    bad = runner.invoke(args=["refresh-points", "--since", "2026-05-01", "--until", "2026-04-01"])
    assert bad.exit_code == 1
