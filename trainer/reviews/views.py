"""Weekly reviews: each person's own (write, submit, timeline), mentors' and admins' reading and comments,
the unit view of a week with its export and print page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import admin_required, roles_required, signed_in
from trainer.errors import Forbidden, NotFound, ServiceError
from trainer.org import service as org
from trainer.org.models import Role
from trainer.reviews import forms as f
from trainer.reviews import service
from trainer.web import apply_error, xlsx_download

bp = Blueprint("reviews", __name__)
navigation.add(
    navigation.NavItem("复盘", "reviews.index", "journal-check", (Role.cadre, Role.mentor), "",
                       ("reviews.index", "reviews.write", "reviews.show", "reviews.team")),
    navigation.NavItem("每周复盘", "reviews.admin_week", "journal-check", (Role.admin,), "",
                       ("reviews.admin", "reviews.show")),
)


@bp.app_context_processor
def _reviews_context() -> dict:
    return {"week_label": service.week_label, "week_param": service.week_param, "week_short": service.week_short,
            "week_dates": service.week_dates}


def _readable(review_id: int):
    try:
        return service.get_readable(current_user, review_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


@bp.get("/reviews")
@roles_required(Role.cadre, Role.mentor)
def index():
    this = service.current_week()
    last = service.shift(this, -1)
    return render_template("reviews/index.html", this_week=this, last_week=last,
                           this_review=service.find_review(current_user.id, this),
                           last_review=service.find_review(current_user.id, last),
                           missing_due=service.missing_is_due(this), timeline=service.history(current_user.id),
                           new_comments=service.new_comments)


@bp.route("/reviews/week/<int:year>/<int:week>", methods=["GET", "POST"])
@roles_required(Role.cadre, Role.mentor)
def write(year: int, week: int):
    wk = service.parse_week(f"{year}-W{week}")
    if wk is None:
        abort(404)
    review = service.find_review(current_user.id, wk)
    form = f.ReviewForm(obj=review)
    if request.method == "GET":
        try:
            service.check_week(wk)
        except ServiceError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("reviews.index"))
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        data = service.ReviewData(form.done.data, form.lessons.data, form.plan.data)
        try:
            review = service.save_review(current_user, wk, data, submit=submit)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("复盘已提交" if submit else "草稿已保存", "success")
            return redirect(url_for("reviews.show", review_id=review.id) if submit else
                            url_for("reviews.write", year=wk[0], week=wk[1]))
    status = 422 if request.method == "POST" else 200
    return render_template("reviews/write.html", form=form, week=wk, review=review), status


@bp.get("/reviews/<int:review_id>")
@signed_in
def show(review_id: int):
    review = _readable(review_id)
    fresh = service.new_comment_ids(review) if review.user_id == current_user.id else set()
    service.mark_seen(current_user, review)
    return render_template("reviews/show.html", review=review, form=f.CommentForm(), fresh=fresh,
                           can_comment=service.can_comment(current_user, review),
                           can_edit=review.user_id == current_user.id and service.is_writable(review.week_key))


@bp.post("/reviews/<int:review_id>/comments")
@roles_required(Role.admin, Role.mentor)
def comment(review_id: int):
    review = _readable(review_id)
    form = f.CommentForm()
    if form.validate_on_submit():
        try:
            service.add_comment(current_user, review, form.body.data)
        except Forbidden:
            abort(403)
        except ServiceError as exc:
            apply_error(form, exc)
        else:
            flash("点评已发布", "success")
            return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/reviews")
                            else url_for("reviews.show", review_id=review.id))
    return render_template("reviews/show.html", review=review, form=form, can_comment=True, can_edit=False), 422


@bp.get("/reviews/team")
@roles_required(Role.mentor)
def team():
    mentees = service.mentee_ids_of(current_user.id)
    weeks = service.recent_weeks(6)
    people = org.users_by_ids(mentees)
    return render_template("reviews/team.html", people=people, weeks=weeks,
                           found=service.reviews_of_users(list(mentees), weeks),
                           waiting=service.uncommented(list(mentees), current_user.id))


# ---- admins: a unit's week ------------------------------------------------------------------------

def _week_and_unit():
    week = service.parse_week(request.args.get("week")) or service.current_week()
    if week > service.current_week():
        week = service.current_week()
    unit_id = request.args.get("unit", 0, type=int) or None
    if unit_id:
        try:
            org.get_unit(unit_id)
        except NotFound:
            abort(404)
    return week, unit_id


@bp.get("/admin/reviews")
@admin_required
def admin_week():
    week, unit_id = _week_and_unit()
    return render_template("reviews/admin_week.html", data=service.unit_week(unit_id, week), unit_id=unit_id,
                           weeks=service.recent_weeks(12), units=org.unit_choices(include_blank=False),
                           by_unit=service.submission_by_unit([week]), due=service.missing_is_due(week))


@bp.get("/admin/reviews/export")
@admin_required
def admin_export():
    week, unit_id = _week_and_unit()
    name = (org.get_unit(unit_id).name if unit_id else "全部单位") + f"-{week[0]}年第{week[1]}周复盘.xlsx"
    return xlsx_download(service.export_xlsx(unit_id, week), name)


@bp.get("/admin/reviews/print")
@admin_required
def admin_print():
    week, unit_id = _week_and_unit()
    data = service.unit_week(unit_id, week)
    return render_template("reviews/print.html", data=data, reviews=[r for _, r in data.rows if r and
                                                                      r.state.value == "submitted"])
