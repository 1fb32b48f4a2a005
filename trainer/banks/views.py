"""Admin pages for banks and questions, the import page, and cadres' error reports (纠错)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, signed_in
from trainer.banks import forms as f
from trainer.banks import service, uploads
from trainer.banks.content import FIELD_LABELS, answer_text
from trainer.banks.exporters import EXPORT_FORMATS
from trainer.banks.exporters.xlsx import template as xlsx_template
from trainer.banks.models import QuestionStatus, ReviewState
from trainer.errors import ServiceError
from trainer.forms import options
from trainer.grading.types import LETTERS, TYPE_LABELS
from trainer.org.forms import ConfirmForm
from trainer.org.models import Role
from trainer.web import apply_error, client_ip, download, page_arg, xlsx_download

bp = Blueprint("banks", __name__)
navigation.add(
    navigation.NavItem("题库", "banks.index", "collection", (Role.admin,), "", ("banks.",)),
)


@bp.get("/admin/banks")
@admin_required
def index():
    banks = service.list_banks()
    return render_template("banks/index.html", banks=banks, stats=service.bank_stats(), types=TYPE_LABELS,
                           open_reports=service.open_report_count())


@bp.route("/admin/banks/new", methods=["GET", "POST"])
@admin_required
def bank_new():
    form = f.BankForm()
    if form.validate_on_submit():
        try:
            bank = service.create_bank(current_user, form.slug.data, form.title.data, form.source.data or "",
                                         form.source_version.data or "", form.description.data or "",
                                         form.allow_drafts_in_practice.data, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash(f"已创建题库「{bank.title}」", "success")
            return redirect(url_for("banks.bank", slug=bank.slug))
    return render_template("banks/bank_form.html", form=form, bank=None)


@bp.get("/admin/banks/<slug>")
@admin_required
def bank(slug: str):
    bank = service.get_bank(slug)
    stats = service.bank_stats([bank.id]).get(bank.id)
    versions = service.source_versions(bank)
    rereview = f.RereviewForm()
    rereview.source_version.choices = options([(v, f"{v or '（未标版本）'}（{n} 题）") for v, n in versions])
    return render_template("banks/bank.html", bank=bank, stats=stats, types=TYPE_LABELS, formats=EXPORT_FORMATS,
                           rereview=rereview, review_states=ReviewState)


@bp.route("/admin/banks/<slug>/edit", methods=["GET", "POST"])
@admin_required
def bank_edit(slug: str):
    bank = service.get_bank(slug)
    form = f.BankEditForm(obj=bank)
    if form.validate_on_submit():
        service.update_bank(current_user, bank, form.title.data, form.source.data or "", form.source_version.data or "",
                            form.description.data or "", form.allow_drafts_in_practice.data, ip=client_ip())
        flash("题库设置已保存", "success")
        return redirect(url_for("banks.bank", slug=slug))
    return render_template("banks/bank_form.html", form=form, bank=bank)


@bp.post("/admin/banks/<slug>/rereview")
@admin_required
def bank_rereview(slug: str):
    bank = service.get_bank(slug)
    form = f.RereviewForm()
    form.source_version.choices = options([(v, v) for v, _ in service.source_versions(bank)])
    if form.validate_on_submit():
        n = service.mark_for_rereview(current_user, bank, source_version=form.source_version.data,
                                      note=form.note.data, ip=client_ip())
        flash(f"已将 {n} 道题标记为待复审", "success")
    else:
        flash("请填写原因", "danger")
    return redirect(url_for("banks.bank", slug=slug))


@bp.get("/admin/banks/<slug>/export/<fmt>")
@admin_required
def bank_export(slug: str, fmt: str):
    if fmt not in EXPORT_FORMATS:
        abort(404)
    ext, mime = EXPORT_FORMATS[fmt]
    data = service.export_bank(slug, fmt)
    if fmt == "xlsx":
        return xlsx_download(data, f"{slug}.xlsx")
    return download(data, f"{slug}.{ext}", mime)


@bp.get("/admin/banks/template.xlsx")
@admin_required
def template():
    return xlsx_download(xlsx_template(), "题库导入模板.xlsx")


@bp.get("/admin/banks/<slug>/questions")
@admin_required
def questions(slug: str):
    bank = service.get_bank(slug)
    flt = service.QuestionFilter(
        chapter_id=request.args.get("chapter", type=int), type=request.args.get("type") or None,
        difficulty=request.args.get("difficulty", type=int), tag=request.args.get("tag") or None,
        status=request.args.get("status", "active"), review=request.args.get("review") or None,
        q=request.args.get("q") or None)
    page = service.list_questions(bank, flt, page_arg())
    return render_template("banks/questions.html", bank=bank, page=page, flt=flt, types=TYPE_LABELS,
                           tags=service.bank_tags(bank), review_states=ReviewState, bulk=ConfirmForm())


@bp.post("/admin/banks/<slug>/review")
@admin_required
def bank_review(slug: str):
    """Review the ticked questions of a list page at once (each by an admin other than its author)."""
    bank = service.get_bank(slug)
    if ConfirmForm().validate_on_submit():
        try:
            reviewed, skipped = service.review_many(current_user, bank, request.form.getlist("question_id", type=int),
                                                    ip=client_ip())
        except ServiceError as exc:
            flash(exc.message, "danger")
        else:
            flash(f"已审核通过 {reviewed} 题" + (f"；{skipped} 题是您编写或修改的，须由另一位管理员审核" if skipped else ""),
                  "success" if reviewed else "warning")
    return redirect(request.referrer or url_for("banks.questions", slug=slug, review="draft"))


def _question_form(bank, form):
    form.chapter_id.choices = options([(0, "（不分章）")] + [(c.id, c.title) for c in bank.chapters])
    return form


@bp.route("/admin/banks/<slug>/questions/new", methods=["GET", "POST"])
@admin_required
def question_new(slug: str):
    bank = service.get_bank(slug)
    form = _question_form(bank, f.QuestionForm(data={"type": request.args.get("type", "single")}
                                               if request.method == "GET" else None))
    if form.validate_on_submit():
        try:
            q = service.save_question(current_user, bank, f.raw_from_form(form), form.chapter_id.data, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("题目已保存为草稿，须由另一位管理员审核后才能用于考试", "success")
            return redirect(url_for("banks.question", question_id=q.id))
    return render_template("banks/question_form.html", form=form, bank=bank, question=None, letters=LETTERS)


@bp.get("/admin/questions/<int:question_id>")
@admin_required
def question(question_id: int):
    q = service.get_question(question_id)
    return render_template("banks/question.html", q=q, v=q.current, bank=q.bank, types=TYPE_LABELS,
                           confirm=ConfirmForm(), letters=LETTERS, statuses=QuestionStatus, review_states=ReviewState,
                           reports=service.reports_for(q), changes=service.version_changes)


@bp.route("/admin/questions/<int:question_id>/edit", methods=["GET", "POST"])
@admin_required
def question_edit(question_id: int):
    q = service.get_question(question_id)
    form = _question_form(q.bank, f.QuestionForm(data=f.form_data_from_version(q.current, q)
                                                 if request.method == "GET" else None))
    if form.validate_on_submit():
        try:
            service.save_question(current_user, q.bank, f.raw_from_form(form), form.chapter_id.data, question=q,
                                  note=form.change_note.data or "", ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("已保存（内容有改动时生成新版本，并须重新审核）", "success")
            return redirect(url_for("banks.question", question_id=q.id))
    return render_template("banks/question_form.html", form=form, bank=q.bank, question=q, letters=LETTERS)


@bp.post("/admin/questions/<int:question_id>/<any(retire, restore, review):action>")
@admin_required
def question_action(question_id: int, action: str):
    q = service.get_question(question_id)
    if ConfirmForm().validate_on_submit():
        try:
            if action == "review":
                service.review_question(current_user, q, ip=client_ip())
                flash("已审核通过", "success")
            else:
                status = QuestionStatus.retired if action == "retire" else QuestionStatus.active
                service.set_status(current_user, q, status, ip=client_ip())
                flash("已停用" if action == "retire" else "已恢复", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    return redirect(request.referrer or url_for("banks.question", question_id=q.id))


@bp.route("/admin/banks/import", methods=["GET", "POST"])
@admin_required
def import_page():
    form = f.ImportForm(data={"bank": request.args.get("bank", "")} if request.method == "GET" else None)
    form.bank.choices = options([("", "（新建题库）")] + [(b.slug, f"{b.title}（{b.slug}）") for b in service.list_banks()])
    report = None
    if form.validate_on_submit():
        try:
            report, token = uploads.preview_or_import(current_user, form, confirm="confirm" in request.form,
                                                      ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            form.token.data = token
            if report.written:
                flash(f"导入完成：新增 {report.imported}，更新 {report.updated}，未变 {report.unchanged}"
                      + (f"，停用 {report.retired}" if report.retired else ""), "success")
                return redirect(url_for("banks.bank", slug=report.bank_slug))
    return render_template("banks/import.html", form=form, report=report, types=TYPE_LABELS,
                           field_labels=FIELD_LABELS, answer_text=answer_text)


@bp.get("/admin/question-reports")
@admin_required
def reports():
    status = request.args.get("status", "open")
    return render_template("banks/reports.html", page=service.list_reports(status, page_arg()), status=status,
                           form=f.HandleReportForm())


@bp.post("/admin/question-reports/<int:report_id>")
@admin_required
def report_handle(report_id: int):
    form = f.HandleReportForm()
    if form.validate_on_submit():
        service.handle_report(current_user, report_id, form.decision.data == "accepted", form.response.data,
                              ip=client_ip())
        flash("已处理", "success")
    return redirect(url_for("banks.reports"))


@bp.route("/questions/<int:question_id>/report", methods=["GET", "POST"])
@signed_in
def report(question_id: int):
    """A cadre reports a suspected error in a question they have seen the result of."""
    q = service.get_question(question_id)
    if not service.may_report(current_user, q):
        abort(403)
    form = f.ReportForm()
    if form.validate_on_submit():
        try:
            service.report_error(current_user, q.id, request.args.get("version", type=int), form.comment.data)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("感谢纠错，管理员会尽快核实处理", "success")
            return redirect(request.args.get("next") or url_for("home.index"))
    return render_template("banks/report_form.html", form=form, q=q, v=q.current)
