"""Report fixtures: an exam with graded, counted attempts whose every answer is known."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from trainer.exams.models import Attempt, AttemptItem, AttemptState, Exam
from trainer.extensions import db
from trainer.org.models import Role
from trainer.timeutil import utcnow


@dataclass
class Sitting:
    """What the fixture wrote: per attempt id, the user, the percentage and per version (right, response)."""

    exam: Exam
    units: list
    people: list
    versions: list
    answers: dict[int, dict[int, tuple[bool, object]]] = field(default_factory=dict)
    percent: dict[int, float] = field(default_factory=dict)
    user_of: dict[int, object] = field(default_factory=dict)


def _response(v, right: bool, rng: random.Random):
    if v.type == "single":
        return v.answer[0] if right else next(i for i in range(len(v.options)) if i not in v.answer)
    if v.type == "multiple":
        return sorted(v.answer) if right else [v.answer[0]]
    return v.answer if right else (not v.answer)


@pytest.fixture
def make_sitting(app, make_bank, make_unit, make_user):
    """make_sitting(people=12, units=2, seed=1, skip=0, easy=0) -> Sitting: a published exam on choice questions,
    people spread over units, each with one graded counted attempt (the last `skip` people never sat it; the
    first `easy` questions everyone gets right, so they are flagged as too easy)."""
    counter = {"n": 0}

    def make(people: int = 12, units: int = 2, seed: int = 1, skip: int = 0, n_questions: int = 6, unit_list=None,
             opens_days_ago: int = 1, easy: int = 0) -> Sitting:
        counter["n"] += 1
        rng = random.Random(seed)
        bank = make_bank(15, slug=f"rep-bank-{counter['n']}")
        from trainer.banks.models import Question

        qs = db.session.query(Question).filter_by(bank_id=bank.id).order_by(Question.id).all()
        versions = [q.current for q in qs if q.current.type in ("single", "multiple", "judge")][:n_questions]
        unit_objs = unit_list or [make_unit() for _ in range(units)]
        persons = [make_user(Role.cadre, unit=unit_objs[i % len(unit_objs)]) for i in range(people)]
        now = utcnow()
        exam = Exam(title=f"测验{counter['n']}", published=True, opens_at=now - timedelta(days=opens_days_ago),
                    closes_at=now - timedelta(days=opens_days_ago) + timedelta(hours=2))
        db.session.add(exam)
        db.session.flush()
        sitting = Sitting(exam, unit_objs, persons, versions)
        ability = {p.id: rng.random() for p in persons}
        for p in persons[:people - skip]:
            when = exam.opens_at + timedelta(minutes=rng.randint(1, 60))
            a = Attempt(exam_id=exam.id, user_id=p.id, number=1, state=AttemptState.graded, prepared_at=when,
                        started_at=when, submitted_at=when, graded_at=when, max_score=float(len(versions)),
                        counted=True)
            score = 0
            marks = {}
            for pos, v in enumerate(versions, start=1):
                right = pos <= easy or rng.random() < 0.25 + 0.6 * ability[p.id]
                resp = _response(v, right, rng)
                score += right
                a.items.append(AttemptItem(position=pos, question_id=v.question_id, version_id=v.id, points=1.0,
                                           response=resp, state="right" if right else "wrong",
                                           score=1.0 if right else 0.0))
                marks[v.id] = (right, resp)
            a.score = float(score)
            a.passed = score / len(versions) >= 0.6
            db.session.add(a)
            db.session.flush()
            sitting.answers[a.id] = marks
            sitting.percent[a.id] = 100.0 * score / len(versions)
            sitting.user_of[a.id] = p
        db.session.commit()
        return sitting

    return make
