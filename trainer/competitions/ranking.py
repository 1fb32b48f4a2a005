"""Pure ranking rules (no Flask, no database): people by score then time used then submit time, units and
teams by average and participation, award tiers, points boards."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

AWARDS = ("一等奖", "二等奖", "三等奖", "优秀奖")
UNIT_ORDERS = {
    "audience_avg": "全员平均分（未参赛计 0 分）",
    "participant_avg": "参赛者平均分",
    "rate": "参与率",
}


@dataclass
class Entry:
    """One attempt's result on a board."""

    user_id: int
    score: float
    time_used: int | None  # seconds; None sorts last among equal scores
    submitted_at: datetime | None
    rank: int = 0
    extra: dict = field(default_factory=dict)


def _entry_key(e: Entry) -> tuple:
    return (-(e.score or 0), e.time_used if e.time_used is not None else math.inf,
            e.submitted_at or datetime.max)


def _competition_ranks(keys: list[tuple]) -> list[int]:
    """Ranks of items already sorted by key: equal keys share a rank, the next one skips (1, 1, 3)."""
    ranks: list[int] = []
    for i, key in enumerate(keys):
        ranks.append(ranks[-1] if i and keys[i - 1] == key else i + 1)
    return ranks


def best_per_user(entries: Iterable[Entry]) -> list[Entry]:
    """Each user's best entry by the ranking order (for exams that allow several attempts)."""
    best: dict[int, Entry] = {}
    for e in entries:
        if e.user_id not in best or _entry_key(e) < _entry_key(best[e.user_id]):
            best[e.user_id] = e
    return list(best.values())


def rank_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Sorted best first and ranked: higher score, then less time used, then earlier submission.
    Only entries equal on all three share a rank (1, 1, 3 …)."""
    ordered = sorted(best_per_user(entries), key=lambda e: (_entry_key(e), e.user_id))
    for e, rank in zip(ordered, _competition_ranks([_entry_key(e) for e in ordered]), strict=True):
        e.rank = rank
    return ordered


@dataclass
class GroupRow:
    """A unit or team on a board: everyone expected, who took part, and both averages."""

    key: int
    name: str
    audience: int
    participants: int
    total: float
    rank: int = 0

    @property
    def rate(self) -> float:
        return self.participants / self.audience if self.audience else 0.0

    @property
    def participant_avg(self) -> float:
        return self.total / self.participants if self.participants else 0.0

    @property
    def audience_avg(self) -> float:
        return self.total / self.audience if self.audience else 0.0


def rank_groups(members: Iterable[tuple[int, int, float | None]], names: dict[int, str],
                order: str = "audience_avg") -> list[GroupRow]:
    """members: (group key, user id, best score or None when the user did not take part). A group's
    audience counts everyone in it, so sending only the best does not win: by default groups rank by the
    average over the whole audience with non-participants as 0. Other orders: participant_avg, rate."""
    if order not in UNIT_ORDERS:
        order = "audience_avg"
    rows: dict[int, GroupRow] = {}
    for key, _user, score in members:
        row = rows.setdefault(key, GroupRow(key, names.get(key, ""), 0, 0, 0.0))
        row.audience += 1
        if score is not None:
            row.participants += 1
            row.total += score
    others = [o for o in UNIT_ORDERS if o != order]

    def sort_key(r: GroupRow) -> tuple:
        return tuple(-round(getattr(r, o), 6) for o in (order, *others))

    ordered = sorted(rows.values(), key=lambda r: (sort_key(r), r.name, r.key))
    for r, rank in zip(ordered, _competition_ranks([sort_key(r) for r in ordered]), strict=True):
        r.rank = rank
    return ordered


def award_cutoffs(basis: str, tiers: tuple[float, float, float, float], participants: int) -> list[int]:
    """The last rank of each award, cumulative: count basis takes tiers as numbers of people, share basis as
    percentages of the participants (rounded half up, at least 1 when the share is positive)."""
    cut, total = [], 0
    for value in tiers:
        value = max(0.0, float(value or 0))
        if basis == "share":
            n = math.floor(participants * value / 100 + 0.5)
            n = max(n, 1) if value > 0 and participants else n
        else:
            n = int(value)
        total += n
        cut.append(min(total, participants))
    return cut


def award_for(rank: int, cutoffs: list[int]) -> str | None:
    """一等奖 … 优秀奖 for a rank (ties share the award of their rank), or None."""
    for label, last in zip(AWARDS, cutoffs, strict=False):
        if rank <= last:
            return label
    return None


def rank_points(totals: Iterable[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(user id, points) → (rank, user id, points), most points first; equal points share a rank."""
    ordered = sorted(totals, key=lambda t: (-t[1], t[0]))
    ranks = _competition_ranks([(pts,) for _uid, pts in ordered])
    return [(rank, uid, pts) for rank, (uid, pts) in zip(ranks, ordered, strict=True)]


def capped(points: int, cap: int | None, used: int) -> int:
    """What an event worth `points` still earns when `used` points of its kind were earned this week."""
    if cap is None:
        return points
    return max(0, min(points, cap - used))


def drill_streak_days(days: Iterable, start_from: int = 3) -> set:
    """Local dates that are the start_from-th (or later) day in a row with drill answers."""
    out, run, prev = set(), 0, None
    for d in sorted(set(days)):
        run = run + 1 if prev is not None and (d - prev).days == 1 else 1
        if run >= start_from:
            out.add(d)
        prev = d
    return out
