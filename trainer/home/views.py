"""Home page per role, and the health check."""
from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from trainer.auth.permissions import signed_in
from trainer.extensions import db
from trainer.home import service

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    return render_template(f"home/{current_user.role.value}.html", **service.home_context(current_user))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception:
        return jsonify({"status": "error", "database": "error"}), 503
    return jsonify({"status": "ok", "database": "ok"})
