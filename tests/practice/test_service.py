"""Drill and wrong-answer book services: drawing, immediate grading, the book's rules, the interfaces for exams."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.practice.conftest import items_of, right_values, wrong_values
from trainer.banks.models import Question, QuestionStatus, ReviewState
from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.practice import service
from trainer.practice.models import Drill, DrillItem, ReviewCard, ReviewLog
from trainer.timeutil import from_local


def drill_all(user, bank, **kw) -> Drill:
    return service.start_drill(user, bank.id, count=kw.pop("count", 50), **kw)


def answer(user, item, right: bool) -> DrillItem:
    values = right_values(item) if right else wrong_values(item)
    item = service.answer_item(user, item.drill_id, item.position, values)
    if item.version.type == "short":
        item = service.assess_item(user, item.drill_id, item.position, right)
    return item


def card_of(user, question_id) -> ReviewCard | None:
    db.session.expire_all()
    return db.session.scalar(select(ReviewCard).where(ReviewCard.user_id == user.id,
                                                      ReviewCard.question_id == question_id))


def local(day: date, hour: int = 20) -> datetime:
    """A naive UTC time for a local hour of a local day."""
    return from_local(datetime(day.year, day.month, day.day, hour))


# ---- drawing -----------------------------------------------------------------------

def test_drill_draws_only_active_reviewed_questions(make_user, bank):
    """Are retired and unreviewed questions left out of a drill?"""
    user = make_user()
    qs = list(db.session.scalars(select(Question).order_by(Question.id)))
    qs[0].status = QuestionStatus.retired
    qs[1].review_state = ReviewState.draft
    qs[2].review_state = ReviewState.needs_review
    db.session.commit()
    drill = drill_all(user, bank)
    drawn = {i.question_id for i in drill.items}
    assert drill.size == 7 and not drawn & {qs[0].id, qs[1].id, qs[2].id}


def test_drafts_are_drawn_only_when_the_bank_allows(make_user, make_bank):
    """Does a draft bank refuse drills until it allows drafts in practice, and never draw retired questions?"""
    user = make_user()
    bank = make_bank(5, slug="drafts", review="draft")
    with pytest.raises(ServiceError, match="没有符合条件的题目"):
        drill_all(user, bank)
    bank.allow_drafts_in_practice = True
    db.session.commit()
    assert drill_all(user, bank).size == 5
    assert service.get_practice_bank(user, bank.id).total == 5


def test_drill_filters_by_chapter_type_and_count(make_user, bank):
    """Do chapter, type and count narrow the draw?"""
    user = make_user()
    chapter = bank.chapters[0]
    drill = drill_all(user, bank, chapter_id=chapter.id)
    assert drill.size == 5 and all(i.question.chapter_id == chapter.id for i in drill.items)
    drill = drill_all(user, bank, qtype="judge")
    assert drill.size == 2 and {i.version.type for i in drill.items} == {"judge"}
    assert drill_all(user, bank, count=3).size == 3
    assert "第1章" in service.start_drill(user, bank.id, chapter.id).title


def test_drill_refuses_bad_choices(make_user, make_bank, bank):
    """Are a chapter of another bank, an unknown type and a silly count refused in Chinese, creating nothing?"""
    user = make_user()
    other = make_bank(2, slug="other")
    with pytest.raises(ServiceError, match="本题库中的章节"):
        service.start_drill(user, bank.id, chapter_id=other.chapters[0].id)
    with pytest.raises(ServiceError, match="题型"):
        service.start_drill(user, bank.id, qtype="essay")
    with pytest.raises(ServiceError, match="题数"):
        service.start_drill(user, bank.id, count=0)
    assert db.session.scalar(select(func.count()).select_from(Drill)) == 0


def test_only_wrong_draws_from_the_open_book(make_user, bank):
    """Does "only questions I got wrong" draw exactly the unmastered entries of the cadre's book?"""
    user = make_user()
    with pytest.raises(ServiceError, match="错题本中没有"):
        drill_all(user, bank, only_wrong=True)
    drill = drill_all(user, bank)
    wrong = [answer(user, i, False).question_id for i in items_of(drill.id)[:3]]
    again = drill_all(user, bank, only_wrong=True)
    assert sorted(i.question_id for i in again.items) == sorted(wrong)


def test_options_are_shuffled_per_drill_and_stored(make_user, make_bank):
    """Is each choice question's option order a stored permutation, and the identity without shuffling?"""
    user = make_user()
    bank = make_bank(40)
    orders = [i.option_order for i in drill_all(user, bank).items if i.version.type in ("single", "multiple")]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert any(o != [0, 1, 2, 3] for o in orders)
    plain = drill_all(user, bank, shuffle=False)
    assert all(i.option_order == list(range(len(i.version.options))) for i in plain.items)


# ---- answering -----------------------------------------------------------------------

@pytest.mark.parametrize("right", [True, False])
def test_every_type_is_graded_immediately(make_user, bank, right):
    """Is each type graded at once, with the version, response and time kept?"""
    user = make_user()
    drill = drill_all(user, bank, shuffle=False)
    for item in items_of(drill.id):
        done = answer(user, item, right)
        assert done.correct is right and done.answered_at is not None and done.version_id == item.version_id
        assert done.response not in (None, "", [])
    db.session.expire_all()
    drill = db.session.get(Drill, drill.id)
    assert drill.answered == 10 and drill.right_count == (10 if right else 0) and drill.finished


def test_answering_twice_counts_once(make_user, bank):
    """Does a second submission (double tap, two tabs) change neither the answer nor the counts?"""
    user = make_user()
    item = items_of(drill_all(user, bank, qtype="single").id)[0]
    service.answer_item(user, item.drill_id, 1, wrong_values(item))
    again = service.answer_item(user, item.drill_id, 1, right_values(item))
    assert again.correct is False
    assert db.session.get(Drill, item.drill_id).answered == 1
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1


def test_an_empty_answer_is_refused_and_changes_nothing(make_user, bank):
    """Is submitting without an answer refused with a Chinese message, leaving the item open?"""
    user = make_user()
    item = items_of(drill_all(user, bank, qtype="multiple").id)[0]
    with pytest.raises(ServiceError, match="请先作答"):
        service.answer_item(user, item.drill_id, 1, [])
    assert items_of(item.drill_id)[0].answered_at is None


def test_short_answer_waits_for_the_cadres_own_verdict(make_user, bank):
    """Is a short answer kept ungraded until the cadre marks it, and only then put through the book?"""
    user = make_user()
    item = items_of(drill_all(user, bank, qtype="short").id)[0]
    done = service.answer_item(user, item.drill_id, 1, ["我写了要点一"])
    assert done.correct is None and done.state == "needs_grading"
    view = service.item_view(user, done)
    assert view.found == [True, False]
    assert card_of(user, item.question_id) is None
    service.assess_item(user, item.drill_id, 1, False)
    assert card_of(user, item.question_id) is not None
    assert service.assess_item(user, item.drill_id, 1, True).correct is False  # the first verdict stands


def test_a_finished_drill_takes_no_more_answers(make_user, bank):
    """Once a drill is ended, are its unanswered questions closed?"""
    user = make_user()
    drill = drill_all(user, bank)
    service.end_drill(user, drill.id)
    item = items_of(drill.id)[0]
    with pytest.raises(ServiceError, match="已结束"):
        service.answer_item(user, drill.id, 1, right_values(item))


def test_another_cadres_drill_is_not_found(make_user, bank):
    """Does asking for someone else's drill or item raise NotFound?"""
    owner, other = make_user(), make_user()
    drill = drill_all(owner, bank)
    from trainer.errors import NotFound

    with pytest.raises(NotFound):
        service.get_drill(other, drill.id)
    with pytest.raises(NotFound):
        service.answer_item(other, drill.id, 1, ["0"])


# ---- the book: record_result -----------------------------------------------------------

@pytest.fixture
def q(bank):
    question = db.session.scalar(select(Question).order_by(Question.id))
    return question


def test_wrong_answer_enters_the_book_due_tomorrow(make_user, q):
    """Does a wrong exam answer add a book entry due the next local day, with its history?"""
    user = make_user()
    day = date(2026, 3, 2)
    service.record_result(user.id, q.id, q.current.id, False, "exam", at=local(day))
    card = card_of(user, q.id)
    assert card.due == day + timedelta(days=1) and card.lapses == 1 and card.last_wrong_source.value == "exam"
    assert [(e.source.value, e.correct) for e in card.log] == [("exam", False)]


def test_right_answer_on_a_question_not_in_the_book_adds_nothing(make_user, q):
    """Does a right answer to a question never missed leave the book empty?"""
    user = make_user()
    service.record_result(user.id, q.id, q.current.id, True, "drill")
    assert card_of(user, q.id) is None


def test_reviews_count_only_when_due_and_master_after_three(make_user, q):
    """Do right answers count only on or after the due day, and master the question after three?"""
    user = make_user()
    day = date(2026, 3, 2)
    rec = lambda correct, d, src="drill": service.record_result(user.id, q.id, q.current.id, correct, src, at=local(d))  # noqa: E731
    rec(False, day)
    rec(True, day)  # same day: not due yet
    assert card_of(user, q.id).reps == 0
    rec(True, day + timedelta(days=1))
    rec(True, day + timedelta(days=2))
    card = card_of(user, q.id)
    assert card.reps == 2 and card.due == day + timedelta(days=8) and not card.mastered
    rec(True, day + timedelta(days=8), "exam")  # a right exam answer on a due entry counts as a review
    card = card_of(user, q.id)
    assert card.mastered and card.mastered_at == local(day + timedelta(days=8))
    assert [(e.correct, e.source.value) for e in reversed(card.log)] == [
        (False, "drill"), (True, "drill"), (True, "drill"), (True, "exam")]


def test_wrong_answer_resets_and_shows_a_removed_entry(make_user, q):
    """Does a new wrong answer bring a mastered, removed entry back into view and start it again?"""
    user = make_user()
    day = date(2026, 3, 2)
    service.record_result(user.id, q.id, q.current.id, False, "drill", at=local(day))
    card = card_of(user, q.id)
    card.reps, card.mastered_at, card.hidden = 3, local(day), True
    db.session.commit()
    service.record_result(user.id, q.id, q.current.id, False, "exam", at=local(day + timedelta(days=20)))
    card = card_of(user, q.id)
    assert not card.hidden and not card.mastered and card.reps == 0 and card.lapses == 2
    assert card.due == day + timedelta(days=21)


def test_record_result_only_flushes(make_user, q):
    """Does record_result leave committing to the caller (exams call it inside their transaction)?"""
    user = make_user()
    user_id = user.id
    service.record_result(user_id, q.id, q.current.id, False, "exam")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReviewCard).where(ReviewCard.user_id == user_id)) == 0


def test_record_result_refuses_an_unknown_source(make_user, q):
    """Is a source other than exam/drill/review refused?"""
    with pytest.raises(ServiceError, match="来源"):
        service.record_result(make_user().id, q.id, q.current.id, False, "quiz")


def test_has_seen_answer_after_a_drill_answer(make_user, bank):
    """Is has_seen_answer False when a question was only drawn and True once it was answered?"""
    user = make_user()
    item = items_of(drill_all(user, bank, qtype="judge").id)[0]
    assert not service.has_seen_answer(user, item.question_id)
    service.answer_item(user, item.drill_id, 1, right_values(item))
    assert service.has_seen_answer(user, item.question_id)
    assert not service.has_seen_answer(type("U", (), {"id": user.id + 999})(), item.question_id)


# ---- streaks, reports ------------------------------------------------------------------

def add_answers(user, q, day: date, n: int, hour: int = 20) -> None:
    """n answered drill items on a local day."""
    drill = Drill(user_id=user.id, title="t", size=n, answered=n, right_count=0, started_at=local(day, hour))
    db.session.add(drill)
    for i in range(n):
        drill.items.append(DrillItem(user_id=user.id, position=i + 1, question_id=q.id, version_id=q.current.id,
                                     option_order=[], response=True, state="wrong", correct=False,
                                     answered_at=local(day, hour) + timedelta(seconds=i)))
    db.session.commit()


def test_drill_days_need_the_minimum_and_follow_local_days(make_user, q):
    """Does a day count only with N answers, by the local (not UTC) calendar day?"""
    user = make_user()
    day = date(2026, 3, 2)
    add_answers(user, q, day, 10, hour=23)  # 23:00 in Shanghai is 15:00 UTC, same day
    add_answers(user, q, day + timedelta(days=1), 9)
    add_answers(user, q, day + timedelta(days=2), 4, hour=7)  # 07:00 local is the previous day in UTC
    add_answers(user, q, day + timedelta(days=2), 6, hour=21)
    assert service.drill_days(user.id, day) == [day, day + timedelta(days=2)]
    assert service.drill_days(user.id, day, min_answers=9) == [day, day + timedelta(days=1), day + timedelta(days=2)]
    assert service.drill_days(user.id, day + timedelta(days=1)) == [day + timedelta(days=2)]


def test_streak_counts_days_in_a_row_up_to_today_or_yesterday(make_user, q):
    """Is the streak the run of qualifying days ending today (or yesterday while today is short)?"""
    user = make_user()
    today = date(2026, 5, 20)
    for back in range(1, 4):
        add_answers(user, q, today - timedelta(days=back), 10)
    add_answers(user, q, today - timedelta(days=5), 10)
    assert service.streak(user.id, today) == 3
    add_answers(user, q, today, 3)
    assert service.streak(user.id, today) == 3
    add_answers(user, q, today, 7)
    assert service.streak(user.id, today) == 4
    assert service.streak(user.id, today + timedelta(days=2)) == 0


def test_streak_longer_than_a_month(make_user, q):
    """Is a streak of 45 days counted in full?"""
    user = make_user()
    today = date(2026, 5, 20)
    for back in range(45):
        add_answers(user, q, today - timedelta(days=back), 10)
    assert service.streak(user.id, today) == 45


def test_most_missed_and_book_size(make_user, bank):
    """Do most_missed rank chapters by wrong answers and book_size count unmastered entries, per cadre?"""
    user, other = make_user(), make_user()
    qs = list(db.session.scalars(select(Question).order_by(Question.id)))
    ch1 = [x for x in qs if x.chapter_id == bank.chapters[0].id]
    ch2 = [x for x in qs if x.chapter_id == bank.chapters[1].id]
    for x in ch1[:3] + ch2[:1]:
        service.record_result(user.id, x.id, x.current.id, False, "exam")
    service.record_result(user.id, ch2[0].id, ch2[0].current.id, False, "drill")
    service.record_result(other.id, ch2[1].id, ch2[1].current.id, False, "drill")
    db.session.commit()
    assert service.most_missed(user.id) == [(bank.title, "第1章", 3), (bank.title, "第2章", 2)]
    assert service.most_missed(user.id, limit=1) == [(bank.title, "第1章", 3)]
    assert service.book_size(user.id) == 4 and service.book_size(other.id) == 1
    card = card_of(user, ch1[0].id)
    card.mastered_at = card.created_at
    db.session.commit()
    assert service.book_size(user.id) == 3


def test_review_session_holds_what_is_due(make_user, bank):
    """Does a review session draw due, unmastered, active and reviewed entries only, and refuse when none is due?"""
    user = make_user()
    qs = list(db.session.scalars(select(Question).order_by(Question.id)))
    today = date(2026, 3, 10)
    for x in qs[:5]:
        service.record_result(user.id, x.id, x.current.id, False, "exam", at=local(today - timedelta(days=3)))
    db.session.commit()
    card_of(user, qs[1].id).mastered_at = local(today)
    qs[2].status = QuestionStatus.retired
    card_of(user, qs[3].id).due = today + timedelta(days=1)
    qs[4].review_state = ReviewState.needs_review  # its regulation changed: no reviews until checked again
    db.session.commit()
    assert service.due_count(user.id, today) == 1
    drill = service.start_review(user, today=today)
    assert [i.question_id for i in drill.items] == [qs[0].id] and drill.kind.value == "review"
    with pytest.raises(ServiceError, match="今天没有"):
        service.start_review(make_user(), today=today)


def test_record_results_matches_record_result_one_by_one(app, make_user, make_bank):
    """Does the batch form leave the book exactly as single calls would?"""
    from sqlalchemy import select

    from trainer.banks.models import Question
    from trainer.practice.models import ReviewCard
    from trainer.timeutil import utcnow

    make_bank(6)
    questions = list(db.session.scalars(select(Question).order_by(Question.id)))
    answers = [(q.id, q.current.id, i % 2 == 0) for i, q in enumerate(questions)]
    one, many = make_user(), make_user()
    now = utcnow()
    for qid, vid, right in answers:
        service.record_result(one.id, qid, vid, right, "exam", at=now)
    service.record_results(many.id, answers, "exam", at=now)
    db.session.commit()

    def book(user):
        return sorted((c.question_id, c.due, c.interval_days, c.lapses) for c in
                      db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == user.id)))

    assert book(one) == book(many) and len(book(many)) == 3
