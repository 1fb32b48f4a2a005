"""Exams, how their questions are chosen, and attempts with their items and events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.banks.models import Bank, Chapter, Question, QuestionVersion
from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import OrgUnit, User, enum_column
from trainer.timeutil import utcnow


class ExamKind(LabelledEnum):
    weekly = ("weekly", "每周测验")
    formal = ("formal", "考试")
    practice = ("practice", "练兵")
    competition = ("competition", "竞赛")


class ResultsPolicy(LabelledEnum):
    immediately = ("immediately", "交卷后立即公布成绩和答案")
    after_close = ("after_close", "考试结束后公布")
    never = ("never", "不公布（只告知已提交）")


class CountPolicy(LabelledEnum):
    best = ("best", "取最高分")
    last = ("last", "取最后一次")


class Audience(LabelledEnum):
    everyone = ("everyone", "全体人员")
    units = ("units", "指定单位")
    people = ("people", "指定人员")


class QuestionMode(LabelledEnum):
    fixed = ("fixed", "固定题目")
    draw = ("draw", "按规则抽题")


class AttemptState(LabelledEnum):
    prepared = ("prepared", "已备卷")
    in_progress = ("in_progress", "答题中")
    needs_grading = ("needs_grading", "待阅卷")
    graded = ("graded", "已评分")


class Exam(db.Model):
    """A quiz or exam: its window, rules, results policy, audience and question source."""

    __tablename__ = "exam"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ExamKind] = enum_column(ExamKind, index=True, default=ExamKind.weekly)
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    count_policy: Mapped[CountPolicy] = enum_column(CountPolicy, default=CountPolicy.best)
    pass_percent: Mapped[int] = mapped_column(Integer, default=60)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    results_policy: Mapped[ResultsPolicy] = enum_column(ResultsPolicy, default=ResultsPolicy.immediately)
    scoring_policy: Mapped[str] = mapped_column(String(24), default="all_or_nothing")
    audience: Mapped[Audience] = enum_column(Audience, default=Audience.everyone)
    question_mode: Mapped[QuestionMode] = enum_column(QuestionMode, default=QuestionMode.draw)
    issue_certificates: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # papers are prepared ahead for the whole audience when the window opens (the start spike)
    papers_prepared_at: Mapped[datetime | None] = mapped_column(DateTime)

    fixed_questions: Mapped[list[ExamQuestion]] = relationship(back_populates="exam", order_by="ExamQuestion.position",
                                                               cascade="all, delete-orphan")
    draw_rules: Mapped[list[DrawRule]] = relationship(back_populates="exam", order_by="DrawRule.position",
                                                      cascade="all, delete-orphan")
    audience_units: Mapped[list[OrgUnit]] = relationship(secondary="exam_audience_unit")
    audience_users: Mapped[list[User]] = relationship(secondary="exam_audience_user")
    created_by: Mapped[User | None] = relationship()


class ExamAudienceUnit(db.Model):
    __tablename__ = "exam_audience_unit"
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True)


class ExamAudienceUser(db.Model):
    __tablename__ = "exam_audience_user"
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class ExamQuestion(db.Model):
    """One question of a fixed list; the version is fixed when an attempt starts."""

    __tablename__ = "exam_question"
    __table_args__ = (UniqueConstraint("exam_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[float] = mapped_column(Float, default=1.0)

    exam: Mapped[Exam] = relationship(back_populates="fixed_questions")
    question: Mapped[Question] = relationship()


class DrawRule(db.Model):
    """Draw `count` questions from a bank (optionally a chapter, type, difficulty), `points` each."""

    __tablename__ = "draw_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="RESTRICT"))
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapter.id", ondelete="RESTRICT"))
    type: Mapped[str | None] = mapped_column(String(16))
    difficulty: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    points: Mapped[float] = mapped_column(Float, default=1.0)

    exam: Mapped[Exam] = relationship(back_populates="draw_rules")
    bank: Mapped[Bank] = relationship()
    chapter: Mapped[Chapter | None] = relationship()


class Attempt(db.Model):
    """One sitting of an exam by one cadre; its questions, order and deadline are fixed at start."""

    __tablename__ = "attempt"
    __table_args__ = (UniqueConstraint("exam_id", "user_id", "number"),
                      Index("ix_attempt_exam_counted", "exam_id", "counted"),
                      # the reports check every exam's counted attempts for changes on each visit: index-only
                      Index("ix_attempt_counted_exam_graded", "counted", "exam_id", "graded_at", "score"))
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[AttemptState] = enum_column(AttemptState, default=AttemptState.prepared, index=True)
    prepared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    deadline: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    graded_at: Mapped[datetime | None] = mapped_column(DateTime)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=0)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    time_used_seconds: Mapped[int | None] = mapped_column(Integer)
    # the attempt that counts for the exam (best or last, by the exam's rule), kept up to date on grading
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    # the wrong answers went into the cadre's wrong-answer book (only once the results policy shows the answers)
    book_fed: Mapped[bool] = mapped_column(Boolean, default=False)
    focus_lost_count: Mapped[int] = mapped_column(Integer, default=0)
    too_fast_count: Mapped[int] = mapped_column(Integer, default=0)

    exam: Mapped[Exam] = relationship()
    user: Mapped[User] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt", order_by="AttemptItem.position",
                                                    cascade="all, delete-orphan")
    events: Mapped[list[AttemptEvent]] = relationship(back_populates="attempt", order_by="AttemptEvent.at",
                                                      cascade="all, delete-orphan")

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


class AttemptItem(db.Model):
    """A question as shown in one attempt (its version and option order) and the cadre's answer."""

    __tablename__ = "attempt_item"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id", ondelete="RESTRICT"), index=True)
    # after a regrade the item is graded against another version's key; None = the version shown
    key_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_version.id", ondelete="RESTRICT"))
    points: Mapped[float] = mapped_column(Float, default=1.0)
    option_order: Mapped[list | None] = mapped_column(JSON)
    response: Mapped[object | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    time_spent_ms: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # the cadre's own "come back to this" mark
    too_fast: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str | None] = mapped_column(String(16), index=True)  # a trainer.grading.types.STATES key
    score: Mapped[float | None] = mapped_column(Float)
    suggested: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(DateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion] = relationship(foreign_keys=[version_id])
    key_version: Mapped[QuestionVersion | None] = relationship(foreign_keys=[key_version_id])
    graded_by: Mapped[User | None] = relationship()


class AttemptEvent(db.Model):
    """Something that happened to an attempt: focus lost/back, reopened, regraded, submitted late…"""

    __tablename__ = "attempt_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    attempt: Mapped[Attempt] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()


EVENT_LABELS = {"focus_lost": "离开答题页面", "focus_back": "回到答题页面", "started": "开始答题", "submitted": "交卷",
                "auto_submitted": "超时自动交卷", "reopened": "管理员重新开放", "regraded": "重新评分",
                "late_answer": "超时提交的答案被拒绝", "graded": "人工评分完成"}
