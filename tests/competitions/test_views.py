"""Who sees which board and page; admin actions; exports."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from tests.competitions.conftest import sit
from trainer.competitions import service
from trainer.exams.models import Audience
from trainer.extensions import db
from trainer.org.models import Role
from trainer.timeutil import utcnow


@pytest.fixture
def contest(make_competition, make_user, make_unit):
    """A competition for one unit, with two cadres of that unit who took part."""
    unit = make_unit("干部科")
    exam = make_competition(audience=Audience.units, unit_ids=[unit.id])
    a = make_user(Role.cadre, unit=unit, name="=HYPERLINK(\"x\")")
    b = make_user(Role.cadre, unit=unit, name="<b>乙</b>")
    sit(exam, a, 4)
    attempt = sit(exam, b, 2)
    attempt.focus_lost_count = 5
    db.session.commit()
    exam.unit, exam.cadre = unit, a
    return exam


def test_anonymous_is_sent_to_sign_in(client, contest):
    """Does an anonymous visitor get the sign-in page, not a board?"""
    for url in (f"/competitions/{contest.id}", f"/competitions/{contest.id}/board.json", "/points", "/points/rules"):
        assert client.get(url).status_code == 302


def test_audience_sees_the_board_without_marks(login_as, contest):
    """Does a cadre in the audience see the board and its JSON, escaped, without the admins' marks or links to
    answers?"""
    c = login_as(user=contest.cadre)
    page = c.get(f"/competitions/{contest.id}").get_data(as_text=True)
    assert "&lt;b&gt;乙&lt;/b&gt;" in page and "<b>乙</b>" not in page
    assert "bi-exclamation-triangle-fill" not in page and "/attempts/" not in page
    data = c.get(f"/competitions/{contest.id}/board.json").get_json()
    assert [r["rank"] for r in data["rows"]] == [1, 2]
    assert all("flag" not in r for r in data["rows"]) and data["rows"][0]["me"]
    assert c.get(f"/competitions/{contest.id}/screen").status_code == 200
    assert c.get(f"/competitions/{contest.id}?tab=office&order=rate").status_code == 200
    assert "知识竞赛" in c.get("/competitions").get_data(as_text=True)


def test_others_outside_the_audience_are_refused(login_as, contest):
    """Is a cadre outside the audience refused the board, its JSON and big screen (and not shown it in the list)?"""
    c = login_as("cadre")
    for url in (f"/competitions/{contest.id}", f"/competitions/{contest.id}/board.json",
                f"/competitions/{contest.id}/screen"):
        assert c.get(url).status_code == 403
    assert "知识竞赛" not in c.get("/competitions").get_data(as_text=True)


def test_an_ordinary_exam_has_no_board(login_as, make_exam):
    """Is a board of an exam that is not a competition not found?"""
    exam = make_exam()
    c = login_as("admin")
    assert c.get(f"/competitions/{exam.id}").status_code == 404
    assert c.get(f"/admin/competitions/{exam.id}").status_code == 404


def test_cadres_cannot_use_admin_pages(login_as, contest):
    """Are the admin pages, actions and exports refused to cadres and mentors, and ?actual ignored for them?"""
    for role in ("cadre", "mentor"):
        c = login_as(role)
        assert c.get("/admin/competitions").status_code == 403
        assert c.get(f"/admin/competitions/{contest.id}").status_code == 403
        assert c.post(f"/admin/competitions/{contest.id}/reveal").status_code == 403
        assert c.post(f"/admin/competitions/{contest.id}", data={"freeze_minutes": 5}).status_code == 403
        assert c.get(f"/admin/competitions/{contest.id}/board.xlsx").status_code == 403
        assert c.get("/points/board.xlsx").status_code == 403
        assert c.post("/admin/points/refresh").status_code == 403
        assert c.post("/admin/points/rules/1", data={"r1-points": 50}).status_code == 403
    c = login_as(user=contest.cadre)
    contest.closes_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    service.update_settings(contest.admin, contest, service.SettingsData(freeze_minutes=10))
    sit(contest, login_as("cadre", unit=contest.unit).user, 5)
    data = c.get(f"/competitions/{contest.id}/board.json?actual=1").get_json()
    assert data["frozen"] and data["count"] == 2


def test_admin_sees_marks_and_the_actual_board(login_as, contest):
    """Does an admin see the suspicious marks, the link to the answers and the whole standings?"""
    c = login_as(user=contest.admin)
    page = c.get(f"/admin/competitions/{contest.id}").get_data(as_text=True)
    assert "bi-exclamation-triangle-fill" in page and "/admin/attempts/" in page
    data = c.get(f"/competitions/{contest.id}/board.json").get_json()
    assert [r["flag"] for r in data["rows"]] == [False, True]
    assert "bi-exclamation-triangle-fill" in c.get(f"/competitions/{contest.id}").get_data(as_text=True)
    screen = c.get(f"/competitions/{contest.id}/screen").get_data(as_text=True)
    assert "bi-exclamation-triangle-fill" not in screen and 'data-admin="0"' in screen  # the room sees the projector
    assert contest.title in c.get("/admin/competitions").get_data(as_text=True)


def test_admin_sets_freeze_and_reveals(login_as, contest):
    """Can an admin set the freeze and awards, and reveal only after the end (audited)?"""
    c = login_as(user=contest.admin)
    r = c.post(f"/admin/competitions/{contest.id}", data={"freeze_minutes": 15, "award_basis": "share", "first": 10,
                                                          "second": 20, "third": 30, "excellence": 10})
    assert r.status_code == 302
    db.session.expire_all()
    s = service.get_settings(contest)
    assert s.freeze_minutes == 15 and s.award_basis.value == "share"
    bad = c.post(f"/admin/competitions/{contest.id}", data={"freeze_minutes": 15, "award_basis": "share", "first": 60,
                                                            "second": 60, "third": 0, "excellence": 0})
    assert "不能超过 100%" in bad.get_data(as_text=True)
    r = c.post(f"/admin/competitions/{contest.id}/reveal", follow_redirects=True)
    assert "结束后才能揭晓" in r.get_data(as_text=True)
    contest.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = c.post(f"/admin/competitions/{contest.id}/reveal", follow_redirects=True)
    assert "排名已揭晓" in r.get_data(as_text=True)
    from trainer.audit.models import AuditLog

    assert {a.action for a in db.session.query(AuditLog)} >= {"competition.settings", "competition.reveal"}


def test_exports_escape_formulas(login_as, contest):
    """Do the board exports have every board as a sheet with formula-like names escaped?"""
    c = login_as(user=contest.admin)
    r = c.get(f"/admin/competitions/{contest.id}/board.xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames[:3] == ["个人排名", "科室排名", "镇街区排名"]
    names = [row[1].value for row in wb["个人排名"].iter_rows(min_row=2)]
    assert not any(str(n).startswith("=") for n in names) and any("HYPERLINK" in str(n) for n in names)
    r = c.get("/points/board.xlsx?period=month")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.data)).sheetnames[0].startswith("积分排行")


def test_points_pages(login_as, make_exam):
    """Can a cadre see their points, the boards of each period and the rules (without edit forms)?"""
    exam = make_exam(n=5)
    c = login_as("cadre")
    sit(exam, c.user, 5)
    page = c.get("/points").get_data(as_text=True)
    assert "本周积分" in page and "参加每周测验" in page
    for q in ("", "?period=month", "?period=term&since=2026-01-01&until=2026-12-31", "?period=term&since=2026-05-01&until=2026-01-01"):
        assert c.get("/points/board" + q).status_code == 200
    rules = c.get("/points/rules").get_data(as_text=True)
    assert "连续练兵" in rules and "保存" not in rules


def test_admin_edits_rules_and_refreshes(login_as, make_user):
    """Can an admin change a rule and run a refresh for a range?"""
    c = login_as("admin")
    from trainer.competitions import points

    rule = points.list_rules()[0]
    db.session.commit()
    r = c.post(f"/admin/points/rules/{rule.id}", data={f"r{rule.id}-points": 9, f"r{rule.id}-cap_per_week": "",
                                                       f"r{rule.id}-active": "y"})
    db.session.expire_all()
    assert r.status_code == 302 and points.get_rule(rule.id).points == 9
    assert "保存" in c.get("/points/rules").get_data(as_text=True)
    r = c.post("/admin/points/refresh", data={"since": "2026-01-01", "until": "2026-01-31"}, follow_redirects=True)
    assert "已重新统计" in r.get_data(as_text=True)


def test_home_panels(login_as, make_competition):
    """Does a cadre's home show this week's points and rank, and an admin's the competitions running now?"""
    exam = make_competition(title="演讲知识竞赛")
    cadre = login_as("cadre")
    assert "本周学习积分" in cadre.get("/").get_data(as_text=True)
    admin = login_as(user=exam.admin)
    page = admin.get("/").get_data(as_text=True)
    assert "进行中的竞赛" in page and "演讲知识竞赛" in page


def test_board_json_is_cheap(login_as, contest, make_user, count_queries):
    """Does a poll of board.json cost a handful of queries whatever the number of people, fewer when cached?"""
    for _ in range(8):
        sit(contest, make_user(Role.cadre, unit=contest.unit), 3)
    c = login_as(user=contest.cadre)
    service._CACHE.clear()
    with count_queries() as first:
        assert c.get(f"/competitions/{contest.id}/board.json").status_code == 200
    with count_queries() as second:
        c.get(f"/competitions/{contest.id}/board.json")
    assert first() <= 8 and second() < first()


def test_admin_issues_honour_certificates_from_the_competition_page(login_as, contest):
    """Once final, does the competition page's button issue the award winners' honour certificates?"""
    certificates = service._optional("trainer.certificates.service")
    if certificates is None:
        pytest.skip("certificates absent")
    c = login_as(user=contest.admin)
    assert "竞赛结束" in c.get(f"/admin/competitions/{contest.id}").get_data(as_text=True)
    contest.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = c.get(f"/admin/competitions/{contest.id}").get_data(as_text=True)
    assert "颁发获奖证书" in page and 'name="src-csrf_token"' in page
    r = c.post("/admin/certificates/issue/source", data={"src-source": "competition", "src-ident": contest.id},
               follow_redirects=True)
    assert "已颁发 2 张证书" in r.get_data(as_text=True)
