"""Report pages (admins: everything; mentors: their own unit; cadres: none), each with an Excel export."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from trainer import navigation
from trainer.auth.permissions import staff_required
from trainer.exams import service as exams
from trainer.grading.types import TYPE_LABELS
from trainer.org.models import Role
from trainer.reports import analysis, charts, exports, service
from trainer.web import page_arg, xlsx_download

bp = Blueprint("reports", __name__)
navigation.add(navigation.NavItem("统计报表", "reports.index", "bar-chart-line", (Role.admin, Role.mentor), "",
                                  ("reports.",)))


def _scope() -> service.Scope:
    return service.scope_for(current_user)


def _common() -> dict:
    return {"charts": charts, "analysis": analysis, "scope": _scope(), "is_admin": current_user.role == Role.admin,
            "types": TYPE_LABELS}


@bp.get("/reports")
@staff_required
def index():
    pg, rows = service.list_exams(_scope(), page_arg())
    return render_template("reports/index.html", page=pg, rows=rows, **_common())


@bp.get("/reports/exams.xlsx")
@staff_required
def index_xlsx():
    return xlsx_download(exports.exams(_scope()), "考试成绩汇总.xlsx")


@bp.get("/reports/exams/<int:exam_id>")
@staff_required
def exam(exam_id: int):
    report = service.exam_report(exams.get_exam(exam_id), _scope())
    return render_template("reports/exam.html", r=report, exam=report.exam, labels=analysis.bin_labels(), **_common())


@bp.get("/reports/exams/<int:exam_id>.xlsx")
@staff_required
def exam_xlsx(exam_id: int):
    exam = exams.get_exam(exam_id)
    return xlsx_download(exports.exam(service.exam_report(exam, _scope())), f"{exam.title}-成绩分析.xlsx")


@bp.get("/reports/exams/<int:exam_id>/items")
@staff_required
def exam_items(exam_id: int):
    exam = exams.get_exam(exam_id)
    return render_template("reports/items.html", exam=exam, rows=service.item_analysis(exam, _scope()), page=None,
                           flagged=None, **_common())


@bp.get("/reports/exams/<int:exam_id>/items.xlsx")
@staff_required
def exam_items_xlsx(exam_id: int):
    exam = exams.get_exam(exam_id)
    return xlsx_download(exports.items(service.item_analysis(exam, _scope())), f"{exam.title}-试题分析.xlsx")


@bp.get("/reports/items")
@staff_required
def items():
    only = request.args.get("flagged") == "1"
    pg, flagged = service.all_items(_scope(), only, page_arg())
    return render_template("reports/items.html", exam=None, rows=pg.items, page=pg, flagged=flagged, only=only,
                           **_common())


@bp.get("/reports/items.xlsx")
@staff_required
def items_xlsx():
    pg, _ = service.all_items(_scope(), request.args.get("flagged") == "1", 1, per_page=100_000)
    return xlsx_download(exports.items(pg.items, across=True), "试题分析-全部考试.xlsx")


@bp.get("/reports/articles")
@staff_required
def articles():
    month = request.args.get("range") == "month"
    mastery = service.article_mastery(_scope(), service.month_start() if month else None)
    return render_template("reports/articles.html", m=mastery, month=month, **_common())


@bp.get("/reports/articles.xlsx")
@staff_required
def articles_xlsx():
    month = request.args.get("range") == "month"
    mastery = service.article_mastery(_scope(), service.month_start() if month else None)
    return xlsx_download(exports.articles(mastery), "条款掌握情况.xlsx")


@bp.get("/reports/cadres")
@staff_required
def cadres():
    q = request.args.get("q", "").strip()[:40]
    return render_template("reports/cadres.html", page=service.list_cadres(_scope(), page_arg(), q), q=q, **_common())


@bp.get("/reports/cadres/<int:user_id>")
@staff_required
def cadre(user_id: int):
    report = service.cadre_report(service.get_cadre(user_id, _scope()))
    return render_template("reports/cadre.html", r=report, **_common())


@bp.get("/reports/cadres/<int:user_id>.xlsx")
@staff_required
def cadre_xlsx(user_id: int):
    report = service.cadre_report(service.get_cadre(user_id, _scope()))
    return xlsx_download(exports.cadre(report), f"{report.user.name}-个人报表.xlsx")


@bp.get("/reports/units")
@staff_required
def units():
    rates = service.unit_rates(_scope(), request.args.get("period", "4w"), request.args.get("term", type=int))
    return render_template("reports/units.html", rates=rates, periods=service.PERIODS, **_common())


@bp.get("/reports/units.xlsx")
@staff_required
def units_xlsx():
    rates = service.unit_rates(_scope(), request.args.get("period", "4w"), request.args.get("term", type=int))
    return xlsx_download(exports.units(rates), "出勤与复盘提交率.xlsx")
