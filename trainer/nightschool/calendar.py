"""The calendar (month and week) and the personal iCalendar feed a cadre subscribes to on a phone."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from trainer.extensions import db
from trainer.nightschool import service
from trainer.nightschool.models import NightSession
from trainer.org.models import User
from trainer.timeutil import from_local, to_local, utcnow

FEED_PAST = timedelta(days=120)


@dataclass
class Day:
    day: date
    in_month: bool
    sessions: list[NightSession]


def _by_day(user: User, first: date, last: date) -> dict[date, list[NightSession]]:
    since = from_local(datetime.combine(first, datetime.min.time()))
    until = from_local(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    out: dict[date, list[NightSession]] = {}
    for s in service.sessions_for(user, since, until):
        out.setdefault(to_local(s.starts_at).date(), []).append(s)
    return out


def month(user: User, year: int, month_no: int) -> list[list[Day]]:
    """Weeks (Monday first) covering the month, each day with the user's sessions."""
    first = date(year, month_no, 1)
    start = first - timedelta(days=first.weekday())
    nxt = date(year + month_no // 12, month_no % 12 + 1, 1)
    end = nxt - timedelta(days=1)
    end += timedelta(days=6 - end.weekday())
    sessions = _by_day(user, start, end)
    weeks, day = [], start
    while day <= end:
        weeks.append([Day(day + timedelta(days=i), (day + timedelta(days=i)).month == month_no,
                          sessions.get(day + timedelta(days=i), [])) for i in range(7)])
        day += timedelta(days=7)
    return weeks


def week(user: User, any_day: date) -> list[Day]:
    monday = any_day - timedelta(days=any_day.weekday())
    sessions = _by_day(user, monday, monday + timedelta(days=6))
    return [Day(monday + timedelta(days=i), True, sessions.get(monday + timedelta(days=i), [])) for i in range(7)]


def neighbours(view: str, day: date) -> tuple[date, date]:
    """The day to show for "previous" and "next" (a month or a week away)."""
    if view == "week":
        return day - timedelta(days=7), day + timedelta(days=7)
    prev = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    return prev, (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def parse_day(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return to_local(utcnow()).date()


# ---- the personal feed ---------------------------------------------------------------------------------

def feed_token(user: User) -> str:
    """The user's secret feed token, made on first use."""
    if not user.calendar_token:
        user.calendar_token = secrets.token_urlsafe(24)
        db.session.commit()
    return user.calendar_token


def reset_feed_token(user: User) -> str:
    """A new secret address; the old one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(24)
    db.session.commit()
    return user.calendar_token


def user_for_token(token: str) -> User | None:
    if not token or len(token) > 48:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def ics_feed(user: User, host: str = "trainer") -> bytes:
    """The user's sessions (and lectures) from four months back, as an iCalendar file; a cancelled
    session stays in with STATUS:CANCELLED so that phones remove it."""
    cal = Calendar()
    cal.add("prodid", "-//trainer//nightschool//CN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "每周夜校")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    now = utcnow()
    for s in service.sessions_for(user, since=now - FEED_PAST):
        ev = Event()
        ev.add("uid", f"night-session-{s.id}@{host}")
        ev.add("dtstamp", _utc(now))
        ev.add("dtstart", _utc(s.starts_at))
        ev.add("dtend", _utc(s.ends_at))
        role = "（我主讲）" if s.lecturer_id == user.id else ""
        ev.add("summary", f"夜校：{s.topic}{role}")
        if s.place:
            ev.add("location", s.place)
        lines = [f"主讲：{s.lecturer.name}" if s.lecturer else "", f"章节：{s.chapter}" if s.chapter else "",
                 f"学时：{s.hours:g}", s.notice, s.description]
        ev.add("description", "\n".join(x for x in lines if x))
        ev.add("status", "CANCELLED" if s.cancelled else "CONFIRMED")
        cal.add_component(ev)
    return cal.to_ical()
