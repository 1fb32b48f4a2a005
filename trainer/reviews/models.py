"""Weekly reviews (复盘): one per person per ISO week, and the comments mentors and admins leave on them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import User, enum_column
from trainer.timeutil import utcnow


class ReviewState(LabelledEnum):
    draft = ("draft", "草稿")
    submitted = ("submitted", "已提交")


class WeeklyReview(db.Model):
    """A person's review of one ISO week: work done, problems and lessons, next week's plan."""

    __tablename__ = "weekly_review"
    __table_args__ = (UniqueConstraint("user_id", "iso_year", "iso_week"),
                      Index("ix_weekly_review_week", "iso_year", "iso_week", "state"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    iso_year: Mapped[int] = mapped_column(Integer)
    iso_week: Mapped[int] = mapped_column(Integer)
    done: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ReviewState] = enum_column(ReviewState, default=ReviewState.draft)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # when the author last opened the review: comments after it are new to them
    comments_seen_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    comments: Mapped[list[ReviewComment]] = relationship(back_populates="review", order_by="ReviewComment.created_at",
                                                         cascade="all, delete-orphan")

    @property
    def week_key(self) -> tuple[int, int]:
        return self.iso_year, self.iso_week


class ReviewComment(db.Model):
    """A mentor's or admin's comment on a submitted review."""

    __tablename__ = "review_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("weekly_review.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    review: Mapped[WeeklyReview] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()
