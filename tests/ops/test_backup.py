"""Backup and restore: back up, change data, restore, compare."""
import shutil

import pytest
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.org.models import User


def _snapshot():
    return sorted(db.session.execute(select(User.username, User.name, User.active)).all())


def test_backup_change_restore_compare(runner, make_user, tmp_path):
    """Does a restore bring back exactly what the backup held?"""
    if db.engine.dialect.name == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    for i in range(3):
        make_user(name=f"备份前{i}")
    before = _snapshot()
    path = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0
    victim = db.session.scalar(select(User))
    victim.name = "改动后"
    make_user(name="新增的人")
    db.session.commit()
    assert _snapshot() != before
    db.session.remove()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_restore_refuses_a_missing_or_broken_file(runner, tmp_path):
    """Does restore exit non-zero on a missing or corrupt backup and change nothing?"""
    result = runner.invoke(args=["restore", str(tmp_path / "none.db"), "--yes"])
    assert result.exit_code == 1 and "不存在" in result.output
    if db.engine.dialect.name == "sqlite":
        broken = tmp_path / "broken.db"
        broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        result = runner.invoke(args=["restore", str(broken), "--yes"])
        assert result.exit_code == 1
