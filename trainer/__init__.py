"""trainer: training and exams for a United Front Work Department."""
from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask

from trainer.config import Config, config_from_env, database_url, instance_secret_key

# Domains, registered by name in this order: trainer/<name>/views.py defines bp; a domain may also
# have cli.py (COMMANDS), demo.py (seed) and home.py (panel); domains not yet present are skipped.
DOMAINS = [
    "auth", "org", "audit", "home", "banks", "sources", "exams", "practice", "nightschool", "reviews",
    "mentoring", "certificates", "competitions", "reports",
]


def create_app(config: type[Config] | Mapping | None = None) -> Flask:
    """Build the application; config is a Config class, a mapping of overrides, or None (environment)."""
    from importlib import import_module

    from trainer import cli, web_setup
    from trainer.extensions import csrf, db, login_manager, migrate

    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=False)
    base = config if isinstance(config, type) else config_from_env()
    app.config.from_object(base)
    if isinstance(config, Mapping):
        app.config.update(config)

    if not app.config.get("SECRET_KEY"):
        if app.config.get("ENV_NAME") == "production":
            raise RuntimeError("生产模式必须设置环境变量 TRAINER_SECRET_KEY（TRAINER_SECRET_KEY is required in production）")
        app.config["SECRET_KEY"] = instance_secret_key()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        import os

        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ.get("TRAINER_DATABASE_URL"))
    else:
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    _tune_engine(app)
    migrate.init_app(app, db, directory=str(Config.MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    for name in DOMAINS:
        if not _has_module(f"trainer.{name}"):
            continue
        if _has_module(f"trainer.{name}.models"):
            import_module(f"trainer.{name}.models")
        app.register_blueprint(import_module(f"trainer.{name}.views").bp)

    web_setup.init_app(app)
    cli.init_app(app)
    if _has_module("trainer.exams.fastsave"):
        import_module("trainer.exams.fastsave").install(app)  # the autosave hot path, in front of Flask
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _tune_engine(app: Flask) -> None:
    """On PostgreSQL, bulk inserts without RETURNING go through psycopg's executemany (one short statement,
    pipelined) instead of long multi-row statements that psycopg parses again for every batch (measured on a
    10,000-question import: about 1.4 s of 8.7 s)."""
    from trainer.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import event

            def after_initialize(*_args):  # the dialect sets its defaults when it first connects
                db.engine.dialect.use_insertmanyvalues_wo_returning = False

            event.listen(db.engine, "first_connect", after_initialize)


def _has_module(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(name) is not None
