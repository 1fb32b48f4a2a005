"""Question banks: bank → chapters → questions, each question with immutable versions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import User, enum_column
from trainer.timeutil import utcnow


class QuestionStatus(LabelledEnum):
    active = ("active", "在用")
    retired = ("retired", "已停用")


class ReviewState(LabelledEnum):
    draft = ("draft", "草稿")
    reviewed = ("reviewed", "已审核")
    needs_review = ("needs_review", "待复审")


class ReportStatus(LabelledEnum):
    open = ("open", "待处理")
    accepted = ("accepted", "已采纳")
    rejected = ("rejected", "未采纳")


class Bank(db.Model):
    """A question bank, usually on one source document (e.g. 宗教事务条例)."""

    __tablename__ = "bank"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), default="")
    source_version: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    allow_drafts_in_practice: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    chapters: Mapped[list[Chapter]] = relationship(back_populates="bank", order_by="Chapter.sort_order",
                                                   cascade="all, delete-orphan")


class Chapter(db.Model):
    __tablename__ = "chapter"
    __table_args__ = (UniqueConstraint("bank_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    bank: Mapped[Bank] = relationship(back_populates="chapters")


class Question(db.Model):
    """A question's identity and state; its content lives in versions (current = number current_n)."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapter.id", ondelete="SET NULL"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    status: Mapped[QuestionStatus] = enum_column(QuestionStatus, default=QuestionStatus.active, index=True)
    review_state: Mapped[ReviewState] = enum_column(ReviewState, default=ReviewState.draft, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_by_name: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_note: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    source_version: Mapped[str] = mapped_column(String(64), default="", index=True)
    origin: Mapped[str] = mapped_column(String(32), default="import")  # import | form | drafted
    current_n: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    bank: Mapped[Bank] = relationship()
    chapter: Mapped[Chapter | None] = relationship()
    versions: Mapped[list[QuestionVersion]] = relationship(back_populates="question", order_by="QuestionVersion.n",
                                                           cascade="all, delete-orphan")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def current(self) -> QuestionVersion:
        return next(v for v in self.versions if v.n == self.current_n)


class QuestionVersion(db.Model):
    """Immutable content of one version. answer: see trainer.grading.types for each type's shape."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "n"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    n: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16), index=True)
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[object] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(200), default="")
    ref_document: Mapped[str] = mapped_column(String(200), default="", index=True)
    ref_article: Mapped[int | None] = mapped_column(Integer, index=True)
    difficulty: Mapped[int] = mapped_column(Integer, default=3, index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    change_note: Mapped[str] = mapped_column(String(300), default="")

    question: Mapped[Question] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class QuestionReport(db.Model):
    """A cadre's report of a suspected error in a question (纠错)."""

    __tablename__ = "question_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("question_version.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = enum_column(ReportStatus, default=ReportStatus.open, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    response: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship()
    version: Mapped[QuestionVersion | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
