"""Sign-in, sign-out and the user's own password."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from trainer.auth import service
from trainer.auth.forms import ChangePasswordForm, LoginForm
from trainer.auth.permissions import signed_in
from trainer.errors import ServiceError
from trainer.web import apply_error, client_ip

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data, client_ip())
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                flash("首次登录或密码已被重置，请先设置新密码", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@signed_in
def logout():
    logout_user()
    flash("已安全退出", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.old_password.data, form.new_password.data)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            login_user(current_user._get_current_object())  # new session token
            flash("密码已修改", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
