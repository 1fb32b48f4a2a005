"""Night school (每周夜校): terms, weekly sessions, materials, attendance, leave, ratings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from trainer.exams.models import Exam
from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import OrgUnit, User, enum_column
from trainer.timeutil import utcnow


class LateCredit(LabelledEnum):
    """How many of a session's hours a late arrival earns."""

    full = ("full", "迟到计全部学时")
    half = ("half", "迟到计一半学时")
    none = ("none", "迟到不计学时")

    @property
    def factor(self) -> float:
        return {"full": 1.0, "half": 0.5, "none": 0.0}[self.value]


class SessionAudience(LabelledEnum):
    everyone = ("everyone", "全体干部")
    units = ("units", "指定单位")


class AttendanceStatus(LabelledEnum):
    present = ("present", "出席")
    late = ("late", "迟到")
    leave = ("leave", "请假")
    absent = ("absent", "缺席")


class CheckinMethod(LabelledEnum):
    code = ("code", "签到码")
    qr = ("qr", "扫码")
    admin = ("admin", "管理员登记")
    leave = ("leave", "请假批准")


class LeaveState(LabelledEnum):
    pending = ("pending", "待审批")
    approved = ("approved", "已批准")
    rejected = ("rejected", "未批准")


class Term(db.Model):
    """A 期次 of the night school, with its rules for study hours and completion."""

    __tablename__ = "night_term"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    late_after_minutes: Mapped[int] = mapped_column(Integer, default=10)
    late_credit: Mapped[LateCredit] = enum_column(LateCredit, default=LateCredit.half)
    quiz_required: Mapped[bool] = mapped_column(Boolean, default=False)
    completion_percent: Mapped[int] = mapped_column(Integer, default=80)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sessions: Mapped[list[NightSession]] = relationship(back_populates="term", order_by="NightSession.starts_at")

    @property
    def period(self) -> str:
        a, b = self.starts_on, self.ends_on
        return f"{a.year}年{a.month}月至{b.year}年{b.month}月"


class NightSession(db.Model):
    """One evening of the night school: topic, time, place, lecturer, hours, audience, optional quiz."""

    __tablename__ = "night_session"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="times_in_order"),
                      Index("ix_night_session_term_start", "term_id", "starts_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("night_term.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(120), default="")
    lecturer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    chapter: Mapped[str] = mapped_column(String(120), default="")  # the chapter lectured (领导干部上讲台 rota)
    description: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(Float, default=1.5)
    audience: Mapped[SessionAudience] = enum_column(SessionAudience, default=SessionAudience.everyone)
    # the weekly quiz on this session: it opens when the session ends
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("exam.id", ondelete="SET NULL"), unique=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # shown to the audience when the session was moved or cancelled
    notice: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    term: Mapped[Term] = relationship(back_populates="sessions")
    lecturer: Mapped[User | None] = relationship()
    # exam.night_session leads back from the quiz to its session (the Exam model itself stays unchanged)
    quiz: Mapped[Exam | None] = relationship(backref=backref("night_session", uselist=False))
    audience_units: Mapped[list[OrgUnit]] = relationship(secondary="night_session_unit")
    materials: Mapped[list[Material]] = relationship(back_populates="session", order_by="Material.id",
                                                     cascade="all, delete-orphan")


class NightSessionUnit(db.Model):
    __tablename__ = "night_session_unit"
    session_id: Mapped[int] = mapped_column(ForeignKey("night_session.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True, index=True)


class Material(db.Model):
    """A file handed out for a session, stored under the upload folder with a generated name."""

    __tablename__ = "night_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("night_session.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf, pptx, docx, xlsx, ppt, doc, xls, png, jpg
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[NightSession] = relationship(back_populates="materials")


class Attendance(db.Model):
    """A cadre's attendance at one session (no row after the session means absent)."""

    __tablename__ = "night_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("night_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = enum_column(AttendanceStatus, index=True)
    method: Mapped[CheckinMethod] = enum_column(CheckinMethod, default=CheckinMethod.admin)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[NightSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LeaveRequest(db.Model):
    """A cadre asks leave for a session before it starts; an admin approves or refuses."""

    __tablename__ = "night_leave"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("night_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    state: Mapped[LeaveState] = enum_column(LeaveState, default=LeaveState.pending, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    session: Mapped[NightSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Rating(db.Model):
    """An attendee's rating of a session (1–5 and a comment); the lecturer never sees who wrote it."""

    __tablename__ = "night_rating"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),
                      CheckConstraint("score BETWEEN 1 AND 5", name="score_range"))
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("night_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[NightSession] = relationship()
