"""Weekly reviews (复盘): writing, submitting, reading, commenting, who is missing, exports.

Department rule for editing: a review may be written for the current ISO week and, as a late
review, for the week before; it stays editable (even after submitting) until the Sunday of the
week after its own week ends. Future weeks cannot be written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.errors import Forbidden, NotFound, ServiceError
from trainer.extensions import db
from trainer.optional import optional as _optional
from trainer.org import service as org
from trainer.org.models import OrgUnit, Role, User
from trainer.reviews.models import ReviewComment, ReviewState, WeeklyReview
from trainer.tabular import build_workbook
from trainer.timeutil import format_local, local_today, utcnow

Week = tuple[int, int]
WRITERS = (Role.cadre, Role.mentor)
MAX_TEXT = 5000
FIELDS = {"done": "本周工作", "lessons": "问题与体会", "plan": "下周计划"}
MISSING_FROM_WEEKDAY = 4  # Friday: from then on a missing review is shown as missing


# ---- weeks ------------------------------------------------------------------------------------------

def week_of(day: date) -> Week:
    y, w, _ = day.isocalendar()
    return y, w


def current_week() -> Week:
    return week_of(local_today())


def monday_of(week: Week) -> date:
    return date.fromisocalendar(week[0], week[1], 1)


def shift(week: Week, n: int) -> Week:
    return week_of(monday_of(week) + timedelta(weeks=n))


def week_label(week: Week) -> str:
    return f"{week_short(week)}（{week_dates(week)}）"


def week_short(week: Week) -> str:
    return f"{week[0]}年第{week[1]}周"


def week_dates(week: Week) -> str:
    start = monday_of(week)
    end = start + timedelta(days=6)
    return f"{start.month}月{start.day}日—{end.month}月{end.day}日"


def week_param(week: Week) -> str:
    return f"{week[0]}-W{week[1]:02d}"


def parse_week(text: str | None) -> Week | None:
    """(year, week) from "2026-W48"; None when text is not a valid ISO week."""
    m = re.fullmatch(r"(\d{4})-W(\d{1,2})", (text or "").strip())
    if not m:
        return None
    try:
        return week_of(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
    except ValueError:
        return None


def recent_weeks(n: int, end: Week | None = None) -> list[Week]:
    """The n weeks up to end (default this week), newest first."""
    end = end or current_week()
    return [shift(end, -i) for i in range(n)]


def is_writable(week: Week, today: date | None = None) -> bool:
    today = today or local_today()
    now = week_of(today)
    return week in (now, shift(now, -1))


def missing_is_due(week: Week, today: date | None = None) -> bool:
    """From Friday of the week on, a review not submitted counts as missing."""
    today = today or local_today()
    return today >= monday_of(week) + timedelta(days=MISSING_FROM_WEEKDAY)


# ---- who may read -----------------------------------------------------------------------------------

def mentor_ids_of(user_id: int) -> set[int]:
    """Mentors of user_id in active mentoring teams (through the mentoring contract when present)."""
    mentoring = _optional("trainer.mentoring.service")
    if mentoring is None:
        return set()
    return {t["mentor_id"] for t in mentoring.active_teams() if user_id in t["mentee_ids"]}


def mentee_ids_of(mentor_id: int) -> set[int]:
    mentoring = _optional("trainer.mentoring.service")
    if mentoring is None:
        return set()
    return {m for t in mentoring.active_teams() if t["mentor_id"] == mentor_id for m in t["mentee_ids"]}


def can_read(viewer: User, review: WeeklyReview) -> bool:
    return (viewer.id == review.user_id or viewer.role == Role.admin
            or (viewer.role == Role.mentor and viewer.id in mentor_ids_of(review.user_id)))


def can_comment(viewer: User, review: WeeklyReview) -> bool:
    return review.state == ReviewState.submitted and viewer.id != review.user_id and can_read(viewer, review)


def get_review(review_id: int) -> WeeklyReview:
    review = db.session.get(WeeklyReview, review_id)
    if review is None:
        raise NotFound("复盘不存在")
    return review


def get_readable(viewer: User, review_id: int) -> WeeklyReview:
    """The review if viewer may read it: NotFound when it does not exist, Forbidden otherwise."""
    review = get_review(review_id)
    if not can_read(viewer, review):
        raise Forbidden("无权查看此复盘")
    return review


# ---- writing ----------------------------------------------------------------------------------------

def find_review(user_id: int, week: Week) -> WeeklyReview | None:
    return db.session.scalar(select(WeeklyReview).where(WeeklyReview.user_id == user_id,
                                                        WeeklyReview.iso_year == week[0],
                                                        WeeklyReview.iso_week == week[1]))


def check_week(week: Week, today: date | None = None) -> None:
    today = today or local_today()
    if monday_of(week) > today:
        raise ServiceError("不能填写未来周的复盘", "week")
    if not is_writable(week, today):
        raise ServiceError("该周复盘已过填写期限（每周复盘可在下一周周日前补写、修改）", "week")


@dataclass
class ReviewData:
    done: str = ""
    lessons: str = ""
    plan: str = ""


def save_review(user: User, week: Week, data: ReviewData, submit: bool = False,
                today: date | None = None) -> WeeklyReview:
    """Save the author's review for week as a draft, or submit it (every field required); commits."""
    if user.role not in WRITERS:
        raise Forbidden("只有干部和导师填写每周复盘")
    check_week(week, today)
    values = {k: (getattr(data, k) or "").strip() for k in FIELDS}
    for key, label in FIELDS.items():
        if len(values[key]) > MAX_TEXT:
            raise ServiceError(f"「{label}」不能超过 {MAX_TEXT} 字", key)
    if submit:
        for key, label in FIELDS.items():
            if not values[key]:
                raise ServiceError(f"提交前请填写「{label}」", key)
    elif not any(values.values()):
        raise ServiceError("复盘内容是空的，请至少填写一项再保存", "done")
    review = find_review(user.id, week)
    now = utcnow()
    if review is None:
        review = WeeklyReview(user_id=user.id, iso_year=week[0], iso_week=week[1], state=ReviewState.draft,
                              created_at=now)
        db.session.add(review)
    review.done, review.lessons, review.plan = values["done"], values["lessons"], values["plan"]
    review.updated_at = now
    if submit:
        if review.state != ReviewState.submitted:
            review.submitted_at = now
        review.state = ReviewState.submitted
    db.session.commit()
    return review


def add_comment(viewer: User, review: WeeklyReview, body: str) -> ReviewComment:
    """A mentor's (of the author) or an admin's comment on a submitted review; commits."""
    if not can_read(viewer, review) or viewer.id == review.user_id:
        raise Forbidden("无权点评此复盘")
    if review.state != ReviewState.submitted:
        raise ServiceError("复盘提交后才能点评", "body")
    body = (body or "").strip()
    if not body:
        raise ServiceError("请填写点评内容", "body")
    if len(body) > 2000:
        raise ServiceError("点评不能超过 2000 字", "body")
    comment = ReviewComment(review_id=review.id, author_id=viewer.id, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.commit()
    return comment


def mark_seen(viewer: User, review: WeeklyReview) -> None:
    """The author opened the review: its comments are no longer new (commits)."""
    if viewer.id == review.user_id and review.comments:
        review.comments_seen_at = utcnow()
        db.session.commit()


def new_comment_ids(review: WeeklyReview) -> set[int]:
    """Comments the author has not seen yet."""
    seen = review.comments_seen_at
    return {c.id for c in review.comments if seen is None or c.created_at > seen}


def new_comments(review: WeeklyReview) -> int:
    return len(new_comment_ids(review))


# ---- reading ----------------------------------------------------------------------------------------

_WITH_COMMENTS = selectinload(WeeklyReview.comments).selectinload(ReviewComment.author)

def history(user_id: int, limit: int = 60) -> list[WeeklyReview]:
    """The author's reviews, newest week first (the timeline)."""
    return list(db.session.scalars(select(WeeklyReview).where(WeeklyReview.user_id == user_id)
                                   .options(_WITH_COMMENTS).order_by(WeeklyReview.iso_year.desc(), WeeklyReview.iso_week.desc()).limit(limit)))


def reviews_for(user_id: int, limit: int = 10) -> list[WeeklyReview]:
    """Contract: a person's reviews, newest week first."""
    return history(user_id, limit)


def reviews_of_users(user_ids: list[int], weeks: list[Week]) -> dict[tuple[int, Week], WeeklyReview]:
    if not user_ids or not weeks:
        return {}
    years = {w[0] for w in weeks}
    rows = db.session.scalars(select(WeeklyReview).where(WeeklyReview.user_id.in_(user_ids),
                                                         WeeklyReview.iso_year.in_(years)).options(_WITH_COMMENTS))
    wanted = set(weeks)
    return {(r.user_id, r.week_key): r for r in rows if r.week_key in wanted}


def writers_in(unit_ids: list[int] | None = None) -> list[User]:
    stmt = select(User).where(User.active.is_(True), User.role.in_(WRITERS)).options(selectinload(User.unit))
    if unit_ids is not None:
        stmt = stmt.where(User.unit_id.in_(unit_ids))
    return list(db.session.scalars(stmt.order_by(User.unit_id, User.username)))


@dataclass
class UnitWeek:
    week: Week
    unit: OrgUnit | None
    rows: list[tuple[User, WeeklyReview | None]]

    @property
    def submitted(self) -> int:
        return sum(1 for _, r in self.rows if r is not None and r.state == ReviewState.submitted)

    @property
    def missing(self) -> list[User]:
        return [u for u, r in self.rows if r is None or r.state != ReviewState.submitted]


def unit_week(unit_id: int | None, week: Week) -> UnitWeek:
    """Everyone who writes reviews in the unit (and units under it) with their review of week, missing first."""
    unit = org.get_unit(unit_id) if unit_id else None
    people = writers_in(org.subtree_ids(unit.id) if unit else None)
    found = reviews_of_users([u.id for u in people], [week])
    rows = [(u, found.get((u.id, week))) for u in people]
    rows.sort(key=lambda p: (p[1] is not None and p[1].state == ReviewState.submitted, p[0].unit_id or 0,
                             p[0].username))
    return UnitWeek(week, unit, rows)


def _top_of() -> tuple[dict[int, OrgUnit], list[OrgUnit]]:
    tops = org.top_units()
    parent = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    by_id = {u.id: u for u in tops}
    out: dict[int, OrgUnit] = {}
    for uid in parent:
        node = uid
        while parent.get(node) is not None:
            node = parent[node]
        if node in by_id:
            out[uid] = by_id[node]
    return out, tops


def submission_by_unit(weeks: list[Week]) -> list[dict]:
    """Contract: per top unit, expected (active cadres and mentors × weeks), submitted and the rate."""
    top_of, tops = _top_of()
    people = writers_in()
    found = reviews_of_users([u.id for u in people], list(weeks))
    stats = {u.id: {"unit_id": u.id, "unit_name": u.name, "expected": 0, "submitted": 0} for u in tops}
    for person in people:
        top = top_of.get(person.unit_id)
        if top is None:
            continue
        s = stats[top.id]
        for w in weeks:
            s["expected"] += 1
            r = found.get((person.id, w))
            if r is not None and r.state == ReviewState.submitted:
                s["submitted"] += 1
    out = []
    for s in stats.values():
        s["rate"] = s["submitted"] / s["expected"] if s["expected"] else 0.0
        out.append(s)
    return out


def missing_by_unit(week: Week) -> list[dict]:
    """Top units with people missing this week's review: {"unit", "missing": [User], "expected"}."""
    top_of, tops = _top_of()
    people = writers_in()
    found = reviews_of_users([u.id for u in people], [week])
    out: dict[int, dict] = {u.id: {"unit": u, "missing": [], "expected": 0} for u in tops}
    for person in people:
        top = top_of.get(person.unit_id)
        if top is None:
            continue
        out[top.id]["expected"] += 1
        r = found.get((person.id, week))
        if r is None or r.state != ReviewState.submitted:
            out[top.id]["missing"].append(person)
    return [v for v in out.values() if v["expected"]]


def review_submissions(since: datetime, until: datetime) -> list[tuple[int, int, int, datetime]]:
    """Contract: (user_id, iso_year, iso_week, submitted_at UTC) of reviews submitted in [since, until)."""
    rows = db.session.execute(select(WeeklyReview.user_id, WeeklyReview.iso_year, WeeklyReview.iso_week,
                                     WeeklyReview.submitted_at)
                              .where(WeeklyReview.state == ReviewState.submitted,
                                     WeeklyReview.submitted_at >= since, WeeklyReview.submitted_at < until)
                              .order_by(WeeklyReview.submitted_at))
    return [tuple(r) for r in rows]


def submitted_counts(user_ids: list[int], since_week: Week | None = None) -> dict[int, int]:
    """Submitted reviews per person (from since_week on)."""
    if not user_ids:
        return {}
    stmt = (select(WeeklyReview.user_id, func.count()).where(WeeklyReview.user_id.in_(user_ids),
                                                             WeeklyReview.state == ReviewState.submitted)
            .group_by(WeeklyReview.user_id))
    if since_week:
        stmt = stmt.where((WeeklyReview.iso_year > since_week[0])
                          | ((WeeklyReview.iso_year == since_week[0]) & (WeeklyReview.iso_week >= since_week[1])))
    return dict(db.session.execute(stmt).all())


def uncommented(user_ids: list[int], commenter_id: int, limit: int = 20) -> list[WeeklyReview]:
    """Submitted reviews of these people that commenter has not commented on yet, newest first."""
    if not user_ids:
        return []
    commented = select(ReviewComment.review_id).where(ReviewComment.author_id == commenter_id)
    return list(db.session.scalars(select(WeeklyReview).where(WeeklyReview.user_id.in_(user_ids),
                                                              WeeklyReview.state == ReviewState.submitted,
                                                              WeeklyReview.id.not_in(commented))
                                   .order_by(WeeklyReview.submitted_at.desc()).limit(limit)))


def last_review_at(user_ids: list[int]) -> dict[int, datetime]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(WeeklyReview.user_id, func.max(WeeklyReview.updated_at))
                                   .where(WeeklyReview.user_id.in_(user_ids)).group_by(WeeklyReview.user_id)).all())


def submitted_of_week(unit_id: int | None, week: Week) -> list[WeeklyReview]:
    return [r for _, r in unit_week(unit_id, week).rows if r is not None and r.state == ReviewState.submitted]


def export_xlsx(unit_id: int | None, week: Week) -> bytes:
    """The unit's reviews of week, one row per person (missing ones marked)."""
    data = unit_week(unit_id, week)
    rows = []
    for u, r in data.rows:
        state = r.state.label if r else "未填写"
        rows.append([u.name, u.unit_name, u.position, state, format_local(r.submitted_at) if r else "",
                     r.done if r else "", r.lessons if r else "", r.plan if r else "",
                     "\n".join(f"{c.author.name if c.author else ''}：{c.body}" for c in r.comments) if r else ""])
    header = ["姓名", "单位", "职务", "状态", "提交时间", "本周工作", "问题与体会", "下周计划", "点评"]
    title = f"{week[0]}年第{week[1]}周复盘"
    return build_workbook([(title, header, rows)], widths={"本周工作": 50, "问题与体会": 40, "下周计划": 40, "点评": 40})
