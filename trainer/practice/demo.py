"""Demo: five weeks of drills by most cadres and mentors, reviews of their wrong-answer books, some due today.

Uses whatever banks the demo loaded; with no bank (or no drawable question) it creates nothing.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from trainer.banks.models import Bank, Question, QuestionVersion
from trainer.extensions import db
from trainer.grading.types import TYPES, QuestionSpec
from trainer.practice import service
from trainer.practice.models import Drill, DrillItem, DrillKind, ResultSource, ReviewCard
from trainer.timeutil import from_local, local_today

WEEKS = 5
SHOWCASE = {"cadre01", "mentor1"}  # demo logins that always have a history


def seed(ctx: dict) -> None:
    rng: random.Random = ctx.get("rng") or random.Random(2026)
    pool = service.list_drawable()
    if not pool:
        ctx["echo"]("练兵演示数据：没有可练习的题目，跳过")
        return
    by_bank: dict[int, list] = {}
    for q, v in pool:
        by_bank.setdefault(q.bank_id, []).append((q, v))
    by_id = {q.id: (q, v) for q, v in pool}
    users = ctx["users"]
    people = list(users["cadre"]) + list(users["mentor"])
    today = local_today()
    drills = answers = 0
    with db.session.no_autoflush:
        for n, user in enumerate(people):
            first = n == 0  # cadre01: a steady daily habit, so the streak and today's review show
            if user.username not in SHOWCASE and rng.random() < 0.15:
                continue  # a few people have not practised yet
            # the exams demo already put this person's wrong exam answers into the book
            book: dict[int, ReviewCard] = {c.question_id: c for c in db.session.scalars(
                select(ReviewCard).where(ReviewCard.user_id == user.id))}
            skill = 0.85 if first else rng.uniform(0.55, 0.92)
            habit = 1.0 if first else rng.uniform(0.1, 0.45)
            for back in range(WEEKS * 7, 0, -1):  # nobody has practised yet today
                day = today - timedelta(days=back)
                daily = first and back <= 8
                if not daily and rng.random() > habit:
                    continue
                clock = _clock(rng, day)
                due = [c for c in book.values() if c.mastered_at is None and c.due <= day][:service.MAX_REVIEW]
                if due:
                    answers += len(due)
                    drills += 1
                    clock = _review(user, book, due, by_id, day, clock, skill, rng)
                size = 10 if daily else rng.choice([5, 10, 10, 20])
                answers += _drill(user, book, by_bank, size, clock, skill, rng, whole_bank=daily)
                drills += 1
            if first:
                _due_today(book, today)
            db.session.flush()
    ctx["echo"](f"练兵演示数据：{drills} 次练习，{answers} 次作答")


def _clock(rng: random.Random, day) -> datetime:
    """A local time of day people practise: lunch break or evening."""
    hour = rng.choice([12, 12, 13, 19, 20, 21, 21, 22])
    return from_local(datetime.combine(day, time(hour, rng.randint(0, 59))))


def _respond(v: QuestionVersion, right: bool, rng: random.Random):
    spec = QuestionSpec(v.type, v.stem, list(v.options or []), v.answer)
    if right:
        return TYPES[v.type].correct_response(spec)
    if v.type == "single":
        return rng.choice([i for i in range(len(v.options)) if i not in v.answer])
    if v.type == "multiple":
        return sorted(v.answer[:1])
    if v.type == "judge":
        return not v.answer
    if v.type == "fill":
        return ["不清楚"] * len(v.answer["blanks"])
    return "记不太清，大致是依法管理。"


def _answer(drill: Drill, user, book: dict, pos: int, q: Question, v: QuestionVersion, at: datetime, right: bool,
            rng: random.Random) -> None:
    order = list(range(len(v.options or [])))
    if v.type in service.CHOICE_TYPES:
        rng.shuffle(order)
    state = "needs_grading" if v.type == "short" else ("right" if right else "wrong")
    drill.items.append(DrillItem(user_id=user.id, position=pos, question_id=q.id, version_id=v.id, option_order=order,
                                 response=_respond(v, right, rng), state=state, correct=right,
                                 shown_at=at - timedelta(seconds=40), answered_at=at,
                                 assessed_at=at if v.type == "short" else None))
    drill.answered += 1
    drill.right_count += 1 if right else 0
    # what record_result does, with the cadre's book kept in memory (thousands of answers)
    card = book.get(q.id)
    if card is None and not right:
        card = book[q.id] = service.new_card(user.id, q.id, at)
        db.session.add(card)
    if card is not None:
        source = ResultSource.review if drill.kind == DrillKind.review else ResultSource.drill
        service.apply_result(card, v.id, right, source, at)


def _drill(user, book: dict, by_bank: dict, size: int, clock: datetime, skill: float, rng: random.Random,
           whole_bank: bool = False) -> int:
    # a daily habit needs a bank large enough for the day's drill (the demo's sample document has only a few)
    banks = sorted(b for b in by_bank if not whole_bank or len(by_bank[b]) >= size) or sorted(by_bank)
    bank_id = rng.choice(banks)
    pool = by_bank[bank_id]
    chapters = sorted({q.chapter_id for q, _ in pool if q.chapter_id})
    chapter_id = rng.choice(chapters) if chapters and not whole_bank and rng.random() < 0.7 else None
    chosen = [p for p in pool if chapter_id is None or p[0].chapter_id == chapter_id]
    picked = rng.sample(chosen, min(size, len(chosen)))
    bank = db.session.get(Bank, bank_id)
    chapter = next((c for c in bank.chapters if c.id == chapter_id), None)
    drill = Drill(user_id=user.id, kind=DrillKind.drill, bank_id=bank_id, chapter_id=chapter_id, shuffle=True,
                  title=" · ".join(t for t in (bank.title, chapter.title if chapter else "") if t), size=len(picked),
                  answered=0, right_count=0, started_at=clock)
    db.session.add(drill)
    at = clock
    for pos, (q, v) in enumerate(picked, start=1):
        at += timedelta(seconds=rng.randint(25, 90))
        _answer(drill, user, book, pos, q, v, at, rng.random() < skill - 0.05 * (v.difficulty - 3), rng)
    drill.finished_at = at
    return len(picked)


def _review(user, book: dict, due: list[ReviewCard], by_id: dict, day, clock: datetime, skill: float,
            rng: random.Random) -> datetime:
    drill = Drill(user_id=user.id, kind=DrillKind.review, title=f"错题复习 · {day.month}月{day.day}日", shuffle=True,
                  size=len(due), answered=0, right_count=0, started_at=clock)
    db.session.add(drill)
    at = clock
    for pos, card in enumerate(due, start=1):
        q, v = by_id[card.question_id]
        at += timedelta(seconds=rng.randint(20, 70))
        _answer(drill, user, book, pos, q, v, at, rng.random() < min(0.95, skill + 0.05), rng)
    drill.finished_at = at
    return at + timedelta(minutes=rng.randint(2, 30))


def _due_today(book: dict, today) -> None:
    """cadre01 opens the demo with a few more entries due today (今日复习)."""
    waiting = sorted((c for c in book.values() if c.mastered_at is None and c.due > today), key=lambda c: c.due)
    for card in waiting[:3]:
        card.due = today
