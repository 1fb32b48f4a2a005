"""Drills (练兵) with immediate feedback, and the wrong-answer book (错题本) with spaced review.

Grading is the pure core's (trainer.grading.types) with the "Immediate" behaviour: each answer is
graded as it arrives and the key, explanation and reference are shown right after. Every answer is
kept (DrillItem) for reports and streaks; every wrong answer, in a drill or an exam, goes into the
book through record_result(), which other domains call inside their own transaction.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from trainer.banks.models import Bank, Chapter, Question, QuestionStatus, QuestionVersion, ReviewState
from trainer.errors import NotFound, ServiceError
from trainer.extensions import db
from trainer.grading.types import TYPE_LABELS, TYPES, Grade, QuestionSpec
from trainer.practice.models import Drill, DrillItem, DrillKind, ResultSource, ReviewCard, ReviewLog
from trainer.practice.scheduler import MASTERED_AFTER, CardState, schedule
from trainer.timeutil import local_day_bounds, local_today, to_local, utcnow
from trainer.web import Page, paginate

DRILL_SIZES = (5, 10, 20, 50)
MAX_DRILL = 100
MAX_REVIEW = 30  # questions in one review session (the rest stay due for the next one)
STREAK_MIN_ANSWERS = 10  # a day counts towards a drill streak with at least this many answers
CHOICE_TYPES = ("single", "multiple")


def _current():
    return (QuestionVersion.question_id == Question.id) & (QuestionVersion.n == Question.current_n)


def _drawable():
    """Questions a drill may draw: active, and reviewed unless their bank allows drafts in practice."""
    return and_(Question.status == QuestionStatus.active,
                or_(Question.review_state == ReviewState.reviewed, Bank.allow_drafts_in_practice.is_(True)))


# ---- banks to practise -------------------------------------------------------

@dataclass
class PracticeBank:
    """A bank as a cadre sees it on the drill pages: drawable questions by chapter and type."""

    bank: Bank
    total: int = 0
    by_chapter: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)
    wrong: int = 0  # unmastered entries of the cadre's book in this bank
    wrong_by_chapter: Counter = field(default_factory=Counter)

    @property
    def chapters(self) -> list[tuple[Chapter, int]]:
        return [(c, self.by_chapter.get(c.id, 0)) for c in self.bank.chapters if self.by_chapter.get(c.id)]

    @property
    def unchaptered(self) -> int:
        return self.by_chapter.get(None, 0)


def list_practice_banks(user, bank_id: int | None = None) -> list[PracticeBank]:
    """Banks with at least one drawable question, with counts (and the cadre's open book entries)."""
    stmt = (select(Question.bank_id, Question.chapter_id, QuestionVersion.type, func.count())
            .join(QuestionVersion, _current()).join(Bank, Bank.id == Question.bank_id).where(_drawable())
            .group_by(Question.bank_id, Question.chapter_id, QuestionVersion.type))
    if bank_id is not None:
        stmt = stmt.where(Question.bank_id == bank_id)
    found: dict[int, PracticeBank] = {}
    rows = db.session.execute(stmt).all()
    banks = {b.id: b for b in db.session.scalars(
        select(Bank).where(Bank.id.in_({r[0] for r in rows})).options(selectinload(Bank.chapters)))}
    for b_id, chapter_id, qtype, n in rows:
        pb = found.setdefault(b_id, PracticeBank(banks[b_id]))
        pb.total += n
        pb.by_chapter[chapter_id] += n
        pb.by_type[qtype] += n
    wrong = (select(Question.bank_id, Question.chapter_id, func.count())
             .join(ReviewCard, ReviewCard.question_id == Question.id)
             .where(ReviewCard.user_id == user.id, ReviewCard.mastered_at.is_(None))
             .group_by(Question.bank_id, Question.chapter_id))
    for b_id, chapter_id, n in db.session.execute(wrong):
        if b_id in found:
            found[b_id].wrong += n
            found[b_id].wrong_by_chapter[chapter_id] += n
    return sorted(found.values(), key=lambda p: p.bank.id)


def list_drawable() -> list[tuple[Question, QuestionVersion]]:
    """Every question a drill may draw, with its current version (for the demo and reports)."""
    return [tuple(r) for r in db.session.execute(
        select(Question, QuestionVersion).join(QuestionVersion, _current()).join(Bank, Bank.id == Question.bank_id)
        .where(_drawable()).order_by(Question.id))]


def get_practice_bank(user, bank_id: int) -> PracticeBank:
    """One bank to practise; NotFound when it has nothing a drill may draw."""
    found = list_practice_banks(user, bank_id)
    if not found:
        raise NotFound("该题库不存在或暂无可练习的题目")
    return found[0]


# ---- drills ------------------------------------------------------------------

def start_drill(user, bank_id: int, chapter_id: int | None = None, qtype: str | None = None, count: int = 10,
                only_wrong: bool = False, shuffle: bool = True, rng: random.Random | None = None) -> Drill:
    """Draw up to count questions (a chapter, a type, only the cadre's open book entries) into a new drill."""
    bank = db.session.get(Bank, bank_id)
    if bank is None:
        raise NotFound("题库不存在")
    chapter = None
    if chapter_id:
        chapter = db.session.get(Chapter, chapter_id)
        if chapter is None or chapter.bank_id != bank.id:
            raise ServiceError("请选择本题库中的章节", field="chapter_id")
    if qtype and qtype not in TYPES:
        raise ServiceError("题型不正确", field="qtype")
    if not isinstance(count, int) or not 1 <= count <= MAX_DRILL:
        raise ServiceError(f"题数应为 1–{MAX_DRILL}", field="count")
    stmt = (select(Question.id, QuestionVersion.id, QuestionVersion.type, QuestionVersion.options)
            .join(QuestionVersion, _current()).join(Bank, Bank.id == Question.bank_id)
            .where(Question.bank_id == bank.id, _drawable()).order_by(Question.id))
    if chapter is not None:
        stmt = stmt.where(Question.chapter_id == chapter.id)
    if qtype:
        stmt = stmt.where(QuestionVersion.type == qtype)
    if only_wrong:
        stmt = stmt.join(ReviewCard, and_(ReviewCard.question_id == Question.id, ReviewCard.user_id == user.id,
                                          ReviewCard.mastered_at.is_(None)))
    rows = db.session.execute(stmt).all()
    if not rows:
        raise ServiceError("错题本中没有符合条件的题目" if only_wrong else "没有符合条件的题目，请换个章节或题型")
    rng = rng or random.Random()
    picked = rng.sample(rows, min(count, len(rows)))
    title = " · ".join(p for p in (bank.title, chapter.title if chapter else "", TYPE_LABELS.get(qtype or "", ""),
                                   "错题" if only_wrong else "") if p)
    drill = Drill(user_id=user.id, kind=DrillKind.drill, bank_id=bank.id, chapter_id=chapter.id if chapter else None,
                  qtype=qtype or None, only_wrong=only_wrong, shuffle=shuffle, title=title[:300], size=len(picked))
    db.session.add(drill)
    _add_items(drill, user, [(qid, vid, t, opts) for qid, vid, t, opts in picked], shuffle, rng)
    db.session.commit()
    return drill


def _add_items(drill: Drill, user, rows, shuffle: bool, rng: random.Random) -> None:
    for pos, (question_id, version_id, qtype, opts) in enumerate(rows, start=1):
        order = list(range(len(opts or [])))
        if shuffle and qtype in CHOICE_TYPES:
            rng.shuffle(order)
        drill.items.append(DrillItem(user_id=user.id, position=pos, question_id=question_id, version_id=version_id,
                                     option_order=order))


def start_review(user, card_id: int | None = None, today: date | None = None,
                 rng: random.Random | None = None) -> Drill:
    """A review session (错题复习) of the book entries due today, or of one entry of the cadre's book."""
    today = today or local_today()
    stmt = (select(Question.id, QuestionVersion.id, QuestionVersion.type, QuestionVersion.options)
            .join(ReviewCard, ReviewCard.question_id == Question.id).join(QuestionVersion, _current())
            .join(Bank, Bank.id == Question.bank_id).where(ReviewCard.user_id == user.id, _drawable()))
    if card_id is not None:
        get_card(user, card_id)
        stmt = stmt.where(ReviewCard.id == card_id)
    else:
        stmt = stmt.where(*_due_filter(today)).order_by(ReviewCard.due, ReviewCard.id).limit(MAX_REVIEW)
    rows = db.session.execute(stmt).all()
    if not rows:
        raise ServiceError("这道题已停用或正在复审，暂不复习" if card_id else "今天没有需要复习的错题")
    rng = rng or random.Random()
    title = f"错题复习 · {today.month}月{today.day}日"
    drill = Drill(user_id=user.id, kind=DrillKind.review, title=title, size=len(rows), shuffle=True)
    db.session.add(drill)
    _add_items(drill, user, rows, True, rng)
    db.session.commit()
    return drill


def get_drill(user, drill_id: int) -> Drill:
    """The cadre's own drill; NotFound for anyone else's."""
    drill = db.session.get(Drill, drill_id)
    if drill is None or drill.user_id != user.id:
        raise NotFound("练习不存在")
    return drill


def get_item(user, drill_id: int, position: int) -> DrillItem:
    """One question of the cadre's own drill, by its position (from 1)."""
    drill = get_drill(user, drill_id)
    item = db.session.scalar(select(DrillItem).where(DrillItem.drill_id == drill.id, DrillItem.position == position)
                             .options(joinedload(DrillItem.version)))
    if item is None:
        raise NotFound("题目不存在")
    return item


def resume_position(drill: Drill) -> int | None:
    """The first question still to answer (or to assess), or None when every one is done."""
    return db.session.scalar(select(func.min(DrillItem.position))
                             .where(DrillItem.drill_id == drill.id, DrillItem.correct.is_(None)))


def _spec(v: QuestionVersion) -> QuestionSpec:
    return QuestionSpec(type=v.type, stem=v.stem, options=list(v.options or []), answer=v.answer)


def _raw(qtype: str, values: list[str]):
    if qtype in ("multiple", "fill"):
        return list(values)
    return values[0] if values else None


@dataclass
class ItemView:
    """What the drill page shows for one question (the key only once it is answered)."""

    drill: Drill
    item: DrillItem
    version: QuestionVersion
    grade: Grade | None = None
    found: list[bool] | None = None  # short answers: scoring points found in the text
    card: ReviewCard | None = None  # the book entry after this answer
    next_position: int | None = None
    remaining: int = 0

    @property
    def revealed(self) -> bool:
        return self.item.is_answered


def open_item(user, drill_id: int, position: int) -> ItemView:
    """One question of the cadre's drill; notes when it was first shown (time spent per question)."""
    item = get_item(user, drill_id, position)
    if item.shown_at is None and not item.is_answered and not item.drill.finished:
        item.shown_at = utcnow()
        db.session.commit()
    return item_view(user, item)


def item_view(user, item: DrillItem) -> ItemView:
    """The question, and once answered its grade, points found and book entry, with what comes next."""
    drill, v = item.drill, item.version
    view = ItemView(drill=drill, item=item, version=v)
    if item.is_answered:
        spec = _spec(v)
        view.grade = TYPES[v.type].grade(spec, item.response)
        if v.type == "short":
            _, view.found = TYPES["short"].suggest(spec, item.response or "")
        view.card = db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == user.id,
                                                               ReviewCard.question_id == item.question_id))
    view.next_position = resume_position(drill)
    view.remaining = db.session.scalar(select(func.count()).select_from(DrillItem)
                                       .where(DrillItem.drill_id == drill.id, DrillItem.correct.is_(None))) or 0
    return view


def answer_item(user, drill_id: int, position: int, values: list[str]) -> DrillItem:
    """Grade the cadre's answer at once and keep it; a second submission of the same question changes nothing."""
    item = get_item(user, drill_id, position)
    if item.is_answered:
        return item
    if item.drill.finished:
        raise ServiceError("本次练习已结束，请开始新的练习")
    v = item.version
    qt, spec = TYPES[v.type], _spec(v)
    response = qt.normalise(_raw(v.type, values), spec)
    grade = qt.grade(spec, response)
    if grade.state == "unanswered":
        raise ServiceError("请先作答再提交", field="r")
    now = utcnow()
    correct = None if v.type == "short" else grade.is_right
    won = db.session.execute(update(DrillItem).where(DrillItem.id == item.id, DrillItem.answered_at.is_(None))
                             .values(response=response, state=grade.state, correct=correct, answered_at=now,
                                     shown_at=func.coalesce(DrillItem.shown_at, now))
                             .execution_options(synchronize_session=False)).rowcount
    if won and correct is not None:
        _complete(item, correct, now)
    db.session.commit()
    db.session.expire_all()
    return get_item(user, drill_id, position)


def assess_item(user, drill_id: int, position: int, right: bool) -> DrillItem:
    """The cadre's own verdict on a short answer after reading the reference answer."""
    item = get_item(user, drill_id, position)
    if item.version.type != "short" or not item.is_answered:
        raise ServiceError("请先作答")
    now = utcnow()
    won = db.session.execute(update(DrillItem).where(DrillItem.id == item.id, DrillItem.correct.is_(None))
                             .values(correct=right, assessed_at=now)
                             .execution_options(synchronize_session=False)).rowcount
    if won:
        _complete(item, right, now)
    db.session.commit()
    db.session.expire_all()
    return get_item(user, drill_id, position)


def _complete(item: DrillItem, correct: bool, at: datetime) -> None:
    """Count a finished answer on its drill, put it through the book, and close the drill after the last one."""
    drill = item.drill
    db.session.execute(update(Drill).where(Drill.id == drill.id)
                       .values(answered=Drill.answered + 1, right_count=Drill.right_count + (1 if correct else 0))
                       .execution_options(synchronize_session=False))
    source = ResultSource.review if drill.kind == DrillKind.review else ResultSource.drill
    record_result(item.user_id, item.question_id, item.version_id, correct, source.value, at=at)
    db.session.refresh(drill)
    if drill.answered >= drill.size and drill.finished_at is None:
        drill.finished_at = at
    db.session.flush()


def end_drill(user, drill_id: int) -> Drill:
    """Stop a drill early; what was answered is kept."""
    drill = get_drill(user, drill_id)
    if drill.finished_at is None:
        drill.finished_at = utcnow()
        db.session.commit()
    return drill


@dataclass
class DrillSummary:
    drill: Drill
    items: list[DrillItem]
    cards: dict[int, ReviewCard]

    @property
    def wrong(self) -> int:
        return sum(1 for i in self.items if i.correct is False)

    @property
    def rate(self) -> int | None:
        return round(100 * self.drill.right_count / self.drill.answered) if self.drill.answered else None


def drill_summary(user, drill_id: int) -> DrillSummary:
    """A drill's items with their results and the book entries they touched."""
    drill = get_drill(user, drill_id)
    items = list(db.session.scalars(select(DrillItem).where(DrillItem.drill_id == drill.id)
                                    .options(joinedload(DrillItem.version)).order_by(DrillItem.position)))
    cards = {c.question_id: c for c in db.session.scalars(
        select(ReviewCard).where(ReviewCard.user_id == user.id,
                                 ReviewCard.question_id.in_([i.question_id for i in items])))}
    return DrillSummary(drill, items, cards)


def list_drills(user, unfinished: bool, limit: int = 10) -> list[Drill]:
    """The cadre's latest drills, unfinished or finished."""
    cond = Drill.finished_at.is_(None) if unfinished else Drill.finished_at.is_not(None)
    return list(db.session.scalars(select(Drill).where(Drill.user_id == user.id, cond)
                                   .order_by(Drill.started_at.desc(), Drill.id.desc()).limit(limit)))


# ---- the wrong-answer book: interface for every domain -------------------------

def record_result(user_id: int, question_id: int, version_id: int, correct: bool, source: str,
                  at: datetime | None = None) -> None:
    """Put an answer through the book: a wrong one adds or resets the entry, a right one on a due entry
    counts as a review. source: "exam", "drill" (or "review"). Only flushes (the caller commits)."""
    try:
        src = ResultSource(source)
    except ValueError:
        raise ServiceError(f"未知的答题来源「{source}」") from None
    at = at or utcnow()
    card = db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id,
                                                      ReviewCard.question_id == question_id))
    if card is None:
        if correct:
            return
        card = new_card(user_id, question_id, at)
        db.session.add(card)
    apply_result(card, version_id, correct, src, at)
    db.session.flush()


def record_results(user_id: int, results: list[tuple[int, int, bool]], source: str, at: datetime | None = None) -> None:
    """record_result for many (question id, version id, correct) answers of one cadre, in one query and one flush
    (a submitted exam feeds its whole paper at once)."""
    try:
        src = ResultSource(source)
    except ValueError:
        raise ServiceError(f"未知的答题来源「{source}」") from None
    at = at or utcnow()
    cards = {c.question_id: c for c in db.session.scalars(
        select(ReviewCard).where(ReviewCard.user_id == user_id,
                                 ReviewCard.question_id.in_({q for q, _, _ in results})))}
    for question_id, version_id, correct in results:
        card = cards.get(question_id)
        if card is None:
            if correct:
                continue
            card = cards[question_id] = new_card(user_id, question_id, at)
            db.session.add(card)
        apply_result(card, version_id, correct, src, at)
    db.session.flush()


def new_card(user_id: int, question_id: int, at: datetime) -> ReviewCard:
    """A book entry not yet scheduled (apply_result schedules it)."""
    fresh = CardState()
    return ReviewCard(user_id=user_id, question_id=question_id, due=to_local(at).date(), interval_days=fresh.interval,
                      ease=fresh.ease, reps=0, lapses=0, hidden=False, last_wrong_at=at,
                      last_wrong_source=ResultSource.drill, created_at=at)


def apply_result(card: ReviewCard, version_id: int | None, correct: bool, source: ResultSource, at: datetime) -> None:
    """Schedule one answer on a book entry and log it when it counted; no query, the caller flushes."""
    review = schedule(card.state, correct, to_local(at).date())
    card.apply(review.state)
    if not correct:
        card.last_wrong_at, card.last_wrong_source = at, source
        card.mastered_at, card.hidden = None, False
    elif review.state.mastered and card.mastered_at is None:
        card.mastered_at = at
    if not review.counted:
        return  # a right answer before the due day changes nothing and is not history
    db.session.add(ReviewLog(card=card, user_id=card.user_id, question_id=card.question_id, version_id=version_id,
                             source=source, correct=correct, due_after=review.state.due,
                             interval_after=review.state.interval, at=at))


def has_seen_answer(user, question_id: int) -> bool:
    """True once the cadre has answered the question in a drill (and so has seen its key)."""
    return db.session.scalar(select(DrillItem.id).where(DrillItem.user_id == user.id,
                                                        DrillItem.question_id == question_id,
                                                        DrillItem.answered_at.is_not(None)).limit(1)) is not None


def drill_days(user_id: int, since: date, min_answers: int = STREAK_MIN_ANSWERS) -> list[date]:
    """Local calendar days from since on with at least min_answers drill answers, in order."""
    start, _ = local_day_bounds(since)
    counts: Counter = Counter()
    for (at,) in db.session.execute(select(DrillItem.answered_at).where(DrillItem.user_id == user_id,
                                                                        DrillItem.answered_at >= start)):
        counts[to_local(at).date()] += 1
    return sorted(d for d, n in counts.items() if n >= min_answers)


def streak(user_id: int, today: date, min_answers: int = STREAK_MIN_ANSWERS) -> int:
    """Days in a row with at least min_answers drill answers, up to today (or yesterday while today is short)."""
    window = 32
    while True:
        first = today - timedelta(days=window - 1)
        days = set(drill_days(user_id, first, min_answers))
        day = today if today in days else today - timedelta(days=1)
        n = 0
        while day in days:
            n += 1
            day -= timedelta(days=1)
        if day >= first or window > 3000:
            return n
        window *= 4


def most_missed(user_id: int, limit: int = 5) -> list[tuple[str, str, int]]:
    """(bank title, chapter title, wrong answers) of the chapters the cadre got wrong most, drills and exams alike."""
    n = func.count(ReviewLog.id)
    rows = db.session.execute(
        select(Bank.title, Chapter.title, n).select_from(ReviewLog)
        .join(Question, Question.id == ReviewLog.question_id).join(Bank, Bank.id == Question.bank_id)
        .outerjoin(Chapter, Chapter.id == Question.chapter_id)
        .where(ReviewLog.user_id == user_id, ReviewLog.correct.is_(False))
        .group_by(Bank.id, Bank.title, Chapter.id, Chapter.title)
        .order_by(n.desc(), Bank.title, Chapter.title).limit(limit)).all()
    return [(bank, chapter or "（未分章）", count) for bank, chapter, count in rows]


def book_size(user_id: int) -> int:
    """Questions in the cadre's wrong-answer book not yet mastered."""
    return db.session.scalar(select(func.count()).select_from(ReviewCard)
                             .where(ReviewCard.user_id == user_id, ReviewCard.mastered_at.is_(None))) or 0


def _due_filter(today: date):
    """Due, unmastered, and still drawable (a retired question or one awaiting re-review is not reviewed)."""
    return (ReviewCard.due <= today, ReviewCard.mastered_at.is_(None), _drawable())


def due_count(user_id: int, today: date | None = None) -> int:
    """Book entries due for review today (今日复习)."""
    return db.session.scalar(
        select(func.count()).select_from(ReviewCard).join(Question, Question.id == ReviewCard.question_id)
        .join(Bank, Bank.id == Question.bank_id)
        .where(ReviewCard.user_id == user_id, *_due_filter(today or local_today()))) or 0


# ---- the wrong-answer book: pages ------------------------------------------------

BOOK_VIEWS = {"all": "全部", "due": "今日待复习", "learning": "未掌握", "mastered": "已掌握", "hidden": "已移出"}


@dataclass
class BookFilter:
    bank_id: int | None = None
    chapter_id: int | None = None
    view: str = "all"


@dataclass
class BookOverview:
    """Counts for the book's header, and the banks and chapters the cadre has entries in."""

    total: int = 0
    due: int = 0
    mastered: int = 0
    hidden: int = 0
    banks: list[tuple[int, str, int]] = field(default_factory=list)  # (bank id, title, entries)
    chapters: dict[int, list[tuple[int | None, str, int]]] = field(default_factory=dict)


def book_overview(user, today: date | None = None) -> BookOverview:
    """Entry counts and the filter choices (banks and chapters with entries) of the cadre's book."""
    today = today or local_today()
    out = BookOverview()
    due = and_(*_due_filter(today))
    rows = db.session.execute(
        select(Bank.id, Bank.title, Chapter.id, Chapter.title, ReviewCard.hidden, func.count(),
               func.count(ReviewCard.mastered_at), func.count().filter(due))
        .select_from(ReviewCard).join(Question, Question.id == ReviewCard.question_id)
        .join(Bank, Bank.id == Question.bank_id).outerjoin(Chapter, Chapter.id == Question.chapter_id)
        .where(ReviewCard.user_id == user.id)
        .group_by(Bank.id, Bank.title, Chapter.id, Chapter.title, Chapter.sort_order, ReviewCard.hidden)
        .order_by(Bank.id, Chapter.sort_order)).all()
    banks: dict[int, list] = {}
    chapters: dict[int, dict] = defaultdict(dict)
    for bank_id, bank_title, chapter_id, chapter_title, hidden, n, mastered, due_n in rows:
        if hidden:
            out.hidden += n
            continue
        out.total += n
        out.mastered += mastered
        out.due += due_n
        banks.setdefault(bank_id, [bank_id, bank_title, 0])[2] += n
        entry = chapters[bank_id].setdefault(chapter_id, [chapter_id, chapter_title or "（未分章）", 0])
        entry[2] += n
    out.banks = [tuple(b) for b in banks.values()]
    out.chapters = {b: [tuple(c) for c in cs.values()] for b, cs in chapters.items()}
    return out


def list_book(user, flt: BookFilter, page: int = 1, today: date | None = None, per_page: int = 20) -> Page:
    """A page of (ReviewCard, current QuestionVersion) of the cadre's book: unmastered and soonest due first."""
    today = today or local_today()
    stmt = (select(ReviewCard, QuestionVersion).join(Question, Question.id == ReviewCard.question_id)
            .join(Bank, Bank.id == Question.bank_id).join(QuestionVersion, _current())
            .where(ReviewCard.user_id == user.id)
            .options(contains_eager(ReviewCard.question).contains_eager(Question.bank),
                     contains_eager(ReviewCard.question).joinedload(Question.chapter))
            .order_by(ReviewCard.mastered_at.is_not(None), ReviewCard.due, ReviewCard.id))
    if flt.bank_id:
        stmt = stmt.where(Question.bank_id == flt.bank_id)
    if flt.chapter_id:
        stmt = stmt.where(Question.chapter_id == flt.chapter_id)
    stmt = stmt.where(ReviewCard.hidden.is_(flt.view == "hidden"))
    if flt.view == "due":
        stmt = stmt.where(*_due_filter(today))
    elif flt.view == "learning":
        stmt = stmt.where(ReviewCard.mastered_at.is_(None))
    elif flt.view == "mastered":
        stmt = stmt.where(ReviewCard.mastered_at.is_not(None))
    return paginate(stmt, page, per_page, scalars=False)


def get_card(user, card_id: int) -> ReviewCard:
    """The cadre's own book entry with its history; NotFound for anyone else's."""
    card = db.session.get(ReviewCard, card_id, options=[selectinload(ReviewCard.log),
                                                        joinedload(ReviewCard.question)])
    if card is None or card.user_id != user.id:
        raise NotFound("错题记录不存在")
    return card


def hide_card(user, card_id: int) -> ReviewCard:
    """Remove a mastered entry from the book's view (a new wrong answer brings it back)."""
    card = get_card(user, card_id)
    if not card.mastered:
        raise ServiceError(f"只有已掌握的错题（连续 {MASTERED_AFTER} 次按期答对）才能移出错题本")
    card.hidden = True
    db.session.commit()
    return card


def restore_card(user, card_id: int) -> ReviewCard:
    """Show a removed entry in the book again."""
    card = get_card(user, card_id)
    card.hidden = False
    db.session.commit()
    return card


# ---- overview for the drill page and the home panel ---------------------------------

@dataclass
class PracticeStatus:
    due: int
    book: int
    streak: int
    today_answers: int
    rate_30d: int | None  # share of right answers over 30 days, percent
    open_drill: Drill | None = None


def practice_status(user, today: date | None = None) -> PracticeStatus:
    """Today's review count, book size, streak, today's answers and the 30-day right rate."""
    today = today or local_today()
    start, _ = local_day_bounds(today)
    since, _ = local_day_bounds(today - timedelta(days=29))
    answers, right, today_n = db.session.execute(
        select(func.count(), func.count().filter(DrillItem.correct.is_(True)),
               func.count().filter(DrillItem.answered_at >= start))
        .where(DrillItem.user_id == user.id, DrillItem.answered_at >= since, DrillItem.correct.is_not(None))).one()
    return PracticeStatus(due=due_count(user.id, today), book=book_size(user.id), streak=streak(user.id, today),
                          today_answers=today_n, rate_30d=round(100 * right / answers) if answers else None,
                          open_drill=next(iter(list_drills(user, unfinished=True, limit=1)), None))
