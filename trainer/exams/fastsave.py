"""Autosave on the hot path: POST /attempts/<id>/answer served before Flask when nothing about it is unusual.

During a quiz every answer of every cadre is an autosave, so this one request decides how many cadres a server
can take at once. Going through Flask costs about twice as much CPU as the save itself: the request context,
the signed session, the CSRF check, the hooks and the JSON response. This WSGI layer does only what that
request needs. It checks the signed session cookie with Flask's own serializer and the CSRF token the way
Flask-WTF does, takes the question from the per-process paper cache, and runs the one guarded UPDATE of
exams.attempts (_SAVE) on a pooled DB-API connection. The UPDATE's WHERE clause checks the item, the attempt's
owner, state and deadline, the user's session token, the account and the password state.

The Flask view (exams.views.autosave) remains the reference. This layer answers only a request it can vouch
for completely. Everything else goes on to Flask unchanged, which answers it in full, with the precise error:
no session or an unsigned one, a remember-me cookie only, a missing or wrong CSRF token, on HTTPS a referrer
from another origin (Flask-WTF's rule), a body that is not a small JSON answer, a flag-only request, a paper
not yet cached, an UPDATE that changed nothing, or any exception. It is not installed when the sign-in rules
ask for more than a signed session (Flask-Login's "strong" protection) or TRUSTED_HOSTS is set.
"""
from __future__ import annotations

import fcntl
import hmac
import io
import json
import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from trainer.exams.attempts import _SAVE, PAPERS, save_values
from trainer.timeutil import utcnow

log = logging.getLogger(__name__)
PATH_RE = re.compile(r"/attempts/(\d+)/answer\Z")
MAX_BODY = 16 * 1024  # an answer is a few hundred bytes; anything larger is Flask's to judge


class PreparedStatement:
    """A Core statement compiled once for the engine's dialect, run on a raw DB-API connection. The bind values
    go through the same type processors SQLAlchemy applies (dates, JSON, booleans, enums)."""

    def __init__(self, statement, engine):
        compiled = statement.compile(dialect=engine.dialect)
        self.engine = engine
        self.sql = compiled.string
        self.order = compiled.positiontup if compiled.positional else None
        self.fixed = {name: b.effective_value for name, b in compiled.binds.items() if not b.required}
        self.processors = {name: proc for name, b in compiled.binds.items()
                           if (proc := b.type.dialect_impl(engine.dialect).bind_processor(engine.dialect))
                           is not None}
        self.autocommit = engine.dialect.name == "postgresql"  # one round trip instead of BEGIN, UPDATE, COMMIT
        # SQLite: the gunicorn workers queue for the write lock on a lock file beside the database; SQLite's own
        # busy handler polls and sleeps a millisecond or more each time two autosaves meet (half of them did)
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self.lock_path = database + ".write-lock" if database and database != ":memory:" else None
        self._lock_fd: int | None = None

    def run_alone(self, values: dict) -> int:
        """Run as a transaction of its own; returns the row count (committed only when it is 1)."""
        params = {**self.fixed, **values}
        for name, proc in self.processors.items():
            params[name] = proc(params[name])
        args = [params[name] for name in self.order] if self.order is not None else params
        conn = self.engine.raw_connection()
        try:
            if self.autocommit:
                driver = conn.driver_connection
                driver.autocommit = True
                try:
                    cursor = driver.cursor()
                    cursor.execute(self.sql, args)
                    return cursor.rowcount
                finally:
                    driver.autocommit = False
            with self._write_lock():
                cursor = conn.cursor()
                cursor.execute(self.sql, args)
                count = cursor.rowcount
                if count == 1:
                    conn.commit()
            return count
        finally:
            conn.close()  # back to the pool, rolled back if not committed

    @contextmanager
    def _write_lock(self):
        if self.lock_path is None:
            yield
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Claim:
    """What a verified session cookie and CSRF token say: the user and session token, and when they were signed."""

    user_id: int
    token: str
    session_signed_at: datetime
    csrf_signed_at: datetime | None

    def fresh(self, session_max_age: int, csrf_time_limit: int | None) -> bool:
        now = datetime.now(UTC)
        if (now - self.session_signed_at).total_seconds() > session_max_age:
            return False
        return not (csrf_time_limit and self.csrf_signed_at
                    and (now - self.csrf_signed_at).total_seconds() > csrf_time_limit)


class AutosaveFastPath:
    """WSGI middleware in front of the Flask app; see the module docstring."""

    def __init__(self, app, wsgi_app):
        from trainer.extensions import db
        from trainer.web_setup import SECURITY_HEADERS

        self.wsgi_app = wsgi_app
        cfg = app.config
        self.cookie_name = cfg["SESSION_COOKIE_NAME"]
        self.session_serializer = app.session_interface.get_signing_serializer(app)
        self.session_max_age = int(app.permanent_session_lifetime.total_seconds())
        self.csrf_enabled = cfg.get("WTF_CSRF_ENABLED", True) and cfg.get("WTF_CSRF_CHECK_DEFAULT", True)
        self.csrf_field = cfg.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        self.csrf_time_limit = cfg.get("WTF_CSRF_TIME_LIMIT", 3600)
        self.csrf_ssl_strict = cfg.get("WTF_CSRF_SSL_STRICT", True)
        self.csrf_serializer = URLSafeTimedSerializer(cfg.get("WTF_CSRF_SECRET_KEY") or app.secret_key,
                                                      salt="wtf-csrf-token")
        self.csrf_headers = ["HTTP_" + h.upper().replace("-", "_")
                             for h in cfg.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])]
        with app.app_context():
            self.save = PreparedStatement(_SAVE, db.engine)
        # a cadre sends the same cookie and token with every answer: their signatures are checked once per
        # process (the ages on every request)
        self._claim = lru_cache(maxsize=4096)(self._verify)
        self.headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Vary", "Cookie"),
                        *SECURITY_HEADERS.items()]

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        match = PATH_RE.match(environ.get("PATH_INFO", ""))
        if match is None or not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return self.wsgi_app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.wsgi_app(environ, start_response)
        if not 0 < length <= MAX_BODY:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again if this layer passes
        try:
            saved_at = self._save(environ, int(match.group(1)), body)
        except (ValueError, TypeError, AttributeError):
            saved_at = None  # a malformed answer: Flask says what is wrong with it
        except Exception:
            log.exception("autosave fast path failed; passed on to the application")
            saved_at = None
        if saved_at is None:
            return self.wsgi_app(environ, start_response)
        payload = json.dumps({"ok": True, "saved_at": saved_at.isoformat() + "Z"}).encode()
        start_response("200 OK", [*self.headers, ("Content-Length", str(len(payload)))])
        return [payload]

    def _save(self, environ, attempt_id: int, body: bytes):
        """The time of the save, or None to let Flask answer."""
        if environ.get("wsgi.url_scheme") == "https" and self.csrf_enabled and self.csrf_ssl_strict:
            # Flask-WTF's rule on HTTPS: the referrer must be this very origin
            host, referrer = environ.get("HTTP_HOST"), environ.get("HTTP_REFERER")
            if not (host and referrer and _same_origin(referrer, f"https://{host}/")):
                return None
        cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(self.cookie_name)
        sent = next((environ[h] for h in self.csrf_headers if environ.get(h)), None)
        if not cookie or (self.csrf_enabled and not sent):
            return None
        claim = self._claim(cookie, sent if self.csrf_enabled else None)
        if claim is None or not claim.fresh(self.session_max_age, self.csrf_time_limit):
            return None
        data = json.loads(body)
        if not isinstance(data, dict) or "response" not in data:
            return None
        paper = PAPERS.get(attempt_id)
        item = paper.get(int(data.get("position", 0))) if paper else None
        if item is None:
            return None
        now = utcnow()
        values = save_values(item, attempt_id, claim.user_id, claim.token, data.get("response"), data.get("spent_ms"),
                             data.get("flagged"), now)
        return now if self.save.run_alone(values) == 1 else None

    def _verify(self, cookie: str, sent: str | None) -> Claim | None:
        """The user a signed session cookie names, if the CSRF token sent (None: not checked) matches it."""
        try:
            session, signed_at = self.session_serializer.loads(cookie, return_timestamp=True)
        except BadData:
            return None
        ident, _, token = str(session.get("_user_id") or "").partition(":")
        if not (ident.isdigit() and token):
            return None
        csrf_signed_at = None
        if sent is not None:
            expected = session.get(self.csrf_field)
            try:
                raw, csrf_signed_at = self.csrf_serializer.loads(sent, return_timestamp=True)
            except BadData:
                return None
            if not expected or not hmac.compare_digest(str(expected), str(raw)):
                return None
        return Claim(int(ident), token, signed_at, csrf_signed_at)


def _same_origin(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def install(app) -> None:
    """Put the fast path in front of the app, unless the sign-in rules ask for more than a signed session."""
    from trainer.extensions import login_manager

    if (login_manager.session_protection not in (None, "basic") or app.config.get("TRUSTED_HOSTS")
            or not app.config.get("AUTOSAVE_FAST_PATH", True)):
        return
    app.wsgi_app = AutosaveFastPath(app, app.wsgi_app)
