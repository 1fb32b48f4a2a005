"""Registers every domain's commands on `flask --app trainer`."""
from importlib import import_module
from importlib.util import find_spec

from flask import Flask

# domains whose cli.py defines COMMANDS, a list of click commands
DOMAINS = ["org", "banks", "demo"]


def init_app(app: Flask) -> None:
    for name in DOMAINS:
        if find_spec(f"trainer.{name}.cli") is None:
            continue
        for command in import_module(f"trainer.{name}.cli").COMMANDS:
            app.cli.add_command(command)
