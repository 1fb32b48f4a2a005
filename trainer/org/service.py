"""Org units and users: the rules for creating, changing and listing them."""
from __future__ import annotations

import re
import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from trainer.audit import service as audit
from trainer.auth.service import hash_password, password_problem
from trainer.errors import NotFound, ServiceError
from trainer.extensions import db
from trainer.org.models import OrgUnit, Role, UnitKind, User
from trainer.web import Page, paginate

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")


# ---- units ---------------------------------------------------------------

def get_unit(unit_id: int) -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    return unit


def list_units() -> list[OrgUnit]:
    """All units, parents before children, in display order."""
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.sort_order, OrgUnit.id)).all()
    by_parent: dict[int | None, list[OrgUnit]] = {}
    for u in units:
        by_parent.setdefault(u.parent_id, []).append(u)
    ordered: list[OrgUnit] = []

    def walk(parent_id):
        for u in by_parent.get(parent_id, []):
            ordered.append(u)
            walk(u.id)

    walk(None)
    return ordered


def unit_depth(unit: OrgUnit) -> int:
    depth, node = 0, unit
    while node.parent is not None:
        depth, node = depth + 1, node.parent
    return depth


def unit_choices(include_blank: bool = True) -> list[tuple[int, str]]:
    choices = [(0, "（未分配）")] if include_blank else []
    for u in list_units():
        choices.append((u.id, "　" * unit_depth(u) + u.name))
    return choices


def top_units() -> list[OrgUnit]:
    """Offices and towns (the units rankings and reports group by)."""
    return db.session.scalars(
        select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.sort_order, OrgUnit.id)).all()


def subtree_ids(unit_id: int) -> list[int]:
    """The unit and every unit under it."""
    rows = db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for uid, pid in rows:
        children.setdefault(pid, []).append(uid)
    out, stack = [], [unit_id]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(children.get(n, []))
    return out


def find_unit(text: str) -> OrgUnit | None:
    """A unit by name or by "parent/name"; None when absent or ambiguous."""
    text = (text or "").strip()
    if not text:
        return None
    if "/" in text:
        parent_name, _, name = text.rpartition("/")
        parent = find_unit(parent_name)
        if parent is None:
            return None
        return db.session.scalar(select(OrgUnit).where(OrgUnit.parent_id == parent.id, OrgUnit.name == name.strip()))
    found = db.session.scalars(select(OrgUnit).where(OrgUnit.name == text)).all()
    return found[0] if len(found) == 1 else None


def _check_unit(name: str, kind: UnitKind, parent: OrgUnit | None, unit: OrgUnit | None = None) -> None:
    if not name.strip():
        raise ServiceError("请填写单位名称", field="name")
    if kind == UnitKind.village and (parent is None or parent.kind != UnitKind.town):
        raise ServiceError("村/社区必须隶属于某个镇街区", field="parent_id")
    if kind != UnitKind.village and parent is not None:
        raise ServiceError("科室和镇街区是顶层单位，不能设上级", field="parent_id")
    clash = db.session.scalar(select(OrgUnit).where(
        OrgUnit.name == name.strip(),
        OrgUnit.parent_id.is_(None) if parent is None else OrgUnit.parent_id == parent.id))
    if clash is not None and clash is not unit:
        raise ServiceError("同一上级下已有同名单位", field="name")


def create_unit(actor, name: str, kind: UnitKind, parent_id: int | None = None, sort_order: int = 0,
                ip: str = "") -> OrgUnit:
    parent = get_unit(parent_id) if parent_id else None
    _check_unit(name, kind, parent)
    unit = OrgUnit(name=name.strip(), kind=kind, parent=parent, sort_order=sort_order)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "unit.create", unit.full_name, ip=ip)
    db.session.commit()
    return unit


def update_unit(actor, unit: OrgUnit, name: str, kind: UnitKind, parent_id: int | None, sort_order: int,
                ip: str = "") -> OrgUnit:
    parent = get_unit(parent_id) if parent_id else None
    if parent is not None and parent.id in subtree_ids(unit.id):
        raise ServiceError("上级单位不能是它自己或它的下级", field="parent_id")
    if kind != UnitKind.town and unit.children:
        raise ServiceError("该单位下还有村/社区，只有镇街区可以有下级", field="kind")
    _check_unit(name, kind, parent, unit)
    unit.name, unit.kind, unit.parent, unit.sort_order = name.strip(), kind, parent, sort_order
    audit.record(actor, "unit.update", unit.full_name, ip=ip)
    db.session.commit()
    return unit


def delete_unit(actor, unit: OrgUnit, ip: str = "") -> None:
    if unit.children:
        raise ServiceError("该单位下还有下级单位，不能删除")
    if db.session.scalar(select(func.count()).select_from(User).where(User.unit_id == unit.id)):
        raise ServiceError("该单位还有人员，请先调整人员所属单位")
    audit.record(actor, "unit.delete", unit.full_name, ip=ip)
    db.session.delete(unit)
    db.session.commit()


def unit_user_counts() -> dict[int | None, Counter]:
    """Active users per unit and role, in one query."""
    rows = db.session.execute(
        select(User.unit_id, User.role, func.count()).where(User.active.is_(True))
        .group_by(User.unit_id, User.role)).all()
    out: dict[int | None, Counter] = {}
    for unit_id, role, n in rows:
        out.setdefault(unit_id, Counter())[role] += n
    return out


# ---- users ---------------------------------------------------------------

@dataclass
class UserData:
    username: str
    name: str
    role: Role
    unit_id: int | None = None
    position: str = ""
    phone: str = ""


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def users_by_ids(user_ids) -> list[User]:
    """The users with these ids, in one query, ordered by id."""
    ids = list(user_ids)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))) if ids else []


def get_user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def list_users(page: int = 1, q: str = "", unit_id: int | None = None, role: Role | None = None,
               active: bool | None = True, per_page: int = 20) -> Page:
    stmt = select(User).order_by(User.unit_id, User.id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.name.like(like), User.username.like(like), User.position.like(like)))
    if unit_id:
        stmt = stmt.where(User.unit_id.in_(subtree_ids(unit_id)))
    if role:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return paginate(stmt, page, per_page)


def user_data_problems(data: UserData, user: User | None = None) -> dict[str, str]:
    """Field → Chinese reason for everything wrong with data (empty when valid)."""
    problems: dict[str, str] = {}
    if not USERNAME_RE.match(data.username or ""):
        problems["username"] = "用户名须为 2–64 位字母、数字、下划线、点或连字符"
    else:
        clash = get_user_by_username(data.username)
        if clash is not None and clash is not user:
            problems["username"] = f"用户名 {data.username} 已被使用"
    if not (data.name or "").strip():
        problems["name"] = "请填写姓名"
    elif len(data.name.strip()) > 64:
        problems["name"] = "姓名过长"
    if data.phone and not PHONE_RE.match(data.phone.strip()):
        problems["phone"] = "手机号格式不正确"
    if data.unit_id and db.session.get(OrgUnit, data.unit_id) is None:
        problems["unit_id"] = "单位不存在"
    return problems


def _raise_first(problems: dict[str, str]) -> None:
    if problems:
        field, message = next(iter(problems.items()))
        raise ServiceError(message, field=field)


def create_user(actor, data: UserData, password: str | None = None, must_change: bool = True,
                ip: str = "", commit: bool = True) -> User:
    """A new active user; with no password given, an unusable one is set until an admin resets it."""
    _raise_first(user_data_problems(data))
    if password is not None:
        problem = password_problem(password, data.username)
        if problem:
            raise ServiceError(problem, field="password")
    user = User(
        username=data.username.strip(), name=data.name.strip(), role=data.role,
        unit_id=data.unit_id or None, position=(data.position or "").strip(), phone=(data.phone or "").strip(),
        password_hash=hash_password(password or secrets.token_urlsafe(24)), must_change_password=must_change,
        session_token=secrets.token_hex(8),
    )
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        audit.record(actor, "user.create", f"{user.name}（{user.username}）", ip=ip, role=user.role.value)
    if commit:
        db.session.commit()
    return user


def update_user(actor, user: User, data: UserData, ip: str = "") -> User:
    _raise_first(user_data_problems(data, user))
    if user.id == getattr(actor, "id", None) and data.role != Role.admin:
        raise ServiceError("不能取消自己的管理员角色", field="role")
    changes = {}
    for attr in ("username", "name", "role", "unit_id", "position", "phone"):
        new = getattr(data, attr)
        new = new.strip() if isinstance(new, str) else (new or None if attr == "unit_id" else new)
        old = getattr(user, attr)
        if old != new:
            changes[attr] = [str(old.value if hasattr(old, "value") else old),
                             str(new.value if hasattr(new, "value") else new)]
            setattr(user, attr, new)
    audit.record(actor, "user.update", f"{user.name}（{user.username}）", ip=ip, changes=changes)
    db.session.commit()
    return user


def set_active(actor, user: User, active: bool, ip: str = "") -> None:
    if user.id == getattr(actor, "id", None) and not active:
        raise ServiceError("不能停用自己的账号")
    user.active = active
    audit.record(actor, "user.activate" if active else "user.deactivate", f"{user.name}（{user.username}）", ip=ip)
    db.session.commit()


def reset_password(actor, user: User, password: str | None = None, ip: str = "") -> str:
    """Give the user a new initial password (returned) that must be changed at next sign-in."""
    from trainer.auth.service import generate_initial_password

    password = password or generate_initial_password()
    problem = password_problem(password, user.username)
    if problem:
        raise ServiceError(problem, field="password")
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_token = secrets.token_hex(8)
    audit.record(actor, "user.reset_password", f"{user.name}（{user.username}）", ip=ip)
    db.session.commit()
    return password


def count_by_role() -> Counter:
    rows = db.session.execute(select(User.role, func.count()).where(User.active.is_(True)).group_by(User.role))
    return Counter({role: n for role, n in rows})
