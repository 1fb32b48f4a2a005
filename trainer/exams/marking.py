"""Grading by a person (short answers) and regrading after a question's key is corrected."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from trainer.audit import service as audit
from trainer.banks.models import Question, QuestionVersion
from trainer.errors import NotFound, ServiceError
from trainer.exams.attempts import _total, feed_book, grade_items
from trainer.exams.models import Attempt, AttemptEvent, AttemptItem, AttemptState, Exam
from trainer.extensions import db
from trainer.grading.types import TYPES
from trainer.timeutil import utcnow


@dataclass
class QueueEntry:
    exam: Exam
    question_id: int
    stem: str
    waiting: int


def grading_queue() -> list[QueueEntry]:
    """Per exam and question, how many answers wait for a person to grade them."""
    rows = db.session.execute(
        select(Attempt.exam_id, AttemptItem.question_id, func.min(AttemptItem.version_id), func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.state == "needs_grading", Attempt.state == AttemptState.needs_grading)
        .group_by(Attempt.exam_id, AttemptItem.question_id)).all()
    exams = {e.id: e for e in db.session.scalars(select(Exam).where(Exam.id.in_({r[0] for r in rows})))}
    stems = dict(db.session.execute(select(QuestionVersion.id, QuestionVersion.stem)
                                    .where(QuestionVersion.id.in_({r[2] for r in rows}))).all())
    return [QueueEntry(exams[e], q, stems[v], n) for e, q, v, n in rows]


def items_to_grade(exam_id: int, question_id: int, include_graded: bool = False) -> list[AttemptItem]:
    stmt = (select(AttemptItem).join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(Attempt.exam_id == exam_id, AttemptItem.question_id == question_id,
                   Attempt.state.in_((AttemptState.needs_grading, AttemptState.graded)))
            .order_by(AttemptItem.id))
    if not include_graded:
        stmt = stmt.where(AttemptItem.state == "needs_grading")
    return list(db.session.scalars(stmt))


def grade_item(actor, item_id: int, score: float, comment: str = "", ip: str = "") -> AttemptItem:
    """A person's score and comment for one answer; the attempt becomes final when nothing waits."""
    item = db.session.get(AttemptItem, item_id)
    if item is None:
        raise NotFound("答案不存在")
    if item.attempt.state not in (AttemptState.needs_grading, AttemptState.graded):
        raise ServiceError("答卷尚未提交")
    if TYPES[item.version.type].auto:
        raise ServiceError("客观题由系统评分")
    if score is None or not 0 <= score <= item.points:
        raise ServiceError(f"得分须在 0–{item.points:g} 之间", field="score")
    old = item.score
    item.score, item.comment = round(score, 2), (comment or "").strip()[:2000]
    item.state = "graded"
    item.graded_by_id, item.graded_at = actor.id, utcnow()
    attempt = item.attempt
    now = utcnow()
    _total(attempt, now)
    if attempt.state == AttemptState.graded:
        db.session.add(AttemptEvent(attempt_id=attempt.id, kind="graded", at=now, by_id=actor.id))
        feed_book(attempt, now)
    audit.record(actor, "attempt.grade", f"{attempt.exam.title} / {attempt.user.name}", ip=ip, item=item.id,
                 old=old, new=item.score)
    db.session.commit()
    return item


@dataclass
class RegradeResult:
    attempts: int
    changed: int


def versions_in_use(exam_id: int | None = None) -> list[tuple[Question, QuestionVersion, int]]:
    """Question versions shown in submitted attempts that are not their question's current version."""
    stmt = (select(AttemptItem.version_id, func.count()).join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(Attempt.state.in_((AttemptState.graded, AttemptState.needs_grading)))
            .group_by(AttemptItem.version_id))
    if exam_id:
        stmt = stmt.where(Attempt.exam_id == exam_id)
    counts = dict(db.session.execute(stmt).all())
    versions = db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(counts))).all()
    return [(v.question, v, counts[v.id]) for v in versions if v.n != v.question.current_n]


def regrade(actor, question_id: int, from_version_id: int, exam_id: int | None = None, ip: str = "") -> RegradeResult:
    """Grade again, against the question's current key, every answer given to an older version.

    The option lists must match (answers are stored as option positions); old and new scores are kept
    in the attempt's events."""
    question = db.session.get(Question, question_id)
    old = db.session.get(QuestionVersion, from_version_id)
    if question is None or old is None or old.question_id != question.id:
        raise NotFound("题目版本不存在")
    new = question.current
    if new.id == old.id:
        raise ServiceError("这已是当前版本，无需重新评分")
    if new.type != old.type or len(new.options or []) != len(old.options or []):
        raise ServiceError("新旧版本的题型或选项数不同，不能按新答案重新评分")
    stmt = (select(AttemptItem).join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(AttemptItem.version_id == old.id,
                   Attempt.state.in_((AttemptState.graded, AttemptState.needs_grading))))
    if exam_id:
        stmt = stmt.where(Attempt.exam_id == exam_id)
    items = list(db.session.scalars(stmt))
    now = utcnow()
    changed = 0
    touched: dict[int, Attempt] = {}
    for item in items:
        before_item, before_total = item.score, item.attempt.score
        item.key_version_id = new.id
        grade_items(item.attempt, [item])
        attempt = item.attempt
        _total(attempt, now)
        touched[attempt.id] = attempt
        if item.score != before_item:
            changed += 1
        db.session.add(AttemptEvent(attempt_id=attempt.id, kind="regraded", at=now, by_id=actor.id, detail={
            "question": question.key, "from_version": old.n, "to_version": new.n, "item_old": before_item,
            "item_new": item.score, "old": before_total, "new": attempt.score}))
    audit.record(actor, "exam.regrade", f"{question.bank.slug}/{question.key}", ip=ip, from_version=old.n,
                 to_version=new.n, attempts=len(touched), changed=changed)
    db.session.commit()
    return RegradeResult(attempts=len(touched), changed=changed)
