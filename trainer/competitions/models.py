"""Competition settings (freeze, reveal, award tiers) beside the exam, and season points: the rules and the
ledger of what earned what."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.exams.models import Exam
from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import User, enum_column
from trainer.timeutil import utcnow


class AwardBasis(LabelledEnum):
    count = ("count", "按名次人数")
    share = ("share", "按参赛人数比例（%）")


class CompetitionSetting(db.Model):
    """What a 竞赛 exam adds: the board freeze, its reveal, and how many win each award."""

    __tablename__ = "competition_setting"
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), primary_key=True)
    # the public board stops changing this many minutes before the close, until an admin reveals it
    freeze_minutes: Mapped[int] = mapped_column(Integer, default=0)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime)
    revealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    award_basis: Mapped[AwardBasis] = enum_column(AwardBasis, default=AwardBasis.count)
    first: Mapped[float] = mapped_column(Float, default=1)
    second: Mapped[float] = mapped_column(Float, default=2)
    third: Mapped[float] = mapped_column(Float, default=3)
    excellence: Mapped[float] = mapped_column(Float, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    exam: Mapped[Exam] = relationship()
    revealed_by: Mapped[User | None] = relationship()


class PointKind(LabelledEnum):
    quiz = ("quiz", "参加每周测验")
    quiz_score = ("quiz_score", "测验得分（百分制每 10 分）")
    night_school = ("night_school", "参加夜校（出席或迟到）")
    review = ("review", "提交每周复盘")
    drill_day = ("drill_day", "当天练兵")
    drill_streak = ("drill_streak", "连续练兵（连续第 3 天起每天）")


class PointRule(db.Model):
    """How many points one event of a kind earns, and the most that kind can earn in one ISO week."""

    __tablename__ = "point_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PointKind] = enum_column(PointKind, unique=True)
    points: Mapped[int] = mapped_column(Integer, default=1)
    cap_per_week: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PointEntry(db.Model):
    """One line of a cadre's points history; (user, kind, ref) is unique so a refresh never counts twice."""

    __tablename__ = "point_entry"
    __table_args__ = (UniqueConstraint("user_id", "kind", "ref"),
                      Index("ix_point_entry_earned_user", "earned_at", "user_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PointKind] = enum_column(PointKind, index=True)
    ref: Mapped[str] = mapped_column(String(40))  # "exam:12", "session:3", "week:2026-47", "day:2026-11-20"
    points: Mapped[int] = mapped_column(Integer)
    capped: Mapped[bool] = mapped_column(Boolean, default=False)  # the weekly cap cut this entry's points
    label: Mapped[str] = mapped_column(String(200), default="")
    earned_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
