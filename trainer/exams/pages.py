"""What the exam pages show: built here so views stay thin and templates stay simple."""
from __future__ import annotations

import random
from dataclasses import dataclass

from trainer import articles
from trainer.banks.models import QuestionVersion
from trainer.errors import ServiceError
from trainer.exams import paper, service
from trainer.exams.attempts import results_visible
from trainer.exams.models import EVENT_LABELS, Attempt, AttemptState, Exam, ExamKind
from trainer.extensions import db
from trainer.grading.types import STATES, TYPES
from trainer.tabular import build_workbook
from trainer.timeutil import format_local, to_local, utcnow


def my_exams(user) -> dict:
    """The cadre's exams: open now, coming, and finished, with their attempts."""
    exams = service.exams_for(user)
    attempts = service.attempts_of(user, [e.id for e in exams])
    by_exam: dict[int, list[Attempt]] = {}
    for a in attempts:
        by_exam.setdefault(a.exam_id, []).append(a)
    now = utcnow()
    groups = {"进行中": [], "未开始": [], "已结束": []}
    for e in exams:
        groups.setdefault(service.window_state(e, now), []).append(e)
    return {"groups": groups, "by_exam": by_exam, "results_visible": results_visible,
            "n_questions": service.question_count}


def save_form(user, attempt: Attempt, form) -> None:
    """Save the answers a plain form carried (fields q<position>; several values for checkboxes and blanks)."""
    positions = [int(p) for p in form.getlist("positions") if str(p).isdigit()]
    by_pos = {i.position: i for i in attempt.items}
    for pos in positions:
        item = by_pos.get(pos)
        if item is None:
            continue
        values = form.getlist(f"q{pos}")
        qtype = item.version.type
        raw = values if qtype in ("multiple", "fill") else (values[0] if values else None)
        if qtype == "judge" and raw is not None:
            raw = raw == "true"
        flagged = f"flag{pos}" in form
        if raw in (None, [], "") and item.response in (None, [], "") and flagged == item.flagged:
            continue
        service.save_answer(user, attempt.id, pos, raw, flagged=flagged, commit=False)
    db.session.commit()


def unanswered(attempt: Attempt) -> list[int]:
    return [i.position for i in attempt.items if not TYPES[i.version.type].is_complete(i.response)]


@dataclass
class ItemView:
    item: object
    version: QuestionVersion
    key_version: QuestionVersion
    order: list[int]
    state_label: str


def result_context(attempt: Attempt, viewer) -> dict:
    """Score and, as the exam's results policy allows (always for admins), each question with its key."""
    is_admin = viewer.role.value == "admin"
    visible = results_visible(attempt) or is_admin
    items = []
    if visible:
        for item in attempt.items:
            v = item.version
            order = item.option_order or list(range(len(v.options or [])))
            items.append(ItemView(item, v, item.key_version or v, order, STATES.get(item.state or "", "")))
        articles.prefetch(i.version for i in items)
    events = [(e, EVENT_LABELS.get(e.kind, e.kind)) for e in attempt.events]
    from trainer.exams.certificates import certificate_for

    return {"attempt": attempt, "exam": attempt.exam, "visible": visible, "certificate": certificate_for(attempt), "items": items, "events": events,
            "is_admin": is_admin, "wrong": sum(1 for i in attempt.items if i.state in ("wrong", "unanswered")),
            "right": sum(1 for i in attempt.items if i.state == "right")}


def exam_form_data(exam: Exam | None, kind: str | None = None) -> dict | None:
    """The form's values for an exam, or the defaults of a new one (of kind, when a valid kind is given)."""
    if exam is None:
        return {"kind": kind if kind in {k.value for k in ExamKind} else "weekly", "count_policy": "best",
                "results_policy": "immediately",
                "scoring_policy": "all_or_nothing", "audience": "everyone", "question_mode": "draw",
                "max_attempts": 1, "pass_percent": 60, "shuffle_questions": True, "shuffle_options": True,
                "time_limit_minutes": 20}
    return {"title": exam.title, "kind": exam.kind.value, "description": exam.description,
            "opens_at": to_local(exam.opens_at), "closes_at": to_local(exam.closes_at),
            "time_limit_minutes": exam.time_limit_minutes, "max_attempts": exam.max_attempts,
            "count_policy": exam.count_policy.value, "pass_percent": exam.pass_percent,
            "shuffle_questions": exam.shuffle_questions, "shuffle_options": exam.shuffle_options,
            "results_policy": exam.results_policy.value, "scoring_policy": exam.scoring_policy,
            "audience": exam.audience.value, "unit_ids": [u.id for u in exam.audience_units],
            "user_ids": [u.id for u in exam.audience_users], "question_mode": exam.question_mode.value,
            "issue_certificates": exam.issue_certificates}


def run_action(actor, exam: Exam, action: str, ip: str) -> tuple[str, int]:
    """Open, close, publish, copy or prepare papers; returns (message, exam id to show next)."""
    if action == "open":
        service.open_now(actor, exam, ip)
        return "考试已开放，并已为参加人员备好试卷", exam.id
    if action == "close":
        n = service.close_now(actor, exam, ip)
        return f"考试已结束；{n} 份未交的答卷已按已保存的答案交卷", exam.id
    if action == "publish":
        service.publish(actor, exam, ip)
        return "考试已发布，将在开始时间开放", exam.id
    if action == "copy":
        twin = service.copy_exam(actor, exam, ip)
        return "已复制，请修改标题和时间", twin.id
    if action == "prepare":
        if paper.rule_problems(exam):
            raise ServiceError("题目不足，不能备卷")
        n = service.prepare_papers(exam)
        return f"已为 {n} 人提前备好试卷", exam.id
    raise ServiceError("未知操作")


def preview_items(exam: Exam, rng: random.Random) -> list[tuple[QuestionVersion, float, list[int]]]:
    """A sample paper as one cadre might get it (not saved)."""
    items = paper.Composer(exam).compose(set(), rng)
    versions = {v.id: v for v in db.session.query(QuestionVersion).filter(
        QuestionVersion.id.in_([i.version_id for i in items]))}
    return [(versions[i.version_id], i.points, i.option_order or list(range(len(versions[i.version_id].options or []))))
            for i in items]


def attempts_workbook(exam: Exam) -> bytes:
    header = ["姓名", "用户名", "单位", "状态", "次数", "得分", "满分", "得分率", "是否及格", "用时（分钟）", "开始时间",
              "交卷时间", "离开页面次数", "过快作答题数"]
    rows = []
    for p in service.participation(exam):
        a = p.attempt
        if a is None:
            rows.append([p.user.name, p.user.username, p.user.unit_name, "未参加", 0] + [""] * 9)
            continue
        rows.append([p.user.name, p.user.username, p.user.unit_name, a.state.label, p.attempts, a.score, a.max_score,
                     a.percent, {True: "及格", False: "不及格"}.get(a.passed, ""),
                     round((a.time_used_seconds or 0) / 60, 1), format_local(a.started_at), format_local(a.submitted_at),
                     a.focus_lost_count, a.too_fast_count])
    return build_workbook([("成绩", header, rows)], widths={"单位": 20, "开始时间": 18, "交卷时间": 18})


def participation_rows(exam: Exam):
    """(everyone, those with an attempt — latest submission first —, those without one)."""
    people = service.participation(exam)
    taken = sorted((p for p in people if p.attempt), key=lambda p: p.attempt.submitted_at or p.attempt.started_at,
                   reverse=True)
    return people, taken, [p for p in people if not p.attempt]


def state_label(attempt: Attempt) -> str:
    if attempt.state == AttemptState.graded:
        return "及格" if attempt.passed else "不及格"
    return attempt.state.label
