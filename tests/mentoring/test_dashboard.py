"""The mentor dashboard's figures: quiz scores and their chart, weak spots, last activity."""
from trainer.mentoring import dashboard


def test_scores_and_chart(make_team, make_exam, graded):
    """Are counted graded weekly quiz scores listed oldest first and drawn within the chart?"""
    team = make_team()
    exam = make_exam(n=1)
    u = team.mentees[0]
    graded(exam, u, 40, days_ago=10)
    graded(make_exam(n=1), u, 100, days_ago=2)
    series = dashboard.quiz_scores([u.id])[u.id]
    assert [s for _, s, _ in series] == [40.0, 100.0]
    c = dashboard.chart(series)
    assert len(c.points) == 2 and all(0 <= x <= c.width and 0 <= y <= c.height for x, y, _, _ in c.points)
    assert c.points[1][1] < c.points[0][1]  # the higher score is drawn higher
    assert dashboard.chart([]) is None


def test_attendance_is_none_without_night_school(make_team):
    """Is attendance None (shown as —) when the night-school package is absent?"""
    import importlib.util

    if importlib.util.find_spec("trainer.nightschool") is None:
        assert dashboard.attendance([1]) is None


def test_weak_spots_from_attempts_and_book(make_team, make_exam, db):
    """Are the chapters and articles a mentee gets wrong counted from attempt items and the wrong-answer book?"""
    from trainer.exams import service
    from trainer.exams.models import AttemptState
    from trainer.practice.models import ReviewCard
    from trainer.timeutil import local_today

    team = make_team()
    u = team.mentees[0]
    exam = make_exam(n=3)
    attempt = service.start_attempt(exam, u)
    attempt.state = AttemptState.graded
    for item in attempt.items:
        item.state = "wrong"
    first = attempt.items[0]
    db.session.add(ReviewCard(user_id=u.id, question_id=first.question_id, due=local_today()))
    db.session.commit()
    chapters, articles = dashboard.weak_spots(u.id)
    assert sum(n for _, n in chapters) == 4 and all("第" in name for name, _ in chapters)
    assert articles and articles[0][1] >= 1


def test_last_activity_takes_the_latest(make_team, make_exam, graded):
    """Is last activity the latest of sign-in, quiz and review?"""
    team = make_team()
    u = team.mentees[0]
    a = graded(make_exam(n=1), u, 60, days_ago=1)
    assert dashboard.last_activity([u.id])[u.id] == a.submitted_at
