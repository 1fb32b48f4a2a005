"""What each role's home page shows: the organisation figures, then each domain's panel.

A domain adds a panel with trainer/<domain>/home.py defining panel(user) -> dict | None, where the
dict has "template" (a partial under templates/<domain>/), optionally "order" (lower first, default 50),
plus whatever that partial needs.
"""
from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from trainer.org import service as org
from trainer.org.models import Role


def panels(user) -> list[dict]:
    from trainer import DOMAINS

    out = []
    for name in DOMAINS:
        if find_spec(f"trainer.{name}") is None or find_spec(f"trainer.{name}.home") is None:
            continue
        panel = import_module(f"trainer.{name}.home").panel(user)
        if panel:
            out.append(panel)
    return sorted(out, key=lambda p: p.get("order", 50))


def home_context(user) -> dict:
    """Figures for the signed-in user's home page."""
    ctx = {"roles": Role, "panels": panels(user)}
    if user.role == Role.admin:
        counts = org.unit_user_counts()
        ctx.update(role_counts=org.count_by_role(), units=[(u, counts.get(u.id)) for u in org.top_units()],
                   unassigned=counts.get(None))
    return ctx
