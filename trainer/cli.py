"""Registers every domain's commands on `flask --app trainer`."""
from importlib import import_module
from importlib.util import find_spec

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the COMMANDS of each domain's cli.py (and the demo's)."""
    from trainer import DOMAINS

    for name in [*DOMAINS, "demo", "ops"]:
        if find_spec(f"trainer.{name}") is None or find_spec(f"trainer.{name}.cli") is None:
            continue
        for command in import_module(f"trainer.{name}.cli").COMMANDS:
            app.cli.add_command(command)
