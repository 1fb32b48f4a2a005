"""Boards from real attempts: people, units with participation, teams, freeze and reveal, awards."""
import types
from datetime import timedelta

import pytest

from tests.competitions.conftest import sit
from trainer.competitions import service
from trainer.competitions.models import AwardBasis
from trainer.errors import ServiceError
from trainer.exams import service as exams
from trainer.exams.models import Audience
from trainer.extensions import db
from trainer.org.models import Role, UnitKind
from trainer.timeutil import utcnow


def _data(**kw):
    return service.SettingsData(**kw)


def test_people_are_ranked_by_score_then_time(make_competition, make_user):
    """Do real attempts rank by score, then time used?"""
    exam = make_competition()
    a, b, c = (make_user(Role.cadre, name=n) for n in ("甲", "乙", "丙"))
    sit(exam, a, 3, used=300)
    sit(exam, b, 4, used=900)
    sit(exam, c, 3, used=200)
    board = service.board(exam)
    assert [(e.extra["name"], e.score, e.rank) for e in board.people] == [("乙", 8, 1), ("丙", 6, 2), ("甲", 6, 3)]


def test_unit_boards_count_the_whole_audience_and_towns_include_villages(make_competition, make_user, make_unit):
    """Is a town ranked with its villages' people, and do non-participants count as 0 in the default order?"""
    town = make_unit("青石镇", UnitKind.town)
    village = make_unit("下洋村", UnitKind.village, parent=town)
    other = make_unit("白沙镇", UnitKind.town)
    office = make_unit("干部科", UnitKind.office)
    exam = make_competition()
    star = make_user(Role.cadre, unit=town)
    make_user(Role.cadre, unit=village)
    make_user(Role.cadre, unit=village)
    steady = [make_user(Role.cadre, unit=other) for _ in range(2)]
    make_user(Role.cadre, unit=office)
    sit(exam, star, 5)
    for u in steady:
        sit(exam, u, 3)
    people = service.board(exam).people
    towns = service.unit_board(exam, people, UnitKind.town)
    assert [(g.name, g.audience, g.participants) for g in towns] == [("白沙镇", 2, 2), ("青石镇", 3, 1)]
    assert round(towns[1].audience_avg, 2) == round(10 / 3, 2) and towns[1].participant_avg == 10
    assert [g.name for g in service.unit_board(exam, people, UnitKind.town, "participant_avg")] == ["青石镇", "白沙镇"]
    offices = service.unit_board(exam, people, UnitKind.office)
    assert [(g.name, g.participants, g.audience_avg) for g in offices] == [("干部科", 0, 0.0)]


def test_unit_board_follows_the_exam_audience(make_competition, make_user, make_unit):
    """Are only the competition's audience counted in a unit (not everyone in it)?"""
    town = make_unit("青石镇", UnitKind.town)
    a = make_user(Role.cadre, unit=town)
    make_user(Role.cadre, unit=town)
    exam = make_competition(audience=Audience.people, user_ids=[a.id])
    sit(exam, a, 5)
    towns = service.unit_board(exam, service.board(exam).people, UnitKind.town)
    assert [(g.audience, g.participants) for g in towns] == [(1, 1)]


def test_team_board_is_absent_without_mentoring(make_competition):
    """Without the mentoring domain, is there no team board?"""
    exam = make_competition()
    if service.teams_available():
        pytest.skip("mentoring is present")
    assert service.team_board(exam, []) is None


def test_team_board_through_the_mentoring_contract(make_competition, make_user, monkeypatch):
    """Are mentoring teams (mentor and mentees) ranked through active_teams()?"""
    exam = make_competition()
    m1, m2 = make_user(Role.mentor), make_user(Role.mentor)
    c1, c2, c3 = (make_user(Role.cadre) for _ in range(3))
    fake = types.SimpleNamespace(active_teams=lambda: [
        {"team_id": 1, "name": "一组", "mentor_id": m1.id, "mentee_ids": [c1.id, c2.id]},
        {"team_id": 2, "name": "二组", "mentor_id": m2.id, "mentee_ids": [c3.id]}])
    real = service._optional
    monkeypatch.setattr(service, "_optional", lambda name: fake if name == "trainer.mentoring.service" else real(name))
    for u in (m2, c3):
        sit(exam, u, 4)
    sit(exam, c1, 5)
    rows = service.team_board(exam, service.board(exam).people)
    assert [(r.name, r.audience, r.participants) for r in rows] == [("二组", 2, 2), ("一组", 3, 1)]


def _freeze_now(exam, minutes: int = 10):
    """Move the close so that the freeze starts now."""
    exam.opens_at = utcnow() - timedelta(hours=1)
    exam.closes_at = utcnow() + timedelta(minutes=minutes)
    db.session.commit()
    service.update_settings(exam.admin, exam, _data(freeze_minutes=minutes))


def test_freeze_hides_later_submissions_until_reveal(make_competition, make_user):
    """While frozen, does the public board keep the standings of the freeze time (admins' actual view does not),
    and after the close and reveal show everything?"""
    exam = make_competition()
    early, late = make_user(Role.cadre, name="早"), make_user(Role.cadre, name="晚")
    sit(exam, early, 2, submitted_at=utcnow() - timedelta(minutes=20))
    _freeze_now(exam)
    sit(exam, late, 5)
    public = service.board(exam)
    assert public.frozen and [e.extra["name"] for e in public.people] == ["早"]
    assert public.live and not public.final
    assert [e.extra["name"] for e in service.board(exam, actual=True).people] == ["晚", "早"]
    with pytest.raises(ServiceError):
        service.reveal(exam.admin, exam)  # not before the end
    exams.close_now(exam.admin, exam)
    service._CACHE.clear()
    assert service.board(exam).frozen  # ended, still frozen until revealed
    service.reveal(exam.admin, exam)
    final = service.board(exam)
    assert not final.frozen and final.final and not final.live
    assert [e.extra["name"] for e in final.people] == ["晚", "早"]
    with pytest.raises(ServiceError):
        service.reveal(exam.admin, exam)


def test_settings_are_checked(make_competition):
    """Are freeze minutes beyond the competition and impossible award tiers refused?"""
    exam = make_competition()
    with pytest.raises(ServiceError):
        service.update_settings(exam.admin, exam, _data(freeze_minutes=600))
    with pytest.raises(ServiceError):
        service.update_settings(exam.admin, exam, _data(award_basis=AwardBasis.share, first=50, second=40, third=20))
    with pytest.raises(ServiceError):
        service.update_settings(exam.admin, exam, _data(first=1.5))
    s = service.update_settings(exam.admin, exam, _data(freeze_minutes=15, first=1, second=1, third=1, excellence=2))
    assert s.freeze_minutes == 15 and service.freeze_at(exam) == exam.closes_at - timedelta(minutes=15)


def test_awards_and_the_certificate_source(make_competition, make_user):
    """Are awards given by the tiers once the standings are final, and listed for honour certificates?"""
    exam = make_competition()
    people = [make_user(Role.cadre) for _ in range(5)]
    for n, u in enumerate(people):
        sit(exam, u, 5 - n if n < 4 else 0, used=300)
    service.update_settings(exam.admin, exam, _data(first=1, second=1, third=1, excellence=5))
    assert service.certificate_specs(exam.id) == []  # not ended yet
    exams.close_now(exam.admin, exam)
    specs = service.certificate_specs(exam.id)
    assert [(s["holder"], s["award"]) for s in specs] == [(people[0].id, "一等奖"), (people[1].id, "二等奖"),
                                                          (people[2].id, "三等奖"), (people[3].id, "优秀奖")]
    assert specs[0] == {"kind": "honour", "holder": people[0].id, "title": exam.title,
                        "subject_ref": f"competition:{exam.id}", "award": "一等奖", "score": 10}
    assert service.certificate_specs(99999) == []


def test_competition_source_is_registered(app):
    """Is the "competition" certificate source registered with the certificates domain?"""
    certificates = service._optional("trainer.certificates.service")
    if certificates is None:
        pytest.skip("certificates absent")
    assert "competition" in certificates.SOURCES


def test_suspicious_attempts_are_marked(make_competition, make_user):
    """Is an attempt with many focus losses marked on the board data?"""
    exam = make_competition()
    u = make_user(Role.cadre)
    a = sit(exam, u, 3)
    a.focus_lost_count = service.FOCUS_LOST_MARK
    db.session.commit()
    assert service.board(exam).people[0].extra["suspicious"]


def test_board_is_one_query_and_cached(make_competition, make_user, count_queries):
    """Is a board one query of attempts however many took part, and served from the cache within seconds?"""
    exam = make_competition()
    for _ in range(6):
        sit(exam, make_user(Role.cadre), 3)
    service._CACHE.clear()
    service.get_settings(exam)
    with count_queries() as n:
        service.standings(exam)
    assert n() <= 2
    with count_queries() as n:
        service.standings(exam)
    assert n() <= 1


def test_boards_poll_only_while_something_can_change(make_competition):
    """Does a board poll while running and shortly before the start, but not days ahead?"""
    exam = make_competition()
    assert service.board(exam).live
    exam.opens_at = utcnow() + timedelta(days=3)
    exam.closes_at = exam.opens_at + timedelta(hours=1)
    db.session.commit()
    assert not service.board(exam).live
    exam.opens_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert service.board(exam).live
