"""Reports for admins (the whole organisation) and mentors (their own unit): exam results, item analysis,
article mastery, per-cadre records, and attendance and review rates per unit.

Every figure is an SQL aggregate; trainer.reports.analysis turns the aggregates into statistics.
Item statistics come from per-exam aggregates (trainer.reports.models) rebuilt when an exam's counted
attempts change, so pages over all exams never scan every answer."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Text, and_, case, cast, delete, exists, func, insert, literal, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.banks.models import Question, QuestionVersion
from trainer.errors import NotFound
from trainer.exams import service as exams
from trainer.exams.models import Attempt, AttemptItem, AttemptState, Exam
from trainer.extensions import db
from trainer.optional import optional as _optional
from trainer.org import service as org
from trainer.org.models import OrgUnit, Role, User
from trainer.reports import analysis, charts
from trainer.reports.models import ReportExamStamp, ReportItemStat, ReportOptionStat
from trainer.timeutil import from_local, local_today, to_local, utcnow
from trainer.web import Page, paginate

CHOICE_TYPES = ("single", "multiple", "judge")


# ---- who sees what ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """The people a report covers: unit_ids None = the whole organisation (admins); a mentor sees the people
    of their own unit and the units under it (there is no department-head role, so the mentor stands in)."""

    unit_ids: tuple[int, ...] | None
    label: str

    @property
    def everyone(self) -> bool:
        return self.unit_ids is None

    def users(self, column=User.unit_id):
        """A condition on a unit column limiting rows to the scope (always true for admins)."""
        return true() if self.unit_ids is None else column.in_(self.unit_ids)

    def covers(self, unit_id: int | None) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids


def scope_for(user) -> Scope:
    """Admins: everyone. Mentors: their unit's subtree (nobody when they have no unit)."""
    if user.role == Role.admin:
        return Scope(None, "全部单位")
    if user.unit_id is None:
        return Scope((), "（未分配单位）")
    return Scope(tuple(org.subtree_ids(user.unit_id)), user.unit.name)


def _units(ids) -> dict[int, OrgUnit]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}


def _unit_order(units: dict[int, OrgUnit]) -> list[OrgUnit]:
    return sorted(units.values(), key=lambda u: (u.kind.value != "office", u.sort_order, u.id))


# ---- per-exam aggregates (the cache behind item analysis and the heat map) ----------------------------

def _pct():
    return Attempt.score * 100.0 / Attempt.max_score


def _counted():
    return and_(Attempt.counted.is_(True), Attempt.state == AttemptState.graded, Attempt.max_score > 0,
                Attempt.score.is_not(None))


def _signatures(exam_ids: list[int] | None = None) -> dict[int, tuple[str, int]]:
    """exam id → (what its counted attempts look like, how many): count, latest grading, total score. Only graded
    attempts are ever counted, and grading, regrading and a change of the counted attempt all set graded_at."""
    stmt = (select(Attempt.exam_id, func.count(), func.max(Attempt.graded_at), func.sum(Attempt.score))
            .where(Attempt.counted.is_(True)).group_by(Attempt.exam_id))
    if exam_ids is not None:
        stmt = stmt.where(Attempt.exam_id.in_(exam_ids))
    return {e: (f"{n}:{last}:{round(total or 0, 3)}"[:80], n) for e, n, last, total in db.session.execute(stmt)}


def _build(exam_id: int, n: int) -> None:
    """Rebuild one exam's item and option aggregates with two INSERT … SELECT statements."""
    k = analysis.group_size(n)
    pct = _pct()
    ranked = (select(Attempt.id.label("attempt_id"), User.unit_id.label("unit_id"), pct.label("pct"),
                     func.row_number().over(order_by=(pct.desc(), Attempt.id)).label("rn"))
              .join(User, User.id == Attempt.user_id).where(Attempt.exam_id == exam_id, _counted()).subquery())
    right = and_(AttemptItem.score.is_not(None), AttemptItem.score >= AttemptItem.points)
    upper, lower = ranked.c.rn <= k, ranked.c.rn > n - k
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    stats = (select(literal(exam_id), AttemptItem.version_id, func.min(AttemptItem.question_id), ranked.c.unit_id,
                    func.count(), one(right), one(upper), one(and_(upper, right)), one(lower), one(and_(lower, right)),
                    func.sum(case((right, ranked.c.pct), else_=0.0)), func.sum(ranked.c.pct),
                    func.sum(ranked.c.pct * ranked.c.pct))
             .join(ranked, ranked.c.attempt_id == AttemptItem.attempt_id)
             .group_by(AttemptItem.version_id, ranked.c.unit_id))
    db.session.execute(insert(ReportItemStat).from_select(
        ["exam_id", "version_id", "question_id", "unit_id", "n", "right_n", "upper_n", "upper_right", "lower_n",
         "lower_right", "sum_right", "sum_all", "sumsq_all"], stats))
    response = cast(AttemptItem.response, Text)
    options = (select(literal(exam_id), AttemptItem.version_id, User.unit_id, response, func.count())
               .join(Attempt, Attempt.id == AttemptItem.attempt_id).join(User, User.id == Attempt.user_id)
               .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
               .where(Attempt.exam_id == exam_id, _counted(), QuestionVersion.type.in_(CHOICE_TYPES),
                      AttemptItem.response.is_not(None))
               .group_by(AttemptItem.version_id, User.unit_id, response))
    db.session.execute(insert(ReportOptionStat).from_select(["exam_id", "version_id", "unit_id", "response", "n"],
                                                            options))


def refresh(exam_ids: list[int] | None = None) -> int:
    """Bring the aggregates of the given exams (default: all) up to date; returns how many were rebuilt.
    Commits on its own: the aggregates are a cache that any later request may reuse."""
    current = _signatures(exam_ids)
    stamp_q = select(ReportExamStamp.exam_id, ReportExamStamp.signature)
    if exam_ids is not None:
        stamp_q = stamp_q.where(ReportExamStamp.exam_id.in_(exam_ids))
    stamps = dict(db.session.execute(stamp_q).all())
    stale = [e for e, (sig, _n) in current.items() if stamps.get(e) != sig]
    gone = [e for e in stamps if e not in current]
    if not stale and not gone:
        return 0
    try:
        for table in (ReportItemStat, ReportOptionStat):
            db.session.execute(delete(table).where(table.exam_id.in_(stale + gone)))
        db.session.execute(delete(ReportExamStamp).where(ReportExamStamp.exam_id.in_(stale + gone)))
        for e in stale:
            _build(e, current[e][1])
            db.session.add(ReportExamStamp(exam_id=e, signature=current[e][0], attempts=current[e][1]))
        db.session.commit()
    except IntegrityError:  # another request rebuilt the same exam at the same moment: use theirs
        db.session.rollback()
    return len(stale)


# ---- exams -----------------------------------------------------------------------------------------

@dataclass
class ExamRow:
    exam: Exam
    taken: int
    mean: float | None
    passed: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.taken if self.taken else None


def list_exams(scope: Scope, page: int = 1) -> tuple[Page, list[ExamRow]]:
    """Published exams, newest first, with counted attempts, mean percentage and passes within the scope."""
    pg = paginate(select(Exam).where(Exam.published.is_(True)).order_by(Exam.opens_at.desc().nulls_last(),
                                                                           Exam.id.desc()), page, 20)
    ids = [e.id for e in pg.items]
    rows = {e: (n, m, p) for e, n, m, p in db.session.execute(
        select(Attempt.exam_id, func.count(), func.avg(_pct()), func.sum(case((Attempt.passed.is_(True), 1), else_=0)))
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.exam_id.in_(ids), _counted(), scope.users()).group_by(Attempt.exam_id))} if ids else {}
    return pg, [ExamRow(e, *(rows.get(e.id) or (0, None, 0))) for e in pg.items]


@dataclass
class UnitResult:
    unit: OrgUnit | None
    expected: int = 0
    taken: int = 0
    mean: float | None = None
    passed: int = 0
    missing: list[User] = field(default_factory=list)

    @property
    def participation(self) -> float | None:
        return self.taken / self.expected if self.expected else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.taken if self.taken else None


@dataclass
class ExamReport:
    exam: Exam
    scope: Scope
    taken: int
    expected: int
    passed: int
    mean: float | None
    median: float | None
    lowest: float | None
    highest: float | None
    waiting: int  # submitted, waiting for manual grading
    histogram: list[int]
    units: list[UnitResult]

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.taken if self.taken else None

    @property
    def participation(self) -> float | None:
        return self.taken / self.expected if self.expected else None

    @property
    def missing(self) -> int:
        return sum(len(u.missing) for u in self.units)


def _median_sql(where) -> float | None:
    """The median percentage of the counted attempts matching where, read with ORDER BY … LIMIT 2 OFFSET."""
    n = db.session.scalar(select(func.count()).select_from(Attempt).join(User, User.id == Attempt.user_id)
                          .where(where))
    if not n:
        return None
    vals = db.session.scalars(select(_pct()).join(User, User.id == Attempt.user_id).where(where)
                              .order_by(_pct()).limit(2 - n % 2).offset((n - 1) // 2)).all()
    return analysis.median(vals)


def _bucket_sql(bins: int = analysis.HISTOGRAM_BINS):
    width = 100 / bins
    return case(*[(_pct() < width * (i + 1), i) for i in range(bins - 1)], else_=bins - 1)


def exam_report(exam: Exam, scope: Scope) -> ExamReport:
    """Participation by unit (with who has not taken it), pass rate, mean, median, histogram."""
    where = and_(Attempt.exam_id == exam.id, _counted(), scope.users())
    per_unit = db.session.execute(
        select(User.unit_id, func.count(), func.avg(_pct()), func.sum(case((Attempt.passed.is_(True), 1), else_=0)))
        .join(User, User.id == Attempt.user_id).where(where).group_by(User.unit_id)).all()
    expected = dict(db.session.execute(select(User.unit_id, func.count()).where(
        exams.audience_filter(exam), scope.users()).group_by(User.unit_id)).all())
    submitted = exists().where(Attempt.exam_id == exam.id, Attempt.user_id == User.id,
                               Attempt.state.in_([AttemptState.graded, AttemptState.needs_grading]))
    missing = db.session.scalars(select(User).where(exams.audience_filter(exam), scope.users(), ~submitted)
                                 .order_by(User.unit_id, User.name)).all()
    binned = select(_bucket_sql().label("bin")).join(User, User.id == Attempt.user_id).where(where).subquery()
    buckets = dict(db.session.execute(select(binned.c.bin, func.count()).group_by(binned.c.bin)).all())
    lo, hi = db.session.execute(select(func.min(_pct()), func.max(_pct())).join(User, User.id == Attempt.user_id)
                                .where(where)).one()
    waiting = db.session.scalar(select(func.count()).select_from(Attempt).join(User, User.id == Attempt.user_id)
                                .where(Attempt.exam_id == exam.id, Attempt.state == AttemptState.needs_grading,
                                       scope.users()))
    results = {u: UnitResult(None, 0, n, m, p) for u, n, m, p in per_unit}
    for u, n in expected.items():
        results.setdefault(u, UnitResult(None)).expected = n
    for person in missing:
        results.setdefault(person.unit_id, UnitResult(None)).missing.append(person)
    units = _units(results)
    for uid, r in results.items():
        r.unit = units.get(uid)
    order = {u.id: i for i, u in enumerate(_unit_order(units))}
    rows = sorted(results.values(), key=lambda r: order.get(r.unit.id if r.unit else None, 10**6))
    taken = sum(r.taken for r in rows)
    total = sum((r.mean or 0) * r.taken for r in rows)
    return ExamReport(exam, scope, taken, sum(r.expected for r in rows), sum(r.passed for r in rows),
                      total / taken if taken else None, _median_sql(where), lo, hi, waiting or 0,
                      [buckets.get(i, 0) for i in range(analysis.HISTOGRAM_BINS)], rows)


# ---- item analysis ---------------------------------------------------------------------------------

@dataclass
class ItemRow:
    question_id: int
    version: QuestionVersion
    stats: analysis.ItemStats
    exams: int = 1

    @property
    def flags(self) -> list[str]:
        return self.stats.flags

    @property
    def option_shares(self) -> list[tuple[str, int, float, bool]]:
        """(label, times chosen, share of answers, is a right option) for choice questions."""
        v, counts, n = self.version, self.stats.options, self.stats.n or 1
        if v.type == "judge":
            return [(label, counts.get(k, 0), counts.get(k, 0) / n, v.answer is bool(k))
                    for k, label in ((1, "对"), (0, "错"))]
        if v.type not in ("single", "multiple"):
            return []
        keys = set(v.answer or []) if isinstance(v.answer, list) else set()
        return [("ABCDEFGH"[i] if i < 8 else str(i + 1), counts.get(i, 0), counts.get(i, 0) / n, i in keys)
                for i in range(len(v.options or []))]


_STAT_COLS = (func.sum(ReportItemStat.n), func.sum(ReportItemStat.right_n), func.sum(ReportItemStat.upper_n),
              func.sum(ReportItemStat.upper_right), func.sum(ReportItemStat.lower_n),
              func.sum(ReportItemStat.lower_right), func.sum(ReportItemStat.sum_right),
              func.sum(ReportItemStat.sum_all), func.sum(ReportItemStat.sumsq_all))


def _stats(row) -> analysis.ItemStats:
    return analysis.ItemStats(*(int(x or 0) for x in row[:6]), *(float(x or 0) for x in row[6:9]))


def _options(scope: Scope, where, by_question: bool = False) -> dict[int, dict[int, int]]:
    """Version id (or question id) → option index → times chosen, over the option aggregates matching where."""
    rows = db.session.execute(
        select(ReportOptionStat.version_id, ReportOptionStat.response, func.sum(ReportOptionStat.n))
        .where(where, scope.users(ReportOptionStat.unit_id))
        .group_by(ReportOptionStat.version_id, ReportOptionStat.response)).all()
    if not rows:
        return {}
    versions = {vid: (qid, qtype) for vid, qid, qtype in db.session.execute(
        select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.type)
        .where(QuestionVersion.id.in_({r[0] for r in rows})))}
    grouped: dict[int, list] = defaultdict(list)
    types = {}
    for vid, resp, n in rows:
        qid, qtype = versions[vid]
        key = qid if by_question else vid
        grouped[key].append((resp, int(n)))
        types[key] = qtype
    return {k: analysis.option_counts(pairs, types[k]) for k, pairs in grouped.items()}


def item_analysis(exam: Exam, scope: Scope) -> list[ItemRow]:
    """Each question version of the exam with facility, discrimination, point-biserial, options, flags."""
    refresh([exam.id])
    rows = db.session.execute(select(ReportItemStat.version_id, *_STAT_COLS)
                              .where(ReportItemStat.exam_id == exam.id, scope.users(ReportItemStat.unit_id))
                              .group_by(ReportItemStat.version_id)).all()
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_([r[0] for r in rows])))} if rows else {}
    options = _options(scope, ReportOptionStat.exam_id == exam.id)
    out = []
    for vid, *agg in rows:
        stats = _stats(agg)
        stats.options = options.get(vid, {})
        out.append(ItemRow(versions[vid].question_id, versions[vid], stats))
    return sorted(out, key=lambda r: (not r.flags, r.question_id, r.version.n))


def _question_stats(scope: Scope, refreshed: bool = False) -> dict[int, tuple[int, analysis.ItemStats]]:
    """Question id → (exams it appeared in, its stats summed over exams and the scope's units)."""
    if not refreshed:
        refresh()
    rows = db.session.execute(select(ReportItemStat.question_id, func.count(func.distinct(ReportItemStat.exam_id)),
                                     *_STAT_COLS).where(scope.users(ReportItemStat.unit_id))
                              .group_by(ReportItemStat.question_id)).all()
    return {q: (n_exams, _stats(agg)) for q, n_exams, *agg in rows}


def all_items(scope: Scope, flagged_only: bool = False, page: int = 1, per_page: int = 50
              ) -> tuple[Page, int]:
    """Questions over all exams (summed per question), flagged ones first; with the number flagged. Only the
    page's questions are loaded."""
    stats = _question_stats(scope)
    flagged = sum(1 for _, s in stats.values() if s.flags)
    order = sorted((q for q, (_, s) in stats.items() if s.flags or not flagged_only),
                   key=lambda q: (not stats[q][1].flags, d if (d := stats[q][1].discrimination) is not None else 9, q))
    page = max(1, page)
    ids = order[(page - 1) * per_page: page * per_page]
    shown = []
    if ids:
        current = dict(db.session.execute(
            select(Question.id, QuestionVersion).join(QuestionVersion, and_(
                QuestionVersion.question_id == Question.id, QuestionVersion.n == Question.current_n))
            .where(Question.id.in_(ids))).all())
        options = _options(scope, ReportOptionStat.version_id.in_(
            select(QuestionVersion.id).where(QuestionVersion.question_id.in_(ids))), by_question=True)
        for q in ids:
            n_exams, s = stats[q]
            s.options = options.get(q, {})
            shown.append(ItemRow(q, current[q], s, n_exams))
    return Page(shown, page, per_page, len(order)), flagged


def flagged_count(scope: Scope | None = None, refreshed: bool = False) -> int:
    """How many questions the item analysis over all exams flags for review."""
    return sum(1 for _, s in _question_stats(scope or Scope(None, ""), refreshed).values() if s.flags)


# ---- article mastery -------------------------------------------------------------------------------

@dataclass
class ArticleRow:
    document: str  # the document's title (or the name the questions cite when it is not loaded)
    slug: str | None
    number: int
    label: str
    cells: dict[int | None, tuple[int, int]]  # unit id (None = everyone in scope) → (answers, right)

    def share(self, unit_id: int | None = None) -> float | None:
        n, r = self.cells.get(unit_id, (0, 0))
        return r / n if n else None

    @property
    def answers(self) -> int:
        return self.cells.get(None, (0, 0))[0]

    def heat(self, units: list[OrgUnit]) -> list[tuple[str, charts.HeatCell]]:
        """(unit name, cell) for the scope's column and each unit's, as the heat map draws them."""
        keys = [(None, "")] + [(u.id, u.name) for u in units]
        return [(name, charts.heat_cell(*self.cells.get(k, (0, 0)), few=analysis.FEW_ANSWERS)) for k, name in keys]


@dataclass
class Mastery:
    scope: Scope
    units: list[OrgUnit]
    rows: list[ArticleRow]
    since: datetime | None

    def weakest(self, limit: int = 10, min_answers: int = analysis.MIN_ANSWERS) -> list[ArticleRow]:
        rows = [r for r in self.rows if r.answers >= min_answers]
        return sorted(rows, key=lambda r: (r.share(), -r.answers))[:limit]


def article_mastery(scope: Scope, since: datetime | None = None, refreshed: bool = False) -> Mastery:
    """Share of right answers per cited article (rows) for the scope and per unit (columns)."""
    from trainer.cnnum import int_to_cn

    if not refreshed:
        refresh()
    where = and_(QuestionVersion.ref_article.is_not(None), QuestionVersion.ref_document != "",
                 scope.users(ReportItemStat.unit_id))
    if since is not None:
        where = and_(where, ReportItemStat.exam_id.in_(select(Exam.id).where(Exam.opens_at >= since)))
    rows = db.session.execute(
        select(QuestionVersion.ref_document, QuestionVersion.ref_article, ReportItemStat.unit_id,
               func.sum(ReportItemStat.n), func.sum(ReportItemStat.right_n))
        .join(QuestionVersion, QuestionVersion.id == ReportItemStat.version_id).where(where)
        .group_by(QuestionVersion.ref_document, QuestionVersion.ref_article, ReportItemStat.unit_id)).all()
    sources = _optional("trainer.sources.service")
    found = sources.articles_for({(d, a) for d, a, *_ in rows}) if sources and rows else {}
    merged: dict[tuple[str, int], ArticleRow] = {}
    unit_ids = set()
    for doc, num, unit_id, n, right in rows:
        art = found.get((doc, num))
        key = (art.document.title, num) if art else (doc, num)
        row = merged.get(key)
        if row is None:
            row = merged[key] = ArticleRow(key[0], art.document.slug if art else None, num,
                                           art.label if art else f"第{int_to_cn(num) if 0 < num < 10000 else num}条",
                                           {})
        for k in (unit_id, None):
            a, b = row.cells.get(k, (0, 0))
            row.cells[k] = (a + int(n), b + int(right))
        unit_ids.add(unit_id)
    units = _unit_order(_units(unit_ids))
    return Mastery(scope, units, sorted(merged.values(), key=lambda r: (r.document, r.number)), since)


def month_start() -> datetime:
    today = local_today()
    return from_local(datetime(today.year, today.month, 1))


# ---- cadres ----------------------------------------------------------------------------------------

@dataclass
class CadreRow:
    user: User
    exams: int
    mean: float | None
    book: int


def list_cadres(scope: Scope, page: int = 1, q: str = "") -> Page:
    """Cadres and mentors in scope with exams taken, mean percentage and wrong-answer book size."""
    stmt = (select(User).where(User.active.is_(True), User.role.in_([Role.cadre, Role.mentor]), scope.users())
            .options(selectinload(User.unit)).order_by(User.unit_id, User.name, User.id))
    if q:
        stmt = stmt.where(or_(User.name.contains(q), User.username.contains(q)))
    pg = paginate(stmt, page, 30)
    ids = [u.id for u in pg.items]
    scores = {u: (n, m) for u, n, m in db.session.execute(
        select(Attempt.user_id, func.count(), func.avg(_pct())).where(Attempt.user_id.in_(ids), _counted())
        .group_by(Attempt.user_id))} if ids else {}
    books = _book_sizes(ids)
    pg.items = [CadreRow(u, *(scores.get(u.id) or (0, None)), books.get(u.id, 0)) for u in pg.items]
    return pg


def _book_sizes(user_ids: list[int]) -> dict[int, int]:
    from trainer.practice.models import ReviewCard

    if not user_ids:
        return {}
    return dict(db.session.execute(select(ReviewCard.user_id, func.count()).where(
        ReviewCard.user_id.in_(user_ids), ReviewCard.mastered_at.is_(None)).group_by(ReviewCard.user_id)).all())


def get_cadre(user_id: int, scope: Scope) -> User:
    """A cadre or mentor the scope covers (NotFound otherwise, so other units' people stay invisible)."""
    user = db.session.get(User, user_id)
    if user is None or user.role == Role.admin or not scope.covers(user.unit_id):
        raise NotFound("没有找到这名干部，或不在您可查看的范围内")
    return user


@dataclass
class CadreReport:
    user: User
    attempts: list[tuple[Attempt, str]]  # (counted attempt, exam title), newest first
    weeks: list[tuple[str, float | None]]  # (ISO week label, mean percentage that week), oldest first
    book_open: int
    book_mastered: int
    attendance: dict | None  # nightschool's attendance_by_user entry; None when the module is absent
    reviews: list | None  # reviews' reviews_for; None when the module is absent
    weeks_shown: int = 16

    @property
    def mean(self) -> float | None:
        return analysis.mean(a.percent for a, _ in self.attempts if a.percent is not None)


def _week(d: date) -> tuple[int, int]:
    return tuple(d.isocalendar()[:2])


def cadre_report(user: User, weeks: int = 16, now: datetime | None = None) -> CadreReport:
    """One person's scores by week, attendance, weekly reviews and wrong-answer book."""
    from trainer.practice.models import ReviewCard

    now = now or utcnow()
    rows = db.session.execute(select(Attempt, Exam.title).join(Exam, Exam.id == Attempt.exam_id)
                              .where(Attempt.user_id == user.id, _counted())
                              .order_by(Attempt.submitted_at.desc().nulls_last(), Attempt.id.desc())).all()
    by_week: dict[tuple[int, int], list[float]] = defaultdict(list)
    for a, _title in rows:
        when = to_local(a.submitted_at or a.graded_at or a.prepared_at)
        by_week[_week(when.date())].append(a.percent or 0)
    today = to_local(now).date()
    shown = [_week(today - timedelta(weeks=i)) for i in range(weeks - 1, -1, -1)]
    # labels short enough for a phone's axis: 第48周
    series = [(f"第{w}周", analysis.mean(by_week[(y, w)]) if (y, w) in by_week else None) for y, w in shown]
    book_open, book_done = db.session.execute(select(
        func.sum(case((ReviewCard.mastered_at.is_(None), 1), else_=0)),
        func.sum(case((ReviewCard.mastered_at.is_not(None), 1), else_=0))).where(ReviewCard.user_id == user.id)).one()
    ns = _optional("trainer.nightschool.service")
    rv = _optional("trainer.reviews.service")
    attendance = ns.attendance_by_user([user.id]).get(user.id, {}) if ns else None
    reviews = list(rv.reviews_for(user.id, limit=10)) if rv else None
    return CadreReport(user, [(a, t) for a, t in rows], series, book_open or 0, book_done or 0, attendance,
                       reviews, weeks)


# ---- attendance and weekly reviews per unit -------------------------------------------------------

PERIODS = {"4w": ("近4周", 4), "12w": ("近12周", 12), "26w": ("近半年", 26)}


@dataclass
class UnitRates:
    period: str
    since: datetime
    until: datetime
    weeks: list[tuple[int, int]]
    attendance: list[dict] | None  # None: the night-school module is not installed
    reviews: list[dict] | None  # None: the weekly-review module is not installed


def unit_rates(scope: Scope, period: str = "4w", term_id: int | None = None, now: datetime | None = None
               ) -> UnitRates:
    """Night-school attendance and weekly-review submission rates per unit over the period (or a term)."""
    period = period if period in PERIODS else "4w"
    now = now or utcnow()
    n_weeks = PERIODS[period][1]
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=n_weeks - 1)
    weeks = [tuple((start + timedelta(weeks=i)).isocalendar()[:2]) for i in range(n_weeks)]
    since, until = from_local(datetime(start.year, start.month, start.day)), now
    ns = _optional("trainer.nightschool.service")
    rv = _optional("trainer.reviews.service")
    attendance = reviews = None
    if ns is not None:
        rows = ns.attendance_by_unit(term_id=term_id) if term_id else ns.attendance_by_unit(since=since, until=until)
        attendance = [r for r in rows if scope.covers(r.get("unit_id"))]
    if rv is not None:
        reviews = [r for r in rv.submission_by_unit(weeks) if scope.covers(r.get("unit_id"))]
    return UnitRates(period, since, until, weeks, attendance, reviews)


# ---- home panel -------------------------------------------------------------------------------------

def overview() -> dict:
    """For the admin home panel: this month's weakest articles and the number of flagged questions."""
    everyone = Scope(None, "全部单位")
    refresh()
    mastery = article_mastery(everyone, since=month_start(), refreshed=True)
    return {"weakest": mastery.weakest(5), "flagged": flagged_count(everyone, refreshed=True)}
