"""Times are stored as naive UTC; shown and entered in the configured zone (Asia/Shanghai)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

_DEFAULT_ZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every model stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", _DEFAULT_ZONE) if has_app_context() else _DEFAULT_ZONE
    return ZoneInfo(name)


def to_local(value: datetime | None) -> datetime | None:
    """A stored naive-UTC datetime in local time (naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(zone()).replace(tzinfo=None)


def from_local(value: datetime | None) -> datetime | None:
    """A local naive datetime (from a form) as naive UTC for storage."""
    if value is None:
        return None
    return value.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    return to_local(utcnow()).date()


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day."""
    start = from_local(datetime(day.year, day.month, day.day))
    return start, start + timedelta(days=1)


WEEKDAYS = "一二三四五六日"


def format_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return to_local(value).strftime(fmt)
