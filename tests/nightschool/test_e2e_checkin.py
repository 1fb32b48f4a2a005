"""A cadre checks in on a phone with the code an admin shows on the screen in the room."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import PHONE, browser_login
from trainer.extensions import db
from trainer.nightschool.models import Attendance, AttendanceStatus
from trainer.org.models import Role

pytestmark = pytest.mark.e2e


def test_check_in_with_the_code_on_the_screen(page, browser, live_server, make_session, make_user, artifacts):
    """Does a wrong code get a clear message, and the code read off the admin's screen check the cadre in?"""
    s = make_session(topic="《宗教事务条例》要点解读")
    admin = make_user(Role.admin, name="周明华")
    cadre = make_user(Role.cadre, name="王小明")

    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN",
                                     timezone_id="Asia/Shanghai")
    screen = screen_ctx.new_page()
    browser_login(screen, live_server, admin)
    screen.goto(f"{live_server}/admin/nightschool/sessions/{s.id}/screen")
    screen.wait_for_selector("#checkin-qr")
    screen.screenshot(path=artifacts / "01-admin-screen.png")

    browser_login(page, live_server, cadre)
    assert page.viewport_size == PHONE
    page.screenshot(path=artifacts / "02-home.png", full_page=True)
    page.click("a.btn-success:has-text('签到')")
    page.wait_for_url(f"**/nightschool/checkin/{s.id}")
    page.fill("#code", "0000" if screen.inner_text("#checkin-code") != "0000" else "1111")
    page.click("button:has-text('签到')")
    assert "签到码不正确或已过期" in page.inner_text(".invalid-feedback")
    page.screenshot(path=artifacts / "03-wrong-code.png", full_page=True)
    assert db.session.scalar(select(Attendance).where(Attendance.user_id == cadre.id)) is None

    code = screen.inner_text("#checkin-code").strip()
    page.fill("#code", code)
    page.click("button:has-text('签到')")
    page.wait_for_url(f"**/nightschool/sessions/{s.id}")
    assert "签到成功" in page.content()
    page.screenshot(path=artifacts / "04-checked-in.png", full_page=True)
    db.session.expire_all()
    row = db.session.scalar(select(Attendance).where(Attendance.user_id == cadre.id))
    assert row.status == AttendanceStatus.present
    expect(screen.locator("#count-in")).to_have_text("1", timeout=20000)  # the screen refreshes its count
    screen_ctx.close()
