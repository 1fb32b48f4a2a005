"""The navigation bar: each entry names its endpoint and the roles that see it."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from trainer.org.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    icon: str
    roles: tuple[Role, ...]
    group: str = ""  # entries with a group collapse into a dropdown
    match: tuple[str, ...] = ()  # endpoint prefixes that mark the entry active (default: its own)

    def is_active(self, endpoint: str | None) -> bool:
        return bool(endpoint) and any(endpoint.startswith(p) for p in (self.match or (self.endpoint,)))


ALL = (Role.admin, Role.mentor, Role.cadre)
ITEMS: list[NavItem] = [
    NavItem("首页", "home.index", "house", ALL),
    NavItem("人员管理", "org.users", "people", (Role.admin,), "系统管理", ("org.user",)),
    NavItem("单位管理", "org.units", "diagram-3", (Role.admin,), "系统管理", ("org.unit",)),
    NavItem("操作日志", "audit.index", "journal-text", (Role.admin,), "系统管理", ("audit.",)),
]


def add(*items: NavItem) -> None:
    """Domains add their entries when their views are imported."""
    for item in items:
        if item not in ITEMS:
            ITEMS.append(item)


def items_for(user) -> list[dict]:
    """Entries visible to user: {"label", "icon", "url", "active"} or a group {"group", "children", "active"}."""
    if not getattr(user, "is_authenticated", False):
        return []
    endpoints = current_app.view_functions
    out: list[dict] = []
    groups: dict[str, dict] = {}
    for item in ITEMS:
        if user.role not in item.roles or item.endpoint not in endpoints:
            continue
        entry = {"label": item.label, "icon": item.icon, "url": url_for(item.endpoint),
                 "active": item.is_active(request.endpoint)}
        if item.group:
            group = groups.get(item.group)
            if group is None:
                group = groups[item.group] = {"group": item.group, "children": [], "active": False}
                out.append(group)
            group["children"].append(entry)
            group["active"] = group["active"] or entry["active"]
        else:
            out.append(entry)
    return out
