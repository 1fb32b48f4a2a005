"""What the competition and points pages show, gathered from the services (keeps the views short)."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for

from trainer.competitions import points, ranking, service
from trainer.exams import service as exams
from trainer.org.models import Role, UnitKind

TABS = {"people": "个人", "office": "科室", "town": "镇街区", "team": "传帮带小组"}


def board_context(exam, user, tab: str | None, order: str | None, actual: bool) -> dict:
    b = service.board(exam, actual=actual)
    tabs = dict(TABS)
    if not service.teams_available():
        tabs.pop("team")
    tab = tab if tab in tabs else "people"
    order = order if order in ranking.UNIT_ORDERS else "audience_avg"
    groups = None
    if tab == "office":
        groups = service.unit_board(exam, b.people, UnitKind.office, order)
    elif tab == "town":
        groups = service.unit_board(exam, b.people, UnitKind.town, order)
    elif tab == "team":
        groups = service.team_board(exam, b.people, order)
    mine = next((e for e in b.people if e.user_id == user.id), None)
    return {"exam": exam, "b": b, "tabs": tabs, "tab": tab, "order": order, "orders": ranking.UNIT_ORDERS,
            "groups": groups, "mine": mine, "actual": actual, "is_admin": user.role == Role.admin,
            "fmt": service.format_seconds,
            "json_url": url_for("competitions.board_json", exam_id=exam.id, actual="1" if actual else None)}


def admin_rows(exams_list) -> dict:
    ids = [e.id for e in exams_list]
    return {"exams": exams_list, "settings": service.settings_map(ids), "counts": exams.attempt_counts(ids),
            "window_state": service.window_state, "freeze_at": service.freeze_at}


def admin_context(exam) -> dict:
    setting = service.get_settings(exam)
    b = service.board(exam, actual=True)
    public = service.board(exam)
    source_form = None
    try:
        from trainer.certificates.forms import SourceForm
    except ModuleNotFoundError:
        SourceForm = None  # noqa: N806
    if SourceForm is not None:
        source_form = SourceForm(prefix="src", data={"source": "competition", "ident": exam.id})
    return {"exam": exam, "setting": setting, "b": b, "public": public, "state": service.window_state(exam),
            "freeze_at": service.freeze_at(exam, setting), "audience": len(exams.audience(exam)),
            "final": service.is_final(exam, setting), "source_form": source_form, "fmt": service.format_seconds,
            "can_reveal": service.window_state(exam) == "已结束" and setting.revealed_at is None
            and service.freeze_at(exam, setting) is not None}


def my_points_context(user, page: int) -> dict:
    week = points.period("week")
    month = points.period("month")
    mine, rank, n = points.my_standing(user, week)
    return {"week": week, "mine": mine, "rank": rank, "n": n, "month_total": sum(points.totals_by_kind(user, month).values()),
            "total": sum(points.totals_by_kind(user).values()), "by_kind": points.totals_by_kind(user, week),
            "series": points.weekly_series(user), "history": points.history(user, page)}


def shifted(p: points.Period, step: int) -> dict:
    """Query arguments of the previous (-1) or next (+1) week or month."""
    if p.kind == "week":
        return {"period": "week", "day": (p.first + timedelta(weeks=step)).isoformat()}
    if p.kind == "month":
        day = p.first if step == 0 else p.first - timedelta(days=1) if step < 0 else p.last + timedelta(days=1)
        return {"period": "month", "day": day.isoformat()}
    return {"period": "term", "since": p.first.isoformat(), "until": p.last.isoformat()}
