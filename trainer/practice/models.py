"""Drills (练兵) with their answered items, and the wrong-answer book (错题本) with its history."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.banks.models import Bank, Chapter, Question, QuestionStatus, QuestionVersion, ReviewState
from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import enum_column
from trainer.practice.scheduler import START_EASE, CardState
from trainer.timeutil import utcnow


class DrillKind(LabelledEnum):
    drill = ("drill", "练兵")
    review = ("review", "错题复习")


class ResultSource(LabelledEnum):
    """Where an answer that reached the wrong-answer book was given."""

    drill = ("drill", "练兵")
    review = ("review", "错题复习")
    exam = ("exam", "考试")


class Drill(db.Model):
    """One practice run of a cadre: questions drawn once, answered one by one with immediate feedback."""

    __tablename__ = "drill"
    __table_args__ = (CheckConstraint("size >= 1", name="size_positive"),
                      CheckConstraint("answered >= 0 AND answered <= size", name="answered_range"),
                      CheckConstraint("right_count >= 0 AND right_count <= answered", name="right_range"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DrillKind] = enum_column(DrillKind, default=DrillKind.drill, index=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("bank.id", ondelete="SET NULL"), index=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapter.id", ondelete="SET NULL"), index=True)
    qtype: Mapped[str | None] = mapped_column(String(16))
    only_wrong: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    right_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    bank: Mapped[Bank | None] = relationship()
    chapter: Mapped[Chapter | None] = relationship()
    items: Mapped[list[DrillItem]] = relationship(back_populates="drill", order_by="DrillItem.position",
                                                  cascade="all, delete-orphan")

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class DrillItem(db.Model):
    """One question of a drill: the version shown, its option order, and the cadre's answer."""

    __tablename__ = "drill_item"
    __table_args__ = (UniqueConstraint("drill_id", "position"),
                      CheckConstraint("position >= 1", name="position_positive"),
                      Index("ix_drill_item_user_answered", "user_id", "answered_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id", ondelete="CASCADE"), index=True)
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    response: Mapped[object | None] = mapped_column(JSON)
    state: Mapped[str | None] = mapped_column(String(16), index=True)  # a grading state (trainer.grading.types)
    correct: Mapped[bool | None] = mapped_column(Boolean, index=True)  # short answers: the cadre's own verdict
    shown_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime)

    drill: Mapped[Drill] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion] = relationship()

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_done(self) -> bool:
        """Answered and, for a short answer, assessed by the cadre."""
        return self.correct is not None


class ReviewCard(db.Model):
    """A question in a cadre's wrong-answer book, with its spaced-repetition schedule."""

    __tablename__ = "review_card"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),
                      CheckConstraint("ease >= 1.3", name="ease_floor"),
                      CheckConstraint("interval_days >= 0", name="interval_not_negative"),
                      CheckConstraint("reps >= 0 AND lapses >= 0", name="counts_not_negative"),
                      Index("ix_review_card_user_due", "user_id", "due"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    due: Mapped[date] = mapped_column(Date, index=True)
    interval_days: Mapped[int] = mapped_column(Integer, default=0)
    ease: Mapped[float] = mapped_column(Float, default=START_EASE)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_right: Mapped[date | None] = mapped_column(Date)
    last_wrong_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_wrong_source: Mapped[ResultSource] = enum_column(ResultSource, default=ResultSource.drill)
    mastered_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # a mastered entry the cadre removed from view
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    question: Mapped[Question] = relationship()
    log: Mapped[list[ReviewLog]] = relationship(back_populates="card", order_by="[ReviewLog.at.desc(), ReviewLog.id.desc()]",
                                                cascade="all, delete-orphan")

    @property
    def state(self) -> CardState:
        return CardState(interval=self.interval_days, ease=self.ease, reps=self.reps, lapses=self.lapses,
                         due=self.due, last_right=self.last_right)

    def apply(self, state: CardState) -> None:
        self.interval_days, self.ease, self.reps = state.interval, state.ease, state.reps
        self.lapses, self.due, self.last_right = state.lapses, state.due, state.last_right

    @property
    def mastered(self) -> bool:
        return self.mastered_at is not None

    @property
    def paused(self) -> bool:
        """Its question is retired or awaits review, so it is not offered for review meanwhile."""
        q = self.question
        return q.status != QuestionStatus.active or (q.review_state != ReviewState.reviewed
                                                     and not q.bank.allow_drafts_in_practice)


class ReviewLog(db.Model):
    """The history of a book entry: each wrong answer (drill, review or exam) and each right answer that counted."""

    __tablename__ = "review_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("review_card.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("question_version.id", ondelete="SET NULL"))
    source: Mapped[ResultSource] = enum_column(ResultSource, index=True)
    correct: Mapped[bool] = mapped_column(Boolean, index=True)
    due_after: Mapped[date] = mapped_column(Date)
    interval_after: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    card: Mapped[ReviewCard] = relationship(back_populates="log")
