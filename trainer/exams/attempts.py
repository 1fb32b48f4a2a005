"""Taking an exam: prepare a paper, start, save answers as they are given, submit once, grade.

Nothing is lost: an answer is acknowledged only after its row is committed; an answer may be
saved only while its attempt is in progress and before deadline + GRACE (checked inside the same
UPDATE, so a save racing a submit either lands before grading or is refused); a submit is a
conditional UPDATE, so two submits (two tabs, a double click) grade once.
"""
from __future__ import annotations

import logging
import random
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, bindparam, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.banks.models import QuestionVersion
from trainer.errors import Forbidden, NotFound, ServiceError, SignedOut
from trainer.exams import paper
from trainer.exams.models import Attempt, AttemptEvent, AttemptItem, AttemptState, CountPolicy, Exam, ResultsPolicy
from trainer.extensions import db
from trainer.grading.types import TYPES, QuestionSpec, points_for
from trainer.optional import optional as _optional
from trainer.org.models import User
from trainer.timeutil import utcnow

log = logging.getLogger(__name__)
GRACE = timedelta(seconds=30)
TOO_FAST_MS = 2000  # an answer to a long stem given faster than this is flagged
LONG_STEM = 30
SUBMITTED = (AttemptState.needs_grading, AttemptState.graded)


class AttemptClosed(ServiceError):
    pass


class LateAnswer(ServiceError):
    pass


# ---- preparing and starting --------------------------------------------------------------------

def _next_number(exam_id: int, user_id: int) -> int:
    return (db.session.scalar(select(func.max(Attempt.number)).where(Attempt.exam_id == exam_id,
                                                                     Attempt.user_id == user_id)) or 0) + 1


def _new_paper(exam: Exam, user_id: int, composer: paper.Composer, seen: set[int], rng: random.Random) -> Attempt:
    items = composer.compose(seen, rng)
    attempt = Attempt(exam_id=exam.id, user_id=user_id, number=_next_number(exam.id, user_id),
                      state=AttemptState.prepared, max_score=round(sum(i.points for i in items), 2))
    attempt.items = [AttemptItem(position=n, question_id=i.question_id, version_id=i.version_id, points=i.points,
                                 option_order=i.option_order) for n, i in enumerate(items, start=1)]
    db.session.add(attempt)
    return attempt


def prepare_papers(exam: Exam) -> int:
    """Prepare a paper ahead for everyone in the audience who may still start one; returns how many."""
    from trainer.exams.service import audience

    people = audience(exam)
    rows = db.session.execute(select(Attempt.user_id, Attempt.state, func.count()).where(Attempt.exam_id == exam.id)
                              .group_by(Attempt.user_id, Attempt.state)).all()
    waiting, used = set(), {}
    for uid, state, n in rows:
        if state in (AttemptState.prepared, AttemptState.in_progress):
            waiting.add(uid)
        if state != AttemptState.prepared:
            used[uid] = used.get(uid, 0) + n
    todo = [u.id for u in people if u.id not in waiting and used.get(u.id, 0) < exam.max_attempts]
    if not todo:
        return 0
    composer = paper.Composer(exam)
    seen = paper.seen_questions(todo, exam)
    rng = random.Random()
    for uid in todo:
        _new_paper(exam, uid, composer, seen.get(uid, set()), rng)
    exam.papers_prepared_at = utcnow()
    db.session.commit()
    return len(todo)


def _deadline(exam: Exam, now: datetime) -> datetime | None:
    candidates = [d for d in (now + timedelta(minutes=exam.time_limit_minutes) if exam.time_limit_minutes else None,
                              exam.closes_at) if d is not None]
    return min(candidates) if candidates else None


def start_attempt(exam: Exam, user) -> Attempt:
    """The cadre's attempt in progress, resumed, or a new one started now (its paper prepared ahead if possible)."""
    from trainer.exams.service import in_audience, is_open

    for _ in range(3):
        current = db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id,
                                                          Attempt.state == AttemptState.in_progress))
        if current is not None:
            if _finish_if_overdue(current):
                continue
            return current
        if not is_open(exam):
            raise AttemptClosed("考试不在开放时间内")
        if not in_audience(exam, user):
            raise Forbidden("您不在本次考试的参加范围内")
        used = db.session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.exam_id == exam.id, Attempt.user_id == user.id, Attempt.state != AttemptState.prepared))
        if used >= exam.max_attempts:
            raise AttemptClosed(f"您已作答 {used} 次，已达到允许的次数")
        try:
            prepared = db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id,
                                                               Attempt.state == AttemptState.prepared))
            if prepared is None:
                seen = paper.seen_questions([user.id], exam)[user.id]
                prepared = _new_paper(exam, user.id, paper.Composer(exam), seen, random.Random())
                db.session.flush()
            now = utcnow()
            won = db.session.execute(
                update(Attempt).where(Attempt.id == prepared.id, Attempt.state == AttemptState.prepared)
                .values(state=AttemptState.in_progress, started_at=now, deadline=_deadline(exam, now))
                .execution_options(synchronize_session=False)).rowcount
            if won:
                db.session.add(AttemptEvent(attempt_id=prepared.id, kind="started", at=now))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another request prepared or started the same paper: look again
            continue
        db.session.expire_all()
        if won:
            return db.session.get(Attempt, prepared.id)
    raise ServiceError("开始答题失败，请刷新页面重试")


def get_attempt(attempt_id: int, user=None) -> Attempt:
    """An attempt, checked to be the user's own when a user is given; an overdue one is graded first."""
    attempt = db.session.get(Attempt, attempt_id, options=[selectinload(Attempt.items)])
    if attempt is None or attempt.state == AttemptState.prepared:
        raise NotFound("答卷不存在")
    if user is not None and attempt.user_id != user.id:
        raise Forbidden("这不是您的答卷")
    _finish_if_overdue(attempt)
    return attempt


# ---- saving answers ------------------------------------------------------------------------------

def _spec(v: QuestionVersion) -> QuestionSpec:
    return QuestionSpec(type=v.type, stem=v.stem, options=list(v.options or []), answer=v.answer)


# The autosave path runs once per answer for every cadre at once, so it is one statement: the UPDATE below checks
# everything (the item is still the one shown, the attempt is the user's and in progress, the deadline, the
# user's session) in its WHERE clause. What it needs to know beforehand (the question's type and options, to
# normalise the answer) comes from PAPERS, a per-process cache of papers. A paper never changes once prepared
# and question versions are never deleted, so a version id always names the same question; the UPDATE matches
# item, attempt and version, so an entry gone stale (a prepared paper deleted and its ids reused) is only a miss.
# Only when the UPDATE changes nothing does the slower path below find out why.

@dataclass(frozen=True)
class PaperItem:
    item_id: int
    version_id: int
    spec: QuestionSpec


class PaperCache:
    """attempt id → {position: PaperItem}, least recently used first out."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._papers: OrderedDict[int, dict[int, PaperItem]] = OrderedDict()

    def get(self, attempt_id: int) -> dict[int, PaperItem] | None:
        paper_ = self._papers.get(attempt_id)
        if paper_ is not None:
            self._papers.move_to_end(attempt_id)
        return paper_

    def put(self, attempt_id: int, items: dict[int, PaperItem]) -> None:
        self._papers[attempt_id] = items
        self._papers.move_to_end(attempt_id)
        while len(self._papers) > self.size:
            self._papers.popitem(last=False)

    def forget(self, attempt_id: int) -> None:
        self._papers.pop(attempt_id, None)

    def clear(self) -> None:
        self._papers.clear()


PAPERS = PaperCache()

_PAPER = (
    select(AttemptItem.position, AttemptItem.id, AttemptItem.version_id, QuestionVersion.type, QuestionVersion.stem,
           QuestionVersion.options, QuestionVersion.answer)
    .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
    .where(AttemptItem.attempt_id == bindparam("b_attempt")))
_SAVE = (
    update(AttemptItem)
    .where(AttemptItem.id == bindparam("b_item"), AttemptItem.attempt_id == bindparam("b_attempt"),
           AttemptItem.version_id == bindparam("b_version"),
           exists(select(Attempt.id).join(User, User.id == Attempt.user_id).where(
               Attempt.id == bindparam("b_attempt"), Attempt.user_id == bindparam("b_user"),
               Attempt.state == AttemptState.in_progress,
               Attempt.deadline.is_(None) | (Attempt.deadline >= bindparam("b_earliest")),
               User.session_token == bindparam("b_token"), User.active.is_(True),
               User.must_change_password.is_(False))
                  # PostgreSQL: wait for a concurrent submit holding the attempt; SQLite serialises writes anyway
                  .with_for_update(read=True, of=Attempt)))
    .values(response=bindparam("b_response"), saved_at=bindparam("b_now"),
            time_spent_ms=AttemptItem.time_spent_ms + bindparam("b_spent"),
            # an answer to a long stem completed within TOO_FAST_MS of the question's total time is flagged
            too_fast=case((bindparam("b_timed", type_=Boolean),
                           bindparam("b_may_be_fast", type_=Boolean)
                           & (AttemptItem.time_spent_ms + bindparam("b_spent") < TOO_FAST_MS)),
                          else_=AttemptItem.too_fast),
            flagged=func.coalesce(bindparam("b_flagged", type_=Boolean), AttemptItem.flagged)))
_WHY_NOT_SAVED = (
    select(Attempt.user_id, Attempt.state, Attempt.deadline, User.session_token, User.active,
           User.must_change_password)
    .join(User, User.id == Attempt.user_id).where(Attempt.id == bindparam("b_attempt")))


def _paper(conn, attempt_id: int) -> dict[int, PaperItem]:
    items = PAPERS.get(attempt_id)
    if items is None:
        rows = conn.execute(_PAPER, {"b_attempt": attempt_id}).all()
        items = {pos: PaperItem(item_id, version_id, QuestionSpec(type=qtype, stem=stem, options=list(options or []),
                                                                  answer=answer))
                 for pos, item_id, version_id, qtype, stem, options, answer in rows}
        if items:
            PAPERS.put(attempt_id, items)
    return items


def save_values(item: PaperItem, attempt_id: int, user_id: int, token: str, raw, spent_ms, flagged,
                now: datetime) -> dict:
    """The bind values of _SAVE for one answer (shared with the autosave fast path in exams.fastsave)."""
    spec = item.spec
    response = TYPES[spec.type].normalise(raw, spec)
    return {"b_item": item.item_id, "b_attempt": attempt_id, "b_version": item.version_id, "b_user": user_id,
            "b_token": token, "b_earliest": now - GRACE, "b_response": response, "b_now": now,
            "b_spent": 0 if spent_ms is None else max(0, min(int(spent_ms), 3_600_000)),
            "b_timed": spent_ms is not None,
            "b_may_be_fast": TYPES[spec.type].is_complete(response) and len(spec.stem) >= LONG_STEM,
            "b_flagged": None if flagged is None else bool(flagged)}


def save_answer(who, attempt_id: int, position: int, raw, spent_ms: int | None = None,
                flagged: bool | None = None, commit: bool = True) -> datetime:
    """Save one answer; returns the time it was saved. Raises AttemptClosed / LateAnswer / NotFound / Forbidden /
    SignedOut.

    who: a User, or the Identity a session claims (trainer.auth.permissions): its id and session token are
    checked in the UPDATE itself, so autosave need not load the user first."""
    user_id, token = who.id, who.session_token or ""
    conn = db.session.connection()
    for _ in range(2):
        item = _paper(conn, attempt_id).get(position)
        if item is None:
            break
        now = utcnow()
        if conn.execute(_SAVE, save_values(item, attempt_id, user_id, token, raw, spent_ms, flagged, now)).rowcount:
            if commit:
                db.session.commit()
            return now
        PAPERS.forget(attempt_id)  # perhaps stale: the next round reads the paper again
    _why_not_saved(user_id, attempt_id, position, token)
    raise AssertionError("unreachable")


def _why_not_saved(user_id: int, attempt_id: int, position: int, token: str) -> None:
    """The UPDATE changed nothing: raise the reason, for the cadre to read."""
    db.session.rollback()
    row = db.session.execute(_WHY_NOT_SAVED, {"b_attempt": attempt_id}).first()
    if row is None or row.user_id != user_id:
        if not _session_valid(user_id, token):
            raise SignedOut("登录已失效，请重新登录")
        if row is None or row.state == AttemptState.prepared:
            raise NotFound("答卷不存在")
        raise Forbidden("这不是您的答卷")
    if row.session_token != token or not row.active:
        raise SignedOut("登录已失效，请重新登录")
    if row.must_change_password:
        raise Forbidden("请先修改初始密码")
    if row.state == AttemptState.prepared:
        raise NotFound("答卷不存在")
    now = utcnow()
    if row.state == AttemptState.in_progress and row.deadline and row.deadline < now - GRACE:
        db.session.add(AttemptEvent(attempt_id=attempt_id, kind="late_answer", at=now, detail={"position": position}))
        db.session.commit()
        raise LateAnswer("已超过答题时间，答案未能保存，系统将按已保存的答案交卷")
    if row.state == AttemptState.in_progress:
        raise NotFound("题目不存在")
    raise AttemptClosed("答卷已提交或已关闭，答案未能保存")


def _session_valid(user_id: int, token: str) -> bool:
    return bool(db.session.scalar(select(User.id).where(User.id == user_id, User.session_token == token,
                                                        User.active.is_(True))))


def set_flag(user_id: int, attempt_id: int, position: int, flagged: bool) -> None:
    """The cadre's own mark on a question to come back to."""
    attempt = get_attempt(attempt_id)
    if attempt.user_id != user_id:
        raise Forbidden("这不是您的答卷")
    if attempt.state != AttemptState.in_progress:
        raise AttemptClosed("答卷已提交")
    db.session.execute(update(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
                       .values(flagged=flagged).execution_options(synchronize_session=False))
    db.session.commit()


def record_event(user_id: int, attempt_id: int, kind: str, detail: dict | None = None) -> None:
    """Focus lost/back, recorded with its time for admins to see beside the result."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound("答卷不存在")
    if kind not in ("focus_lost", "focus_back"):
        raise ServiceError("未知事件")
    if attempt.state != AttemptState.in_progress:
        return
    db.session.add(AttemptEvent(attempt_id=attempt_id, kind=kind, detail=detail or {}))
    if kind == "focus_lost":
        attempt.focus_lost_count += 1
    db.session.commit()


# ---- submitting and grading ---------------------------------------------------------------------

def submit_attempt(user, attempt_id: int) -> Attempt:
    """Submit and grade once; a second submit returns the already graded attempt."""
    now = utcnow()
    won = db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id,
                              Attempt.state == AttemptState.in_progress,
                              # past deadline + grace it is graded as overdue (by get_attempt below) instead
                              Attempt.deadline.is_(None) | (Attempt.deadline >= now - GRACE))
        .values(state=AttemptState.needs_grading, submitted_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        db.session.rollback()
        attempt = get_attempt(attempt_id, user)
        if attempt.state in SUBMITTED:
            return attempt
        raise AttemptClosed("答卷无法提交")
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    db.session.add(AttemptEvent(attempt_id=attempt.id, kind="submitted", at=now))
    _finalise(attempt, now)
    db.session.commit()
    return attempt


def _finish_if_overdue(attempt: Attempt) -> bool:
    """Grade an in-progress attempt whose deadline (plus grace) has passed; True if it did."""
    now = utcnow()
    if attempt.state != AttemptState.in_progress or attempt.deadline is None or attempt.deadline + GRACE >= now:
        return False
    won = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.state == AttemptState.in_progress)
        .values(state=AttemptState.needs_grading, submitted_at=attempt.deadline, auto_submitted=True)
        .execution_options(synchronize_session=False)).rowcount
    if won:
        db.session.refresh(attempt)
        db.session.add(AttemptEvent(attempt_id=attempt.id, kind="auto_submitted", at=now))
        _finalise(attempt, now)
    db.session.commit()
    db.session.refresh(attempt)
    return bool(won)


def close_overdue(exam_id: int | None = None, now: datetime | None = None) -> int:
    """Grade every in-progress attempt past its deadline (and, for a closed exam, past its close); returns how many."""
    now = now or utcnow()
    stmt = select(Attempt).join(Exam, Exam.id == Attempt.exam_id).where(
        Attempt.state == AttemptState.in_progress,
        ((Attempt.deadline.is_not(None)) & (Attempt.deadline < now - GRACE)) |
        ((Exam.closes_at.is_not(None)) & (Exam.closes_at <= now)))
    if exam_id is not None:
        stmt = stmt.where(Attempt.exam_id == exam_id)
    done = 0
    for attempt in list(db.session.scalars(stmt)):
        if attempt.exam.closes_at and attempt.exam.closes_at <= now and (attempt.deadline is None or attempt.deadline > attempt.exam.closes_at):
            attempt.deadline = attempt.exam.closes_at
            db.session.flush()
        if attempt.deadline is not None and attempt.deadline > now - GRACE and not (
                attempt.exam.closes_at and attempt.exam.closes_at <= now):
            continue
        won = db.session.execute(
            update(Attempt).where(Attempt.id == attempt.id, Attempt.state == AttemptState.in_progress)
            .values(state=AttemptState.needs_grading, submitted_at=min(attempt.deadline or now, now), auto_submitted=True)
            .execution_options(synchronize_session=False)).rowcount
        if won:
            db.session.refresh(attempt)
            db.session.add(AttemptEvent(attempt_id=attempt.id, kind="auto_submitted", at=now))
            _finalise(attempt, now)
            done += 1
        db.session.commit()
    feed_books_of_closed_exams(now)
    return done


def grade_items(attempt: Attempt, items: list[AttemptItem] | None = None) -> None:
    """Grade the attempt's auto-gradable items against their key version (manual grades are kept)."""
    policy = attempt.exam.scoring_policy
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(
        {i.key_version_id or i.version_id for i in (items or attempt.items)})))}
    for item in items or attempt.items:
        spec = _spec(versions[item.key_version_id or item.version_id])
        qtype = TYPES[spec.type]
        if not qtype.auto and item.graded_by_id is not None:
            continue  # a person's grade stands
        g = qtype.grade(spec, item.response, policy)
        item.state = g.state
        item.feedback = g.feedback
        item.suggested = None if g.suggested is None else round(g.suggested * item.points, 2)
        item.score = points_for(g, item.points)
        if g.state == "unanswered" and not qtype.auto:
            item.score, item.state = 0.0, "unanswered"


def _finalise(attempt: Attempt, now: datetime) -> None:
    """Grade, total, pass/fail, mark the counting attempt, feed the wrong-answer book."""
    grade_items(attempt)
    _total(attempt, now)
    feed_book(attempt, now)


def feed_book(attempt: Attempt, now: datetime | None = None) -> None:
    """Put the attempt's graded answers into the wrong-answer book, once, and only when the cadre may see the
    answers (a book review shows the key, so an exam whose results are not yet public must wait)."""
    if attempt.book_fed or not results_visible(attempt, now):
        return
    practice = _optional("trainer.practice.service")
    if practice is None:
        return
    results = []
    for item in attempt.items:
        if item.state in ("right", "wrong", "partial", "unanswered"):
            results.append((item.question_id, item.version_id, item.state == "right"))
        elif item.state == "graded":
            results.append((item.question_id, item.version_id, (item.score or 0) >= 0.6 * item.points))
    practice.record_results(attempt.user_id, results, "exam", at=now)
    attempt.book_fed = attempt.state == AttemptState.graded


def feed_books_of_closed_exams(now: datetime | None = None) -> int:
    """Exams whose results appear at close: once closed, feed the books of their graded attempts."""
    now = now or utcnow()
    stmt = (select(Attempt).join(Exam, Exam.id == Attempt.exam_id)
            .where(Attempt.book_fed.is_(False), Attempt.state == AttemptState.graded,
                   Exam.results_policy == ResultsPolicy.after_close, Exam.closes_at <= now))
    n = 0
    for attempt in db.session.scalars(stmt):
        feed_book(attempt, now)
        n += 1
    db.session.commit()
    return n


def _total(attempt: Attempt, now: datetime) -> None:
    pending = any(i.state == "needs_grading" for i in attempt.items)
    attempt.score = round(sum(i.score or 0 for i in attempt.items), 2)
    if attempt.started_at and attempt.submitted_at:
        attempt.time_used_seconds = max(0, int((min(attempt.submitted_at, attempt.deadline or attempt.submitted_at)
                                               - attempt.started_at).total_seconds()))
    attempt.too_fast_count = sum(1 for i in attempt.items if i.too_fast)
    if pending:
        attempt.state, attempt.passed = AttemptState.needs_grading, None
        return
    attempt.state, attempt.graded_at = AttemptState.graded, now
    attempt.passed = attempt.max_score > 0 and attempt.score >= attempt.max_score * attempt.exam.pass_percent / 100
    db.session.flush()
    mark_counted(attempt.exam, attempt.user_id)
    if attempt.passed and attempt.exam.issue_certificates:
        _issue_certificate(attempt)


def mark_counted(exam: Exam, user_id: int) -> None:
    """Flag the one graded attempt that counts for the exam (best or last)."""
    graded = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user_id,
                                                      Attempt.state == AttemptState.graded)).all()
    if not graded:
        return
    if exam.count_policy == CountPolicy.last:
        best = max(graded, key=lambda a: (a.submitted_at or a.started_at, a.number))
    else:
        best = max(graded, key=lambda a: (a.score or 0, -(a.time_used_seconds or 0), -a.number))
    for a in graded:
        a.counted = a is best


def _issue_certificate(attempt: Attempt) -> None:
    from trainer.exams.certificates import issue_for_attempt

    try:
        with db.session.begin_nested():
            issue_for_attempt(attempt)
    except Exception:  # a certificate problem must never lose a grade
        log.exception("certificate for attempt %s failed", attempt.id)


# ---- after submission ---------------------------------------------------------------------------

def results_visible(attempt: Attempt, now: datetime | None = None) -> bool:
    """May the cadre see their score, the right answers and explanations now?"""
    if attempt.state not in SUBMITTED:
        return False
    policy = attempt.exam.results_policy
    if policy == ResultsPolicy.immediately:
        return True
    if policy == ResultsPolicy.after_close:
        closes = attempt.exam.closes_at
        return closes is not None and (now or utcnow()) >= closes
    return False


def has_seen_answer(user, question_id: int) -> bool:
    """True once the user has a submitted attempt with this question whose results are visible."""
    attempts = db.session.scalars(
        select(Attempt).join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.user_id == user.id, AttemptItem.question_id == question_id,
               Attempt.state.in_(SUBMITTED)).distinct()).all()
    return any(results_visible(a) for a in attempts)


def reopen(actor, attempt: Attempt, minutes: int, reason: str, ip: str = "") -> Attempt:
    """Give a cadre back an attempt they never submitted themselves (a power cut), for `minutes` more."""
    from trainer.audit import service as audit

    if not reason or len(reason.strip()) < 2:
        raise ServiceError("请填写重新开放的原因", field="reason")
    if not 1 <= minutes <= 300:
        raise ServiceError("时长须为 1–300 分钟", field="minutes")
    manual_submit = any(e.kind == "submitted" for e in attempt.events)
    if manual_submit:
        raise ServiceError("该答卷是本人提交的，不能重新开放")
    now = utcnow()
    attempt.state = AttemptState.in_progress
    attempt.deadline = now + timedelta(minutes=minutes)
    attempt.submitted_at = attempt.graded_at = attempt.score = attempt.passed = None
    attempt.auto_submitted = False
    attempt.counted = False
    db.session.add(AttemptEvent(attempt_id=attempt.id, kind="reopened", at=now, by_id=actor.id,
                                detail={"reason": reason.strip(), "minutes": minutes}))
    audit.record(actor, "attempt.reopen", f"{attempt.exam.title} / {attempt.user.name}", ip=ip, reason=reason,
                 minutes=minutes)
    db.session.flush()
    mark_counted(attempt.exam, attempt.user_id)
    db.session.commit()
    return attempt
