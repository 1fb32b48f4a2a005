"""Home panels: this week's session for cadres (check-in button when open, leave link), this week's
attendance for admins."""
from trainer.nightschool import checkin, pages, service
from trainer.org.models import Role
from trainer.timeutil import utcnow


def panel(user):
    start, end = pages.week_bounds()
    now = utcnow()
    common = {"state": service.window_state, "is_open": checkin.is_open}
    if user.role == Role.admin:
        sessions = service.sessions_between(start, end)
        return {"template": "nightschool/_home_admin.html", "order": 15, "sessions": sessions,
                "counts": service.session_counts(sessions), "pending": len(service.list_leave()), **common}
    sessions = service.sessions_for(user, start, end)
    # once this week's sessions are over, the next one (with its leave link) is shown as well
    upcoming = [] if any(s.ends_at > now for s in sessions) else service.sessions_for(
        user, since=now, include_cancelled=False)[:1]
    shown = sessions + upcoming
    return {"template": "nightschool/_home_cadre.html", "order": 15, "sessions": sessions, "next": upcoming,
            "mine": {s.id: service.attendance_of(s, user) for s in shown},
            "leaves": {s.id: service.leave_of(s, user) for s in shown}, **common}
