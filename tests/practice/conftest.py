"""Fixtures for drills and the wrong-answer book: a reviewed bank, a cadre, answers by question type."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.practice.models import DrillItem


@pytest.fixture
def bank(make_bank):
    """A reviewed bank of 10 questions (two of each type) in two chapters."""
    return make_bank(10)


@pytest.fixture
def cadre(login_as):
    return login_as("cadre")


def right_values(item: DrillItem) -> list[str]:
    """Form values (field r) that answer a drill item right."""
    v = item.version
    if v.type in ("single", "multiple"):
        return [str(i) for i in v.answer]
    if v.type == "judge":
        return ["true" if v.answer else "false"]
    if v.type == "fill":
        return [accepted[0] for accepted in v.answer["blanks"]]
    return ["要点一和要点二都答到了"]


def wrong_values(item: DrillItem) -> list[str]:
    """Form values that answer a drill item wrong."""
    v = item.version
    if v.type == "single":
        return [str(next(i for i in range(len(v.options)) if i not in v.answer))]
    if v.type == "multiple":
        return [str(v.answer[0])]
    if v.type == "judge":
        return ["false" if v.answer else "true"]
    if v.type == "fill":
        return ["不知道"]
    return ["不清楚"]


def items_of(drill_id: int) -> list[DrillItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(DrillItem).where(DrillItem.drill_id == drill_id)
                                   .order_by(DrillItem.position)))
