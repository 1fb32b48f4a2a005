"""Night-school pages: who may see what, and the admin and cadre flows through the real routes."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from trainer.extensions import db
from trainer.nightschool import checkin, service
from trainer.nightschool.models import (
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    LeaveState,
    Material,
    NightSession,
    Term,
)
from trainer.org.models import Role


def _pdf(admin, s):
    return service.add_material(admin, s, b"%PDF-1.4\n%%EOF", "讲义.pdf")


# ---- refusals ----------------------------------------------------------------------------------------------

def test_cadre_outside_audience_cannot_see_download_or_check_in(login_as, make_session, make_user, make_unit):
    """Is a cadre of another unit refused the session page, its material and check-in (403), with nothing recorded?"""
    unit = make_unit()
    s = make_session(units=[unit])
    m = _pdf(make_user(Role.admin), s)
    outsider = login_as("cadre")
    assert outsider.get(f"/nightschool/sessions/{s.id}").status_code == 403
    assert outsider.get(f"/nightschool/materials/{m.id}").status_code == 403
    code, _ = checkin.current_code(s)
    assert outsider.post(f"/nightschool/checkin/{s.id}", data={"code": code}).status_code == 403
    assert db.session.query(Attendance).count() == 0
    insider = login_as("cadre", unit=unit)
    resp = insider.get(f"/nightschool/materials/{m.id}")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["cadre", "mentor"])
def test_cadre_cannot_open_admin_pages(login_as, make_session, make_user, role):
    """Does every admin page answer 403 to a cadre or mentor?"""
    s = make_session()
    m = _pdf(make_user(Role.admin), s)
    leave = LeaveRequest(session_id=s.id, user_id=make_user().id, reason="事由")
    db.session.add(leave)
    db.session.commit()
    c = login_as(role)
    for url in ["/admin/nightschool", "/admin/nightschool/terms/new", f"/admin/nightschool/terms/{s.term_id}",
                f"/admin/nightschool/terms/{s.term_id}/series", f"/admin/nightschool/terms/{s.term_id}/hours",
                f"/admin/nightschool/terms/{s.term_id}/hours/{c.user.id}", f"/admin/nightschool/sessions/{s.id}",
                f"/admin/nightschool/sessions/{s.id}/edit", f"/admin/nightschool/sessions/{s.id}/screen",
                f"/admin/nightschool/sessions/{s.id}/code", f"/admin/nightschool/sessions/{s.id}/qr.png",
                "/admin/nightschool/leave"]:
        assert c.get(url).status_code == 403, url
    for url in [f"/admin/nightschool/sessions/{s.id}/attendance", f"/admin/nightschool/sessions/{s.id}/cancel",
                f"/admin/nightschool/materials/{m.id}/delete", f"/admin/nightschool/leave/{leave.id}/approve"]:
        assert c.post(url, data={"reason": "x"}).status_code == 403, url
    db.session.expire_all()
    assert not s.cancelled and db.session.query(Material).count() == 1 and leave.state == LeaveState.pending


def test_anonymous_sent_to_sign_in_and_feed_needs_token(client, make_user):
    """Are pages closed to the anonymous, and an unknown feed token a 404?"""
    assert client.get("/nightschool").status_code in (302, 401)
    assert client.get("/nightschool/feed/nope.ics").status_code == 404


# ---- admin flows -------------------------------------------------------------------------------------------

def test_admin_creates_term_and_series(login_as):
    """Can an admin create a term and a weekly series, and is a series ending before it starts refused?"""
    admin = login_as("admin")
    resp = admin.post("/admin/nightschool/terms/new", data={
        "title": "2027年春季学期", "starts_on": "2027-03-01", "ends_on": "2027-06-30", "late_after_minutes": 10,
        "late_credit": "half", "completion_percent": 80}, follow_redirects=True)
    assert "已保存期次" in resp.get_data(as_text=True)
    term = db.session.query(Term).one()
    bad = {"topic": "条例", "weekday": 2, "start": "19:00", "end": "20:30", "first_day": "2027-05-01",
           "last_day": "2027-03-01", "hours": 1.5, "audience": "everyone"}
    resp = admin.post(f"/admin/nightschool/terms/{term.id}/series", data=bad)
    assert "结束日期不能早于开始日期" in resp.get_data(as_text=True)
    assert db.session.query(NightSession).count() == 0
    resp = admin.post(f"/admin/nightschool/terms/{term.id}/series", data=bad | {"first_day": "2027-03-01",
                                                                                 "last_day": "2027-03-31"},
                      follow_redirects=True)
    assert "已排课 5 次" in resp.get_data(as_text=True) and db.session.query(NightSession).count() == 5
    bad_term = admin.post("/admin/nightschool/terms/new", data={"title": "x", "starts_on": "2027-03-01",
                                                                "ends_on": "2027-01-01", "late_after_minutes": 10,
                                                                "late_credit": "half", "completion_percent": 80})
    assert "结束日期不能早于开始日期" in bad_term.get_data(as_text=True) and db.session.query(Term).count() == 1


def test_admin_upload_refuses_a_lying_file(login_as, make_session):
    """Does the upload page refuse a text file named .pdf with a clear message and keep nothing?"""
    admin, s = login_as("admin"), make_session()
    resp = admin.post(f"/admin/nightschool/sessions/{s.id}/materials",
                      data={"file": (io.BytesIO(b"hello, not a pdf"), "讲义.pdf")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "文件内容与扩展名 .pdf 不符" in resp.get_data(as_text=True)
    assert db.session.query(Material).count() == 0
    resp = admin.post(f"/admin/nightschool/sessions/{s.id}/materials",
                      data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "讲义.pdf")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "资料已上传" in resp.get_data(as_text=True) and db.session.query(Material).count() == 1


def test_admin_marks_attendance_in_bulk(login_as, make_session, make_user):
    """Does the bulk form set, change and clear statuses, and refuse people outside the audience?"""
    admin = login_as("admin")
    a, b = make_user(), make_user()
    s = make_session(starts_in=-timedelta(hours=3))
    page = admin.get(f"/admin/nightschool/sessions/{s.id}").get_data(as_text=True)
    assert f'name="u-{a.id}"' in page
    resp = admin.post(f"/admin/nightschool/sessions/{s.id}/attendance",
                      data={f"u-{a.id}": "present", f"u-{b.id}": "late"}, follow_redirects=True)
    assert "已保存考勤（2 人有变动）" in resp.get_data(as_text=True)
    admin.post(f"/admin/nightschool/sessions/{s.id}/attendance", data={f"u-{a.id}": "absent", f"u-{b.id}": ""})
    assert {r.user_id: r.status for r in db.session.query(Attendance)} == {a.id: AttendanceStatus.absent}
    resp = admin.post(f"/admin/nightschool/sessions/{s.id}/attendance", data={f"u-{admin.user.id}": "present"},
                      follow_redirects=True)
    assert "不属于本次参加范围" in resp.get_data(as_text=True) and db.session.query(Attendance).count() == 1


def test_leave_request_and_approval(login_as, make_session):
    """Can a cadre ask leave on the session page and an admin approve it?"""
    s = make_session(starts_in=timedelta(days=1))
    cadre = login_as("cadre")
    resp = cadre.post(f"/nightschool/sessions/{s.id}/leave", data={"reason": "下乡调研"}, follow_redirects=True)
    assert "请假申请已提交" in resp.get_data(as_text=True)
    leave = db.session.query(LeaveRequest).one()
    admin = login_as("admin")
    assert "下乡调研" in admin.get("/admin/nightschool/leave").get_data(as_text=True)
    resp = admin.post(f"/admin/nightschool/leave/{leave.id}/approve", follow_redirects=True)
    assert "已批准请假" in resp.get_data(as_text=True)
    assert db.session.query(Attendance).one().status == AttendanceStatus.leave


def test_move_and_cancel_through_the_page(login_as, make_session):
    """Are move and cancel without a reason refused, and with one shown on the cadre's page?"""
    admin = login_as("admin")
    s = make_session(starts_in=timedelta(days=2))
    resp = admin.post(f"/admin/nightschool/sessions/{s.id}/cancel", data={"reason": ""}, follow_redirects=True)
    assert "请填写取消原因" in resp.get_data(as_text=True)
    admin.post(f"/admin/nightschool/sessions/{s.id}/cancel", data={"reason": "与专题培训冲突"})
    cadre = login_as("cadre")
    assert "与专题培训冲突" in cadre.get(f"/nightschool/sessions/{s.id}").get_data(as_text=True)


def test_hours_export_and_screen(login_as, make_session, make_user):
    """Does the hours table export to Excel, and the screen show this minute's code and a QR image?"""
    admin = login_as("admin")
    cadre = make_user(name="王小明")
    s = make_session(starts_in=-timedelta(days=1))
    db.session.add(Attendance(session_id=s.id, user_id=cadre.id, status=AttendanceStatus.present))
    db.session.commit()
    resp = admin.get(f"/admin/nightschool/terms/{s.term_id}/hours?format=xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == "王小明" and rows[1][10] == 1.5
    live = make_session()
    html = admin.get(f"/admin/nightschool/sessions/{live.id}/screen").get_data(as_text=True)
    assert checkin.current_code(live)[0] in html or admin.get(
        f"/admin/nightschool/sessions/{live.id}/code").json["code"] == checkin.current_code(live)[0]
    assert admin.get(f"/admin/nightschool/sessions/{live.id}/qr.png").data.startswith(b"\x89PNG")
    assert "王小明" in admin.get(f"/admin/nightschool/terms/{s.term_id}/hours/{cadre.id}").get_data(as_text=True)


# ---- cadre flows -------------------------------------------------------------------------------------------

def test_check_in_by_page_and_home_button(login_as, make_session):
    """Does the home panel offer check-in while open, and a wrong then right code work through the page?"""
    s = make_session()
    cadre = login_as("cadre")
    home = cadre.get("/").get_data(as_text=True)
    assert "本周夜校" in home and f"/nightschool/checkin/{s.id}" in home
    resp = cadre.post(f"/nightschool/checkin/{s.id}", data={"code": "abcd"})
    assert "签到码不正确或已过期" in resp.get_data(as_text=True)
    assert db.session.query(Attendance).count() == 0
    code, _ = checkin.current_code(s)
    resp = cadre.post(f"/nightschool/checkin/{s.id}", data={"code": code}, follow_redirects=True)
    assert "签到成功" in resp.get_data(as_text=True)
    assert db.session.query(Attendance).one().status == AttendanceStatus.present


def test_qr_address_prefills_the_code(login_as, make_session):
    """Does the QR code's address open the check-in page with the code filled in?"""
    s = make_session()
    cadre = login_as("cadre")
    html = cadre.get(f"/nightschool/checkin/{s.id}?code=1234").get_data(as_text=True)
    assert 'value="1234"' in html and 'name="via" value="qr"' in html


def test_calendar_feed_and_reset(login_as, client, make_session):
    """Does the personal .ics feed list the sessions, and resetting the address kill the old one?"""
    s = make_session(starts_in=timedelta(days=3), topic="民族团结进步专题")
    cancelled = make_session(starts_in=timedelta(days=10), cancelled=True, topic="取消的课")
    cadre = login_as("cadre")
    month = cadre.get(f"/nightschool/calendar?day={service.to_local(s.starts_at).date()}")
    assert f"/nightschool/sessions/{s.id}" in month.get_data(as_text=True)
    week = cadre.get(f"/nightschool/calendar?view=week&day={service.to_local(s.starts_at).date()}")
    assert "民族团结进步专题" in week.get_data(as_text=True)
    page = cadre.get("/nightschool/subscribe").get_data(as_text=True)
    db.session.expire_all()
    token = db.session.get(type(cadre.user), cadre.user.id).calendar_token
    assert token and token in page
    feed = client.get(f"/nightschool/feed/{token}.ics")
    body = feed.get_data(as_text=True)
    assert feed.mimetype == "text/calendar" and "BEGIN:VEVENT" in body and f"night-session-{s.id}@" in body
    assert "STATUS:CANCELLED" in body and f"night-session-{cancelled.id}@" in body
    cadre.post("/nightschool/subscribe/reset")
    assert client.get(f"/nightschool/feed/{token}.ics").status_code == 404


def test_rating_page_and_lecturer_view(login_as, make_session, make_user):
    """Can an attendee rate on the page, and does the lecturer see the comment without the rater's name?"""
    lecturer = make_user(Role.mentor, name="张部长")
    s = make_session(starts_in=-timedelta(days=1), lecturer=lecturer)
    cadre = login_as("cadre", name="评分人甲")
    db.session.add(Attendance(session_id=s.id, user_id=cadre.user.id, status=AttendanceStatus.present))
    db.session.commit()
    resp = cadre.post(f"/nightschool/sessions/{s.id}/rate", data={"score": 5, "comment": "案例很实在"},
                      follow_redirects=True)
    assert "感谢您的评价" in resp.get_data(as_text=True)
    html = login_as(user=lecturer).get("/nightschool/my-lectures", follow_redirects=True).get_data(as_text=True)
    assert "案例很实在" in html and "评分人甲" not in html
    other = login_as("cadre").get(f"/nightschool/lecturers/{lecturer.id}").get_data(as_text=True)
    assert "案例很实在" not in other and s.topic in other


def test_own_hours_record_prints_and_exports(login_as, make_session):
    """Does a cadre see their own study-hours record and export it to Excel?"""
    s = make_session(starts_in=-timedelta(days=1))
    cadre = login_as("cadre")
    db.session.add(Attendance(session_id=s.id, user_id=cadre.user.id, status=AttendanceStatus.late))
    db.session.commit()
    html = cadre.get("/nightschool/hours").get_data(as_text=True)
    assert "已获学时" in html and "迟到计一半学时" in html
    resp = cadre.get(f"/nightschool/hours?term={s.term_id}&format=xlsx")
    rows = list(load_workbook(io.BytesIO(resp.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][5] == "迟到" and rows[1][7] == 0.75 and rows[-1][0] == "合计"


def test_admin_edits_the_rota(login_as, make_session, make_user):
    """Can an admin set lecturers and chapters for several weeks at once, and is an unknown lecturer refused?"""
    admin = login_as("admin")
    leader = make_user(Role.mentor, name="张部长")
    s1 = make_session(starts_in=timedelta(days=1))
    s2 = make_session(starts_in=timedelta(days=8), term=s1.term)
    assert f'name="l-{s2.id}"' in admin.get(f"/admin/nightschool/terms/{s1.term_id}/rota").get_data(as_text=True)
    resp = admin.post(f"/admin/nightschool/terms/{s1.term_id}/rota",
                      data={f"l-{s1.id}": leader.id, f"c-{s1.id}": "第一章 总则", f"l-{s2.id}": 0, f"c-{s2.id}": ""},
                      follow_redirects=True)
    assert "1 次课有变动" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert (s1.lecturer_id, s1.chapter, s2.lecturer_id) == (leader.id, "第一章 总则", None)
    resp = admin.post(f"/admin/nightschool/terms/{s1.term_id}/rota", data={f"l-{s2.id}": 99999, f"c-{s2.id}": "x"},
                      follow_redirects=True)
    db.session.expire_all()
    assert "所选主讲人不存在" in resp.get_data(as_text=True) and s2.lecturer_id is None
    assert "张部长" in login_as("cadre").get(f"/nightschool/terms/{s1.term_id}/rota").get_data(as_text=True)
    assert login_as("cadre").get(f"/admin/nightschool/terms/{s1.term_id}/rota").status_code == 403
