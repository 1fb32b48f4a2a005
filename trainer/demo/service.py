"""The demo: a realistic organisation with every feature in use, seeded on an empty database.

Each domain that has demo data provides trainer/<domain>/demo.py with seed(ctx); ctx is a dict
that earlier steps fill (units, users by role) and later steps read.
"""
from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from sqlalchemy import func, select

from trainer.extensions import db
from trainer.org.models import User

# in this order: later steps use what earlier ones made (domains without demo.py are skipped)
SEEDERS = ["org", "banks", "sources", "exams", "practice", "nightschool", "reviews", "mentoring",
           "certificates", "competitions", "reports"]
DEMO_PASSWORD = "demo2026"


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def seed_demo(echo=print) -> dict:
    """Fill an empty database with the demo organisation and data; returns the context."""
    ctx: dict = {"password": DEMO_PASSWORD, "echo": echo}
    for name in SEEDERS:
        module = f"trainer.{name}.demo"
        if find_spec(f"trainer.{name}") is None or find_spec(module) is None:
            continue
        import_module(module).seed(ctx)
        db.session.commit()
    return ctx


def demo_logins(ctx: dict) -> list[tuple[str, str, str]]:
    """(role label, username, name) of the accounts worth trying."""
    return ctx.get("logins", [])
