"""The article reader (every signed-in user) and the admin pages: load a text, coverage, drafting, review queue."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, signed_in
from trainer.banks.content import answer_text
from trainer.cnnum import article_label
from trainer.errors import ServiceError
from trainer.forms import options
from trainer.grading.types import LETTERS, TYPE_LABELS
from trainer.org.forms import ConfirmForm
from trainer.org.models import Role
from trainer.sources import forms as f
from trainer.sources import service, uploads
from trainer.web import apply_error, client_ip, page_arg

bp = Blueprint("sources", __name__)
navigation.add(
    navigation.NavItem("法规原文", "sources.index", "book", (Role.mentor, Role.cadre), "", ("sources.",)),
    navigation.NavItem("法规原文", "sources.admin_index", "book", (Role.admin,), "",
                       ("sources.admin", "sources.load", "sources.coverage", "sources.revision", "sources.queue",
                        "sources.index", "sources.document", "sources.article")),
)


# ---- reader ------------------------------------------------------------------------------------

@bp.get("/sources")
@signed_in
def index():
    q = request.args.get("q", "").strip()
    return render_template("sources/index.html", documents=service.list_documents(), q=q,
                           result=service.search(q) if q else None)


@bp.get("/sources/<slug>")
@signed_in
def document(slug: str):
    doc = service.get_document(slug)
    q = request.args.get("q", "").strip()
    result = service.search(q, doc) if q else None
    if result and result.jump is not None:
        return redirect(url_for("sources.article", slug=slug, number=result.jump.number))
    return render_template("sources/document.html", doc=doc, parts=service.outline(doc), q=q, result=result)


@bp.get("/sources/<slug>/<int:number>")
@signed_in
def article(slug: str, number: int):
    art = service.get_article(slug, number)
    prev, nxt = service.neighbours(art)
    cov = service.article_coverage(art) if current_user.role == Role.admin else None
    return render_template("sources/article.html", doc=art.document, article=art, prev=prev, next=nxt, cov=cov,
                           types=TYPE_LABELS, draft_form=f.DraftForm())


# ---- admin ---------------------------------------------------------------------------------------

@bp.get("/admin/sources")
@admin_required
def admin_index():
    return render_template("sources/admin_index.html", summaries=service.summaries(),
                           counts=service.queue_counts())


@bp.route("/admin/sources/load", methods=["GET", "POST"])
@admin_required
def load():
    form = f.LoadForm(data=service.load_defaults(request.args.get("slug")) if request.method == "GET" else None)
    plan = None
    if form.validate_on_submit():
        try:
            plan, token, doc = uploads.preview_or_load(current_user, form, f.meta_from_form(form),
                                                       confirm="confirm" in request.form, ip=client_ip())
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            form.token.data = token
            if doc is not None:
                flash(f"已载入《{doc.title}》：{doc.article_count} 条，{doc.chapter_count} 章"
                      + (f"；{plan.flagged} 道题因条文修改被标记为待复审" if plan.flagged else ""), "success")
                return redirect(url_for("sources.coverage", slug=doc.slug))
    return render_template("sources/load.html", form=form, plan=plan, kinds=service.KIND_LABELS,
                           diff=service.diff_segments, label=article_label)


@bp.get("/admin/sources/<slug>")
@admin_required
def coverage(slug: str):
    doc = service.get_document(slug)
    form = f.DraftForm()
    form.bank.choices = options(service.bank_choices(doc))
    return render_template("sources/coverage.html", doc=doc, cov=service.coverage(doc), types=TYPE_LABELS,
                           form=form, revisions=service.revisions(doc), only_uncovered=bool(request.args.get("uncovered")))


@bp.post("/admin/sources/<slug>/draft")
@admin_required
def draft(slug: str):
    doc = service.get_document(slug)
    form = f.DraftForm()
    form.bank.choices = options(service.bank_choices(doc))
    if not form.validate_on_submit():
        flash("请求有误，请重试", "danger")
        return redirect(url_for("sources.coverage", slug=slug))
    try:
        result = service.draft_scope(current_user, doc, form.scope.data, form.article.data, form.bank.data or None,
                                     ip=client_ip())
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("sources.coverage", slug=slug))
    if result.created:
        flash(f"已起草 {result.created} 道题，存入「{result.bank_title}」，请逐题审核", "success")
    else:
        flash("没有可起草的新题：相关内容已有题目，或条文中没有适合出题的表述", "warning")
    return redirect(url_for("sources.queue", doc=slug, article=form.article.data if form.scope.data == "article" else None))


@bp.get("/admin/sources/<slug>/revisions/<int:revision_id>")
@admin_required
def revision(slug: str, revision_id: int):
    doc = service.get_document(slug)
    return render_template("sources/revision.html", doc=doc, rev=service.get_revision(doc, revision_id),
                           kinds=service.KIND_LABELS, diff=service.diff_segments, label=article_label)


@bp.get("/admin/sources/review")
@admin_required
def queue():
    doc = service.get_document(request.args["doc"]) if request.args.get("doc") else None
    state = request.args.get("state", "drafted")
    page = service.review_queue(doc, state, page_arg(), article=request.args.get("article", type=int))
    return render_template("sources/review.html", doc=doc, state=state, page=page, states=service.QUEUE_STATES,
                           documents=service.list_documents(), counts=service.queue_counts(doc),
                           articles=service.articles_for((v.ref_document, v.ref_article) for _q, v in page.items),
                           types=TYPE_LABELS, letters=LETTERS, answer_text=answer_text, confirm=ConfirmForm())


@bp.post("/admin/sources/review/<int:question_id>/<any(accept, discard):action>")
@admin_required
def queue_action(question_id: int, action: str):
    if ConfirmForm().validate_on_submit():
        try:
            if action == "accept":
                service.accept_question(current_user, question_id, ip=client_ip())
                flash("已采纳：题目已审核，可用于考试和练兵", "success")
            else:
                service.discard_question(current_user, question_id, ip=client_ip())
                flash("已舍弃（题目已停用，不会再次起草）", "success")
        except ServiceError as exc:
            flash(exc.message, "danger")
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("sources.queue"))
