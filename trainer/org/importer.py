"""Bulk import of users from .xlsx or .csv: all rows are checked, then all are written, or none."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from werkzeug.security import generate_password_hash

from trainer.audit import service as audit
from trainer.auth.service import generate_initial_password, password_problem
from trainer.extensions import db
from trainer.org import service
from trainer.org.models import Role, User
from trainer.tabular import TableError, build_workbook, read_table

COLUMNS = ["用户名", "姓名", "单位", "角色", "职务", "手机号"]
OPTIONAL = ["初始密码"]
REQUIRED = ["用户名", "姓名", "单位"]
# Initial passwords are temporary (changed at first sign-in), so a bulk import hashes them with
# PBKDF2 rather than scrypt: 500 users import in seconds instead of a minute.
INITIAL_HASH = "pbkdf2:sha256:120000"


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}"


@dataclass
class ImportResult:
    filename: str
    created: list[tuple[User, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def template_xlsx() -> bytes:
    """The download admins fill in."""
    example = [
        ["zhangsan", "张三", "民族宗教科", "干部", "科员", "13800000000", ""],
        ["lisi", "李四", "城关街道", "导师", "统战委员", "", ""],
        ["wangwu", "王五", "城关街道/东门社区", "干部", "社区书记", "", ""],
    ]
    note = [
        ["用户名", "登录名：字母、数字、下划线，2–64 位，不能重复"],
        ["姓名", "必填"],
        ["单位", "必填，须与系统中的单位名称一致；重名的村/社区写成「镇街区/村社区」"],
        ["角色", "干部 / 导师 / 管理员，留空为干部"],
        ["职务", "选填"],
        ["手机号", "选填，11 位手机号"],
        ["初始密码", "选填；留空则由系统生成，导入后在页面上显示一次。首次登录须修改密码"],
    ]
    return build_workbook([("用户", COLUMNS + OPTIONAL, example), ("填写说明", ["列", "说明"], note)],
                          widths={"单位": 24, "用户名": 16, "说明": 70})


def import_users(actor, data: bytes, filename: str, ip: str = "") -> ImportResult:
    """Create every user in the file, or none: the result lists each bad row's reason."""
    result = ImportResult(filename=filename)
    try:
        table = read_table(data, filename)
    except TableError as exc:
        result.errors.append(RowError(0, "文件", str(exc)))
        return result
    missing = [c for c in REQUIRED if c not in table.header]
    if missing:
        result.errors.append(RowError(1, "表头", f"缺少列：{'、'.join(missing)}（请使用下载的模板）"))
        return result
    if not table.rows:
        result.errors.append(RowError(2, "数据", "没有数据行"))
        return result

    seen: dict[str, int] = {}
    pending: list[tuple[service.UserData, str]] = []
    for line, cells in table.rows:
        username = cells.get("用户名", "").strip()
        role_text = cells.get("角色", "").strip()
        role = Role.from_label(role_text) if role_text else Role.cadre
        if role is None:
            result.errors.append(RowError(line, "角色", f"无法识别「{role_text}」，应为 干部/导师/管理员"))
        unit_text = cells.get("单位", "").strip()
        unit = service.find_unit(unit_text)
        if not unit_text:
            result.errors.append(RowError(line, "单位", "不能为空"))
        elif unit is None:
            result.errors.append(RowError(line, "单位", f"找不到单位「{unit_text}」（或有重名，请写成「镇街区/村社区」）"))
        data = service.UserData(username=username, name=cells.get("姓名", ""), role=role or Role.cadre,
                                unit_id=unit.id if unit else None, position=cells.get("职务", ""),
                                phone=cells.get("手机号", ""))
        for fname, reason in service.user_data_problems(data).items():
            column = {"username": "用户名", "name": "姓名", "phone": "手机号", "unit_id": "单位"}[fname]
            result.errors.append(RowError(line, column, reason))
        key = username.lower()
        if key and key in seen:
            result.errors.append(RowError(line, "用户名", f"与第 {seen[key]} 行重复"))
        seen.setdefault(key, line)
        password = cells.get("初始密码", "").strip()
        if password:
            problem = password_problem(password, username)
            if problem:
                result.errors.append(RowError(line, "初始密码", problem))
        pending.append((data, password or generate_initial_password()))

    if result.errors:
        return result
    try:
        for data, password in pending:
            user = service.create_user(None, data, commit=False)
            user.password_hash = generate_password_hash(password, method=INITIAL_HASH)
            user.session_token = secrets.token_hex(8)
            result.created.append((user, password))
        audit.record(actor, "user.import", filename, ip=ip, count=len(pending))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
