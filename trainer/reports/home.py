"""The reports panel on admins' home page: this month's weakest articles and questions flagged for review."""
from trainer.org.models import Role
from trainer.reports import charts, service


def panel(user) -> dict | None:
    if user.role != Role.admin:
        return None
    return {"template": "reports/_home_admin.html", "order": 40, "charts": charts, **service.overview()}
