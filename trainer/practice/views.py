"""Drill pages (练兵), the wrong-answer book (错题本) and today's review (今日复习): each cadre's own."""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import signed_in
from trainer.errors import NotFound, ServiceError
from trainer.grading.types import TYPE_LABELS
from trainer.org.models import Role
from trainer.practice import forms as f
from trainer.practice import service
from trainer.practice.scheduler import MASTERED_AFTER
from trainer.timeutil import local_today
from trainer.web import apply_error, page_arg

bp = Blueprint("practice", __name__)
_LEARNERS = (Role.cadre, Role.mentor)
navigation.add(
    navigation.NavItem("练兵", "practice.index", "lightning-charge", _LEARNERS, "", ("practice.index", "practice.bank",
                                                                                   "practice.drill")),
    navigation.NavItem("错题本", "practice.book", "journal-bookmark", _LEARNERS, "", ("practice.book",
                                                                                 "practice.review")),
    # admins may practise too: their entries sit in a small menu beside the admin pages
    navigation.NavItem("练兵", "practice.index", "lightning-charge", (Role.admin,), "我的练习",
                       ("practice.index", "practice.bank", "practice.drill")),
    navigation.NavItem("错题本", "practice.book", "journal-bookmark", (Role.admin,), "我的练习",
                       ("practice.book", "practice.review")),
)


@bp.context_processor
def _practice_context() -> dict:
    return {"today": local_today(), "types": TYPE_LABELS, "mastered_after": MASTERED_AFTER,
            "streak_min": service.STREAK_MIN_ANSWERS}


def _local_next() -> str | None:
    """The form's "next" address when it stays on this site."""
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else None


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/practice")
@signed_in
def index():
    return render_template("practice/index.html", banks=service.list_practice_banks(current_user),
                           status=service.practice_status(current_user),
                           open_drills=service.list_drills(current_user, unfinished=True, limit=5),
                           recent=service.list_drills(current_user, unfinished=False, limit=8))


@bp.route("/practice/banks/<int:bank_id>", methods=["GET", "POST"])
@signed_in
def bank(bank_id: int):
    pb = service.get_practice_bank(current_user, bank_id)
    form = f.drill_form(pb, request.args.get("chapter", 0, type=int))
    if form.validate_on_submit():
        try:
            drill = service.start_drill(current_user, pb.bank.id, form.chapter_id.data or None, form.qtype.data or None,
                                        form.count.data, form.only_wrong.data, form.shuffle.data)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            return redirect(url_for("practice.drill_item", drill_id=drill.id, pos=1))
    return render_template("practice/bank.html", pb=pb, form=form)


@bp.get("/practice/drills/<int:drill_id>")
@signed_in
def drill(drill_id: int):
    pos = service.resume_position(service.get_drill(current_user, drill_id))
    if pos is None:
        return redirect(url_for("practice.drill_summary", drill_id=drill_id))
    return redirect(url_for("practice.drill_item", drill_id=drill_id, pos=pos))


@bp.get("/practice/drills/<int:drill_id>/<int:pos>")
@signed_in
def drill_item(drill_id: int, pos: int):
    view = service.open_item(current_user, drill_id, pos)
    return render_template("practice/item.html", view=view)


@bp.post("/practice/drills/<int:drill_id>/<int:pos>")
@bp.post("/practice/drills/<int:drill_id>/<int:pos>/<any(assess):action>")
@signed_in
def drill_answer(drill_id: int, pos: int, action: str = "answer"):
    """Answer a question (or assess a short answer); JSON fetches get the feedback card back."""
    try:
        if action == "assess":
            item = service.assess_item(current_user, drill_id, pos, request.form.get("verdict") == "right")
        else:
            item = service.answer_item(current_user, drill_id, pos, request.form.getlist("r"))
    except NotFound:
        raise
    except ServiceError as exc:
        if _wants_json():
            return jsonify({"error": exc.message}), 400
        flash(exc.message, "warning")
        return redirect(url_for("practice.drill_item", drill_id=drill_id, pos=pos))
    if _wants_json():
        view = service.item_view(current_user, item)
        return jsonify({"html": render_template("practice/_item_card.html", view=view)})
    return redirect(url_for("practice.drill_item", drill_id=drill_id, pos=pos))


@bp.get("/practice/drills/<int:drill_id>/summary")
@signed_in
def drill_summary(drill_id: int):
    return render_template("practice/summary.html", summary=service.drill_summary(current_user, drill_id))


@bp.post("/practice/drills/<int:drill_id>/end")
@signed_in
def drill_end(drill_id: int):
    service.end_drill(current_user, drill_id)
    return redirect(url_for("practice.drill_summary", drill_id=drill_id))


@bp.get("/practice/book")
@signed_in
def book():
    view = request.args.get("view", "all")
    flt = service.BookFilter(bank_id=request.args.get("bank", type=int), chapter_id=request.args.get("chapter", type=int),
                             view=view if view in service.BOOK_VIEWS else "all")
    return render_template("practice/book.html", page=service.list_book(current_user, flt, page_arg()), flt=flt,
                           overview=service.book_overview(current_user), views=service.BOOK_VIEWS)


@bp.get("/practice/book/<int:card_id>")
@signed_in
def book_entry(card_id: int):
    card = service.get_card(current_user, card_id)
    return render_template("practice/book_entry.html", card=card, v=card.question.current)


@bp.post("/practice/book/<int:card_id>/<any(hide, restore, review):action>")
@signed_in
def book_action(card_id: int, action: str):
    try:
        if action == "review":
            drill = service.start_review(current_user, card_id)
            return redirect(url_for("practice.drill_item", drill_id=drill.id, pos=1))
        {"hide": service.hide_card, "restore": service.restore_card}[action](current_user, card_id)
        flash("已移出错题本（再答错时会重新加入）" if action == "hide" else "已恢复到错题本", "success")
    except NotFound:
        raise
    except ServiceError as exc:
        flash(exc.message, "warning")
    return redirect(_local_next() or url_for("practice.book"))


@bp.route("/practice/review", methods=["GET", "POST"])
@signed_in
def review():
    """今日复习: what is due; a POST starts a review session of it."""
    if request.method == "POST":
        try:
            drill = service.start_review(current_user)
        except ServiceError as exc:
            flash(exc.message, "info")
        else:
            return redirect(url_for("practice.drill_item", drill_id=drill.id, pos=1))
    flt = service.BookFilter(view="due")
    return render_template("practice/review.html", page=service.list_book(current_user, flt, page_arg(), per_page=50),
                           max_review=service.MAX_REVIEW)
