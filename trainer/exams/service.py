"""Exams: creating and changing them, who they are for, which ones a cadre can take.

Taking them (start, save, submit, grade) is in attempts.py; both are reached through this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from trainer.audit import service as audit
from trainer.banks.models import Bank, Chapter, Question, QuestionStatus, ReviewState
from trainer.errors import NotFound, ServiceError
from trainer.exams import paper
from trainer.exams.attempts import (  # noqa: F401
    close_overdue,
    get_attempt,
    has_seen_answer,
    prepare_papers,
    reopen,
    results_visible,
    save_answer,
    start_attempt,
    submit_attempt,
)
from trainer.exams.models import (
    Attempt,
    AttemptState,
    Audience,
    CountPolicy,
    DrawRule,
    Exam,
    ExamAudienceUser,
    ExamKind,
    ExamQuestion,
    QuestionMode,
    ResultsPolicy,
)
from trainer.extensions import db
from trainer.grading.types import POLICIES, TYPES
from trainer.org import service as org
from trainer.org.models import Role, User
from trainer.timeutil import utcnow
from trainer.web import Page, paginate

audit.register_actions({
    "exam.create": "新建考试", "exam.update": "修改考试", "exam.copy": "复制考试", "exam.open": "开放考试",
    "exam.close": "结束考试", "exam.publish": "发布考试", "exam.prepare": "提前备卷", "attempt.reopen": "重新开放答卷",
    "attempt.grade": "人工评分", "exam.regrade": "重新评分",
})


@dataclass
class ExamData:
    title: str
    kind: ExamKind
    description: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    time_limit_minutes: int | None = None
    max_attempts: int = 1
    count_policy: CountPolicy = CountPolicy.best
    pass_percent: int = 60
    shuffle_questions: bool = True
    shuffle_options: bool = True
    results_policy: ResultsPolicy = ResultsPolicy.immediately
    scoring_policy: str = "all_or_nothing"
    audience: Audience = Audience.everyone
    unit_ids: list[int] | None = None
    user_ids: list[int] | None = None
    question_mode: QuestionMode = QuestionMode.draw
    issue_certificates: bool = False


def get_exam(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise NotFound("考试不存在")
    return exam


def _check(data: ExamData) -> None:
    if not data.title.strip():
        raise ServiceError("请填写标题", field="title")
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        raise ServiceError("结束时间须晚于开始时间", field="closes_at")
    if data.time_limit_minutes is not None and not 1 <= data.time_limit_minutes <= 600:
        raise ServiceError("限时须为 1–600 分钟", field="time_limit_minutes")
    if not 1 <= data.max_attempts <= 20:
        raise ServiceError("允许作答次数须为 1–20", field="max_attempts")
    if not 0 <= data.pass_percent <= 100:
        raise ServiceError("及格线须为 0–100", field="pass_percent")
    if data.scoring_policy not in POLICIES:
        raise ServiceError("未知的计分方式", field="scoring_policy")
    if data.audience == Audience.units and not data.unit_ids:
        raise ServiceError("请选择参加的单位", field="unit_ids")
    if data.audience == Audience.people and not data.user_ids:
        raise ServiceError("请选择参加的人员", field="user_ids")


def _apply(exam: Exam, data: ExamData) -> None:
    for attr in ("kind", "opens_at", "closes_at", "time_limit_minutes", "max_attempts", "count_policy", "pass_percent",
                 "shuffle_questions", "shuffle_options", "results_policy", "scoring_policy", "audience",
                 "question_mode", "issue_certificates"):
        setattr(exam, attr, getattr(data, attr))
    exam.title, exam.description = data.title.strip(), (data.description or "").strip()
    from trainer.org.models import OrgUnit

    exam.audience_units = (list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(data.unit_ids or []))))
                           if data.audience == Audience.units else [])
    exam.audience_users = (list(db.session.scalars(select(User).where(User.id.in_(data.user_ids or []))))
                           if data.audience == Audience.people else [])


def create_exam(actor, data: ExamData, ip: str = "") -> Exam:
    """A new unpublished exam; questions are added afterwards."""
    _check(data)
    exam = Exam(created_by_id=actor.id)
    _apply(exam, data)
    db.session.add(exam)
    db.session.flush()
    audit.record(actor, "exam.create", exam.title, ip=ip, exam_id=exam.id)
    db.session.commit()
    return exam


def has_attempts(exam: Exam) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.exam_id == exam.id, Attempt.state != AttemptState.prepared)))


def update_exam(actor, exam: Exam, data: ExamData, ip: str = "") -> Exam:
    _check(data)
    if has_attempts(exam) and data.question_mode != exam.question_mode:
        raise ServiceError("已有人作答，不能再改变出题方式", field="question_mode")
    _apply(exam, data)
    _discard_prepared(exam)
    audit.record(actor, "exam.update", exam.title, ip=ip, exam_id=exam.id)
    db.session.commit()
    return exam


def _discard_prepared(exam: Exam) -> None:
    """Papers prepared ahead are redrawn after any change to the exam's questions or rules."""
    for a in db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id,
                                                      Attempt.state == AttemptState.prepared)):
        db.session.delete(a)
    exam.papers_prepared_at = None


def add_rule(actor, exam: Exam, bank_id: int, chapter_id: int | None, qtype: str | None, difficulty: int | None,
             count: int, points: float) -> DrawRule:
    """Add a draw rule, refusing one that cannot be filled."""
    bank = db.session.get(Bank, bank_id)
    if bank is None:
        raise ServiceError("题库不存在", field="bank_id")
    if chapter_id and (db.session.get(Chapter, chapter_id) is None or db.session.get(Chapter, chapter_id).bank_id != bank.id):
        raise ServiceError("章节不属于该题库", field="chapter_id")
    if qtype and qtype not in TYPES:
        raise ServiceError("未知题型", field="type")
    if not 1 <= count <= 200:
        raise ServiceError("题数须为 1–200", field="count")
    if not 0 < points <= 100:
        raise ServiceError("每题分值须大于 0 且不超过 100", field="points")
    rule = DrawRule(exam=exam, bank_id=bank.id, chapter_id=chapter_id or None, type=qtype or None,
                    difficulty=difficulty or None, count=count, points=points, position=len(exam.draw_rules))
    db.session.add(rule)
    db.session.flush()
    problems = paper.rule_problems(exam)
    if problems:
        db.session.rollback()
        raise ServiceError("；".join(problems), field="count")
    exam.question_mode = QuestionMode.draw
    _discard_prepared(exam)
    audit.record(actor, "exam.update", exam.title, exam_id=exam.id, rule=f"{bank.slug} {count}×{points}")
    db.session.commit()
    return rule


def remove_rule(actor, exam: Exam, rule_id: int) -> None:
    rule = db.session.get(DrawRule, rule_id)
    if rule is None or rule.exam_id != exam.id:
        raise NotFound("规则不存在")
    db.session.delete(rule)
    _discard_prepared(exam)
    audit.record(actor, "exam.update", exam.title, exam_id=exam.id, removed_rule=rule_id)
    db.session.commit()


def add_fixed_question(actor, exam: Exam, question_id: int, points: float) -> None:
    q = db.session.get(Question, question_id)
    if q is None:
        raise NotFound("题目不存在")
    if q.status != QuestionStatus.active or q.review_state != ReviewState.reviewed:
        raise ServiceError("只有已审核、在用的题目可以用于考试")
    if any(eq.question_id == q.id for eq in exam.fixed_questions):
        raise ServiceError("这道题已在试卷中")
    if not 0 < points <= 100:
        raise ServiceError("每题分值须大于 0 且不超过 100")
    exam.fixed_questions.append(ExamQuestion(question_id=q.id, points=points, position=len(exam.fixed_questions)))
    exam.question_mode = QuestionMode.fixed
    _discard_prepared(exam)
    db.session.commit()


def remove_fixed_question(actor, exam: Exam, exam_question_id: int) -> None:
    eq = db.session.get(ExamQuestion, exam_question_id)
    if eq is None or eq.exam_id != exam.id:
        raise NotFound("题目不在试卷中")
    db.session.delete(eq)
    _discard_prepared(exam)
    db.session.commit()


def question_search(bank_id: int | None, text: str, exclude: set[int], limit: int = 30):
    """Reviewed active questions to add to a fixed list: (Question, QuestionVersion) rows."""
    from trainer.banks.models import QuestionVersion

    stmt = (select(Question, QuestionVersion).join(QuestionVersion, paper._current())
            .where(Question.status == QuestionStatus.active, Question.review_state == ReviewState.reviewed)
            .order_by(Question.id).limit(limit))
    if bank_id:
        stmt = stmt.where(Question.bank_id == bank_id)
    if text:
        stmt = stmt.where(or_(QuestionVersion.stem.contains(text), Question.key == text))
    if exclude:
        stmt = stmt.where(Question.id.not_in(exclude))
    return db.session.execute(stmt).all()


def total_points(exam: Exam) -> float:
    if exam.question_mode == QuestionMode.fixed:
        return sum(eq.points for eq in exam.fixed_questions)
    return sum(r.count * r.points for r in exam.draw_rules)


def question_count(exam: Exam) -> int:
    if exam.question_mode == QuestionMode.fixed:
        return len(exam.fixed_questions)
    return sum(r.count for r in exam.draw_rules)


def publish(actor, exam: Exam, ip: str = "") -> None:
    problems = paper.rule_problems(exam)
    if problems:
        raise ServiceError("不能发布：" + "；".join(problems))
    exam.published = True
    audit.record(actor, "exam.publish", exam.title, ip=ip, exam_id=exam.id)
    db.session.commit()


def open_now(actor, exam: Exam, ip: str = "") -> None:
    """Publish and open the window now (papers are prepared for the whole audience)."""
    problems = paper.rule_problems(exam)
    if problems:
        raise ServiceError("不能开放：" + "；".join(problems))
    now = utcnow()
    exam.published = True
    exam.opens_at = now
    if exam.closes_at and exam.closes_at <= now:
        exam.closes_at = None
    audit.record(actor, "exam.open", exam.title, ip=ip, exam_id=exam.id)
    db.session.commit()
    prepare_papers(exam)


def close_now(actor, exam: Exam, ip: str = "") -> int:
    """End the window now and grade every unsubmitted attempt with what was saved."""
    exam.closes_at = utcnow()
    audit.record(actor, "exam.close", exam.title, ip=ip, exam_id=exam.id)
    db.session.commit()
    return close_overdue(exam_id=exam.id)


def copy_exam(actor, exam: Exam, ip: str = "") -> Exam:
    twin = Exam(created_by_id=actor.id, title=f"{exam.title}（副本）", published=False)
    for attr in ("kind", "description", "time_limit_minutes", "max_attempts", "count_policy", "pass_percent",
                 "shuffle_questions", "shuffle_options", "results_policy", "scoring_policy", "audience",
                 "question_mode", "issue_certificates"):
        setattr(twin, attr, getattr(exam, attr))
    twin.audience_units = list(exam.audience_units)
    twin.audience_users = list(exam.audience_users)
    for eq in exam.fixed_questions:
        twin.fixed_questions.append(ExamQuestion(question_id=eq.question_id, points=eq.points, position=eq.position))
    for r in exam.draw_rules:
        twin.draw_rules.append(DrawRule(bank_id=r.bank_id, chapter_id=r.chapter_id, type=r.type,
                                        difficulty=r.difficulty, count=r.count, points=r.points, position=r.position))
    db.session.add(twin)
    db.session.flush()
    audit.record(actor, "exam.copy", twin.title, ip=ip, exam_id=twin.id, source=exam.id)
    db.session.commit()
    return twin


# ---- audience and availability -------------------------------------------------

def audience_filter(exam: Exam):
    """A condition on User selecting the exam's audience (active cadres, mentors and admins in scope)."""
    cond = User.active.is_(True)
    if exam.audience == Audience.units:
        ids: set[int] = set()
        for u in exam.audience_units:
            ids.update(org.subtree_ids(u.id))
        return and_(cond, User.unit_id.in_(ids))
    if exam.audience == Audience.people:
        return and_(cond, User.id.in_(select(ExamAudienceUser.user_id).where(ExamAudienceUser.exam_id == exam.id)))
    return and_(cond, User.role != Role.admin)


def audience(exam: Exam) -> list[User]:
    return list(db.session.scalars(select(User).where(audience_filter(exam)).order_by(User.unit_id, User.id)))


def in_audience(exam: Exam, user: User) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User).where(User.id == user.id, audience_filter(exam))))


def is_open(exam: Exam, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (exam.published and (exam.opens_at is None or exam.opens_at <= now)
            and (exam.closes_at is None or now < exam.closes_at))


def window_state(exam: Exam, now: datetime | None = None) -> str:
    """未发布 / 未开始 / 进行中 / 已结束"""
    now = now or utcnow()
    if not exam.published:
        return "未发布"
    if exam.opens_at and now < exam.opens_at:
        return "未开始"
    if exam.closes_at and now >= exam.closes_at:
        return "已结束"
    return "进行中"


def exams_for(user: User, now: datetime | None = None) -> list[Exam]:
    """Published exams whose audience includes the user, newest first."""
    now = now or utcnow()
    exams = db.session.scalars(select(Exam).where(Exam.published.is_(True)).order_by(Exam.opens_at.desc(), Exam.id.desc()))
    return [e for e in exams if in_audience(e, user)]


def attempts_of(user: User, exam_ids: list[int] | None = None) -> list[Attempt]:
    stmt = select(Attempt).where(Attempt.user_id == user.id, Attempt.state != AttemptState.prepared)
    if exam_ids is not None:
        stmt = stmt.where(Attempt.exam_id.in_(exam_ids))
    return list(db.session.scalars(stmt.order_by(Attempt.started_at.desc())))


def list_exams(page: int, kind: str | None = None, q: str | None = None) -> Page:
    stmt = select(Exam).order_by(Exam.id.desc())
    if kind in {k.value for k in ExamKind}:
        stmt = stmt.where(Exam.kind == ExamKind(kind))
    if q:
        stmt = stmt.where(Exam.title.contains(q))
    return paginate(stmt, page, 20)


def attempt_counts(exam_ids: list[int]) -> dict[int, tuple[int, int]]:
    """exam id → (people who submitted, people who started)."""
    rows = db.session.execute(
        select(Attempt.exam_id, Attempt.state, func.count(func.distinct(Attempt.user_id)))
        .where(Attempt.exam_id.in_(exam_ids), Attempt.state != AttemptState.prepared)
        .group_by(Attempt.exam_id, Attempt.state)).all()
    out: dict[int, list[int]] = {}
    for exam_id, state, n in rows:
        c = out.setdefault(exam_id, [0, 0])
        c[1] += n
        if state in (AttemptState.graded, AttemptState.needs_grading):
            c[0] += n
    return {k: (v[0], v[1]) for k, v in out.items()}


@dataclass
class Participation:
    user: User
    attempt: Attempt | None  # the counted attempt, else the latest one
    attempts: int


def participation(exam: Exam) -> list[Participation]:
    """Everyone in the audience with their counted (or latest) attempt."""
    people = audience(exam)
    attempts = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id,
                                                        Attempt.state != AttemptState.prepared)
                                  .order_by(Attempt.number)).all()
    by_user: dict[int, list[Attempt]] = {}
    for a in attempts:
        by_user.setdefault(a.user_id, []).append(a)
    extra = set(by_user) - {u.id for u in people}
    if extra:
        people += list(db.session.scalars(select(User).where(User.id.in_(extra))))
    out = []
    for u in people:
        mine = by_user.get(u.id, [])
        counted = next((a for a in mine if a.counted), None) or (mine[-1] if mine else None)
        out.append(Participation(u, counted, len(mine)))
    return out
