"""Night-school fixtures: a term and sessions placed relative to now."""
from datetime import date, timedelta

import pytest

from tests.exams.conftest import make_exam  # noqa: F401  (weekly quizzes linked to sessions)
from trainer.extensions import db
from trainer.nightschool.models import LateCredit, NightSession, SessionAudience, Term
from trainer.timeutil import utcnow


@pytest.fixture
def make_term(app):
    def make(late_credit: LateCredit = LateCredit.half, quiz_required: bool = False, late_after: int = 10,
             completion_percent: int = 80) -> Term:
        today = date.today()
        term = Term(title="2026年秋季学期每周夜校", starts_on=today - timedelta(days=90),
                    ends_on=today + timedelta(days=90), late_credit=late_credit, quiz_required=quiz_required,
                    late_after_minutes=late_after, completion_percent=completion_percent)
        db.session.add(term)
        db.session.commit()
        return term

    return make


@pytest.fixture
def make_session(app, make_term):
    """make_session(starts_in=timedelta(...), minutes=90, hours=1.5, units=[...], term=...) -> NightSession."""

    def make(starts_in: timedelta = timedelta(minutes=-5), minutes: int = 90, hours: float = 1.5, units=None,
             term: Term | None = None, topic: str = "宗教事务条例解读", lecturer=None, **kw) -> NightSession:
        start = utcnow().replace(second=0, microsecond=0) + starts_in
        s = NightSession(term_id=(term or make_term()).id, topic=topic, starts_at=start,
                         ends_at=start + timedelta(minutes=minutes), hours=hours, place="统战部三楼会议室",
                         audience=SessionAudience.units if units else SessionAudience.everyone,
                         lecturer_id=lecturer.id if lecturer else None, **kw)
        if units:
            s.audience_units = list(units)
        db.session.add(s)
        db.session.commit()
        return s

    return make
