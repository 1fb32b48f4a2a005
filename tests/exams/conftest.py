"""Exam fixtures: a published, open weekly quiz drawn from a test bank."""
from datetime import timedelta

import pytest

from trainer.exams import service
from trainer.exams.models import DrawRule, ResultsPolicy
from trainer.org.models import Role
from trainer.timeutil import utcnow


@pytest.fixture
def make_exam(app, make_bank, make_user):
    """make_exam(n=5, kind="weekly", bank_size=30, **settings) -> an open exam drawing n judge/single questions."""
    counter = {"n": 0}

    def make(n: int = 5, bank_size: int = 40, qtype: str | None = "single", points: float = 2, **settings):
        counter["n"] += 1
        bank = make_bank(bank_size, slug=f"exam-bank-{counter['n']}")
        admin = make_user(Role.admin)
        data = service.ExamData(title=settings.pop("title", "每周测验"), kind=settings.pop("kind", service.ExamKind.weekly),
                                opens_at=utcnow() - timedelta(minutes=5), closes_at=utcnow() + timedelta(hours=2),
                                time_limit_minutes=settings.pop("time_limit_minutes", 20),
                                results_policy=settings.pop("results_policy", ResultsPolicy.immediately),
                                **settings)
        exam = service.create_exam(admin, data)
        exam.draw_rules.append(DrawRule(bank_id=bank.id, type=qtype, count=n, points=points))
        exam.published = True
        from trainer.extensions import db

        db.session.commit()
        exam.admin = admin
        exam.bank = bank
        return exam

    return make
