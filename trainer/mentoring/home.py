"""Home panels: a cadre's mentor and study plan; a mentor's team (last activity, reviews to comment);
teams and newly appointed cadres behind for admins."""
from trainer.mentoring import dashboard, onboarding, service
from trainer.mentoring.models import TeamState
from trainer.org.models import Role


def panel(user):
    if user.role == Role.admin:
        rows = dashboard.compare_teams(service.list_teams(TeamState.active))
        return {"template": "mentoring/_home_admin.html", "order": 26, "teams_behind": [r for r in rows if r.behind],
                "teams": len(rows), "plans_behind": onboarding.behind(limit=8)}
    teams = service.teams_of_mentor(user.id) if user.role == Role.mentor else []
    plans = onboarding.progress_for_user(user.id)
    if teams:
        ids = [u.id for t in teams for u in t.mentees]
        reviews = service._optional("trainer.reviews.service")
        return {"template": "mentoring/_home_mentor.html", "order": 12, "teams": teams,
                "last": dashboard.last_activity(ids),
                "waiting": reviews.uncommented(ids, user.id, limit=6) if reviews else [], "plans": plans}
    team = service.team_of_mentee(user.id)
    if team is None and not plans:
        return None
    return {"template": "mentoring/_home_cadre.html", "order": 15, "team": team, "plans": plans}
