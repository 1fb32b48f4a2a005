"""Mentoring teams: the 2–3 mentee rule, one active team per cadre, changes recorded, ending, the contract."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from trainer.errors import NotFound, ServiceError
from trainer.mentoring import service
from trainer.mentoring.models import MentorTeam, TeamMember, TeamState
from trainer.org.models import Role
from trainer.timeutil import local_today


def _data(mentor, name="小组"):
    start = local_today()
    return service.TeamData(name, mentor.id, start, start + timedelta(days=90), "")


def test_form_team_and_contract(make_team):
    """Does a formed team appear in active_teams with its mentor and mentees?"""
    team = make_team(3)
    assert service.active_teams() == [{"team_id": team.id, "name": team.name, "mentor_id": team.mentor_id,
                                       "mentee_ids": [m.id for m in team.mentees]}]
    assert team.events[0].kind == "formed"


@pytest.mark.parametrize("n", [1, 4])
def test_team_size_enforced(db, make_user, n):
    """Is a team of one or four mentees refused with a Chinese message and nothing stored?"""
    admin, mentor = make_user(Role.admin), make_user(Role.mentor)
    ids = [make_user(Role.cadre).id for _ in range(n)]
    with pytest.raises(ServiceError, match="每个小组须有 2—3 名学员"):
        service.form_team(admin, _data(mentor), ids)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(MentorTeam)) == 0


def test_fourth_mentee_refused(db, make_team, make_user):
    """Is adding a fourth mentee refused, leaving three?"""
    team = make_team(3)
    with pytest.raises(ServiceError, match="最多 3 名学员"):
        service.add_member(team.admin, team, make_user(Role.cadre).id)
    db.session.rollback()
    assert len(db.session.get(MentorTeam, team.id).current) == 3


def test_cadre_in_one_active_team_only(db, make_team, make_user):
    """Is a cadre already in another active team refused, both on forming and on adding?"""
    first = make_team(2)
    busy = first.mentees[0]
    with pytest.raises(ServiceError, match="已在进行中的小组"):
        service.form_team(first.admin, _data(make_user(Role.mentor)), [busy.id, make_user(Role.cadre).id])
    db.session.rollback()
    second = make_team(2)
    with pytest.raises(ServiceError, match="已在进行中的小组"):
        service.add_member(first.admin, second, busy.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TeamMember)
                             .where(TeamMember.user_id == busy.id)) == 1


def test_only_cadres_are_mentees_and_mentors_lead(make_user):
    """Are a mentor as mentee and a cadre as mentor refused?"""
    admin = make_user(Role.admin)
    with pytest.raises(ServiceError, match="学员须为在岗的干部"):
        service.form_team(admin, _data(make_user(Role.mentor)), [make_user(Role.mentor).id, make_user(Role.cadre).id])
    with pytest.raises(ServiceError, match="请选择一名在岗的导师"):
        service.form_team(admin, _data(make_user(Role.cadre)), [make_user(Role.cadre).id, make_user(Role.cadre).id])


def test_period_checked(make_user):
    """Is an end date before the start refused?"""
    mentor = make_user(Role.mentor)
    data = service.TeamData("组", mentor.id, local_today(), local_today() - timedelta(days=1))
    with pytest.raises(ServiceError, match="结束日期须晚于开始日期"):
        service.form_team(make_user(Role.admin), data, [make_user(Role.cadre).id, make_user(Role.cadre).id])


def test_membership_history(make_team, make_user):
    """Are additions, removals and mentor changes recorded, with the left member kept?"""
    team = make_team(2)
    newcomer = make_user(Role.cadre)
    service.add_member(team.admin, team, newcomer.id)
    leaver = team.mentees[0]
    service.remove_member(team.admin, team, leaver.id)
    new_mentor = make_user(Role.mentor, name="新导师")
    data = service.TeamData(team.name, new_mentor.id, team.starts_on, team.ends_on, team.goals)
    service.update_team(team.admin, team, data)
    kinds = [e.kind for e in team.events]
    assert kinds.count("member_added") == 1 and kinds.count("member_removed") == 1 and "updated" in kinds
    assert any("新导师" in e.summary for e in team.events)
    assert leaver.id not in [u.id for u in team.mentees]
    assert any(m.user_id == leaver.id and m.left_at for m in team.memberships)
    assert service.team_of_mentee(leaver.id) is None


def test_cannot_drop_below_two(make_team):
    """Is removing a mentee from a team of two refused?"""
    team = make_team(2)
    with pytest.raises(ServiceError, match="至少 2 名学员"):
        service.remove_member(team.admin, team, team.mentees[0].id)
    with pytest.raises(NotFound):
        service.remove_member(team.admin, team, 999999)


def test_end_team_and_certificate_source(make_team):
    """Does a completed team list its members for certificates, and a dissolved one none?"""
    done, gone = make_team(2), make_team(2)
    assert service.team_certificates(done.id) == []
    service.end_team(done.admin, done, completed=True)
    service.end_team(gone.admin, gone, completed=False)
    specs = service.team_certificates(done.id)
    assert {s["holder"] for s in specs} == {done.mentor_id, *[m.id for m in done.mentees]}
    assert all(s["kind"] == "mentoring" and s["subject_ref"] == f"team:{done.id}" and s["title"] == done.name
               and s["period"] for s in specs)
    assert service.team_certificates(gone.id) == []
    assert service.active_teams() == []
    assert done.state == TeamState.completed
    with pytest.raises(ServiceError, match="小组已结束"):
        service.add_member(done.admin, done, done.mentees[0].id)


def test_sources_registered(app):
    """Are the "team" and "onboarding" certificate sources registered?"""
    from trainer.certificates import service as certificates

    assert certificates.get_source("team").fn is service.team_certificates
    assert certificates.get_source("onboarding").label == "入职学习计划"


def test_notes_shared_or_private(make_team, make_user):
    """Does a mentee see shared notes about the team or them, and not private ones or another mentee's?"""
    team = make_team(2)
    a, b = team.mentees
    day = local_today()
    service.add_note(team.mentor, team, service.NoteData(day, "全组谈话", "下一步"))
    service.add_note(team.mentor, team, service.NoteData(day, "与甲谈话", mentee_id=a.id))
    service.add_note(team.mentor, team, service.NoteData(day, "私下记录", mentee_id=a.id, shared=False))
    service.add_note(team.mentor, team, service.NoteData(day, "与乙谈话", mentee_id=b.id))
    seen = [n.discussed for n in service.notes_of_team(team.id, a.id, shared_only=True)]
    assert sorted(seen) == sorted(["全组谈话", "与甲谈话"])
    with pytest.raises(ServiceError, match="请填写谈话内容"):
        service.add_note(team.mentor, team, service.NoteData(day, " "))
    with pytest.raises(ServiceError, match="不能晚于今天"):
        service.add_note(team.mentor, team, service.NoteData(day + timedelta(days=2), "未来"))
    from trainer.errors import Forbidden

    with pytest.raises(Forbidden):
        service.add_note(make_user(Role.mentor), team, service.NoteData(day, "越权"))
