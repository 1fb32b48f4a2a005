"""Demo: a quiz on the sample regulation's accepted questions, sat last week by most cadres and mentors, so
the article heat map has cells that open the article reader (the weekly quizzes cite texts not loaded)."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from trainer.banks.models import Question, QuestionStatus, QuestionVersion, ReviewState
from trainer.exams.attempts import grade_items, mark_counted
from trainer.exams.models import Attempt, AttemptItem, AttemptState, Exam, ExamKind, ExamQuestion, QuestionMode
from trainer.extensions import db
from trainer.grading.types import TYPES, QuestionSpec
from trainer.timeutil import utcnow

DOCUMENT = "示例：某市统一战线工作办法（示例文本）"


def _response(v: QuestionVersion, right: bool, rng: random.Random):
    spec = QuestionSpec(v.type, v.stem, list(v.options or []), v.answer)
    raw = TYPES[v.type].correct_response(spec)
    if right:
        return raw
    if v.type == "single":
        return next(i for i in range(len(v.options)) if i not in v.answer)
    if v.type == "multiple":
        return sorted(v.answer)[:1]
    if v.type == "judge":
        return not v.answer
    if v.type == "fill":
        return ["不清楚" for _ in v.answer.get("blanks", [])]
    return None


def seed(ctx: dict) -> None:
    versions = db.session.scalars(
        select(QuestionVersion).join(Question, (Question.id == QuestionVersion.question_id)
                                     & (QuestionVersion.n == Question.current_n))
        .where(QuestionVersion.ref_document == DOCUMENT, Question.status == QuestionStatus.active,
               Question.review_state == ReviewState.reviewed, QuestionVersion.type.in_(["single", "multiple", "judge",
                                                                                          "fill"]))
        .order_by(QuestionVersion.ref_article, Question.id)).all()[:10]
    if len(versions) < 3:
        return
    rng = random.Random(11)
    admin = ctx["users"]["admin"][0]
    people = ctx["users"]["cadre"] + ctx["users"]["mentor"]
    opens = utcnow() - timedelta(days=6)
    exam = Exam(title="示例办法条款测验", kind=ExamKind.practice, opens_at=opens, closes_at=opens + timedelta(days=3),
                time_limit_minutes=15, pass_percent=60, question_mode=QuestionMode.fixed, published=True,
                created_by_id=admin.id, description="依据示例原文出的条款小测验（演示数据）。")
    exam.fixed_questions = [ExamQuestion(question_id=v.question_id, position=i, points=10)
                            for i, v in enumerate(versions)]
    db.session.add(exam)
    db.session.flush()
    unit_skill = {u.id: rng.uniform(.45, .95) for u in ctx.get("units", {}).values()}
    article_ease = {v.ref_article: rng.uniform(.55, 1.15) for v in versions}
    sat = 0
    for u in people:
        if rng.random() > .85:
            continue
        skill = unit_skill.get(u.unit_id, .7)
        when = opens + timedelta(hours=rng.uniform(1, 60))
        a = Attempt(exam_id=exam.id, user_id=u.id, number=1, state=AttemptState.in_progress, prepared_at=when,
                    started_at=when, submitted_at=when + timedelta(minutes=rng.randint(4, 12)),
                    deadline=when + timedelta(minutes=15), max_score=10.0 * len(versions))
        for pos, v in enumerate(versions, start=1):
            right = rng.random() < min(.98, skill * article_ease[v.ref_article])
            a.items.append(AttemptItem(position=pos, question_id=v.question_id, version_id=v.id, points=10,
                                       response=_response(v, right, rng), saved_at=when, time_spent_ms=20_000))
        db.session.add(a)
        db.session.flush()
        grade_items(a)
        a.score = round(sum(i.score or 0 for i in a.items), 2)
        a.state, a.graded_at = AttemptState.graded, a.submitted_at
        a.passed = a.score >= a.max_score * exam.pass_percent / 100
        db.session.flush()
        mark_counted(exam, u.id)
        sat += 1
    ctx["echo"](f"条款测验 1 场（{len(versions)} 题，{sat} 人参加），供条款掌握热力图演示")
