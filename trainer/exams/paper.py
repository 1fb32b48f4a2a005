"""Composing papers: which question versions an attempt shows, in what order, with what option order.

A draw prefers questions the cadre has not seen in earlier attempts of the same exam or in the
weekly quizzes of the last RECENT_WEEKS weeks; seen ones fill in only when the unseen run out.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from trainer.banks.models import Question, QuestionStatus, QuestionVersion, ReviewState
from trainer.exams.models import Attempt, AttemptItem, DrawRule, Exam, ExamKind, QuestionMode
from trainer.extensions import db
from trainer.timeutil import utcnow

RECENT_WEEKS = 8


@dataclass
class PaperItem:
    question_id: int
    version_id: int
    points: float
    option_order: list[int] | None


@dataclass
class Candidate:
    question_id: int
    version_id: int
    n_options: int
    type: str


def _current():
    return (QuestionVersion.question_id == Question.id) & (QuestionVersion.n == Question.current_n)


def candidates(rule: DrawRule) -> list[Candidate]:
    """Active, reviewed questions (current versions) matching a draw rule."""
    stmt = (select(Question.id, QuestionVersion.id, QuestionVersion.options, QuestionVersion.type)
            .join(QuestionVersion, _current())
            .where(Question.bank_id == rule.bank_id, Question.status == QuestionStatus.active,
                   Question.review_state == ReviewState.reviewed)
            .order_by(Question.id))
    if rule.chapter_id:
        stmt = stmt.where(Question.chapter_id == rule.chapter_id)
    if rule.type:
        stmt = stmt.where(QuestionVersion.type == rule.type)
    if rule.difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == rule.difficulty)
    return [Candidate(qid, vid, len(opts or []), t) for qid, vid, opts, t in db.session.execute(stmt)]


def rule_problems(exam: Exam) -> list[str]:
    """Why the exam's questions cannot be composed (empty when every rule can be filled)."""
    problems = []
    if exam.question_mode == QuestionMode.fixed:
        if not exam.fixed_questions:
            problems.append("还没有选择题目")
        for eq in exam.fixed_questions:
            q = eq.question
            if q.status != QuestionStatus.active or q.review_state != ReviewState.reviewed:
                problems.append(f"题目 {q.key} 未审核或已停用，不能用于考试")
        return problems
    if not exam.draw_rules:
        problems.append("还没有抽题规则")
    taken: set[int] = set()
    for i, rule in enumerate(exam.draw_rules, start=1):
        pool = [c for c in candidates(rule) if c.question_id not in taken]
        if len(pool) < rule.count:
            problems.append(f"第 {i} 条规则需要 {rule.count} 题，符合条件的已审核题目只有 {len(pool)} 道")
        taken.update(c.question_id for c in pool[: rule.count])
    return problems


def seen_questions(user_ids: list[int], exam: Exam) -> dict[int, set[int]]:
    """Per user, questions shown in earlier attempts of this exam or recent weekly quizzes."""
    since = utcnow() - timedelta(weeks=RECENT_WEEKS)
    stmt = (select(Attempt.user_id, AttemptItem.question_id)
            .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
            .join(Exam, Exam.id == Attempt.exam_id)
            .where(Attempt.user_id.in_(user_ids),
                   (Attempt.exam_id == exam.id) | ((Exam.kind == ExamKind.weekly) & (Attempt.prepared_at >= since))))
    seen: dict[int, set[int]] = {u: set() for u in user_ids}
    for uid, qid in db.session.execute(stmt):
        seen[uid].add(qid)
    return seen


class Composer:
    """Composes papers for one exam; loads the candidate pools once for many cadres."""

    def __init__(self, exam: Exam):
        self.exam = exam
        if exam.question_mode == QuestionMode.fixed:
            ids = [eq.question_id for eq in exam.fixed_questions]
            rows = db.session.execute(
                select(Question.id, QuestionVersion.id, QuestionVersion.options, QuestionVersion.type)
                .join(QuestionVersion, _current()).where(Question.id.in_(ids))).all()
            by_id = {qid: Candidate(qid, vid, len(opts or []), t) for qid, vid, opts, t in rows}
            self.fixed = [(by_id[eq.question_id], eq.points) for eq in exam.fixed_questions if eq.question_id in by_id]
        else:
            self.pools = [(rule, candidates(rule)) for rule in exam.draw_rules]

    def compose(self, seen: set[int], rng: random.Random) -> list[PaperItem]:
        exam = self.exam
        chosen: list[tuple[Candidate, float]] = []
        if exam.question_mode == QuestionMode.fixed:
            chosen = list(self.fixed)
        else:
            taken: set[int] = set()
            for rule, pool in self.pools:
                fresh = [c for c in pool if c.question_id not in taken and c.question_id not in seen]
                stale = [c for c in pool if c.question_id not in taken and c.question_id in seen]
                rng.shuffle(fresh)
                rng.shuffle(stale)
                picked = (fresh + stale)[: rule.count]
                taken.update(c.question_id for c in picked)
                chosen.extend((c, rule.points) for c in picked)
        if exam.shuffle_questions:
            rng.shuffle(chosen)
        items = []
        for c, points in chosen:
            order = None
            if c.type in ("single", "multiple") and exam.shuffle_options:
                order = list(range(c.n_options))
                rng.shuffle(order)
            items.append(PaperItem(c.question_id, c.version_id, points, order))
        return items
