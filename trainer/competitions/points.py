"""Season points (学习积分): what earns points, the ledger, and weekly / monthly / term boards.

Points live in a ledger (PointEntry) filled by refresh_points(since, until) rather than computed on the
fly, because a cadre's history must say what earned what and when, and a weekly cap depends on the order
the week's events came in. refresh_points reads each source with one aggregate query (weekly quizzes,
night-school attendance, weekly reviews, days with drill answers), works out the entries in memory and
inserts them with ON CONFLICT DO NOTHING on (user, kind, ref): running it again over the same or an
overlapping range never counts anything twice. A rule change applies to events refreshed after it;
entries already written keep their points (an entry cut by the cap is kept, with 0 points, so that a
later refresh does not award it after all). Boards are one SUM ... GROUP BY over the ledger.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from trainer.audit import service as audit
from trainer.competitions import ranking
from trainer.competitions.models import PointEntry, PointKind, PointRule
from trainer.errors import NotFound, ServiceError
from trainer.exams.models import Attempt, AttemptState, Exam, ExamKind
from trainer.extensions import db
from trainer.optional import optional as _optional
from trainer.org.models import OrgUnit, Role, User
from trainer.tabular import build_workbook
from trainer.timeutil import from_local, local_today, to_local, utcnow
from trainer.web import Page, paginate

audit.register_actions({"points.rule": "修改积分规则", "points.refresh": "重新统计积分"})

# kind → (points, cap per week, sort order): the rules a new installation starts with
DEFAULT_RULES = {
    PointKind.quiz: (5, None, 1),
    PointKind.quiz_score: (1, None, 2),
    PointKind.night_school: (5, 5, 3),
    PointKind.review: (3, 3, 4),
    PointKind.drill_day: (1, 5, 5),
    PointKind.drill_streak: (2, 10, 6),
}
RULE_NOTES = {
    PointKind.quiz: "每参加一期每周测验（交卷并评分）",
    PointKind.quiz_score: "每周测验按百分制折算，每得 10 分计一次",
    PointKind.night_school: "每周夜校签到为出席或迟到",
    PointKind.review: "按时提交本周复盘",
    PointKind.drill_day: "当天在练兵中至少答 10 道题（与练兵页的连续天数同一标准）",
    PointKind.drill_streak: "连续练兵（每天至少 10 题）第 3 天起，每天另加",
}
STREAK_FROM = 3
STREAK_LOOKBACK_DAYS = 60


# ---- rules ---------------------------------------------------------------------------------------

def ensure_rules() -> dict[PointKind, PointRule]:
    """Every kind's rule, adding the default for any kind missing (flushes, does not commit)."""
    rules = {r.kind: r for r in db.session.scalars(select(PointRule))}
    for kind, (pts, cap, order) in DEFAULT_RULES.items():
        if kind not in rules:
            rules[kind] = PointRule(kind=kind, points=pts, cap_per_week=cap, active=True, sort_order=order)
            db.session.add(rules[kind])
    db.session.flush()
    return rules


def list_rules() -> list[PointRule]:
    """The rules in display order."""
    return sorted(ensure_rules().values(), key=lambda r: (r.sort_order, r.id or 0))


def get_rule(rule_id: int) -> PointRule:
    rule = db.session.get(PointRule, rule_id)
    if rule is None:
        raise NotFound("积分规则不存在")
    return rule


def update_rule(actor, rule: PointRule, points: int, cap_per_week: int | None, active: bool, ip: str = "") -> PointRule:
    """Change a rule; it applies to events counted from now on."""
    if not 0 <= points <= 100:
        raise ServiceError("分值须为 0–100", field="points")
    if cap_per_week is not None and not 0 <= cap_per_week <= 1000:
        raise ServiceError("每周上限须为 0–1000（留空表示不设上限）", field="cap_per_week")
    rule.points, rule.cap_per_week, rule.active = points, cap_per_week, active
    audit.record(actor, "points.rule", rule.kind.label, ip=ip, points=points, cap=cap_per_week, active=active)
    db.session.commit()
    return rule


# ---- periods ---------------------------------------------------------------------------------------

def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_range(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC bounds of the local days first..last (inclusive)."""
    return (from_local(datetime(first.year, first.month, first.day)),
            from_local(datetime(last.year, last.month, last.day)) + timedelta(days=1))


@dataclass
class Period:
    kind: str  # week / month / term
    first: date
    last: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return local_range(self.first, self.last)

    @property
    def label(self) -> str:
        if self.kind == "week":
            y, w, _ = self.first.isocalendar()
            return f"{y}年第{w}周（{self.first:%m-%d}～{self.last:%m-%d}）"
        if self.kind == "month":
            return f"{self.first.year}年{self.first.month}月"
        return f"{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}"


def period(kind: str, day: date | None = None, first: date | None = None, last: date | None = None) -> Period:
    """This week / month of day (local today by default), or a term from first to last."""
    day = day or local_today()
    if kind == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return Period("month", start, end)
    if kind == "term":
        first = first or (day - timedelta(weeks=8))
        last = last or day
        if last < first:
            raise ServiceError("结束日期须不早于开始日期", field="until")
        if (last - first).days > 800:
            raise ServiceError("时间段不能超过两年", field="until")
        return Period("term", first, last)
    start = week_start(day)
    return Period("week", start, start + timedelta(days=6))


# ---- refreshing the ledger --------------------------------------------------------------------------

@dataclass
class Event:
    user_id: int
    kind: PointKind
    ref: str
    at: datetime
    points: int
    label: str


def _local_day(column):
    """The local calendar day of a UTC column, in SQL (the zone's current offset; China has no DST)."""
    offset = to_local(utcnow()) - utcnow()
    hours = round(offset.total_seconds() / 3600)
    if db.engine.dialect.name == "postgresql":
        return func.date(column + literal_column(f"interval '{hours} hours'"))
    return func.date(column, f"{hours:+d} hours")


def _quiz_events(rules, since, until) -> list[Event]:
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.exam_id, Exam.title, Attempt.score, Attempt.max_score, Attempt.submitted_at)
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(Exam.kind == ExamKind.weekly, Attempt.counted.is_(True), Attempt.state == AttemptState.graded,
               Attempt.submitted_at >= since, Attempt.submitted_at < until)).all()
    out = []
    for uid, exam_id, title, score, max_score, at in rows:
        if PointKind.quiz in rules:
            out.append(Event(uid, PointKind.quiz, f"exam:{exam_id}", at, rules[PointKind.quiz].points, title))
        if PointKind.quiz_score in rules and max_score:
            percent = 100 * (score or 0) / max_score
            tens = int(math.floor(percent / 10 + 1e-9))
            if tens:
                out.append(Event(uid, PointKind.quiz_score, f"exam:{exam_id}", at,
                                 tens * rules[PointKind.quiz_score].points, f"{title}（{percent:.0f} 分）"))
    return out


def _night_school_events(rules, since, until) -> list[Event]:
    nightschool = _optional("trainer.nightschool.service")
    if nightschool is None or PointKind.night_school not in rules:
        return []
    pts = rules[PointKind.night_school].points
    return [Event(uid, PointKind.night_school, f"session:{sid}", at, pts, f"夜校 {to_local(at):%m-%d}（{'出席' if status == 'present' else '迟到'}）")
            for uid, sid, status, at in nightschool.attendance_events(since, until) if status in ("present", "late")]


def _review_events(rules, since, until) -> list[Event]:
    reviews = _optional("trainer.reviews.service")
    if reviews is None or PointKind.review not in rules:
        return []
    pts = rules[PointKind.review].points
    return [Event(uid, PointKind.review, f"week:{y}-{w:02d}", at, pts, f"{y}年第{w}周复盘")
            for uid, y, w, at in reviews.review_submissions(since, until)]


def _drill_events(rules, since, until) -> list[Event]:
    if PointKind.drill_day not in rules and PointKind.drill_streak not in rules:
        return []
    from trainer.practice.models import DrillItem
    from trainer.practice.service import STREAK_MIN_ANSWERS

    # a day counts as on the drill page: with at least STREAK_MIN_ANSWERS answers
    day = _local_day(DrillItem.answered_at)
    rows = db.session.execute(
        select(DrillItem.user_id, day).where(
            DrillItem.answered_at >= since - timedelta(days=STREAK_LOOKBACK_DAYS), DrillItem.answered_at < until)
        .group_by(DrillItem.user_id, day).having(func.count() >= STREAK_MIN_ANSWERS)).all()
    by_user: dict[int, list[date]] = {}
    for uid, d in rows:
        by_user.setdefault(uid, []).append(d if isinstance(d, date) else date.fromisoformat(str(d)))
    first, last = to_local(since).date(), to_local(until - timedelta(microseconds=1)).date()
    out = []
    for uid, days in by_user.items():
        streak = ranking.drill_streak_days(days, STREAK_FROM)
        for d in sorted(days):
            if not first <= d <= last:
                continue
            at = from_local(datetime(d.year, d.month, d.day, 12))
            if PointKind.drill_day in rules:
                out.append(Event(uid, PointKind.drill_day, f"day:{d.isoformat()}", at,
                                 rules[PointKind.drill_day].points, ""))
            if d in streak and PointKind.drill_streak in rules:
                out.append(Event(uid, PointKind.drill_streak, f"day:{d.isoformat()}", at,
                                 rules[PointKind.drill_streak].points, ""))
    return out


def _week_key(at: datetime) -> tuple[int, int]:
    y, w, _ = to_local(at).isocalendar()
    return y, w


def _insert(rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for i in range(0, len(rows), 500):
        stmt = insert(PointEntry).values(rows[i:i + 500]).on_conflict_do_nothing(
            index_elements=["user_id", "kind", "ref"])
        db.session.execute(stmt)


def refresh_points(since: datetime, until: datetime) -> int:
    """Add ledger entries for every source event in [since, until); returns how many were new (idempotent)."""
    rules = {k: r for k, r in ensure_rules().items() if r.active}
    events = (_quiz_events(rules, since, until) + _night_school_events(rules, since, until)
              + _review_events(rules, since, until) + _drill_events(rules, since, until))
    if not events:
        db.session.commit()
        return 0
    # what each week already holds, for the caps and to skip entries already written
    lo = min(e.at for e in events)
    hi = max(e.at for e in events)
    lo_day, hi_day = to_local(lo).date(), to_local(hi).date()
    w_lo, w_hi = local_range(week_start(lo_day), week_start(hi_day) + timedelta(days=6))
    existing = db.session.execute(select(PointEntry.user_id, PointEntry.kind, PointEntry.ref, PointEntry.points,
                                         PointEntry.earned_at)
                                  .where(PointEntry.earned_at >= w_lo, PointEntry.earned_at < w_hi)).all()
    seen = {(u, k, r) for u, k, r, _p, _a in existing}
    seen |= set(db.session.execute(select(PointEntry.user_id, PointEntry.kind, PointEntry.ref).where(
        PointEntry.user_id.in_({e.user_id for e in events}), PointEntry.ref.in_({e.ref for e in events}))).all())
    used: dict[tuple, int] = {}
    for u, k, _r, p, a in existing:
        key = (u, k, _week_key(a))
        used[key] = used.get(key, 0) + p
    rows = []
    for e in sorted(events, key=lambda e: (e.at, e.user_id, e.kind.value, e.ref)):
        if (e.user_id, e.kind, e.ref) in seen or e.points <= 0:
            continue
        seen.add((e.user_id, e.kind, e.ref))
        key = (e.user_id, e.kind, _week_key(e.at))
        pts = ranking.capped(e.points, rules[e.kind].cap_per_week, used.get(key, 0))
        used[key] = used.get(key, 0) + pts
        rows.append({"user_id": e.user_id, "kind": e.kind.value, "ref": e.ref, "points": pts, "capped": pts < e.points,
                     "label": e.label[:200], "earned_at": e.at, "created_at": utcnow()})
    _insert(rows)
    db.session.commit()
    return len(rows)


_last_refresh = [0.0]


def refresh_recent(force: bool = False) -> None:
    """Bring the ledger up to date for last week and this one (at most once a minute per process)."""
    wait = 0 if current_app.testing else current_app.config.get("POINTS_REFRESH_SECONDS", 60)
    if not force and wait and time.monotonic() - _last_refresh[0] < wait:
        return
    _last_refresh[0] = time.monotonic()
    since, _ = local_range(week_start(local_today()) - timedelta(days=7), local_today())
    refresh_points(since, utcnow() + timedelta(minutes=1))


def refresh_command(actor, since: date, until: date, ip: str = "") -> int:
    """Admins' 重新统计: refresh a range of local days, audited."""
    if until < since:
        raise ServiceError("结束日期须不早于开始日期")
    lo, hi = local_range(since, until)
    n = refresh_points(lo, hi)
    audit.record(actor, "points.refresh", f"{since} ~ {until}", ip=ip, new=n)
    db.session.commit()
    return n


# ---- boards and history -------------------------------------------------------------------------------

@dataclass
class BoardRow:
    rank: int
    user_id: int
    name: str
    unit: str
    points: int


def _board_people():
    return User.active.is_(True), User.role != Role.admin


def leaderboard(p: Period, limit: int | None = None) -> list[BoardRow]:
    """Everyone (active, not admins) with their points in the period, ranked; one aggregate query."""
    lo, hi = p.bounds
    total = func.coalesce(func.sum(PointEntry.points), 0)
    rows = db.session.execute(
        select(User.id, User.name, OrgUnit.name, total)
        .outerjoin(PointEntry, (PointEntry.user_id == User.id) & (PointEntry.earned_at >= lo) & (PointEntry.earned_at < hi))
        .outerjoin(OrgUnit, OrgUnit.id == User.unit_id)
        .where(*_board_people()).group_by(User.id, User.name, OrgUnit.name)).all()
    info = {uid: (name, unit or "") for uid, name, unit, _t in rows}
    ranked = ranking.rank_points((uid, int(t)) for uid, _n, _u, t in rows)
    out = [BoardRow(rank, uid, *info[uid], pts) for rank, uid, pts in ranked]
    return out[:limit] if limit else out


def my_standing(user: User, p: Period) -> tuple[int, int | None, int]:
    """(my points, my rank or None for admins, how many on the board) in the period."""
    rows = leaderboard(p)
    for r in rows:
        if r.user_id == user.id:
            return r.points, r.rank, len(rows)
    return 0, None, len(rows)


def history(user: User, page: int = 1, per_page: int = 30) -> Page:
    """The user's ledger, newest first."""
    stmt = (select(PointEntry).where(PointEntry.user_id == user.id)
            .order_by(PointEntry.earned_at.desc(), PointEntry.id.desc()))
    return paginate(stmt, page, per_page)


def totals_by_kind(user: User, p: Period | None = None) -> dict[PointKind, int]:
    stmt = select(PointEntry.kind, func.sum(PointEntry.points)).where(PointEntry.user_id == user.id)
    if p is not None:
        lo, hi = p.bounds
        stmt = stmt.where(PointEntry.earned_at >= lo, PointEntry.earned_at < hi)
    return {k: int(n or 0) for k, n in db.session.execute(stmt.group_by(PointEntry.kind))}


def weekly_series(user: User, weeks: int = 8) -> list[tuple[str, int]]:
    """The user's points in each of the last `weeks` weeks (oldest first), for a small chart."""
    start = week_start(local_today()) - timedelta(weeks=weeks - 1)
    lo, hi = local_range(start, local_today())
    rows = db.session.execute(select(PointEntry.earned_at, PointEntry.points).where(
        PointEntry.user_id == user.id, PointEntry.earned_at >= lo, PointEntry.earned_at < hi)).all()
    sums = [0] * weeks
    for at, pts in rows:
        i = (week_start(to_local(at).date()) - start).days // 7
        if 0 <= i < weeks:
            sums[i] += pts
    return [(f"{start + timedelta(weeks=i):%m-%d}", sums[i]) for i in range(weeks)]


def board_workbook(p: Period) -> bytes:
    rows = [[r.rank, r.name, r.unit, r.points] for r in leaderboard(p)]
    return build_workbook([(f"积分排行 {p.label}", ["名次", "姓名", "单位", "积分"], rows)],
                          widths={"姓名": 12, "单位": 18})
