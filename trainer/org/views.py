"""Admin pages for people and org units."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer.auth.permissions import admin_required
from trainer.errors import ServiceError
from trainer.forms import options
from trainer.org import importer, service
from trainer.org.forms import ConfirmForm, ImportUsersForm, NewUserForm, UnitForm, UserForm
from trainer.org.models import Role, UnitKind
from trainer.web import apply_error, client_ip, page_arg, xlsx_download

bp = Blueprint("org", __name__, url_prefix="/admin")


def _user_data(form) -> service.UserData:
    return service.UserData(username=form.username.data or "", name=form.name.data or "",
                            role=Role(form.role.data), unit_id=form.unit_id.data or None,
                            position=form.position.data or "", phone=form.phone.data or "")


@bp.get("/users")
@admin_required
def users():
    unit_id = request.args.get("unit", type=int)
    role = Role.from_label(request.args.get("role", ""))
    status = request.args.get("status", "active")
    active = {"active": True, "inactive": False}.get(status)
    page = service.list_users(page_arg(), q=request.args.get("q", ""), unit_id=unit_id, role=role, active=active)
    return render_template("org/users.html", page=page, units=service.unit_choices(include_blank=False),
                           unit_id=unit_id, role=role, status=status, q=request.args.get("q", ""),
                           roles=Role, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = NewUserForm()
    form.unit_id.choices = options(service.unit_choices())
    if form.validate_on_submit():
        from trainer.auth.service import generate_initial_password

        password = form.password.data or generate_initial_password()
        try:
            user = service.create_user(current_user, _user_data(form), password=password, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash(f"已创建用户 {user.name}，初始密码：{password}（首次登录须修改）", "success")
            return redirect(url_for("org.users"))
    return render_template("org/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = service.get_user(user_id)
    form = UserForm(obj=user, data={"role": user.role.value, "unit_id": user.unit_id or 0}
                    if request.method == "GET" else None)
    form.unit_id.choices = options(service.unit_choices())
    if form.validate_on_submit():
        try:
            service.update_user(current_user, user, _user_data(form), ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash(f"已保存 {user.name} 的资料", "success")
            return redirect(url_for("org.users"))
    return render_template("org/user_form.html", form=form, user=user, confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/active")
@admin_required
def user_toggle(user_id: int):
    user = service.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.set_active(current_user, user, not user.active, ip=client_ip())
            flash(f"已{'启用' if user.active else '停用'} {user.name}", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    return redirect(request.referrer or url_for("org.users"))


@bp.post("/users/<int:user_id>/password")
@admin_required
def user_reset_password(user_id: int):
    user = service.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        password = service.reset_password(current_user, user, ip=client_ip())
        flash(f"已重置 {user.name} 的密码，新的初始密码：{password}（登录后须修改）", "success")
    return redirect(url_for("org.user_edit", user_id=user.id))


@bp.route("/users/import", methods=["GET", "POST"])
@admin_required
def user_import():
    form = ImportUsersForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        result = importer.import_users(current_user, upload.read(), upload.filename or "upload", ip=client_ip())
        if result.ok:
            flash(f"已导入 {len(result.created)} 名用户", "success")
    return render_template("org/user_import.html", form=form, result=result)


@bp.get("/users/import/template.xlsx")
@admin_required
def user_import_template():
    return xlsx_download(importer.template_xlsx(), "用户导入模板.xlsx")


@bp.get("/units")
@admin_required
def units():
    return render_template("org/units.html", units=service.list_units(), depth=service.unit_depth,
                           counts=service.unit_user_counts(), confirm=ConfirmForm(), roles=Role)


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@admin_required
def unit_form(unit_id: int | None = None):
    unit = service.get_unit(unit_id) if unit_id else None
    form = UnitForm(obj=unit, data={"kind": unit.kind.value, "parent_id": unit.parent_id or 0}
                    if unit and request.method == "GET" else None)
    form.parent_id.choices = options([(0, "（无，顶层单位）")] + [
        (u.id, u.name) for u in service.list_units() if u.kind == UnitKind.town])
    if form.validate_on_submit():
        args = (form.name.data, UnitKind(form.kind.data), form.parent_id.data or None, form.sort_order.data or 0)
        try:
            if unit is None:
                service.create_unit(current_user, *args, ip=client_ip())
            else:
                service.update_unit(current_user, unit, *args, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("单位已保存", "success")
            return redirect(url_for("org.units"))
    return render_template("org/unit_form.html", form=form, unit=unit)


@bp.post("/units/<int:unit_id>/delete")
@admin_required
def unit_delete(unit_id: int):
    unit = service.get_unit(unit_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.delete_unit(current_user, unit, ip=client_ip())
            flash(f"已删除单位 {unit.name}", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    return redirect(url_for("org.units"))
