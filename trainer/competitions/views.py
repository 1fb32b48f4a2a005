"""Competition boards (people, units, teams; live, big screen, frozen and revealed), their admin pages,
and season points (mine, boards, rules)."""
from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, require, signed_in
from trainer.competitions import forms as f
from trainer.competitions import pages, points, service
from trainer.competitions.models import AwardBasis
from trainer.errors import ServiceError
from trainer.org.forms import ConfirmForm
from trainer.org.models import Role
from trainer.web import apply_error, client_ip, page_arg, xlsx_download

bp = Blueprint("competitions", __name__)
service.register_certificates()
navigation.add(
    navigation.NavItem("竞赛排名", "competitions.index", "trophy", (Role.cadre, Role.mentor), "",
                       ("competitions.index", "competitions.board", "competitions.screen")),
    navigation.NavItem("学习积分", "competitions.my_points", "star", (Role.cadre, Role.mentor), "",
                       ("competitions.my_points", "competitions.points_")),
    navigation.NavItem("竞赛管理", "competitions.admin_index", "trophy", (Role.admin,), "",
                       ("competitions.admin", "competitions.board", "competitions.screen")),
    navigation.NavItem("积分管理", "competitions.points_board", "star", (Role.admin,), "",
                       ("competitions.points_",)),
)


def _viewable(exam_id: int):
    exam = service.get_competition(exam_id)
    require(service.can_view(current_user, exam))
    return exam


def _actual() -> bool:
    """Admins may look behind the freeze with ?actual=1; everyone else sees the public board."""
    return current_user.role == Role.admin and request.args.get("actual") == "1"


# ---- boards ------------------------------------------------------------------------------------------

@bp.get("/competitions")
@signed_in
def index():
    exams = service.competitions_for(current_user)
    return render_template("competitions/index.html", exams=exams, window_state=service.window_state)


@bp.get("/competitions/<int:exam_id>")
@signed_in
def board(exam_id: int):
    exam = _viewable(exam_id)
    return render_template("competitions/board.html", **pages.board_context(exam, current_user, request.args.get("tab"),
                                                                            request.args.get("order"), _actual()))


@bp.get("/competitions/<int:exam_id>/board.json")
@signed_in
def board_json(exam_id: int):
    exam = _viewable(exam_id)
    limit = min(max(request.args.get("top", 200, type=int), 1), 500)
    resp = jsonify(service.board_json(service.board(exam, actual=_actual()), current_user, limit))
    resp.headers["Cache-Control"] = "private, max-age=2"
    return resp


@bp.get("/competitions/<int:exam_id>/screen")
@signed_in
def screen(exam_id: int):
    exam = _viewable(exam_id)
    top = min(max(request.args.get("top", 20, type=int), 3), 100)
    b = service.board(exam, actual=_actual())
    return render_template("competitions/screen.html", exam=exam, b=b, top=top, actual=_actual(),
                           fmt=service.format_seconds)


# ---- admins -----------------------------------------------------------------------------------------

@bp.get("/admin/competitions")
@admin_required
def admin_index():
    exams = service.list_competitions()
    return render_template("competitions/admin_index.html", **pages.admin_rows(exams))


@bp.route("/admin/competitions/<int:exam_id>", methods=["GET", "POST"])
@admin_required
def admin_competition(exam_id: int):
    exam = service.get_competition(exam_id)
    setting = service.get_settings(exam)
    form = f.SettingsForm(obj=setting if request.method == "GET" else None)
    if request.method == "GET":
        form.award_basis.data = setting.award_basis.value
        for tier in (form.first, form.second, form.third, form.excellence):
            tier.data = int(tier.data) if tier.data == int(tier.data) else tier.data
    if form.validate_on_submit():
        try:
            service.update_settings(current_user, exam, service.SettingsData(
                form.freeze_minutes.data, AwardBasis(form.award_basis.data), form.first.data, form.second.data,
                form.third.data, form.excellence.data), ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("竞赛设置已保存", "success")
            return redirect(url_for("competitions.admin_competition", exam_id=exam.id))
    return render_template("competitions/admin_competition.html", form=form, confirm=ConfirmForm(),
                           **pages.admin_context(exam))


@bp.post("/admin/competitions/<int:exam_id>/reveal")
@admin_required
def admin_reveal(exam_id: int):
    exam = service.get_competition(exam_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.reveal(current_user, exam, ip=client_ip())
        flash("排名已揭晓，公开排行榜显示最终结果", "success")
    except ServiceError as exc:
        flash(exc.message, "danger")
    return redirect(url_for("competitions.admin_competition", exam_id=exam.id))


@bp.get("/admin/competitions/<int:exam_id>/board.xlsx")
@admin_required
def admin_export(exam_id: int):
    exam = service.get_competition(exam_id)
    data = service.board_workbook(exam, actual=True, order=request.args.get("order", "audience_avg"))
    return xlsx_download(data, f"{exam.title}-排行榜.xlsx")


# ---- season points -------------------------------------------------------------------------------------

@bp.get("/points")
@signed_in
def my_points():
    points.refresh_recent()
    return render_template("competitions/my_points.html", **pages.my_points_context(current_user, page_arg()))


def _period():
    kind = request.args.get("period", "week")
    since = _date_arg("since")
    until = _date_arg("until")
    try:
        return points.period(kind if kind in ("week", "month", "term") else "week", day=_date_arg("day"),
                             first=since, last=until), None
    except ServiceError as exc:
        return points.period("week"), exc.message


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/points/board")
@signed_in
def points_board():
    points.refresh_recent()
    p, error = _period()
    return render_template("competitions/points_board.html", p=p, error=error, rows=points.leaderboard(p),
                           refresh=f.RefreshForm(), shift=pages.shifted)


@bp.get("/points/board.xlsx")
@admin_required
def points_export():
    p, _error = _period()
    return xlsx_download(points.board_workbook(p), f"学习积分排行-{p.first}.xlsx")


@bp.get("/points/rules")
@signed_in
def points_rules():
    rules = points.list_rules()
    forms = {r.id: f.RuleForm(prefix=f"r{r.id}", obj=r) for r in rules} if current_user.role == Role.admin else {}
    return render_template("competitions/points_rules.html", rules=rules, forms=forms, notes=points.RULE_NOTES)


@bp.post("/admin/points/rules/<int:rule_id>")
@admin_required
def points_rule_update(rule_id: int):
    rule = points.get_rule(rule_id)
    form = f.RuleForm(prefix=f"r{rule.id}")
    if form.validate_on_submit():
        try:
            points.update_rule(current_user, rule, form.points.data, form.cap_per_week.data, form.active.data,
                               ip=client_ip())
            flash(f"已保存「{rule.kind.label}」", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    else:
        flash("；".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("competitions.points_rules"))


@bp.post("/admin/points/refresh")
@admin_required
def points_refresh():
    form = f.RefreshForm()
    if form.validate_on_submit():
        try:
            n = points.refresh_command(current_user, form.since.data, form.until.data, ip=client_ip())
            flash(f"已重新统计：新增 {n} 条积分记录（已有的不会重复计入）", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    else:
        flash("请选择日期", "danger")
    return redirect(url_for("competitions.points_board"))
