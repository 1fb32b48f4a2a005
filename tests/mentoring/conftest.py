"""Mentoring fixtures: a team of one mentor and two mentees."""
from datetime import timedelta

import pytest

from trainer.mentoring import service
from trainer.org.models import Role
from trainer.timeutil import local_today


@pytest.fixture
def make_team(app, make_user):
    """make_team(n=2, mentor=None, mentees=None) -> an active team (admin on team.admin)."""

    def make(n: int = 2, mentor=None, mentees=None, name: str = "传帮带小组", starts_on=None):
        admin = make_user(Role.admin)
        mentor = mentor or make_user(Role.mentor)
        mentees = mentees or [make_user(Role.cadre) for _ in range(n)]
        start = starts_on or local_today() - timedelta(days=30)
        team = service.form_team(admin, service.TeamData(name, mentor.id, start, start + timedelta(days=180), "目标"),
                                 [m.id for m in mentees])
        team.admin = admin
        return team

    return make


from tests.exams.conftest import make_exam  # noqa: E402,F401


@pytest.fixture
def graded(app):
    """graded(exam, user, percent, days_ago=0) -> a counted, graded attempt with that score."""
    from trainer.exams.models import Attempt, AttemptState
    from trainer.extensions import db
    from trainer.timeutil import utcnow

    def make(exam, user, percent: float, days_ago: int = 0):
        at = utcnow() - timedelta(days=days_ago)
        a = Attempt(exam_id=exam.id, user_id=user.id, number=1, state=AttemptState.graded, started_at=at,
                    submitted_at=at, score=percent, max_score=100, passed=percent >= exam.pass_percent, counted=True)
        db.session.add(a)
        db.session.commit()
        return a

    return make
