"""Configuration classes, read from the environment (TRAINER_* variables)."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("TRAINER_INSTANCE_DIR", ROOT / "instance"))


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def instance_secret_key(instance: Path = INSTANCE) -> str:
    """The key kept in instance/secret_key, generated on first use."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_url(url: str | None) -> str:
    """Normalise a database URL: psycopg 3 for PostgreSQL, SQLite in instance/ by default."""
    if not url:
        INSTANCE.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE / 'trainer.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Development and default settings."""

    ENV_NAME = "development"
    MIGRATIONS_DIR = ROOT / "migrations"
    SECRET_KEY = os.environ.get("TRAINER_SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = None  # resolved in create_app
    # JSON columns keep Chinese readable (and searchable with LIKE) instead of \u escapes
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"json_serializer": lambda obj: json.dumps(obj, ensure_ascii=False)}
    DEMO = _flag("TRAINER_DEMO", True)
    UPLOAD_DIR = os.environ.get("TRAINER_UPLOAD_DIR") or str(INSTANCE / "uploads")
    CERT_FONT = os.environ.get("TRAINER_CERT_FONT") or None
    TIMEZONE = os.environ.get("TRAINER_TIMEZONE", "Asia/Shanghai")
    ORG_NAME = os.environ.get("TRAINER_ORG_NAME", "中共示例市委统战部")
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # uploads: 10 MB
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("TRAINER_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_I18N_ENABLED = False  # WTForms' own Chinese messages (Meta.locales in trainer.forms)
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; exams run for hours
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"
    PUBLIC_BASE_URL = os.environ.get("TRAINER_PUBLIC_URL", "")  # printed in certificate QR codes
    AUTOSAVE_FAST_PATH = True  # trainer.exams.fastsave in front of Flask; False sends every autosave through Flask


class ProductionConfig(Config):
    """Settings for gunicorn behind a reverse proxy: a secret key must be given."""

    ENV_NAME = "production"
    DEMO = _flag("TRAINER_DEMO", False)


class TestConfig(Config):
    """Tests: a throwaway database, fast hashing, no demo."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    DEMO = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TRAINER_TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = True


def config_from_env() -> type[Config]:
    """The config class named by TRAINER_ENV (development by default)."""
    name = os.environ.get("TRAINER_ENV", "development").strip().lower()
    return ProductionConfig if name == "production" else Config
