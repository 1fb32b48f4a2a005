"""The application as a whole: factory, health check, headers, error pages, migrations."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import config_with
from trainer import create_app
from trainer.config import ProductionConfig
from trainer.extensions import db


def test_healthz_answers_after_a_real_query(client):
    """Does /healthz report the database as ok?"""
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_response(client):
    """Do pages carry CSP, nosniff, referrer policy and frame-ancestors?"""
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_not_found_page_is_chinese(client):
    """Is an unknown address answered with a Chinese 404 page?"""
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert "页面不存在" in resp.get_data(as_text=True)


def test_production_refuses_to_start_without_secret(monkeypatch):
    """Does production mode refuse to start when TRAINER_SECRET_KEY is unset?"""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="TRAINER_SECRET_KEY"):
        create_app(ProductionConfig)


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    """Without TRAINER_SECRET_KEY, is a key generated once and kept?"""
    from trainer import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    first = config.instance_secret_key(tmp_path)
    assert len(first) == 64 and config.instance_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    """Does every SQLite connection have WAL, foreign keys and a busy timeout?"""
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}"))
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        db.engine.dispose()


def _empty_database_url(tmp_path):
    """A fresh empty database on the engine under test; yields its URL then drops it."""
    pg = os.environ.get("TRAINER_TEST_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    url = make_url(pg)
    name = f"trainer_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_url(tmp_path):
    yield from _empty_database_url(tmp_path)


def test_migrations_build_the_models_schema_on_an_empty_database(empty_database_url):
    """Do the migrations upgrade an empty database to exactly the models' schema?"""
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert {"user_account", "org_unit", "audit_log", "alembic_version"} <= tables
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"migrations differ from models: {diff}"
        db.engine.dispose()


def test_forms_drop_control_characters(app):
    """Does every form drop control characters from typed text (PostgreSQL cannot store a NUL), keeping line breaks?"""
    from wtforms import StringField, TextAreaField

    from trainer.forms import Form

    class Sample(Form):
        name = StringField("名称")
        body = TextAreaField("正文")

    with app.test_request_context(method="POST", data={"name": "张\x00三\x1b", "body": "第一行\r\n第二行\t完"}):
        form = Sample(meta={"csrf": False})
        assert form.name.data == "张三" and form.body.data == "第一行\r\n第二行\t完"
