"""Sign-in throttling state, kept in the database so it holds across gunicorn workers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db


class LoginThrottle(db.Model):
    """Failed sign-ins for one key ("user:name" or "ip:address") and any lock on it."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
