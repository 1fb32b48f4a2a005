"""Night school for cadres (sessions, check-in, leave, ratings, calendar, hours) and for admins (terms,
series, attendance, materials, the check-in screen, leave approval, hours records)."""
from datetime import date, time

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, require, signed_in
from trainer.certificates.service import public_base_url
from trainer.errors import ServiceError
from trainer.forms import options
from trainer.nightschool import calendar, checkin, hours, pages, service
from trainer.nightschool import certificates as night_certificates
from trainer.nightschool import forms as f
from trainer.nightschool.models import CheckinMethod, LateCredit, SessionAudience
from trainer.org import service as org
from trainer.org.forms import ConfirmForm
from trainer.org.models import Role
from trainer.tabular import build_workbook
from trainer.timeutil import from_local, local_today, to_local
from trainer.web import apply_error, client_ip, download, xlsx_download

bp = Blueprint("nightschool", __name__)
night_certificates.register()
navigation.add(
    navigation.NavItem("夜校", "nightschool.index", "moon-stars", (Role.cadre, Role.mentor), "",
                       ("nightschool.",)),
    navigation.NavItem("夜校管理", "nightschool.admin_index", "moon-stars", (Role.admin,), "",
                       ("nightschool.admin",)),
)


def _flash_outcome(action) -> None:
    """Run a service call that returns its success message; show that, or the rule it broke."""
    try:
        flash(action(), "success")
    except ServiceError as exc:
        flash(exc.message, "danger")


def _valid(form, message: str):
    """The form if it validates (CSRF and field limits), else a ServiceError with message."""
    if not form.validate_on_submit():
        raise ServiceError(message)
    return form


def _visible_session(session_id: int):
    s = service.get_session(session_id)
    require(service.can_view(s, current_user))
    return s


# ---- everyone ------------------------------------------------------------------------------------------

@bp.get("/nightschool")
@signed_in
def index():
    return render_template("nightschool/index.html", **pages.my_index(current_user))


@bp.get("/nightschool/sessions/<int:session_id>")
@signed_in
def session(session_id: int):
    s = _visible_session(session_id)
    return render_template("nightschool/session.html", checkin_form=f.CheckinForm(), leave_form=f.LeaveForm(),
                           rating_form=f.RatingForm(), confirm=ConfirmForm(), **pages.session_page(s, current_user))


@bp.route("/nightschool/checkin/<int:session_id>", methods=["GET", "POST"])
@signed_in
def checkin_page(session_id: int):
    """The page a cadre reaches by scanning the QR code (the code is in the address) or by typing the code."""
    s = _visible_session(session_id)
    form = f.CheckinForm(data={"code": request.args.get("code", "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        method = CheckinMethod.qr if request.form.get("via") == "qr" else CheckinMethod.code
        try:
            row = checkin.check_in(current_user, s, form.code.data, method)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash(f"签到成功：{row.status.label}（{to_local(row.checked_in_at):%H:%M}）", "success")
            return redirect(url_for("nightschool.session", session_id=s.id))
    return render_template("nightschool/checkin.html", s=s, form=form, via="qr" if request.args.get("code") else "",
                           **{k: v for k, v in pages.session_page(s, current_user).items() if k != "s"})


@bp.post("/nightschool/sessions/<int:session_id>/leave")
@signed_in
def leave(session_id: int):
    s = _visible_session(session_id)
    _flash_outcome(lambda: service.request_leave(
        current_user, s, _valid(f.LeaveForm(), "请假事由不超过 300 字").reason.data) and "请假申请已提交，等待管理员审批")
    return redirect(url_for("nightschool.session", session_id=s.id))


@bp.post("/nightschool/sessions/<int:session_id>/leave/withdraw")
@signed_in
def withdraw_leave(session_id: int):
    s = _visible_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _flash_outcome(lambda: service.withdraw_leave(current_user, s) or "已撤回请假申请")
    return redirect(url_for("nightschool.session", session_id=s.id))


@bp.post("/nightschool/sessions/<int:session_id>/rate")
@signed_in
def rate(session_id: int):
    s = _visible_session(session_id)
    form = f.RatingForm()
    _flash_outcome(lambda: service.rate_session(current_user, s, _valid(form, "意见建议不超过 500 字").score.data,
                                                form.comment.data) and "感谢您的评价")
    return redirect(url_for("nightschool.session", session_id=s.id))


@bp.get("/nightschool/materials/<int:material_id>")
@signed_in
def material(material_id: int):
    m = service.get_material(material_id)
    require(service.can_view(m.session, current_user))
    return download(service.material_bytes(m), m.filename, service.MIMETYPES[m.kind],
                    inline=m.kind in ("pdf", "png", "jpg"))


@bp.get("/nightschool/calendar")
@signed_in
def calendar_view():
    day = calendar.parse_day(request.args.get("day"))
    view = "week" if request.args.get("view") == "week" else "month"
    prev, nxt = calendar.neighbours(view, day)
    ctx = {"view": view, "day": day, "today": local_today(), "prev": prev, "next": nxt}
    if view == "week":
        ctx["days"] = calendar.week(current_user, day)
    else:
        ctx["weeks"] = calendar.month(current_user, day.year, day.month)
    return render_template("nightschool/calendar.html", **ctx)


@bp.get("/nightschool/subscribe")
@signed_in
def subscribe():
    token = calendar.feed_token(current_user)
    return render_template("nightschool/subscribe.html", confirm=ConfirmForm(),
                           url=public_base_url() + url_for("nightschool.feed", token=token))


@bp.post("/nightschool/subscribe/reset")
@signed_in
def reset_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    calendar.reset_feed_token(current_user)
    flash("已生成新的订阅地址，旧地址已失效，请在手机日历中重新订阅", "success")
    return redirect(url_for("nightschool.subscribe"))


@bp.get("/nightschool/feed/<token>.ics")
def feed(token: str):
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    resp = Response(calendar.ics_feed(user, request.host or "trainer"), mimetype="text/calendar")
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp


@bp.get("/nightschool/hours")
@signed_in
def my_hours():
    terms = hours.terms_of(current_user)
    term = next((t for t in terms if t.id == request.args.get("term", type=int)), terms[0] if terms else None)
    record = hours.record_for(term, current_user) if term else None
    if record and request.args.get("format") == "xlsx":
        return _person_xlsx(term, current_user, record)
    return render_template("nightschool/hours.html", terms=terms, term=term, record=record, person=current_user,
                           admin_view=False)


def _person_xlsx(term, person, record):
    data = build_workbook([(person.name, hours.PERSON_HEADER, hours.person_rows(record))])
    return xlsx_download(data, f"{term.title}-{person.name}-学时记录.xlsx")


@bp.get("/nightschool/terms/<int:term_id>/rota")
@signed_in
def rota(term_id: int):
    term = service.get_term(term_id)
    return render_template("nightschool/rota.html", term=term, sessions=service.term_sessions(term))


@bp.get("/nightschool/lecturers")
@signed_in
def lecturers():
    return render_template("nightschool/lecturers.html", lecturers=service.lecturers())


@bp.get("/nightschool/lecturers/<int:user_id>")
@signed_in
def lecturer(user_id: int):
    person = org.get_user(user_id)
    show_ratings = current_user.id == person.id or current_user.role == Role.admin
    return render_template("nightschool/lecturer.html", person=person, lectures=service.lectures_of(person.id),
                           ratings=service.lecture_ratings(person.id) if show_ratings else None,
                           state=service.window_state)


@bp.get("/nightschool/my-lectures")
@signed_in
def my_lectures():
    return redirect(url_for("nightschool.lecturer", user_id=current_user.id))


# ---- admins --------------------------------------------------------------------------------------------

@bp.get("/admin/nightschool")
@admin_required
def admin_index():
    term = service.current_term()
    ctx = pages.term_page(term) if term else {}
    ctx["pending"] = len(service.list_leave())
    return render_template("nightschool/admin_index.html", terms=service.list_terms(), current=term, **ctx)


def _term_data(form) -> service.TermData:
    return service.TermData(title=form.title.data or "", starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                            description=form.description.data or "",
                            late_after_minutes=form.late_after_minutes.data or 0,
                            late_credit=LateCredit(form.late_credit.data), quiz_required=form.quiz_required.data,
                            completion_percent=form.completion_percent.data or 0)


@bp.route("/admin/nightschool/terms/new", methods=["GET", "POST"])
@bp.route("/admin/nightschool/terms/<int:term_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_term_form(term_id: int | None = None):
    term = service.get_term(term_id) if term_id else None
    form = f.TermForm(obj=term if request.method == "GET" else None)
    if term is not None and request.method == "GET":
        form.late_credit.data = term.late_credit.value
    if form.validate_on_submit():
        try:
            term = service.save_term(current_user, _term_data(form), term, ip=client_ip())
            flash("已保存期次", "success")
            return redirect(url_for("nightschool.admin_term", term_id=term.id))
        except ServiceError as exc:
            apply_error(form, exc)
    return render_template("nightschool/admin_term_form.html", form=form, term=term)


@bp.get("/admin/nightschool/terms/<int:term_id>")
@admin_required
def admin_term(term_id: int):
    return render_template("nightschool/admin_term.html", **pages.term_page(service.get_term(term_id)))


def _audience_choices(form):
    form.unit_ids.choices = options(org.unit_choices(include_blank=False))
    return form


@bp.route("/admin/nightschool/terms/<int:term_id>/series", methods=["GET", "POST"])
@admin_required
def admin_series(term_id: int):
    term = service.get_term(term_id)
    form = _audience_choices(f.SeriesForm())
    if form.validate_on_submit():
        data = service.SeriesData(topic=form.topic.data or "", weekday=form.weekday.data,
                                  first_day=form.first_day.data, last_day=form.last_day.data, start=form.start.data,
                                  end=form.end.data, place=form.place.data or "", hours=form.hours.data or 0,
                                  audience=SessionAudience(form.audience.data), unit_ids=form.unit_ids.data or [])
        try:
            made = service.create_series(current_user, term, data, ip=client_ip())
            flash(f"已排课 {len(made)} 次", "success")
            return redirect(url_for("nightschool.admin_term", term_id=term.id))
        except ServiceError as exc:
            apply_error(form, exc)
    elif request.method == "GET":
        form.first_day.data, form.last_day.data = max(term.starts_on, local_today()), term.ends_on
        form.start.data, form.end.data = time(19), time(20, 30)
    return render_template("nightschool/admin_series.html", form=form, term=term)


def _session_form(s=None):
    data = None
    if s is not None and request.method == "GET":
        data = {"topic": s.topic, "starts_at": to_local(s.starts_at), "ends_at": to_local(s.ends_at),
                "place": s.place, "lecturer_id": s.lecturer_id or 0, "chapter": s.chapter, "hours": s.hours,
                "description": s.description, "audience": s.audience.value,
                "unit_ids": [u.id for u in s.audience_units], "quiz_id": s.quiz_id or 0}
    form = _audience_choices(f.SessionForm(data=data))
    form.lecturer_id.choices = options(service.lecturer_choices())
    form.quiz_id.choices = options(service.quiz_choices())
    return form


@bp.route("/admin/nightschool/terms/<int:term_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/admin/nightschool/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_session_form(term_id: int | None = None, session_id: int | None = None):
    s = service.get_session(session_id) if session_id else None
    term = s.term if s else service.get_term(term_id)
    form = _session_form(s)
    if form.validate_on_submit():
        data = service.SessionData(
            topic=form.topic.data or "", starts_at=from_local(form.starts_at.data), ends_at=from_local(form.ends_at.data),
            place=form.place.data or "", lecturer_id=form.lecturer_id.data or None, chapter=form.chapter.data or "",
            description=form.description.data or "", hours=form.hours.data or 0,
            audience=SessionAudience(form.audience.data), unit_ids=form.unit_ids.data or [],
            quiz_id=form.quiz_id.data or None)
        try:
            s = service.save_session(current_user, term, data, s, ip=client_ip())
            flash("已保存课次", "success")
            return redirect(url_for("nightschool.admin_session", session_id=s.id))
        except ServiceError as exc:
            apply_error(form, exc)
    return render_template("nightschool/admin_session_form.html", form=form, term=term, s=s)


@bp.get("/admin/nightschool/sessions/<int:session_id>")
@admin_required
def admin_session(session_id: int):
    s = service.get_session(session_id)
    return render_template("nightschool/admin_session.html", material_form=f.MaterialForm(), move_form=f.MoveForm(
        data={"starts_at": to_local(s.starts_at), "ends_at": to_local(s.ends_at)}), cancel_form=f.CancelForm(),
        confirm=ConfirmForm(), statuses=service.STATUS_VALUES, **pages.admin_session(s))


@bp.post("/admin/nightschool/sessions/<int:session_id>/attendance")
@admin_required
def admin_attendance(session_id: int):
    s = service.get_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    marks = {int(k[2:]): v for k, v in request.form.items() if k.startswith("u-") and k[2:].isdigit()}
    _flash_outcome(lambda: f"已保存考勤（{service.mark_attendance(current_user, s, marks, ip=client_ip())} 人有变动）")
    return redirect(url_for("nightschool.admin_session", session_id=s.id))


@bp.post("/admin/nightschool/sessions/<int:session_id>/materials")
@admin_required
def admin_material_upload(session_id: int):
    s = service.get_session(session_id)
    form = f.MaterialForm()
    upload = form.file.data if form.validate_on_submit() else None

    def upload_it():
        if upload is None or not getattr(upload, "filename", ""):
            raise ServiceError("请选择文件")
        service.add_material(current_user, s, upload.read(service.MATERIAL_MAX_BYTES + 1), upload.filename,
                             ip=client_ip())
        return "资料已上传"

    _flash_outcome(upload_it)
    return redirect(url_for("nightschool.admin_session", session_id=s.id))


@bp.post("/admin/nightschool/materials/<int:material_id>/delete")
@admin_required
def admin_material_delete(material_id: int):
    m = service.get_material(material_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sid = m.session_id
    service.delete_material(current_user, m, ip=client_ip())
    flash("资料已删除", "success")
    return redirect(url_for("nightschool.admin_session", session_id=sid))


@bp.post("/admin/nightschool/sessions/<int:session_id>/move")
@admin_required
def admin_move(session_id: int):
    s = service.get_session(session_id)
    form = f.MoveForm()
    _flash_outcome(lambda: service.move_session(
        current_user, s, from_local(_valid(form, "请正确填写新的时间和原因").starts_at.data),
        from_local(form.ends_at.data), form.reason.data, ip=client_ip()) and "已调整时间，参加人员将看到调整说明")
    return redirect(url_for("nightschool.admin_session", session_id=s.id))


@bp.post("/admin/nightschool/sessions/<int:session_id>/cancel")
@admin_required
def admin_cancel(session_id: int):
    s = service.get_session(session_id)
    form = f.CancelForm()
    _flash_outcome(lambda: service.cancel_session(
        current_user, s, _valid(form, "取消原因不超过 200 字").reason.data, ip=client_ip())
        and "已取消该课次，参加人员将看到取消原因")
    return redirect(url_for("nightschool.admin_session", session_id=s.id))


@bp.get("/admin/nightschool/sessions/<int:session_id>/screen")
@admin_required
def admin_screen(session_id: int):
    s = service.get_session(session_id)
    code, left = checkin.current_code(s)
    return render_template("nightschool/admin_screen.html", s=s, code=code, left=left,
                           open=checkin.is_open(s), window=checkin.window(s),
                           counts=service.session_counts([s])[s.id])


@bp.get("/admin/nightschool/sessions/<int:session_id>/code")
@admin_required
def admin_code(session_id: int):
    s = service.get_session(session_id)
    code, left = checkin.current_code(s)
    counts = service.session_counts([s])[s.id]
    return {"code": code, "left": left, "open": checkin.is_open(s), "present": counts["present"],
            "late": counts["late"], "audience": counts["audience"],
            "qr": url_for("nightschool.admin_qr", session_id=s.id, code=code)}


@bp.get("/admin/nightschool/sessions/<int:session_id>/qr.png")
@admin_required
def admin_qr(session_id: int):
    s = service.get_session(session_id)
    code, _left = checkin.current_code(s)
    url = public_base_url() + url_for("nightschool.checkin_page", session_id=s.id, code=code)
    resp = Response(checkin.qr_png(url), mimetype="image/png")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/admin/nightschool/terms/<int:term_id>/rota", methods=["GET", "POST"])
@admin_required
def admin_rota(term_id: int):
    term = service.get_term(term_id)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        rota = {int(k[2:]): (request.form.get(f"l-{k[2:]}", type=int), v) for k, v in request.form.items()
                if k.startswith("c-") and k[2:].isdigit()}
        _flash_outcome(lambda: f"已保存讲课安排（{service.save_rota(current_user, term, rota, ip=client_ip())} 次课有变动）")
        return redirect(url_for("nightschool.admin_rota", term_id=term.id))
    return render_template("nightschool/admin_rota.html", term=term, sessions=service.term_sessions(term),
                           lecturers=service.lecturer_choices(), confirm=ConfirmForm())


@bp.get("/admin/nightschool/leave")
@admin_required
def admin_leave():
    return render_template("nightschool/admin_leave.html", pending=service.list_leave(),
                           decided=[x for x in service.list_leave(None, 60) if x.state.value != "pending"],
                           confirm=ConfirmForm())


@bp.post("/admin/nightschool/leave/<int:leave_id>/<any(approve, reject):decision>")
@admin_required
def admin_decide_leave(leave_id: int, decision: str):
    leave = service.get_leave(leave_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _flash_outcome(lambda: service.decide_leave(current_user, leave, decision == "approve", ip=client_ip())
                   and ("已批准请假" if decision == "approve" else "已驳回请假"))
    nxt = request.form.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else url_for("nightschool.admin_leave"))


@bp.get("/admin/nightschool/terms/<int:term_id>/hours")
@admin_required
def admin_hours(term_id: int):
    term = service.get_term(term_id)
    records = hours.term_records(term)
    if request.args.get("format") == "xlsx":
        data = build_workbook([(f"{term.title}学时", hours.EXPORT_HEADER, hours.export_rows(records))])
        return xlsx_download(data, f"{term.title}-学时记录-{date.today():%Y%m%d}.xlsx")
    return render_template("nightschool/admin_hours.html", term=term, records=records)


@bp.get("/admin/nightschool/terms/<int:term_id>/hours/<int:user_id>")
@admin_required
def admin_person_hours(term_id: int, user_id: int):
    term = service.get_term(term_id)
    person = org.get_user(user_id)
    record = hours.record_for(term, person)
    if record and request.args.get("format") == "xlsx":
        return _person_xlsx(term, person, record)
    return render_template("nightschool/hours.html", terms=[term], term=term, person=person, record=record,
                           admin_view=True)
