"""Home panels: coverage and the queue for admins; the official texts for everyone else."""
from trainer.org.models import Role
from trainer.sources import service


def panel(user) -> dict | None:
    if user.role == Role.admin:
        return {"template": "sources/_home_admin.html", "order": 40, **service.admin_overview()}
    documents = service.list_documents()
    if not documents:
        return None
    # cadre panels sit in a Bootstrap row; the mentor's home stacks full-width cards
    template = "sources/_home_cadre.html" if user.role == Role.cadre else "sources/_home_mentor.html"
    return {"template": template, "order": 60, "documents": documents}
