"""The practice demo: weeks of drills and a wrong-answer book with entries due today, or nothing without banks."""
from datetime import timedelta

from sqlalchemy import func, select

from trainer.demo.service import seed_demo
from trainer.extensions import db
from trainer.org.models import User
from trainer.practice import service
from trainer.practice.models import Drill, DrillItem, DrillKind, ReviewCard, ReviewLog
from trainer.timeutil import local_day_bounds, local_today, to_local


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_without_banks_creates_no_drills(app, tmp_path, monkeypatch):
    """With no bank loaded, does the demo still seed and simply skip drills?"""
    from trainer.banks import demo as banks_demo
    from trainer.demo import service as demo_service

    monkeypatch.setattr(banks_demo, "BANK_DIR", tmp_path)
    monkeypatch.setattr(demo_service, "SEEDERS", ["org", "banks", "exams", "practice"])  # no sample document either
    lines = []
    seed_demo(echo=lines.append)
    assert count(Drill) == 0 and count(ReviewCard) == 0
    assert any("没有可练习的题目" in line for line in lines)


def test_demo_gives_cadres_drill_history_and_a_book(app, make_bank):
    """With a bank, do demo cadres have weeks of drills, reviews, mastered entries and cadre01 work due today?"""
    make_bank(40, slug="demo-bank")
    seed_demo(echo=lambda _line: None)
    today = local_today()
    cadre01 = db.session.scalar(select(User).where(User.username == "cadre01"))
    people = db.session.scalar(select(func.count(func.distinct(Drill.user_id))))
    assert people >= 25
    first = db.session.scalar(select(func.min(DrillItem.answered_at)))
    assert to_local(first).date() <= today - timedelta(days=21)
    assert db.session.scalar(select(func.count()).select_from(Drill).where(Drill.kind == DrillKind.review)) > 0
    assert db.session.scalar(select(func.count()).select_from(ReviewCard).where(ReviewCard.mastered_at.is_not(None))) > 0
    assert service.due_count(cadre01.id, today) >= 3
    assert service.streak(cadre01.id, today) >= 7
    assert service.most_missed(cadre01.id) and service.book_size(cadre01.id) > 0
    # the book was built by the same rules as record_result: one log row per answer that touched an entry
    assert count(ReviewLog) >= count(ReviewCard)
    assert db.session.scalar(select(func.count()).select_from(DrillItem)
                             .where(DrillItem.answered_at >= local_day_bounds(today)[0])) == 0
