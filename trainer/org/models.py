"""Organisation units (a tree) and the people in them."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.timeutil import utcnow


class UnitKind(LabelledEnum):
    office = ("office", "科室")
    town = ("town", "镇街区")
    village = ("village", "村/社区")


class Role(LabelledEnum):
    admin = ("admin", "管理员")
    mentor = ("mentor", "导师")
    cadre = ("cadre", "干部")


def enum_column(enum_cls, **kw):
    """An Enum column stored as its string value (portable across SQLite and PostgreSQL)."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e],
             validate_strings=True),
        **kw,
    )


class OrgUnit(db.Model):
    """A 科室 of the department, a 镇街区, or a 村/社区 under a town."""

    __tablename__ = "org_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[UnitKind] = enum_column(UnitKind, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.sort_order")

    @property
    def full_name(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent else self.name

    def __repr__(self) -> str:
        return f"<OrgUnit {self.full_name}>"


class User(UserMixin, db.Model):
    """A person who signs in: an admin, a mentor or a cadre (a lecturer is any user)."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("length(username) > 0", name="username_not_empty"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[Role] = enum_column(Role, index=True, default=Role.cadre)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # rotated on password change so that old sessions sign out
    session_token: Mapped[str] = mapped_column(String(32), default="")
    # secret in the personal calendar feed address
    calendar_token: Mapped[str | None] = mapped_column(String(48), unique=True)

    unit: Mapped[OrgUnit | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def is_mentor(self) -> bool:
        return self.role == Role.mentor

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit else ""

    def __repr__(self) -> str:
        return f"<User {self.username}>"
