"""What a mentor sees of each mentee, and the admin comparison of teams: attendance (night school, when
present), weekly quiz scores over time, what they get wrong most, weekly reviews, last activity."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from trainer.banks.models import Bank, Chapter, Question, QuestionVersion
from trainer.exams.models import Attempt, AttemptItem, AttemptState, Exam, ExamKind
from trainer.extensions import db
from trainer.mentoring.models import MentorTeam
from trainer.mentoring.service import _optional
from trainer.org.models import User
from trainer.practice.models import ReviewCard
from trainer.timeutil import from_local, local_today, to_local, utcnow


def _start(day: date) -> datetime:
    return from_local(datetime(day.year, day.month, day.day))


# ---- quiz scores ------------------------------------------------------------------------------------

def quiz_scores(user_ids: list[int]) -> dict[int, list[tuple[datetime, float, str]]]:
    """Per person, (submitted_at, percent, exam title) of counted graded weekly quizzes, oldest first."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(Attempt.user_id, Attempt.submitted_at, Attempt.score, Attempt.max_score, Exam.title)
                              .join(Exam, Exam.id == Attempt.exam_id)
                              .where(Attempt.user_id.in_(user_ids), Exam.kind == ExamKind.weekly,
                                     Attempt.counted.is_(True), Attempt.state == AttemptState.graded,
                                     Attempt.score.is_not(None), Attempt.max_score > 0)
                              .order_by(Attempt.submitted_at))
    out: dict[int, list] = {u: [] for u in user_ids}
    for uid, at, score, max_score, title in rows:
        out[uid].append((at, round(100 * score / max_score, 1), title))
    return out


@dataclass
class Chart:
    """A small line chart drawn as SVG on the server: points already in the viewBox's coordinates."""

    width: int
    height: int
    points: list[tuple[float, float, float, str]]  # x, y, percent, label
    grid: list[tuple[float, int]] = field(default_factory=list)  # y, percent

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.points)


def chart(series: list[tuple[datetime, float, str]], width: int = 300, height: int = 90) -> Chart | None:
    """The last ten scores as a line from left to right, 0–100 % bottom to top."""
    series = series[-10:]
    if not series:
        return None
    pad_x, pad_top, pad_bottom = 14, 8, 8
    inner_w, inner_h = width - 2 * pad_x, height - pad_top - pad_bottom
    n = len(series)
    pts = []
    for i, (at, pct, title) in enumerate(series):
        x = pad_x + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = pad_top + inner_h * (1 - pct / 100)
        pts.append((x, y, pct, f"{to_local(at):%m-%d} {title}：{pct:g}%"))
    grid = [(pad_top + inner_h * (1 - p / 100), p) for p in (0, 60, 100)]
    return Chart(width, height, pts, grid)


def average(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


# ---- what they get wrong --------------------------------------------------------------------------

def weak_spots(user_id: int, top: int = 3) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The chapters and the cited articles this person gets wrong most: wrong or partly right answers in
    their graded attempts, plus the open entries of their wrong-answer book."""
    wrong_items = db.session.execute(
        select(Question.chapter_id, QuestionVersion.reference)
        .select_from(AttemptItem).join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Question, Question.id == AttemptItem.question_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(Attempt.user_id == user_id, Attempt.state == AttemptState.graded,
               AttemptItem.state.in_(("wrong", "partial")))).all()
    book = db.session.execute(
        select(Question.chapter_id, QuestionVersion.reference)
        .select_from(ReviewCard).join(Question, Question.id == ReviewCard.question_id)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id) & (QuestionVersion.n == Question.current_n))
        .where(ReviewCard.user_id == user_id, ReviewCard.mastered_at.is_(None))).all()
    chapters: Counter = Counter()
    articles: Counter = Counter()
    for chapter_id, reference in list(wrong_items) + list(book):
        if chapter_id:
            chapters[chapter_id] += 1
        if reference:
            articles[reference.strip()] += 1
    names = {}
    ids = [c for c, _ in chapters.most_common(top)]
    if ids:
        for cid, title, bank in db.session.execute(select(Chapter.id, Chapter.title, Bank.title)
                                                         .join(Bank, Bank.id == Chapter.bank_id)
                                                         .where(Chapter.id.in_(ids))):
            names[cid] = f"{bank} · {title}"
    return ([(names.get(c, "—"), n) for c, n in chapters.most_common(top)], articles.most_common(top))


# ---- activity and attendance ---------------------------------------------------------------------

def last_activity(user_ids: list[int]) -> dict[int, datetime | None]:
    """The latest of sign-in, quiz submitted, review written, drill answer."""
    if not user_ids:
        return {}
    from trainer.practice.models import DrillItem

    out: dict[int, datetime | None] = dict(db.session.execute(
        select(User.id, User.last_login_at).where(User.id.in_(user_ids))).all())

    def merge(rows):
        for uid, at in rows:
            if at is not None and (out.get(uid) is None or at > out[uid]):
                out[uid] = at

    merge(db.session.execute(select(Attempt.user_id, func.max(Attempt.submitted_at))
                             .where(Attempt.user_id.in_(user_ids)).group_by(Attempt.user_id)))
    merge(db.session.execute(select(DrillItem.user_id, func.max(DrillItem.answered_at))
                             .where(DrillItem.user_id.in_(user_ids)).group_by(DrillItem.user_id)))
    reviews = _optional("trainer.reviews.service")
    if reviews is not None:
        merge(reviews.last_review_at(user_ids).items())
    return out


def attendance(user_ids: list[int], since: date | None = None) -> dict[int, dict] | None:
    """Night-school attendance per person (None when the night school is not installed)."""
    nightschool = _optional("trainer.nightschool.service")
    if nightschool is None:
        return None
    return nightschool.attendance_by_user(user_ids, since=_start(since) if since else None, until=utcnow())


# ---- one mentee, a team, all teams --------------------------------------------------------------

@dataclass
class MenteeCard:
    user: User
    attendance: dict | None
    scores: list[tuple[datetime, float, str]]
    chart: Chart | None
    chapters: list[tuple[str, int]]
    articles: list[tuple[str, int]]
    reviews: list
    last_activity: datetime | None

    @property
    def average(self) -> float | None:
        return average([s for _, s, _ in self.scores])


def mentee_cards(team: MentorTeam, only: int | None = None, reviews_limit: int = 3) -> list[MenteeCard]:
    mentees = [u for u in team.mentees if only is None or u.id == only]
    ids = [u.id for u in mentees]
    scores = quiz_scores(ids)
    att = attendance(ids, team.starts_on)
    last = last_activity(ids)
    reviews = _optional("trainer.reviews.service")
    cards = []
    for u in mentees:
        chapters, articles = weak_spots(u.id)
        cards.append(MenteeCard(u, None if att is None else att.get(u.id), scores[u.id], chart(scores[u.id]),
                                chapters, articles, reviews.reviews_for(u.id, reviews_limit) if reviews else [],
                                last.get(u.id)))
    return cards


@dataclass
class TeamRow:
    team: MentorTeam
    attendance_rate: float | None
    average: float | None
    change: float | None
    reviews_submitted: int | None
    reviews_expected: int
    last_activity: datetime | None

    @property
    def behind(self) -> bool:
        low_reviews = self.reviews_expected and (self.reviews_submitted or 0) / self.reviews_expected < .6
        return bool(low_reviews or (self.change is not None and self.change < 0)
                    or (self.attendance_rate is not None and self.attendance_rate < .7))


def compare_teams(teams: list[MentorTeam]) -> list[TeamRow]:
    """Per team: attendance since it started, average quiz score since then and its change from before
    the start, weekly reviews submitted since the start (of the weeks expected)."""
    all_ids = [u.id for t in teams for u in t.mentees]
    scores = quiz_scores(all_ids)
    last = last_activity(all_ids)
    reviews = _optional("trainer.reviews.service")
    today = local_today()
    rows = []
    for t in teams:
        ids = [u.id for u in t.mentees]
        start = _start(t.starts_on)
        before = [s for u in ids for at, s, _ in scores.get(u, []) if at < start]
        after = [s for u in ids for at, s, _ in scores.get(u, []) if at >= start]
        avg_after, avg_before = average(after), average(before)
        change = round(avg_after - avg_before, 1) if avg_after is not None and avg_before is not None else None
        att = attendance(ids, t.starts_on)
        rate = None
        if att is not None:
            sessions = sum(a["sessions"] for a in att.values())
            rate = sum(a["present"] + a["late"] for a in att.values()) / sessions if sessions else None
        end = min(today, t.ends_on)
        weeks = max(0, ((end - t.starts_on).days // 7) + 1) if end >= t.starts_on else 0
        submitted = None
        if reviews is not None:
            monday = t.starts_on - timedelta(days=t.starts_on.weekday())
            counts = reviews.submitted_counts(ids, reviews.week_of(monday))
            submitted = sum(counts.values())
        times = [last[u] for u in ids if last.get(u)]
        rows.append(TeamRow(t, rate, avg_after, change, submitted, weeks * len(ids), max(times) if times else None))
    return rows
