"""Competition fixtures: an open 竞赛 exam and cadres who sit it through the service layer."""
from datetime import timedelta

import pytest

from tests.exams.conftest import make_exam  # noqa: F401
from trainer.competitions import service
from trainer.exams import service as exams
from trainer.exams.models import Attempt, ExamKind
from trainer.extensions import db
from trainer.timeutil import utcnow


@pytest.fixture(autouse=True)
def _fresh_boards():
    """Boards are cached a few seconds per process; every test starts without them."""
    service._CACHE.clear()
    yield
    service._CACHE.clear()


@pytest.fixture
def make_competition(make_exam):  # noqa: F811 (the fixture imported above)
    """make_competition(n=5, **settings) -> an open competition of n single-choice questions (2 points each)."""

    def make(n: int = 5, **settings):
        return make_exam(n=n, qtype="single", kind=ExamKind.competition, title=settings.pop("title", "知识竞赛"),
                         **settings)

    return make


def sit(exam, user, right: int, used: int = 600, submitted_at=None) -> Attempt:
    """user takes exam: the first `right` questions right, the rest blank; `used` seconds; submitted now
    (or at submitted_at)."""
    attempt = exams.start_attempt(exam, user)
    for item in attempt.items[:right]:
        exams.save_answer(user, attempt.id, item.position, item.version.answer[0])
    attempt = db.session.get(Attempt, attempt.id)
    attempt.started_at = utcnow() - timedelta(seconds=used)
    attempt.deadline = None
    db.session.commit()
    attempt = exams.submit_attempt(user, attempt.id)
    if submitted_at is not None:
        attempt.submitted_at = submitted_at
        attempt.started_at = submitted_at - timedelta(seconds=used)
        attempt.time_used_seconds = used
        db.session.commit()
    return attempt
