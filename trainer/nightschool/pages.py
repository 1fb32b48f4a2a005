"""What the night-school pages show, built here so views stay thin."""
from __future__ import annotations

from datetime import datetime, timedelta

from trainer.nightschool import checkin, hours, service
from trainer.nightschool.models import LeaveState, NightSession
from trainer.org.models import Role, User
from trainer.timeutil import from_local, local_today, utcnow


def week_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """This local week (Monday to Sunday) in UTC."""
    today = local_today() if now is None else (now + timedelta(hours=8)).date()
    monday = today - timedelta(days=today.weekday())
    start = from_local(datetime(monday.year, monday.month, monday.day))
    return start, start + timedelta(days=7)


def my_index(user: User) -> dict:
    """This week's session, the next ones and the recent ones with the cadre's own status."""
    now = utcnow()
    sessions = service.sessions_for(user, since=now - timedelta(days=70))
    week_start, week_end = week_bounds()
    this_week = [s for s in sessions if week_start <= s.starts_at < week_end]
    upcoming = [s for s in sessions if s.starts_at >= week_end][:6]
    past = [s for s in reversed(sessions) if s.ends_at <= now and s.starts_at < week_start][:10]
    mine = {s.id: st for s, _uid, st in service.statuses([s for s in past + this_week if not s.cancelled], {user.id})}
    term = service.current_term()
    record = hours.record_for(term, user) if term and user.role != Role.admin else None
    return {"this_week": this_week, "upcoming": upcoming, "past": past, "mine": mine, "term": term,
            "record": record, "now": now, "lecturing": bool(service.lectures_of(user.id)), "is_open": checkin.is_open, "state": service.window_state}


def session_page(s: NightSession, user: User) -> dict:
    now = utcnow()
    audience = service.in_audience(s, user)
    attendance = service.attendance_of(s, user) if audience else None
    leave = service.leave_of(s, user) if audience else None
    return {"s": s, "audience": audience, "attendance": attendance, "leave": leave,
            "can_checkin": audience and checkin.is_open(s, now) and not (
                attendance and attendance.status.value in ("present", "late")),
            "can_leave": audience and not s.cancelled and now < s.starts_at and (
                leave is None or leave.state == LeaveState.rejected)
            and not (attendance and attendance.status.value == "leave"),
            "can_rate": service.can_rate(s, user, now), "rating": service.rating_of(s, user),
            "state": service.window_state(s, now), "now": now,
            "window": checkin.window(s)}


def admin_session(s: NightSession) -> dict:
    roster = service.roster(s)
    counts = service.session_counts([s])[s.id]
    return {"s": s, "roster": roster, "counts": counts, "state": service.window_state(s),
            "ratings": service.rating_summary([s.id]).get(s.id), "checkin_open": checkin.is_open(s)}


def term_page(term) -> dict:
    sessions = service.term_sessions(term)
    live = [s for s in sessions if not s.cancelled]
    units = service.attendance_by_unit(term.id)
    expected = sum(u["expected"] for u in units)
    overall = sum(u["attended"] for u in units) / expected if expected else None
    return {"term": term, "sessions": sessions, "counts": service.session_counts(live), "overall": overall,
            "ratings": service.rating_summary([s.id for s in live]),
            "units": units, "state": service.window_state,
            "pending": len([x for x in service.list_leave() if x.session.term_id == term.id])}
