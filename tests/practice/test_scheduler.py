"""The spaced-repetition scheduler of the wrong-answer book: walkthroughs and properties (no app, no database)."""
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.practice.scheduler import MASTERED_AFTER, MIN_EASE, START_EASE, CardState, next_ease, schedule

DAY = date(2026, 3, 2)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def test_wrong_answer_brings_the_question_back_tomorrow():
    """Does a wrong answer on a new entry make it due the next day, with a lapse and no right answers?"""
    r = schedule(CardState(), False, DAY)
    assert r.counted and r.state.due == DAY + days(1) and r.state.interval == 1
    assert r.state.reps == 0 and r.state.lapses == 1 and r.state.ease < START_EASE


def test_right_answers_push_the_question_out_1_6_then_interval_times_ease():
    """Do counted right answers give intervals of 1 day, 6 days, then interval × ease?"""
    s = schedule(CardState(), False, DAY).state
    r1 = schedule(s, True, s.due)
    assert r1.counted and r1.state.interval == 1 and r1.state.due == s.due + days(1)
    r2 = schedule(r1.state, True, r1.state.due)
    assert r2.state.interval == 6 and r2.state.due == r1.state.due + days(6)
    r3 = schedule(r2.state, True, r2.state.due)
    assert r3.state.interval == round(6 * r2.state.ease) and r3.state.mastered


def test_right_answer_before_due_changes_nothing():
    """Does a right answer before the due day leave the schedule as it was?"""
    s = schedule(CardState(), False, DAY).state
    r = schedule(s, True, DAY)
    assert not r.counted and r.state == s


def test_two_right_answers_on_one_day_count_once():
    """Does a second right answer on the same day not count as another spaced review?"""
    s = schedule(CardState(), False, DAY).state
    first = schedule(s, True, DAY + days(1)).state
    overdue = replace(first, due=DAY + days(1))  # as if due again on the same day
    r = schedule(overdue, True, DAY + days(1))
    assert not r.counted and r.state.reps == 1


def test_late_review_still_counts():
    """Does a right answer some days after the due date count (at or after due)?"""
    s = schedule(CardState(), False, DAY).state
    r = schedule(s, True, DAY + days(9))
    assert r.counted and r.state.reps == 1 and r.state.due == DAY + days(10)


def test_wrong_answer_resets_a_mastered_question():
    """Does a wrong answer after mastery start the count again, due tomorrow?"""
    s = CardState(interval=15, ease=2.8, reps=3, lapses=1, due=DAY, last_right=DAY - days(15))
    r = schedule(s, False, DAY + days(3))
    assert not r.state.mastered and r.state.reps == 0 and r.state.due == DAY + days(4) and r.state.lapses == 2


def test_ease_never_drops_below_the_floor():
    """Does the ease stay at 1.3 or more after many wrong answers?"""
    s = CardState()
    for i in range(20):
        s = schedule(s, False, DAY + days(i)).state
    assert s.ease == MIN_EASE
    assert next_ease(MIN_EASE, 0) == MIN_EASE


# ---- properties ----------------------------------------------------------------

answers = st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.booleans()), min_size=1, max_size=40)
states = st.builds(CardState, interval=st.integers(0, 400), ease=st.floats(MIN_EASE, 4.0), reps=st.integers(0, 10),
                   lapses=st.integers(0, 50), due=st.none() | st.dates(date(2025, 1, 1), date(2027, 12, 31)),
                   last_right=st.none() | st.dates(date(2025, 1, 1), date(2027, 12, 31)))


def replay(steps):
    """Run answers (days waited before each, right or wrong) from a first wrong answer; yield each step."""
    state, today = schedule(CardState(), False, DAY).state, DAY
    for wait, correct in steps:
        today = today + days(wait)
        review = schedule(state, correct, today)
        yield state, today, correct, review
        state = review.state


@settings(max_examples=300)
@given(answers)
def test_intervals_never_negative_and_due_never_in_the_past(steps):
    """After any sequence of answers, are intervals ≥ 0, ease ≥ 1.3, and the due day not before the answer day?"""
    for _before, today, _correct, review in replay(steps):
        assert review.state.interval >= 0
        assert review.state.ease >= MIN_EASE
        assert review.state.due >= today
        if review.counted:
            assert review.state.due > today


@settings(max_examples=300)
@given(states, st.booleans(), st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_any_state_any_answer_keeps_the_invariants(state, correct, today):
    """From any state, does one answer keep interval ≥ 0, ease ≥ 1.3 and due ≥ the answer day?"""
    review = schedule(state, correct, today)
    assert review.state.interval >= 0 and review.state.ease >= MIN_EASE
    assert review.state.due is None or review.state.due >= today or (state.due is None and not review.counted)


@settings(max_examples=300)
@given(answers)
def test_mastered_only_after_three_spaced_right_answers(steps):
    """Is a question mastered only when its last three counted answers were right, on three days, each at or after due?"""
    counted: list[tuple[date, bool, bool]] = []  # (day, right, on or after due)
    for before, today, correct, review in replay(steps):
        if review.counted:
            counted.append((today, correct, before.due is not None and today >= before.due))
        if review.state.mastered:
            last = counted[-MASTERED_AFTER:]
            assert len(last) == MASTERED_AFTER
            assert all(right and on_time for _, right, on_time in last)
            assert len({d for d, _, _ in last}) == MASTERED_AFTER
        if not correct:
            assert not review.state.mastered


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=3, max_size=10))
def test_right_answers_on_due_days_always_master(waits_after_due):
    """Do three right answers, each on or after its due day, always master the question?"""
    state, today = schedule(CardState(), False, DAY).state, DAY
    for extra in waits_after_due[:MASTERED_AFTER]:
        today = state.due + days(extra)
        state = schedule(state, True, today).state
    assert state.mastered
