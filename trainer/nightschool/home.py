"""Home panels: this week's session for cadres (check-in button when open, leave link), this week's
attendance for admins."""
from trainer.nightschool import checkin, pages, service
from trainer.org.models import Role
from trainer.timeutil import utcnow


def panel(user):
    start, end = pages.week_bounds()
    now = utcnow()
    if user.role == Role.admin:
        sessions = [s for s in service.sessions_between(start, end)]
        return {"template": "nightschool/_home_admin.html", "order": 15, "sessions": sessions,
                "counts": service.session_counts(sessions), "pending": len(service.list_leave()),
                "state": service.window_state, "is_open": checkin.is_open}
    sessions = service.sessions_for(user, start, end)
    if not sessions:
        upcoming = service.sessions_for(user, since=now, include_cancelled=False)[:1]
        return {"template": "nightschool/_home_cadre.html", "order": 15, "sessions": [], "next": upcoming,
                "mine": {}, "leaves": {}, "state": service.window_state, "is_open": checkin.is_open}
    return {"template": "nightschool/_home_cadre.html", "order": 15, "sessions": sessions, "next": [],
            "mine": {s.id: service.attendance_of(s, user) for s in sessions},
            "leaves": {s.id: service.leave_of(s, user) for s in sessions},
            "state": service.window_state, "is_open": checkin.is_open}
