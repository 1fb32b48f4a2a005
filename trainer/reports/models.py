"""Per-exam answer aggregates kept for the reports: one row per exam, question version and unit.

Item analysis across all exams and the article heat map sum these rows instead of scanning every answer;
an exam's rows are rebuilt (in SQL) when its counted attempts change, which the stamp detects."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.timeutil import utcnow


class ReportExamStamp(db.Model):
    """What an exam's aggregates were built from: count, latest grading and id sum of its counted attempts."""

    __tablename__ = "report_exam_stamp"
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), primary_key=True)
    signature: Mapped[str] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReportItemStat(db.Model):
    """Answers to one question version in one exam by the people of one unit (see trainer.reports.analysis)."""

    __tablename__ = "report_item_stat"
    __table_args__ = (UniqueConstraint("exam_id", "version_id", "unit_id"),
                      Index("ix_report_item_stat_version_unit", "version_id", "unit_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), index=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    right_n: Mapped[int] = mapped_column(Integer, default=0)
    upper_n: Mapped[int] = mapped_column(Integer, default=0)
    upper_right: Mapped[int] = mapped_column(Integer, default=0)
    lower_n: Mapped[int] = mapped_column(Integer, default=0)
    lower_right: Mapped[int] = mapped_column(Integer, default=0)
    sum_right: Mapped[float] = mapped_column(Float, default=0)
    sum_all: Mapped[float] = mapped_column(Float, default=0)
    sumsq_all: Mapped[float] = mapped_column(Float, default=0)


class ReportOptionStat(db.Model):
    """How many people of one unit gave one stored response to one question version in one exam."""

    __tablename__ = "report_option_stat"
    __table_args__ = (Index("ix_report_option_stat_exam_version", "exam_id", "version_id"),
                      # option counts of given versions are summed straight from this index
                      Index("ix_report_option_stat_version_response", "version_id", "response", "unit_id", "n"))
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), index=True)
    response: Mapped[str] = mapped_column(Text)
    n: Mapped[int] = mapped_column(Integer, default=0)
