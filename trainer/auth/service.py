"""Sign-in, throttling and passwords."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.auth.models import LoginThrottle
from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.org.models import User
from trainer.timeutil import utcnow

# a real hash so that unknown usernames cost the same time as known ones
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(4))


class LoginLocked(ServiceError):
    pass


class BadCredentials(ServiceError):
    pass


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is too weak, in Chinese, or None."""
    if len(password) < 8:
        return "密码至少 8 位"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码须同时包含字母和数字"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    return None


def generate_initial_password() -> str:
    """An easy-to-read initial password (no 0/O/1/l), letters and digits."""
    letters = "abcdefghjkmnpqrstuvwxyz"
    digits = "23456789"
    core = "".join(secrets.choice(letters) for _ in range(4)) + "".join(secrets.choice(digits) for _ in range(4))
    return core


def _throttle(key: str) -> LoginThrottle:
    row = db.session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0)
        db.session.add(row)
    return row


def locked_minutes(keys: list[str], now: datetime | None = None) -> int | None:
    """Minutes left on the longest active lock among keys, else None (sign-in, check-in codes, ...)."""
    now = now or utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    left = [r.locked_until - now for r in rows if r.locked_until and r.locked_until > now]
    if not left:
        return None
    return max(1, int(max(left).total_seconds() // 60) + 1)


def note_failure(keys: list[str], max_failures: int, window: timedelta, lock: timedelta,
                 now: datetime | None = None) -> None:
    """Count a failure on each key; max_failures within window lock the key for lock (state in the database,
    so the limit holds across workers). The caller commits."""
    now = now or utcnow()
    for key in keys:
        row = _throttle(key)
        if row.first_failure_at is None or now - row.first_failure_at > window or (
                row.locked_until and row.locked_until <= now):
            row.failures = 0
            row.first_failure_at = now
            row.locked_until = None
        row.failures += 1
        if row.failures >= max_failures:
            row.locked_until = now + lock


def clear_failures(key: str) -> None:
    """Forget the failures on key after a success."""
    row = db.session.get(LoginThrottle, key)
    if row is not None:
        db.session.delete(row)


def authenticate(username: str, password: str, ip: str) -> User:
    """The active user with these credentials; raises LoginLocked or BadCredentials and
    records the failure (5 failures within 15 minutes lock the account and the address)."""
    username = (username or "").strip()
    keys = [f"user:{username.lower()}", f"ip:{ip}"]
    minutes = locked_minutes(keys)
    if minutes:
        raise LoginLocked(f"登录失败次数过多，请 {minutes} 分钟后再试")
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if not check_password(user, password) or not user.active:
        window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        note_failure(keys, current_app.config["LOGIN_MAX_FAILURES"], window, window)
        db.session.commit()
        if user is not None and not user.active and check_password(user, password):
            raise BadCredentials("该账号已停用，请联系管理员")
        raise BadCredentials("用户名或密码错误")
    clear_failures(keys[0])
    user.last_login_at = utcnow()
    if not user.session_token:
        user.session_token = secrets.token_hex(8)
    db.session.commit()
    return user


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: "id:token", so that a password change signs out old sessions."""
    ident, _, token = (user_id or "").partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def change_password(user: User, old: str, new: str) -> None:
    """Set a new password after checking the old one; other sessions are signed out."""
    if not check_password(user, old):
        raise ServiceError("原密码不正确", field="old_password")
    if old == new:
        raise ServiceError("新密码不能与原密码相同", field="new_password")
    problem = password_problem(new, user.username)
    if problem:
        raise ServiceError(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_token = secrets.token_hex(8)
    db.session.commit()
