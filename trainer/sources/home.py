"""Home panels: coverage and the queue for admins; the official texts for everyone else."""
from trainer.org.models import Role
from trainer.sources import service


def panel(user) -> dict | None:
    if user.role == Role.admin:
        return {"template": "sources/_home_admin.html", "order": 40, **service.admin_overview()}
    documents = service.list_documents()
    if not documents:
        return None
    return {"template": "sources/_home_cadre.html", "order": 60, "documents": documents}
