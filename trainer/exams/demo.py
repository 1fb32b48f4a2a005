"""Demo exams: eight weeks of weekly quizzes with the cadres' attempts, this week's quiz open now,
next week's quiz scheduled, and a formal exam with short answers waiting to be graded."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from trainer.banks.models import Bank, QuestionVersion
from trainer.exams import paper
from trainer.exams.attempts import _finalise, mark_counted
from trainer.exams.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    DrawRule,
    Exam,
    ExamKind,
    QuestionMode,
    ResultsPolicy,
)
from trainer.extensions import db
from trainer.grading.types import TYPES, QuestionSpec
from trainer.timeutil import from_local, local_today, utcnow

WEEKS = 8


def _wednesday(weeks_ago: int) -> datetime:
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(days=2) - timedelta(weeks=weeks_ago)
    return from_local(datetime(day.year, day.month, day.day, 20, 30))


def _answer(spec: QuestionSpec, skill: float, rng: random.Random):
    """A plausible response: right with probability skill, else a near miss."""
    right = rng.random() < skill
    if spec.type == "single":
        return spec.answer[0] if right else rng.choice([i for i in range(len(spec.options)) if i not in spec.answer])
    if spec.type == "multiple":
        if right:
            return sorted(spec.answer)
        return sorted(set(spec.answer[:-1]) | ({rng.randrange(len(spec.options))} if rng.random() < .5 else set()))
    if spec.type == "judge":
        return spec.answer if right else (not spec.answer)
    if spec.type == "fill":
        return [b[0] if right else "不清楚" for b in spec.answer["blanks"]]
    points = spec.answer.get("points") or []
    return "；".join(p["point"] for p in points if rng.random() < skill) or "按照条例有关规定依法办理。"


def _sit(exam: Exam, user, composer: paper.Composer, started: datetime, skill: float, rng: random.Random,
         finish: bool = True) -> Attempt:
    items = composer.compose(set(), rng)
    attempt = Attempt(exam_id=exam.id, user_id=user.id, number=1, state=AttemptState.in_progress,
                      prepared_at=started, started_at=started, max_score=sum(i.points for i in items),
                      deadline=started + timedelta(minutes=exam.time_limit_minutes or 30))
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_([i.version_id for i in items])))}
    for n, it in enumerate(items, start=1):
        v = versions[it.version_id]
        spec = QuestionSpec(v.type, v.stem, list(v.options or []), v.answer)
        spent = rng.randint(8_000, 60_000)
        attempt.items.append(AttemptItem(position=n, question_id=it.question_id, version_id=v.id, points=it.points,
                                         option_order=it.option_order, response=TYPES[v.type].normalise(
                                             _answer(spec, skill, rng), spec),
                                         saved_at=started + timedelta(seconds=n * 40), time_spent_ms=spent))
    db.session.add(attempt)
    db.session.flush()
    if finish:
        attempt.state = AttemptState.needs_grading
        attempt.submitted_at = started + timedelta(minutes=rng.randint(8, min(exam.time_limit_minutes or 30, 28)))
        attempt.focus_lost_count = rng.choice([0, 0, 0, 0, 1, 2])
        _finalise(attempt, attempt.submitted_at)
    return attempt


def seed(ctx: dict) -> None:
    bank = db.session.scalar(select(Bank).where(Bank.slug == "religious-affairs")) or db.session.scalar(select(Bank))
    if bank is None:
        return
    rng: random.Random = ctx.get("rng") or random.Random(7)
    admin = ctx["users"]["admin"][0]
    people = ctx["users"]["cadre"] + ctx["users"]["mentor"]
    skill = {u.id: rng.uniform(.55, .95) for u in people}
    chapters = list(bank.chapters)
    exams = []
    for week in range(WEEKS, -2, -1):  # eight past weeks, this week (open), next week (scheduled)
        opens = _wednesday(week)
        chapter = chapters[(WEEKS - week) % len(chapters)] if chapters else None
        title = f"第{WEEKS - week + 1}期每周测验：{chapter.title if chapter else bank.title}"
        exam = Exam(title=title, kind=ExamKind.weekly, opens_at=opens, closes_at=opens + timedelta(days=4),
                    time_limit_minutes=20, max_attempts=1, pass_percent=60, results_policy=ResultsPolicy.immediately,
                    question_mode=QuestionMode.draw, published=True, created_by_id=admin.id,
                    issue_certificates=week == 1,
                    description="本周夜校内容测验。共 10 题，限时 20 分钟，答题中途断网不丢答案。")
        exam.draw_rules = [DrawRule(bank_id=bank.id, chapter_id=chapter.id if chapter else None, type=t, count=n,
                                    points=p, position=i)
                           for i, (t, n, p) in enumerate([("single", 4, 10), ("multiple", 2, 10), ("judge", 3, 10),
                                                          ("fill", 1, 10)])]
        db.session.add(exam)
        db.session.flush()
        if paper.rule_problems(exam):  # a chapter too small for these rules: draw from the whole bank
            for r in exam.draw_rules:
                r.chapter_id = None
            db.session.flush()
        exams.append(exam)
        if week <= 0:
            continue
        composer = paper.Composer(exam)
        for u in people:
            if rng.random() < .88:
                _sit(exam, u, composer, opens + timedelta(hours=rng.uniform(0, 70)), skill[u.id], rng)
    db.session.flush()
    current = exams[-2]
    composer = paper.Composer(current)
    for u in people[: len(people) // 2]:
        _sit(current, u, composer, min(utcnow(), current.opens_at) + timedelta(minutes=5), skill[u.id], rng)
    exams[-1].published = True

    formal = Exam(title="宗教事务条例知识考试（结业考试）", kind=ExamKind.formal, opens_at=_wednesday(2) - timedelta(days=1),
                  closes_at=_wednesday(2) + timedelta(days=2), time_limit_minutes=40, pass_percent=60,
                  results_policy=ResultsPolicy.immediately, question_mode=QuestionMode.draw, published=True,
                  created_by_id=admin.id, description="闭卷考试，含简答题，由阅卷人评分。")
    formal.draw_rules = [DrawRule(bank_id=bank.id, type=t, count=n, points=p, position=i) for i, (t, n, p) in
                         enumerate([("single", 10, 3), ("multiple", 5, 4), ("judge", 5, 2), ("fill", 3, 4),
                                    ("short", 1, 8)])]
    db.session.add(formal)
    db.session.flush()
    if not paper.rule_problems(formal):
        composer = paper.Composer(formal)
        for u in people[:12]:
            _sit(formal, u, composer, formal.opens_at + timedelta(hours=rng.uniform(1, 30)), skill[u.id], rng)
    for u in people:
        mark_counted(formal, u.id)
    ctx["exams"] = exams + [formal]
    ctx["echo"](f"演示考试 {len(exams) + 1} 场（本周测验进行中）")
