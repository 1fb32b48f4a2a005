"""Mentoring (传帮带): teams of one mentor and two or three mentees, their history and meeting notes;
and the onboarding study plans of newly appointed cadres (plan templates, items, assignments, checks)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import User, enum_column
from trainer.timeutil import utcnow

MIN_MENTEES, MAX_MENTEES = 2, 3


class TeamState(LabelledEnum):
    active = ("active", "进行中")
    completed = ("completed", "已结业")
    dissolved = ("dissolved", "已解散")


class MentorTeam(db.Model):
    """One mentor with two or three mentees for a period, with goals."""

    __tablename__ = "mentor_team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[TeamState] = enum_column(TeamState, default=TeamState.active, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    mentor: Mapped[User] = relationship()
    memberships: Mapped[list[TeamMember]] = relationship(back_populates="team", order_by="TeamMember.id",
                                                         cascade="all, delete-orphan")
    events: Mapped[list[TeamEvent]] = relationship(back_populates="team", order_by="TeamEvent.id.desc()",
                                                   cascade="all, delete-orphan")

    @property
    def current(self) -> list[TeamMember]:
        return [m for m in self.memberships if m.left_at is None]

    @property
    def mentees(self) -> list[User]:
        return [m.user for m in self.current]

    @property
    def is_active(self) -> bool:
        return self.state == TeamState.active


class TeamMember(db.Model):
    """A mentee's membership of a team; left_at is set when they leave (the history keeps the row)."""

    __tablename__ = "team_member"
    __table_args__ = (Index("ix_team_member_user_left", "user_id", "left_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("mentor_team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)

    team: Mapped[MentorTeam] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class TeamEvent(db.Model):
    """A change to a team: formed, member added or removed, mentor or details changed, ended."""

    __tablename__ = "team_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("mentor_team.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str] = mapped_column(String(300), default="")

    team: Mapped[MentorTeam] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class MentorNote(db.Model):
    """Notes of a meeting with the whole team or one mentee; shared with the mentee(s) or private."""

    __tablename__ = "mentor_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("mentor_team.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    discussed: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[MentorTeam] = relationship()
    mentee: Mapped[User | None] = relationship(foreign_keys=[mentee_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


# ---- onboarding of newly appointed cadres ------------------------------------------------------------

class ItemKind(LabelledEnum):
    session = ("session", "参加夜校课程")
    material = ("material", "阅读学习材料")
    exam = ("exam", "通过测验")
    mentor = ("mentor", "拜师结对")


class OnboardingPlan(db.Model):
    """A study plan template: the items a newly appointed cadre completes, each due some days after the start."""

    __tablename__ = "onboarding_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", order_by="PlanItem.position",
                                                 cascade="all, delete-orphan")
    assignments: Mapped[list[PlanAssignment]] = relationship(back_populates="plan", cascade="all, delete-orphan")


class PlanItem(db.Model):
    """One required item; target_id is the night-school session id or the exam id it refers to."""

    __tablename__ = "plan_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("onboarding_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[ItemKind] = enum_column(ItemKind)
    title: Mapped[str] = mapped_column(String(200))
    target_id: Mapped[int | None] = mapped_column(Integer)
    due_days: Mapped[int] = mapped_column(Integer, default=30)

    plan: Mapped[OnboardingPlan] = relationship(back_populates="items")


class PlanAssignment(db.Model):
    """A plan given to one person from a start date."""

    __tablename__ = "plan_assignment"
    __table_args__ = (UniqueConstraint("plan_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("onboarding_plan.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    plan: Mapped[OnboardingPlan] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    checks: Mapped[list[ItemCheck]] = relationship(back_populates="assignment", cascade="all, delete-orphan")


class ItemCheck(db.Model):
    """An item ticked by hand: a material the cadre read, or an item an admin confirmed."""

    __tablename__ = "item_check"
    __table_args__ = (UniqueConstraint("assignment_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("plan_assignment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), index=True)
    done_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    how: Mapped[str] = mapped_column(String(16))  # self | admin
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    assignment: Mapped[PlanAssignment] = relationship(back_populates="checks")
