"""Recording and reading admin actions."""
from __future__ import annotations

from sqlalchemy import select

from trainer.audit.models import AuditLog
from trainer.extensions import db
from trainer.web import Page, paginate

# Chinese names of audit actions; domains add theirs with register_actions.
ACTION_LABELS: dict[str, str] = {
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.deactivate": "停用用户",
    "user.activate": "启用用户",
    "user.reset_password": "重置密码",
    "user.import": "批量导入用户",
    "unit.create": "新建单位",
    "unit.update": "修改单位",
    "unit.delete": "删除单位",
}


def register_actions(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def record(actor, action: str, target: str = "", ip: str = "", **detail) -> AuditLog:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditLog(actor_id=getattr(actor, "id", None), action=action, target=target[:200],
                     detail=detail, ip=ip)
    db.session.add(entry)
    return entry


def list_entries(page: int, action: str | None = None, actor_id: int | None = None,
                 q: str | None = None) -> Page:
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if actor_id:
        stmt = stmt.where(AuditLog.actor_id == actor_id)
    if q:
        stmt = stmt.where(AuditLog.target.contains(q))
    return paginate(stmt, page, per_page=50)
