"""Demo competitions: last month's knowledge competition (finished, frozen for its last 15 minutes, revealed,
awards and honour certificates) with attempts from cadres across offices and towns, next week's competition
scheduled, and eight weeks of season points."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from trainer.banks.models import Bank
from trainer.competitions import points, service
from trainer.competitions.models import AwardBasis, CompetitionSetting
from trainer.exams import paper
from trainer.exams.demo import _sit
from trainer.exams.models import DrawRule, Exam, ExamKind, QuestionMode, ResultsPolicy
from trainer.extensions import db
from trainer.timeutil import from_local, local_today, utcnow

RULES = [("single", 10, 3), ("multiple", 5, 4), ("judge", 10, 2), ("fill", 5, 2)]


def _competition(title: str, bank: Bank, opens: datetime, minutes: int, admin, description: str) -> Exam:
    exam = Exam(title=title, kind=ExamKind.competition, opens_at=opens, closes_at=opens + timedelta(minutes=minutes),
                time_limit_minutes=30, max_attempts=1, pass_percent=60, results_policy=ResultsPolicy.after_close,
                question_mode=QuestionMode.draw, published=True, created_by_id=admin.id, description=description)
    exam.draw_rules = [DrawRule(bank_id=bank.id, type=t, count=n, points=p, position=i)
                       for i, (t, n, p) in enumerate(RULES)]
    db.session.add(exam)
    db.session.flush()
    if paper.rule_problems(exam):  # a small bank: fewer questions of each type
        for r in exam.draw_rules:
            r.count = max(1, r.count // 3)
        db.session.flush()
    return exam


def seed(ctx: dict) -> None:
    bank = db.session.scalar(select(Bank).where(Bank.slug == "religious-affairs")) or db.session.scalar(select(Bank))
    if bank is None:
        return
    rng = random.Random(2027)
    admin = ctx["users"]["admin"][0]
    people = ctx["users"]["cadre"] + ctx["users"]["mentor"]
    today = local_today()

    day = today - timedelta(days=17)
    opens = from_local(datetime(day.year, day.month, day.day, 19, 0))
    final = _competition("“红石榴杯”统一战线知识竞赛（决赛）", bank, opens, 60, admin,
                         "全市统战干部知识竞赛决赛：限时 30 分钟，按得分排名，同分比用时。最后 15 分钟封榜，赛后揭晓。")
    if not paper.rule_problems(final):
        composer = paper.Composer(final)
        # each unit sends a different share of its people, so the two unit averages differ
        share = {}
        for u in people:
            share.setdefault(u.unit_id, rng.choice([1.0, .9, .75, .5]))
            if rng.random() > share[u.unit_id]:
                continue
            started = opens + timedelta(minutes=rng.uniform(0, 28))
            attempt = _sit(final, u, composer, started, rng.uniform(.55, .97), rng)
            attempt.submitted_at += timedelta(seconds=rng.randint(0, 59))
            attempt.time_used_seconds = int((attempt.submitted_at - attempt.started_at).total_seconds())
            if rng.random() < .08:  # a few left the page often: marked for admins
                attempt.focus_lost_count = rng.randint(3, 6)
        db.session.flush()
    db.session.add(CompetitionSetting(exam_id=final.id, freeze_minutes=15, award_basis=AwardBasis.count, first=1,
                                      second=3, third=5, excellence=8,
                                      revealed_at=final.closes_at + timedelta(minutes=10), revealed_by_id=admin.id))
    db.session.flush()
    _honours(final, admin)

    day = today + timedelta(days=6)
    upcoming = _competition("“同心杯”民族宗教政策法规知识竞赛（初赛）", bank,
                            from_local(datetime(day.year, day.month, day.day, 19, 30)), 45, admin,
                            "各科室、镇街区统战干部全员参加。限时 30 分钟；最后 10 分钟封榜。")
    db.session.add(CompetitionSetting(exam_id=upcoming.id, freeze_minutes=10, award_basis=AwardBasis.share, first=5,
                                      second=10, third=15, excellence=20))
    db.session.flush()

    since, _ = points.local_range(points.week_start(today) - timedelta(weeks=8), today)
    added = points.refresh_points(since, utcnow())
    ctx["competitions"] = [final, upcoming]
    ctx["echo"](f"演示竞赛 2 场（决赛已揭晓，初赛未开始），学习积分 {added} 条")


def _honours(exam: Exam, admin) -> None:
    certificates = service._optional("trainer.certificates.service")
    if certificates is None:
        return
    specs = service.certificate_specs(exam.id)
    issued_on = (exam.closes_at + timedelta(days=2)).date()
    certificates.issue_batch([{**s, "issued_on": issued_on} for s in specs], issued_by=admin, commit=False)
