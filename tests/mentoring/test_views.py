"""Mentoring pages: a mentor sees only their own mentees; mentees see their mentor; admin pages."""
from datetime import timedelta

from sqlalchemy import func, select

from trainer.mentoring.models import MentorNote, MentorTeam, TeamMember
from trainer.org.models import Role
from trainer.timeutil import local_today


def test_mentor_cannot_open_another_teams_mentee(login_as, make_team):
    """Does a mentor get 403 on another team's mentee by changing the id, and 404 on a non-mentee?"""
    mine, theirs = make_team(), make_team()
    c = login_as(user=mine.mentor)
    assert c.get(f"/mentoring/mentees/{mine.mentees[0].id}").status_code == 200
    assert c.get(f"/mentoring/mentees/{theirs.mentees[0].id}").status_code == 403
    assert c.get(f"/mentoring/mentees/{theirs.mentor.id}").status_code == 404
    page = c.get("/mentoring").get_data(as_text=True)
    assert mine.mentees[0].name in page and theirs.mentees[0].name not in page


def test_mentor_cannot_write_notes_for_another_team(login_as, make_team, db):
    """Is a note posted to another team's address refused with 403 and nothing stored?"""
    mine, theirs = make_team(), make_team()
    c = login_as(user=mine.mentor)
    r = c.post(f"/mentoring/teams/{theirs.id}/notes", data={"held_on": local_today().isoformat(), "mentee_id": 0,
                                                             "discussed": "越权", "shared": "y"})
    assert r.status_code == 403
    r = c.post(f"/mentoring/teams/{mine.id}/notes", data={"held_on": local_today().isoformat(), "mentee_id": 0,
                                                           "discussed": "谈话", "next_steps": "下一步", "shared": "y"})
    assert r.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MentorNote)) == 1


def test_cadres_cannot_open_mentor_pages(login_as, make_team):
    """Do cadres get 403 on mentee pages and admin pages, even their own?"""
    team = make_team()
    c = login_as(user=team.mentees[0])
    assert c.get(f"/mentoring/mentees/{team.mentees[0].id}").status_code == 403
    assert c.get(f"/mentoring/mentees/{team.mentees[1].id}").status_code == 403
    for url in ("/admin/mentoring", "/admin/mentoring/new", f"/admin/mentoring/{team.id}", "/admin/onboarding"):
        assert c.get(url).status_code == 403
    assert login_as(user=team.mentor).get("/admin/mentoring").status_code == 403


def test_mentee_sees_mentor_and_shared_notes_only(login_as, make_team):
    """Does the mentee page show the mentor and shared notes, not private ones?"""
    from trainer.mentoring import service

    team = make_team()
    service.add_note(team.mentor, team, service.NoteData(local_today(), "公开谈话"))
    service.add_note(team.mentor, team, service.NoteData(local_today(), "导师私记", shared=False))
    page = login_as(user=team.mentees[0]).get("/mentoring").get_data(as_text=True)
    assert team.mentor.name in page and "公开谈话" in page and "导师私记" not in page
    assert "导师私记" in login_as(user=team.mentor).get("/mentoring").get_data(as_text=True)


def _team_form(mentor, ids, name="新小组"):
    start = local_today()
    return {"name": name, "mentor_id": mentor.id, "mentee_ids": ids, "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=90)).isoformat(), "goals": "目标"}


def test_admin_forms_team_and_bad_input_is_refused(login_as, make_user, make_team, db):
    """Can an admin form a team, and are a fourth mentee and a busy cadre refused in Chinese with nothing changed?"""
    admin = login_as("admin")
    mentor = make_user(Role.mentor)
    cadres = [make_user(Role.cadre) for _ in range(4)]
    r = admin.post("/admin/mentoring/new", data=_team_form(mentor, [c.id for c in cadres]))
    assert r.status_code == 422 and "每个小组须有 2—3 名学员" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MentorTeam)) == 0
    r = admin.post("/admin/mentoring/new", data=_team_form(mentor, [c.id for c in cadres[:3]]))
    assert r.status_code == 302
    team = db.session.scalar(select(MentorTeam))
    r = admin.post(f"/admin/mentoring/{team.id}/members", data={"user_id": cadres[3].id})
    assert r.status_code == 422 and "最多 3 名学员" in r.get_data(as_text=True)
    other = make_team()
    r = admin.post(f"/admin/mentoring/{other.id}/members", data={"user_id": cadres[0].id})
    assert r.status_code == 422 and "已在进行中的小组" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TeamMember)
                             .where(TeamMember.user_id == cadres[0].id)) == 1
    page = admin.get(f"/admin/mentoring/{team.id}").get_data(as_text=True)
    assert "组建小组：导师" in page


def test_admin_changes_and_ends_team(login_as, make_team, make_user, db):
    """Can an admin add, remove, rename and end a team, with the history shown?"""
    team = make_team(2)
    admin = login_as("admin")
    newcomer = make_user(Role.cadre, name="新学员")
    assert admin.post(f"/admin/mentoring/{team.id}/members", data={"user_id": newcomer.id}).status_code == 302
    leaver = team.mentees[0]
    assert admin.post(f"/admin/mentoring/{team.id}/members/{leaver.id}/remove").status_code == 302
    data = _team_form(team.mentor, [], name="改名小组")
    assert admin.post(f"/admin/mentoring/{team.id}/edit", data=data).status_code == 302
    assert admin.post(f"/admin/mentoring/{team.id}/end", data={"outcome": "completed", "note": "期满"}).status_code == 302
    page = admin.get(f"/admin/mentoring/{team.id}").get_data(as_text=True)
    assert "增加学员 新学员" in page and f"移出学员 {leaver.name}" in page and "已结业" in page and "改名小组" in page
    assert admin.get("/admin/mentoring/99999").status_code == 404


def test_admin_overview_compares_teams(login_as, make_team, make_exam, graded):
    """Does the overview show each team's average quiz score and its change since the start?"""
    team = make_team(2, starts_on=local_today() - timedelta(days=14))
    exam = make_exam(n=1)
    a, b = team.mentees
    graded(exam, a, 50, days_ago=30)
    graded(exam, b, 70, days_ago=5)
    graded(make_exam(n=1), a, 90, days_ago=3)
    page = login_as("admin").get("/admin/mentoring").get_data(as_text=True)
    assert team.name in page and "80%" in page and "▲ 30" in page


def test_homes(login_as, make_team):
    """Do the mentor, mentee and admin homes show their mentoring panels?"""
    team = make_team()
    assert team.mentees[0].name in login_as(user=team.mentor).get("/").get_data(as_text=True)
    assert team.mentor.name in login_as(user=team.mentees[0]).get("/").get_data(as_text=True)
    assert "需关注的传帮带小组" in login_as("admin").get("/").get_data(as_text=True)
