"""Mentoring: the mentor dashboard and mentee pages, the mentee's view of their mentor, admin pages to form,
change and end teams and compare them, and the onboarding study plans."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, roles_required, signed_in
from trainer.errors import Forbidden, NotFound, ServiceError
from trainer.extensions import db
from trainer.mentoring import dashboard, onboarding, service
from trainer.mentoring import forms as f
from trainer.mentoring.models import TeamState
from trainer.org import service as org
from trainer.org.models import Role
from trainer.timeutil import local_today
from trainer.web import apply_error, client_ip

bp = Blueprint("mentoring", __name__)
service.register_certificate_sources()
navigation.add(
    navigation.NavItem("传帮带", "mentoring.index", "people", (Role.cadre, Role.mentor), "",
                       ("mentoring.index", "mentoring.mentee", "mentoring.team")),
    navigation.NavItem("学习计划", "mentoring.my_plan", "list-check", (Role.cadre, Role.mentor), "",
                       ("mentoring.my_plan",)),
    navigation.NavItem("传帮带小组", "mentoring.admin_index", "people", (Role.admin,), "培训管理",
                       ("mentoring.admin_index", "mentoring.admin_team", "mentoring.admin_new")),
    navigation.NavItem("入职学习计划", "mentoring.admin_plans", "list-check", (Role.admin,), "培训管理",
                       ("mentoring.admin_plan",)),
)


def _guard(fn, *args):
    try:
        return fn(*args)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def _note_form(team, mentee_id: int = 0) -> f.NoteForm:
    form = f.NoteForm()
    form.mentee_id.choices = [(0, "全组")] + [(u.id, u.name) for u in team.mentees]
    if request.method == "GET":
        form.held_on.data = local_today()
        form.mentee_id.data = mentee_id
    return form


# ---- mentors and mentees -------------------------------------------------------------------------

@bp.get("/mentoring")
@signed_in
def index():
    if current_user.role == Role.admin:
        return redirect(url_for("mentoring.admin_index"))
    teams = service.teams_of_mentor(current_user.id) if current_user.role == Role.mentor else []
    if teams:
        return render_template("mentoring/dashboard.html", teams=[(t, dashboard.mentee_cards(t), service.notes_of_team(t.id),
                                                                   _note_form(t)) for t in teams])
    team = service.team_of_mentee(current_user.id)
    reviews = service._optional("trainer.reviews.service")
    commented = [r for r in reviews.reviews_for(current_user.id, 8) if r.comments] if reviews and team else []
    return render_template("mentoring/mine.html", team=team, commented=commented,
                           notes=service.notes_of_team(team.id, current_user.id, shared_only=True) if team else [])


@bp.get("/mentoring/mentees/<int:user_id>")
@roles_required(Role.admin, Role.mentor)
def mentee(user_id: int):
    user, team = _guard(service.mentee_for, current_user, user_id)
    card = dashboard.mentee_cards(team, only=user.id, reviews_limit=8)[0]
    return render_template("mentoring/mentee.html", team=team, card=card,
                           notes=service.notes_of_team(team.id, user.id), form=_note_form(team, user.id),
                           plans=onboarding.progress_for_user(user.id))


@bp.post("/mentoring/teams/<int:team_id>/notes")
@roles_required(Role.admin, Role.mentor)
def add_note(team_id: int):
    team = _guard(service.team_for, current_user, team_id)
    form = _note_form(team)
    back = request.form.get("next") or ""
    back = back if back.startswith("/mentoring") else url_for("mentoring.index")
    if form.validate_on_submit():
        data = service.NoteData(form.held_on.data, form.discussed.data, form.next_steps.data,
                                form.mentee_id.data or None, form.shared.data)
        try:
            _guard(service.add_note, current_user, team, data)
        except ServiceError as exc:
            flash(exc.message, "danger")
        else:
            flash("谈话记录已保存", "success")
    else:
        flash("；".join(e for errs in form.errors.values() for e in errs) or "请检查填写内容", "danger")
    return redirect(back)


# ---- admins: teams ----------------------------------------------------------------------------------

@bp.get("/admin/mentoring")
@admin_required
def admin_index():
    teams = service.list_teams()
    active = [t for t in teams if t.state == TeamState.active]
    return render_template("mentoring/admin_index.html", rows=dashboard.compare_teams(active),
                           ended=[t for t in teams if t.state != TeamState.active])


def _team_form(team=None) -> f.TeamForm:
    form = f.TeamForm(obj=team)
    form.mentor_id.choices = service.mentor_choices()
    form.mentee_ids.choices = service.mentee_choices(team)
    return form


@bp.route("/admin/mentoring/new", methods=["GET", "POST"])
@admin_required
def admin_new():
    form = _team_form()
    if request.method == "GET":
        form.starts_on.data = local_today()
    if form.validate_on_submit():
        data = service.TeamData(form.name.data or "", form.mentor_id.data, form.starts_on.data, form.ends_on.data,
                                form.goals.data)
        try:
            team = service.form_team(current_user, data, form.mentee_ids.data or [], ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("小组已组建", "success")
            return redirect(url_for("mentoring.admin_team", team_id=team.id))
    return render_template("mentoring/admin_new.html", form=form), 422 if request.method == "POST" else 200


@bp.get("/admin/mentoring/<int:team_id>")
@admin_required
def admin_team(team_id: int):
    team = _guard(service.get_team, team_id)
    return _team_page(team)


def _team_page(team, form=None, member_form=None, end_form=None, status=200):
    form = form or _team_form(team)
    member_form = member_form or f.MemberForm()
    member_form.user_id.choices = service.mentee_choices(team)
    return render_template("mentoring/admin_team.html", team=team, form=form, member_form=member_form,
                           end_form=end_form or f.EndForm(), notes=service.notes_of_team(team.id)), status


@bp.post("/admin/mentoring/<int:team_id>/edit")
@admin_required
def admin_edit(team_id: int):
    team = _guard(service.get_team, team_id)
    form = _team_form(team)
    if form.validate_on_submit():
        data = service.TeamData(form.name.data or "", form.mentor_id.data, form.starts_on.data, form.ends_on.data,
                                form.goals.data)
        try:
            service.update_team(current_user, team, data, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
            return _team_page(team, form=form, status=422)
        flash("小组信息已保存", "success")
    return redirect(url_for("mentoring.admin_team", team_id=team.id))


@bp.post("/admin/mentoring/<int:team_id>/members")
@admin_required
def admin_add_member(team_id: int):
    team = _guard(service.get_team, team_id)
    form = f.MemberForm()
    if form.validate_on_submit():
        try:
            service.add_member(current_user, team, form.user_id.data or 0, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
            db.session.rollback()
            return _team_page(team, member_form=form, status=422)
        flash("已增加学员", "success")
    return redirect(url_for("mentoring.admin_team", team_id=team.id))


@bp.post("/admin/mentoring/<int:team_id>/members/<int:user_id>/remove")
@admin_required
def admin_remove_member(team_id: int, user_id: int):
    team = _guard(service.get_team, team_id)
    try:
        _guard(service.remove_member, current_user, team, user_id, client_ip())
    except ServiceError as exc:
        flash(exc.message, "danger")
    else:
        flash("已移出学员", "success")
    return redirect(url_for("mentoring.admin_team", team_id=team.id))


@bp.post("/admin/mentoring/<int:team_id>/end")
@admin_required
def admin_end(team_id: int):
    team = _guard(service.get_team, team_id)
    form = f.EndForm()
    if form.validate_on_submit():
        try:
            service.end_team(current_user, team, form.outcome.data == "completed", form.note.data, ip=client_ip())
        except ServiceError as exc:
            flash(exc.message, "danger")
        else:
            flash(f"小组已{team.state.label}", "success")
    return redirect(url_for("mentoring.admin_team", team_id=team.id))


# ---- onboarding -------------------------------------------------------------------------------------

@bp.get("/onboarding")
@roles_required(Role.cadre, Role.mentor)
def my_plan():
    mentees = [u for t in service.teams_of_mentor(current_user.id) for u in t.mentees]
    return render_template("mentoring/my_plan.html", mine=onboarding.progress_for_user(current_user.id),
                           mentees=onboarding.progress_for_users([u.id for u in mentees]))


@bp.post("/onboarding/<int:assignment_id>/items/<int:item_id>/read")
@roles_required(Role.cadre, Role.mentor)
def mark_read(assignment_id: int, item_id: int):
    try:
        _guard(onboarding.mark_read, current_user, assignment_id, item_id)
    except ServiceError as exc:
        flash(exc.message, "danger")
    else:
        flash("已标记为已读", "success")
    return redirect(url_for("mentoring.my_plan"))


@bp.route("/admin/onboarding", methods=["GET", "POST"])
@admin_required
def admin_plans():
    form = f.PlanForm()
    if form.validate_on_submit():
        try:
            plan = onboarding.create_plan(current_user, form.title.data, form.description.data, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("mentoring.admin_plan", plan_id=plan.id))
    return render_template("mentoring/admin_plans.html", plans=onboarding.list_plans(), form=form,
                           behind=onboarding.behind()), 422 if form.errors else 200


def _plan_forms(item_form=None, assign_form=None):
    item_form = item_form or f.ItemForm()
    item_form.exam_id.choices = onboarding.exam_choices()
    assign_form = assign_form or f.AssignForm()
    assign_form.user_ids.choices = [(u.id, f"{u.name}（{u.unit_name}）") for u in org.list_users(
        per_page=500, role=Role.cadre).items]
    assign_form.unit_id.choices = [(0, "（不按单位）")] + org.unit_choices(include_blank=False)
    if not assign_form.starts_on.data:
        assign_form.starts_on.data = local_today()
    return item_form, assign_form


@bp.get("/admin/onboarding/<int:plan_id>")
@admin_required
def admin_plan(plan_id: int):
    return _plan_page(_guard(onboarding.get_plan, plan_id))


def _plan_page(plan, item_form=None, assign_form=None, status=200):
    item_form, assign_form = _plan_forms(item_form, assign_form)
    return render_template("mentoring/admin_plan.html", plan=plan, item_form=item_form, assign_form=assign_form,
                           rows=onboarding.progress_for_plan(plan.id)), status


@bp.post("/admin/onboarding/<int:plan_id>/items")
@admin_required
def admin_add_item(plan_id: int):
    plan = _guard(onboarding.get_plan, plan_id)
    form = f.ItemForm()
    if form.validate_on_submit():
        target = form.exam_id.data if form.kind.data == "exam" else form.session_id.data
        try:
            onboarding.add_item(current_user, plan, form.kind.data, form.title.data, target, form.due_days.data,
                                ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
            return _plan_page(plan, item_form=form, status=422)
        flash("事项已添加", "success")
        return redirect(url_for("mentoring.admin_plan", plan_id=plan.id))
    return _plan_page(plan, item_form=form, status=422)


@bp.post("/admin/onboarding/<int:plan_id>/items/<int:item_id>/remove")
@admin_required
def admin_remove_item(plan_id: int, item_id: int):
    plan = _guard(onboarding.get_plan, plan_id)
    _guard(onboarding.remove_item, current_user, plan, item_id, client_ip())
    flash("事项已删除", "success")
    return redirect(url_for("mentoring.admin_plan", plan_id=plan.id))


@bp.post("/admin/onboarding/<int:plan_id>/assign")
@admin_required
def admin_assign(plan_id: int):
    plan = _guard(onboarding.get_plan, plan_id)
    form = f.AssignForm()
    if form.validate_on_submit():
        try:
            n = onboarding.assign(current_user, plan, form.user_ids.data or [], form.unit_id.data or None,
                                  form.starts_on.data, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
            return _plan_page(plan, assign_form=form, status=422)
        flash(f"已分配给 {n} 人" if n else "所选人员都已分配过此计划", "success" if n else "info")
        return redirect(url_for("mentoring.admin_plan", plan_id=plan.id))
    return _plan_page(plan, assign_form=form, status=422)


@bp.post("/admin/onboarding/assignments/<int:assignment_id>/items/<int:item_id>/confirm")
@admin_required
def admin_confirm(assignment_id: int, item_id: int):
    a = _guard(onboarding.confirm, current_user, assignment_id, item_id, client_ip())
    flash("已确认完成", "success")
    return redirect(url_for("mentoring.admin_plan", plan_id=a.assignment.plan_id))
