"""Fixtures shared by every test: app, client, runner, db, login_as, factories, count_queries.

The schema is created once per test session (SQLite file, or the PostgreSQL database named by
TRAINER_TEST_DATABASE_URL) and every table is emptied after each test.
"""
from __future__ import annotations

import itertools
import os
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from trainer import create_app
from trainer.config import TestConfig
from trainer.extensions import db as _db

PASSWORD = "Secret123"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
PG_URL = os.environ.get("TRAINER_TEST_DATABASE_URL")


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every POST unless csrf=False is given."""

    def _token(self) -> str:
        with self.application.app_context(), self.session_transaction() as sess:
            raw = sess.get("csrf_token")
            if raw is None:
                import hashlib

                raw = sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self._token())
            kwargs["headers"] = headers
        # each request gets its own app context (own g, own db session), as in production
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database: a SQLite file, or the PostgreSQL database named by TRAINER_TEST_DATABASE_URL (with
    pytest -n, each worker gets its own database beside it, created here and dropped at the end)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    worker_id = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker_id:
        yield PG_URL
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    name = f"{url.database}_{worker_id}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def config_with(**overrides) -> type[TestConfig]:
    """TestConfig with overrides, as a class (engines are built from it in create_app)."""
    return type("Config", (TestConfig,), overrides)


_schema_ready: set[str] = set()


def _empty_tables() -> None:
    from trainer.exams.attempts import PAPERS

    PAPERS.clear()  # a new database reuses ids, which the app never does with question versions
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # DELETE from the tables that have rows (TRUNCATE of every table costs about a second per test),
            # with foreign-key triggers off for the transaction, then restart their id sequences
            probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
            used = {row[0] for row in conn.execute(text(probe))}
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for t in tables:
                if t.name in used:
                    conn.execute(t.delete())
                    if "id" in t.columns and t.columns["id"].autoincrement in (True, "auto"):
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), 1, false)"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for t in tables:
                conn.execute(t.delete())
            conn.execute(text("DELETE FROM sqlite_sequence")) if conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first() else None
            conn.execute(text("PRAGMA foreign_keys=ON"))


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=str(tmp_path / "uploads")))
    app.test_client_class = CSRFClient
    with app.app_context():
        if database_url not in _schema_ready:
            _db.drop_all()
            _db.create_all()
            _schema_ready.add(database_url)
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_seq = itertools.count(1)


@pytest.fixture
def make_unit(app):
    from trainer.org.models import OrgUnit, UnitKind

    def make(name: str | None = None, kind: UnitKind = UnitKind.office, parent=None) -> OrgUnit:
        unit = OrgUnit(name=name or f"单位{next(_seq)}", kind=kind, parent=parent)
        _db.session.add(unit)
        _db.session.commit()
        return unit

    return make


@pytest.fixture
def make_user(app, make_unit):
    from trainer.org.models import Role, User

    def make(role: Role | str = Role.cadre, unit=None, username: str | None = None, name: str | None = None,
             must_change: bool = False, **kw) -> User:
        n = next(_seq)
        user = User(username=username or f"user{n}", name=name or f"测试用户{n}", role=Role(role),
                    unit=unit if unit is not None else make_unit(), password_hash=PASSWORD_HASH,
                    must_change_password=must_change, session_token=f"tok{n}", **kw)
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


def sign_in(client: FlaskClient, user) -> FlaskClient:
    """Put user in client's session, as Flask-Login would after a sign-in."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


@pytest.fixture
def login_as(app, make_user):
    """login_as("admin") -> a client signed in as a new user of that role (user on client.user)."""

    def login(role="cadre", user=None, **kw) -> FlaskClient:
        user = user or make_user(role=role, **kw)
        c = app.test_client()
        sign_in(c, user)
        c.user = user
        return c

    return login


@pytest.fixture
def count_queries(app):
    """with count_queries() as n: ...; n() is the number of SQL statements run."""

    @contextmanager
    def counter():
        count = [0]

        def before(*_a, **_k):
            count[0] += 1

        event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield lambda: count[0]
        finally:
            event.remove(_db.engine, "before_cursor_execute", before)

    return counter


def bank_yaml(slug: str = "test-bank", n: int = 10, review: str = "reviewed", chapters: int = 2) -> str:
    """A YAML bank of n questions cycling through every type (facts are placeholders for tests)."""
    import yaml

    qs = []
    for i in range(n):
        kind = ["single", "multiple", "judge", "fill", "short"][i % 5]
        q = {"key": f"q{i + 1:04d}", "chapter": str(i % chapters + 1), "type": kind, "explanation": f"解析{i}",
             "reference": f"第{'一二三四五六七八九十'[i % 10]}条", "difficulty": i % 5 + 1, "tags": [f"标签{i % 3}"]}
        if kind == "single":
            q |= {"stem": f"单选题{i}（ ）", "options": ["甲", "乙", "丙", "丁"], "answer": "ABCD"[i % 4]}
        elif kind == "multiple":
            q |= {"stem": f"多选题{i}（ ）", "options": ["甲", "乙", "丙", "丁"], "answer": "AC"}
        elif kind == "judge":
            q |= {"stem": f"判断题{i}", "answer": i % 2 == 0}
        elif kind == "fill":
            q |= {"stem": f"填空题{i}____", "answer": [f"答案{i}"]}
        else:
            q |= {"stem": f"简答题{i}", "answer": "参考答案", "scoring_points": ["要点一", "要点二"]}
        qs.append(q)
    doc = {"slug": slug, "title": f"题库{slug}", "source": "测试条例", "source_version": "2020年版",
           "review": {"state": review, "by": "测试复核组", "at": "2026-11-29"},
           "chapters": [{"code": str(c + 1), "title": f"第{c + 1}章"} for c in range(chapters)], "questions": qs}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@pytest.fixture
def make_bank(app):
    """make_bank(n=10) -> a Bank imported from bank_yaml (every type, reviewed)."""
    from trainer.banks import importing, service

    def make(n: int = 10, slug: str = "test-bank", review: str = "reviewed", chapters: int = 2):
        report = importing.import_bank(bank_yaml(slug, n, review, chapters).encode(), f"{slug}.yaml")
        assert report.ok, report.error_lines()
        return service.get_bank(slug)

    return make


# ---- browser tests (Playwright with Debian's Chromium) ----------------------------------------

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium fonts-wqy-microhei)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args():
    """Browser tests run at phone width, in Chinese."""
    return {"viewport": PHONE, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def live_server(app):
    """The app served from a thread on 127.0.0.1 (same database as the test); yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def artifacts(request):
    """A folder for this test's screenshots: test-artifacts/<test name>/."""
    import shutil
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-artifacts" / request.node.name
    shutil.rmtree(folder, ignore_errors=True)  # only this run's screenshots
    folder.mkdir(parents=True)
    return folder


def browser_login(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Sign in through the real form."""
    page.goto(f"{base_url}/login")
    page.fill("#username", user.username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
