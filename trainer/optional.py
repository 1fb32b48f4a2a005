"""Domains call each other's contract functions through optional(), so a deployment without a domain (or a
domain still being built) keeps working: the caller shows a notice or leaves the figure out."""
from __future__ import annotations

import importlib
from types import ModuleType


def optional(module: str) -> ModuleType | None:
    """The module, or None when its domain is not installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None
