"""Item and score statistics as pure functions (no Flask, no database).

The report pages feed them SQL aggregates (counts and sums); the list-taking versions say what the
aggregates mean and are what the tests check them against.

- facility: the share of answers that earned full marks.
- discrimination D: facility in the upper 27% of candidates (by their exam percentage) minus
  facility in the lower 27%.
- point-biserial: the correlation between getting the item right and the candidate's exam
  percentage (the item is not removed from the total).
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GROUP_SHARE = 0.27
LOW_DISCRIMINATION = 0.2
TOO_HARD = 0.1
TOO_EASY = 0.95
MIN_ANSWERS = 10  # fewer answers than this say nothing reliable about a question: never flagged
FEW_ANSWERS = 5  # a heat-map cell with fewer answers is shown faded
HISTOGRAM_BINS = 10


def group_size(n: int, share: float = GROUP_SHARE) -> int:
    """How many candidates form the upper (and the lower) group out of n: 27%, rounded half up."""
    if n < 2:
        return 0
    return max(1, min(n // 2, int(n * share + 0.5)))


def facility(right: int, n: int) -> float | None:
    """Share answering right, or None without answers."""
    return right / n if n else None


def discrimination(upper_right: int, upper_n: int, lower_right: int, lower_n: int) -> float | None:
    """Upper-group facility minus lower-group facility (−1..1), None when a group is empty."""
    if not upper_n or not lower_n:
        return None
    return upper_right / upper_n - lower_right / lower_n


def point_biserial_from_sums(n: int, n_right: int, sum_right: float, sum_all: float, sumsq_all: float) -> float | None:
    """Point-biserial correlation from n, the number right, the sum of the totals of those right, and the
    sum and sum of squares of all totals. None when everyone (or no one) was right or all totals are equal."""
    if n < 2 or n_right in (0, n):
        return None
    mean = sum_all / n
    var = sumsq_all / n - mean * mean
    if var <= 1e-12:
        return None
    m1 = sum_right / n_right
    m0 = (sum_all - sum_right) / (n - n_right)
    p = n_right / n
    return max(-1.0, min(1.0, (m1 - m0) / math.sqrt(var) * math.sqrt(p * (1 - p))))


def point_biserial(right: Sequence[bool], totals: Sequence[float]) -> float | None:
    """Point-biserial correlation between right/wrong and the candidates' totals."""
    n = len(right)
    sum_right = sum(t for r, t in zip(right, totals) if r)
    return point_biserial_from_sums(n, sum(1 for r in right if r), sum_right, sum(totals),
                                    sum(t * t for t in totals))


def upper_lower(totals: Sequence[float], ids: Sequence[int] | None = None) -> tuple[set[int], set[int]]:
    """Positions of the upper and lower 27% by total (ties: the smaller id ranks higher)."""
    ids = list(ids) if ids is not None else list(range(len(totals)))
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], ids[i]))
    k = group_size(len(totals))
    return set(order[:k]), set(order[len(order) - k:]) if k else set()


def median(values: Iterable[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count), None when empty."""
    vals = sorted(values)
    n = len(vals)
    if not n:
        return None
    mid = n // 2
    return float(vals[mid]) if n % 2 else (vals[mid - 1] + vals[mid]) / 2


def mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


def bucket(percent: float, bins: int = HISTOGRAM_BINS) -> int:
    """The histogram bin of a percentage: [0, 10), [10, 20) … [90, 100] for ten bins."""
    width = 100 / bins
    return max(0, min(bins - 1, int(percent // width)))


def histogram(percents: Iterable[float], bins: int = HISTOGRAM_BINS) -> list[int]:
    """Counts of percentages per bin (see bucket)."""
    counts = [0] * bins
    for p in percents:
        counts[bucket(p, bins)] += 1
    return counts


def bin_labels(bins: int = HISTOGRAM_BINS) -> list[str]:
    width = 100 // bins
    return [f"{i * width}–{(i + 1) * width}" for i in range(bins)]


def flags(fac: float | None, disc: float | None, n: int) -> list[str]:
    """Why a question needs review (Chinese reasons); empty when it does not, or when n is too small to tell."""
    if n < MIN_ANSWERS or fac is None:
        return []
    out = []
    if fac < TOO_HARD:
        out.append("过难（答对率低于10%）")
    if fac > TOO_EASY:
        out.append("过易（答对率高于95%）")
    if disc is not None and disc < LOW_DISCRIMINATION:
        out.append("区分度低于0.2")
    return out


@dataclass
class ItemStats:
    """The aggregates of one question's answers; they add up across units and exams."""

    n: int = 0
    right: int = 0
    upper_n: int = 0
    upper_right: int = 0
    lower_n: int = 0
    lower_right: int = 0
    sum_right: float = 0.0  # sum of the candidates' percentages over the answers that were right
    sum_all: float = 0.0
    sumsq_all: float = 0.0
    options: dict[int, int] = field(default_factory=dict)  # option index (or 0/1 for 错/对) → times chosen

    def __add__(self, other: ItemStats) -> ItemStats:
        opts = dict(self.options)
        for k, v in other.options.items():
            opts[k] = opts.get(k, 0) + v
        return ItemStats(self.n + other.n, self.right + other.right, self.upper_n + other.upper_n,
                         self.upper_right + other.upper_right, self.lower_n + other.lower_n,
                         self.lower_right + other.lower_right, self.sum_right + other.sum_right,
                         self.sum_all + other.sum_all, self.sumsq_all + other.sumsq_all, opts)

    @property
    def facility(self) -> float | None:
        return facility(self.right, self.n)

    @property
    def discrimination(self) -> float | None:
        return discrimination(self.upper_right, self.upper_n, self.lower_right, self.lower_n)

    @property
    def point_biserial(self) -> float | None:
        return point_biserial_from_sums(self.n, self.right, self.sum_right, self.sum_all, self.sumsq_all)

    @property
    def flags(self) -> list[str]:
        return flags(self.facility, self.discrimination, self.n)


def item_stats(right: Sequence[bool], totals: Sequence[float], ids: Sequence[int] | None = None) -> ItemStats:
    """ItemStats of one question from each candidate's right/wrong and exam percentage (what the SQL sums)."""
    upper, lower = upper_lower(totals, ids)
    return ItemStats(
        n=len(right), right=sum(1 for r in right if r),
        upper_n=len(upper), upper_right=sum(1 for i in upper if right[i]),
        lower_n=len(lower), lower_right=sum(1 for i in lower if right[i]),
        sum_right=sum(t for r, t in zip(right, totals) if r), sum_all=sum(totals), sumsq_all=sum(t * t for t in totals))


def option_counts(responses: Iterable[tuple[object, int]], qtype: str) -> dict[int, int]:
    """How often each option was chosen, from (stored response, count) pairs. Responses may be the JSON text
    the database returns. single → option index; multiple → each index in the list; judge → 1 对 / 0 错."""
    out: dict[int, int] = {}
    for raw, n in responses:
        value = raw
        if isinstance(raw, str):
            try:
                value = json.loads(raw)
            except ValueError:
                continue
        if qtype == "judge" and isinstance(value, bool):
            chosen = [int(value)]
        elif qtype == "single" and isinstance(value, int) and not isinstance(value, bool):
            chosen = [value]
        elif qtype == "multiple" and isinstance(value, list):
            chosen = [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
        else:
            continue
        for c in chosen:
            out[c] = out.get(c, 0) + n
    return out
