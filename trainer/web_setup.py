"""Request-wide setup: database pragmas, sign-in, error pages, security headers, template helpers."""
from __future__ import annotations

import re
import sqlite3

from flask import Flask, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.engine import Engine

from trainer import articles, navigation
from trainer.errors import Forbidden, NotFound
from trainer.extensions import login_manager
from trainer.grading.types import BLANK_RE
from trainer.timeutil import WEEKDAYS, format_local, to_local


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Every SQLite connection: WAL, foreign keys enforced, wait instead of failing when busy."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}

# endpoints a user who must change their password may still reach
PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "static", "home.healthz"}


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/")


def _error(status: int, title: str, message: str):
    if _wants_json():
        return jsonify({"error": message}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    from trainer.auth.service import load_user

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if _wants_json() or request.method != "GET":
            return jsonify({"error": "登录已失效，请重新登录"}), 401
        flash("请先登录", "warning")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def _force_password_change():
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "checks_user_itself", False):
            return None
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in PASSWORD_CHANGE_ALLOWED):
            if _wants_json():
                return jsonify({"error": "请先修改初始密码"}), 403
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def _headers(resp):
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        # pages of a signed-in session are not cached; read from the session, so no user is loaded for this
        if session.get("_user_id"):
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.errorhandler(400)
    def _bad_request(e):
        return _error(400, "请求有误", "提交的内容无法处理，请返回后重试。")

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return _error(400, "页面已过期", "页面安全校验失败（可能停留太久或在别处退出了登录），请刷新页面后重试。")

    @app.errorhandler(403)
    @app.errorhandler(Forbidden)
    def _forbidden(e):
        return _error(403, "没有权限", "您没有访问此页面的权限。如有需要，请联系管理员。")

    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def _not_found(e):
        message = e.message if isinstance(e, NotFound) else "您访问的页面不存在或已被删除。"
        return _error(404, "页面不存在", message)

    @app.errorhandler(405)
    def _method(e):
        return _error(405, "请求方式不正确", "不支持此请求方式。")

    @app.errorhandler(413)
    def _too_large(e):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _error(413, "文件过大", f"上传的文件超过 {limit} MB 的限制，请压缩或拆分后再上传。")

    @app.errorhandler(500)
    def _server_error(e):
        from trainer.extensions import db

        db.session.rollback()
        return _error(500, "系统出错", "服务器处理请求时出错，已记录。请稍后重试或联系管理员。")

    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["nl2br"] = lambda s: Markup("<br>".join(escape(s or "").split("\n")))
    app.jinja_env.filters["weekday"] = lambda d: "周" + WEEKDAYS[d.weekday()] if d else ""
    app.jinja_env.filters["blank_split"] = lambda stem: BLANK_RE.split(stem or "")
    app.jinja_env.filters["reference_article"] = lambda ref: re.sub(r"《[^》]*》", "", ref or "").strip()
    app.jinja_env.globals["to_local"] = to_local
    app.jinja_env.globals["source_article"] = articles.article_of
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _globals():
        return {"nav_items": navigation.items_for(current_user), "org_name": app.config["ORG_NAME"]}
