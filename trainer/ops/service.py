"""Backups and restores of the database, safe while the app runs.

SQLite: the online backup API copies a consistent snapshot page by page while others keep writing.
PostgreSQL: pg_dump (custom format) and pg_restore, which must be installed (postgresql-client).
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from trainer.errors import ServiceError
from trainer.extensions import db


def _sqlite_path() -> str:
    return make_url(str(db.engine.url)).database


def _libpq_url() -> str:
    url = make_url(str(db.engine.url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def backup(path: str) -> str:
    """Write a consistent copy of the database to path; returns a description."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        dest = sqlite3.connect(str(target))
        try:
            with dest:
                source.backup(dest, pages=256)
        finally:
            dest.close()
            source.close()
        return f"SQLite 在线备份 → {target}（{target.stat().st_size // 1024} KB）"
    if dialect == "postgresql":
        if shutil.which("pg_dump") is None:
            raise ServiceError("找不到 pg_dump，请安装 PostgreSQL 客户端（postgresql-client）")
        done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url()],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ServiceError(f"pg_dump 失败：{done.stderr.strip()}")
        return f"PostgreSQL pg_dump → {target}（{target.stat().st_size // 1024} KB）"
    raise ServiceError(f"不支持备份 {dialect} 数据库")


def restore(path: str) -> str:
    """Replace the database's contents with a backup made by backup(); stop the app first."""
    source = Path(path)
    if not source.exists():
        raise ServiceError(f"备份文件不存在：{source}")
    dialect = db.engine.dialect.name
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        src = sqlite3.connect(str(source))
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ServiceError("备份文件已损坏（integrity_check 未通过）")
            dest = sqlite3.connect(_sqlite_path())
            try:
                with dest:
                    src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        return f"已从 {source} 恢复 SQLite 数据库"
    if dialect == "postgresql":
        if shutil.which("pg_restore") is None:
            raise ServiceError("找不到 pg_restore，请安装 PostgreSQL 客户端（postgresql-client）")
        done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                               "--dbname", _libpq_url(), str(source)], capture_output=True, text=True)
        if done.returncode != 0:
            raise ServiceError(f"pg_restore 失败：{done.stderr.strip()[:500]}")
        return f"已从 {source} 恢复 PostgreSQL 数据库"
    raise ServiceError(f"不支持恢复 {dialect} 数据库")
