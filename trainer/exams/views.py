"""Exams for cadres (list, start, take with autosave, submit, results) and for admins (compose, run, grade)."""
import random

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, require, session_signed_in, signed_in
from trainer.banks import service as banks
from trainer.errors import Forbidden, NotFound, ServiceError, SignedOut
from trainer.exams import certificates as exam_certificates
from trainer.exams import forms as f
from trainer.exams import marking, pages, paper, service
from trainer.exams.attempts import LateAnswer, record_event, set_flag
from trainer.exams.models import Attempt, AttemptState, Audience, CountPolicy, ExamKind, QuestionMode, ResultsPolicy
from trainer.extensions import login_manager
from trainer.forms import options
from trainer.grading.types import TYPE_LABELS
from trainer.org import service as org
from trainer.org.forms import ConfirmForm
from trainer.org.models import Role
from trainer.timeutil import from_local, to_local, utcnow
from trainer.web import apply_error, client_ip, page_arg, xlsx_download

bp = Blueprint("exams", __name__)
exam_certificates.register()
navigation.add(
    navigation.NavItem("考试", "exams.index", "pencil-square", (Role.cadre, Role.mentor), "", ("exams.",)),
    navigation.NavItem("考试管理", "exams.admin_index", "clipboard-check", (Role.admin,), "",
                       ("exams.admin", "exams.grading", "exams.regrade")),
)


# ---- cadres --------------------------------------------------------------------------------------

@bp.get("/exams")
@signed_in
def index():
    return render_template("exams/index.html", **pages.my_exams(current_user))


@bp.get("/exams/<int:exam_id>")
@signed_in
def exam(exam_id: int):
    exam = service.get_exam(exam_id)
    require(exam.published and (service.in_audience(exam, current_user) or current_user.role == Role.admin))
    return render_template("exams/exam.html", exam=exam, attempts=service.attempts_of(current_user, [exam.id]),
                           state=service.window_state(exam), can_start=service.is_open(exam),
                           n_questions=service.question_count(exam), total=service.total_points(exam),
                           confirm=ConfirmForm())


@bp.post("/exams/<int:exam_id>/start")
@signed_in
def start(exam_id: int):
    exam = service.get_exam(exam_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        attempt = service.start_attempt(exam, current_user)
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("exams.exam", exam_id=exam.id))
    return redirect(url_for("exams.take", attempt_id=attempt.id))


def _own_attempt(attempt_id: int) -> Attempt:
    return service.get_attempt(attempt_id, current_user)


@bp.get("/attempts/<int:attempt_id>")
@signed_in
def take(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.state != AttemptState.in_progress:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    mode = request.args.get("mode") or request.cookies.get("exam_mode") or "one"
    pos = min(max(request.args.get("q", 1, type=int), 1), len(attempt.items) or 1)
    remaining = int((attempt.deadline - utcnow()).total_seconds()) if attempt.deadline else None
    missing = set(pages.unanswered(attempt))
    return render_template("exams/take.html", attempt=attempt, exam=attempt.exam, mode=mode, pos=pos,
                           remaining=remaining, types=TYPE_LABELS, missing=missing)


@bp.post("/attempts/<int:attempt_id>")
@signed_in
def save_page(attempt_id: int):
    """The plain-form path (no JavaScript): save the answers on the page, then move on."""
    attempt = _own_attempt(attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        pages.save_form(current_user, attempt, request.form)
    except LateAnswer as exc:
        flash(exc.message, "danger")
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    target = request.form.get("go", "")
    if target == "submit":
        return redirect(url_for("exams.submit", attempt_id=attempt.id))
    mode = request.form.get("mode", "one")
    return redirect(url_for("exams.take", attempt_id=attempt.id, q=request.form.get("go", type=int) or 1, mode=mode))


@bp.post("/attempts/<int:attempt_id>/answer")
@session_signed_in
def autosave(attempt_id: int):
    """Every answer of every cadre comes here as it is given: the user is checked by the save's own query."""
    data = request.get_json(silent=True) or {}
    try:
        if "response" not in data and "flagged" in data:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.must_change_password:
                return {"error": "请先修改初始密码"}, 403
            set_flag(current_user.id, attempt_id, int(data.get("position", 0)), bool(data["flagged"]))
            return {"ok": True}
        saved = service.save_answer(g.identity, attempt_id, int(data.get("position", 0)), data.get("response"),
                                    spent_ms=data.get("spent_ms"), flagged=data.get("flagged"))
    except (TypeError, ValueError):
        return {"error": "请求格式不正确"}, 400
    except SignedOut as exc:
        return {"error": exc.message}, 401
    except Forbidden as exc:
        return {"error": exc.message}, 403
    except LateAnswer as exc:
        return {"error": exc.message, "closed": True}, 409
    except ServiceError as exc:
        return {"error": exc.message, "closed": True}, 409 if not isinstance(exc, service.NotFound) else 404
    return {"ok": True, "saved_at": saved.isoformat() + "Z"}


@bp.post("/attempts/<int:attempt_id>/event")
@signed_in
def event(attempt_id: int):
    data = request.get_json(silent=True) or {}
    try:
        record_event(current_user.id, attempt_id, str(data.get("kind", "")), {"q": data.get("position")})
    except ServiceError as exc:
        return {"error": exc.message}, 404 if isinstance(exc, service.NotFound) else 400
    return {"ok": True}


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
@signed_in
def submit(attempt_id: int):
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        # submit_attempt checks ownership itself: the attempt is not loaded twice at the busiest moment of a quiz
        try:
            service.submit_attempt(current_user, attempt_id)
        except (Forbidden, NotFound):
            raise
        except ServiceError as exc:
            flash(exc.message, "danger")
        return redirect(url_for("exams.result", attempt_id=attempt_id))
    attempt = _own_attempt(attempt_id)
    if attempt.state != AttemptState.in_progress:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    remaining = int((attempt.deadline - utcnow()).total_seconds()) if attempt.deadline else None
    return render_template("exams/submit.html", attempt=attempt, exam=attempt.exam, form=form, remaining=remaining,
                           unanswered=pages.unanswered(attempt))


@bp.get("/attempts/<int:attempt_id>/result")
@signed_in
def result(attempt_id: int):
    attempt = service.get_attempt(attempt_id)
    require(attempt.user_id == current_user.id or current_user.role == Role.admin)
    if attempt.state == AttemptState.in_progress and attempt.user_id == current_user.id:
        return redirect(url_for("exams.take", attempt_id=attempt.id))
    return render_template("exams/result.html", **pages.result_context(attempt, viewer=current_user))


# ---- admins: composing and running -------------------------------------------------------------------

@bp.get("/admin/exams")
@admin_required
def admin_index():
    page = service.list_exams(page_arg(), kind=request.args.get("kind"), q=request.args.get("q"))
    return render_template("exams/admin_index.html", page=page, counts=service.attempt_counts([e.id for e in page.items]),
                           kinds=ExamKind, window_state=service.window_state, n_questions=service.question_count,
                           q=request.args.get("q", ""), kind=request.args.get("kind", ""))


def _exam_form(form):
    form.unit_ids.choices = options(org.unit_choices(include_blank=False))
    form.user_ids.choices = options((u.id, f"{u.name}（{u.unit_name}）") for u in org.list_users(per_page=2000).items)
    return form


def _exam_data(form) -> service.ExamData:
    return service.ExamData(
        title=form.title.data or "", kind=ExamKind(form.kind.data), description=form.description.data or "",
        opens_at=from_local(form.opens_at.data), closes_at=from_local(form.closes_at.data),
        time_limit_minutes=form.time_limit_minutes.data, max_attempts=form.max_attempts.data or 1,
        count_policy=CountPolicy(form.count_policy.data), pass_percent=form.pass_percent.data,
        shuffle_questions=form.shuffle_questions.data, shuffle_options=form.shuffle_options.data,
        results_policy=ResultsPolicy(form.results_policy.data), scoring_policy=form.scoring_policy.data,
        audience=Audience(form.audience.data), unit_ids=form.unit_ids.data, user_ids=form.user_ids.data,
        question_mode=QuestionMode(form.question_mode.data), issue_certificates=form.issue_certificates.data)


@bp.route("/admin/exams/new", methods=["GET", "POST"])
@bp.route("/admin/exams/<int:exam_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_form(exam_id: int | None = None):
    exam = service.get_exam(exam_id) if exam_id else None
    form = _exam_form(f.ExamForm(data=pages.exam_form_data(exam, request.args.get("kind"))
                                 if request.method == "GET" else None))
    if form.validate_on_submit():
        try:
            if exam is None:
                exam = service.create_exam(current_user, _exam_data(form), ip=client_ip())
                flash("考试已创建，请添加题目或抽题规则", "success")
            else:
                service.update_exam(current_user, exam, _exam_data(form), ip=client_ip())
                flash("已保存", "success")
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("exams.admin_exam", exam_id=exam.id))
    return render_template("exams/admin_form.html", form=form, exam=exam)


@bp.get("/admin/exams/<int:exam_id>")
@admin_required
def admin_exam(exam_id: int):
    exam = service.get_exam(exam_id)
    rule_form = f.RuleForm()
    rule_form.bank_id.choices = options((b.id, b.title) for b in banks.list_banks())
    rule_form.chapter_id.choices = options([(0, "全部章节")] + [(c.id, f"{c.bank.title} · {c.title}")
                                                              for b in banks.list_banks() for c in b.chapters])
    bank_id = request.args.get("bank", type=int)
    found = service.question_search(bank_id, request.args.get("q", ""), {eq.question_id for eq in exam.fixed_questions})
    people, taken, missing = pages.participation_rows(exam)
    return render_template("exams/admin_exam.html", exam=exam, state=service.window_state(exam),
                           problems=paper.rule_problems(exam), total=service.total_points(exam),
                           n_questions=service.question_count(exam), rule_form=rule_form, confirm=ConfirmForm(),
                           participation=people, taken=taken, missing=missing, found=found, banks=banks.list_banks(),
                           bank_id=bank_id, q=request.args.get("q", ""), types=TYPE_LABELS,
                           has_attempts=service.has_attempts(exam))


@bp.post("/admin/exams/<int:exam_id>/rules")
@admin_required
def admin_rule_add(exam_id: int):
    exam = service.get_exam(exam_id)
    form = f.RuleForm()
    if form.validate_on_submit():
        try:
            service.add_rule(current_user, exam, form.bank_id.data, form.chapter_id.data or None, form.type.data or None,
                             form.difficulty.data or None, form.count.data, form.points.data)
            flash("已添加抽题规则", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    else:
        flash("；".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("exams.admin_exam", exam_id=exam.id))


@bp.post("/admin/exams/<int:exam_id>/rules/<int:rule_id>/delete")
@admin_required
def admin_rule_delete(exam_id: int, rule_id: int):
    if ConfirmForm().validate_on_submit():
        service.remove_rule(current_user, service.get_exam(exam_id), rule_id)
    return redirect(url_for("exams.admin_exam", exam_id=exam_id))


@bp.post("/admin/exams/<int:exam_id>/questions")
@admin_required
def admin_fixed_add(exam_id: int):
    exam = service.get_exam(exam_id)
    form = f.FixedQuestionForm()
    if form.validate_on_submit():
        try:
            service.add_fixed_question(current_user, exam, int(form.question_id.data), form.points.data)
        except (ServiceError, ValueError) as exc:
            flash(getattr(exc, "message", "题目无效"), "danger")
    return redirect(url_for("exams.admin_exam", exam_id=exam.id, bank=request.args.get("bank"),
                            q=request.args.get("q")) + "#fixed")


@bp.post("/admin/exams/<int:exam_id>/questions/<int:eq_id>/delete")
@admin_required
def admin_fixed_delete(exam_id: int, eq_id: int):
    if ConfirmForm().validate_on_submit():
        service.remove_fixed_question(current_user, service.get_exam(exam_id), eq_id)
    return redirect(url_for("exams.admin_exam", exam_id=exam_id) + "#fixed")


@bp.post("/admin/exams/<int:exam_id>/<any(open, close, publish, copy, prepare):action>")
@admin_required
def admin_action(exam_id: int, action: str):
    exam = service.get_exam(exam_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message, target = pages.run_action(current_user, exam, action, client_ip())
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("exams.admin_exam", exam_id=exam.id))
    flash(message, "success")
    return redirect(url_for("exams.admin_form" if action == "copy" else "exams.admin_exam", exam_id=target))


@bp.get("/admin/exams/<int:exam_id>/preview")
@admin_required
def admin_preview(exam_id: int):
    exam = service.get_exam(exam_id)
    problems = paper.rule_problems(exam)
    items = [] if problems else pages.preview_items(exam, random.Random())
    return render_template("exams/admin_preview.html", exam=exam, items=items, problems=problems, types=TYPE_LABELS)


@bp.get("/admin/exams/<int:exam_id>/attempts.xlsx")
@admin_required
def admin_export(exam_id: int):
    exam = service.get_exam(exam_id)
    return xlsx_download(pages.attempts_workbook(exam), f"{exam.title}-成绩.xlsx")


@bp.get("/admin/attempts/<int:attempt_id>")
@admin_required
def admin_attempt(attempt_id: int):
    attempt = service.get_attempt(attempt_id)
    ctx = pages.result_context(attempt, viewer=current_user)
    return render_template("exams/admin_attempt.html", reopen_form=f.ReopenForm(), **ctx)


@bp.post("/admin/attempts/<int:attempt_id>/reopen")
@admin_required
def admin_reopen(attempt_id: int):
    attempt = service.get_attempt(attempt_id)
    form = f.ReopenForm()
    if form.validate_on_submit():
        try:
            service.reopen(current_user, attempt, form.minutes.data, form.reason.data, ip=client_ip())
            flash(f"已重新开放 {attempt.user.name} 的答卷 {form.minutes.data} 分钟", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    else:
        flash("请填写原因和时长", "danger")
    return redirect(url_for("exams.admin_attempt", attempt_id=attempt.id))


# ---- admins: grading and regrading -----------------------------------------------------------------

@bp.get("/admin/grading")
@admin_required
def grading():
    return render_template("exams/grading.html", queue=marking.grading_queue(), candidates=marking.versions_in_use(),
                           confirm=ConfirmForm())


@bp.route("/admin/grading/<int:exam_id>/<int:question_id>", methods=["GET", "POST"])
@admin_required
def grading_question(exam_id: int, question_id: int):
    exam = service.get_exam(exam_id)
    form = f.GradeForm()
    if form.validate_on_submit():
        try:
            marking.grade_item(current_user, int(form.item_id.data), form.score.data, form.comment.data, ip=client_ip())
            flash("已评分", "success")
        except (ServiceError, ValueError) as exc:
            flash(getattr(exc, "message", "评分无效"), "danger")
        return redirect(url_for("exams.grading_question", exam_id=exam.id, question_id=question_id,
                                all=request.args.get("all")))
    items = marking.items_to_grade(exam.id, question_id, include_graded=bool(request.args.get("all")))
    return render_template("exams/grading_question.html", exam=exam, items=items, question_id=question_id,
                           show_all=bool(request.args.get("all")))


@bp.post("/admin/regrade")
@admin_required
def regrade():
    form = f.RegradeForm()
    if form.validate_on_submit():
        try:
            r = marking.regrade(current_user, int(form.question_id.data), int(form.version_id.data), ip=client_ip())
            flash(f"已重新评分：{r.attempts} 份答卷，{r.changed} 处得分变化", "success")
        except (ServiceError, ValueError) as exc:
            flash(getattr(exc, "message", "参数无效"), "danger")
    return redirect(url_for("exams.grading"))


@bp.app_template_filter("local_input")
def local_input(value):
    return to_local(value).strftime("%Y-%m-%dT%H:%M") if value else ""
