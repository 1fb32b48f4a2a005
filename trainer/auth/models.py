"""Sign-in throttling state, kept in the database so it holds across gunicorn workers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db


class LoginThrottle(db.Model):
    """Failures for one key ("user:name" or "ip:address" at sign-in, "checkin:ID" for check-in codes) and any lock."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
