"""Spaced repetition for the wrong-answer book (错题本): SM-2 with right/wrong as the only grades.

Pure Python (no Flask, no database): a card's state and a review go in, the next state comes out.
- A wrong answer brings the question back tomorrow and starts its count again.
- A right answer counts only when the card is due and no right answer counted on that day yet; each
  counted right answer pushes the question further out: 1 day, 6 days, then interval × ease.
- Three counted right answers in a row (so on three different days) mean the question is mastered.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

START_EASE = 2.5
MIN_EASE = 1.3
MAX_INTERVAL = 365  # days; nothing is pushed out further than a year
MASTERED_AFTER = 3
QUALITY_RIGHT = 5  # SM-2 quality of a right answer (5: perfect recall)
QUALITY_WRONG = 2  # SM-2 quality of a wrong answer (2: wrong, but the answer felt familiar)


@dataclass(frozen=True)
class CardState:
    """Where a card stands: days to the next review, ease, right answers in a row, lapses, due day, and the
    day of the last right answer that counted."""

    interval: int = 0
    ease: float = START_EASE
    reps: int = 0
    lapses: int = 0
    due: date | None = None
    last_right: date | None = None

    @property
    def mastered(self) -> bool:
        return self.reps >= MASTERED_AFTER

    def is_due(self, today: date) -> bool:
        return self.due is not None and self.due <= today


@dataclass(frozen=True)
class Review:
    """The outcome of one answer: the new state and whether it moved the schedule."""

    state: CardState
    counted: bool


def quality(correct: bool) -> int:
    """SM-2's 0–5 recall quality from a right or wrong answer."""
    return QUALITY_RIGHT if correct else QUALITY_WRONG


def next_ease(ease: float, q: int) -> float:
    """SM-2's ease update, never below MIN_EASE."""
    return round(max(MIN_EASE, ease + 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)), 4)


def schedule(state: CardState, correct: bool, today: date) -> Review:
    """The card after an answer given on today (local calendar day)."""
    if not correct:
        new = replace(state, interval=1, ease=next_ease(state.ease, quality(False)), reps=0, lapses=state.lapses + 1,
                      due=today + timedelta(days=1))
        return Review(new, True)
    counts = state.is_due(today) and (state.last_right is None or today > state.last_right)
    if not counts:
        # a right answer before the due day (or a second one on the same day) changes nothing
        due = state.due if state.due is None or state.due >= today else today
        return Review(replace(state, due=due), False)
    reps = state.reps + 1
    if reps == 1:
        interval = 1
    elif reps == 2:
        interval = 6
    else:
        interval = round(max(state.interval, 1) * state.ease)
    interval = max(1, min(MAX_INTERVAL, interval))
    new = replace(state, interval=interval, ease=next_ease(state.ease, quality(True)), reps=reps,
                  due=today + timedelta(days=interval), last_right=today)
    return Review(new, True)
