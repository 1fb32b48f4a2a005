"""What each role's home page shows."""
from __future__ import annotations

from trainer.org import service as org
from trainer.org.models import Role


def home_context(user) -> dict:
    """Figures for the signed-in user's home page."""
    if user.role == Role.admin:
        counts = org.unit_user_counts()
        units = [(u, counts.get(u.id)) for u in org.list_units() if u.parent_id is None]
        return {"role_counts": org.count_by_role(), "units": units, "unassigned": counts.get(None), "roles": Role}
    return {"roles": Role}
