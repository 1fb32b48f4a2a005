"""Home page panels: a holder's latest certificates; the admin's certificate figures."""
from trainer.certificates import service
from trainer.org.models import Role


def panel(user):
    if user.role == Role.admin:
        return {"template": "certificates/_home_admin.html", "order": 70, "certificate_counts": service.counts()}
    certificates = [c for c in service.list_for_user(user) if c.valid]
    if not certificates and user.role != Role.cadre:
        return None
    return {"template": "certificates/_home_holder.html", "order": 70, "certificates": certificates[:3],
            "certificate_total": len(certificates)}
