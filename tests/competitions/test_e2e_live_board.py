"""A competition end to end in a real browser: the live board updates in place, freezes and is revealed."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.competitions.conftest import sit
from tests.conftest import browser_login
from trainer.competitions import service
from trainer.exams import service as exams
from trainer.extensions import db
from trainer.org.models import Role, UnitKind
from trainer.timeutil import utcnow

pytestmark = pytest.mark.e2e


def _polls(page) -> int:
    return int(page.locator("#board").get_attribute("data-polls") or 0)


def test_live_board_freeze_and_reveal(page, browser, live_server, make_competition, make_user, make_unit, artifacts):
    """Does the admin's live board show each submission without a reload, stop changing once frozen while
    submissions continue, and show everything once revealed after the end?"""
    exam = make_competition(n=5, title="“红石榴杯”知识竞赛")
    town, office = make_unit("青石镇", UnitKind.town), make_unit("干部科", UnitKind.office)
    first = make_user(Role.cadre, name="王小明", unit=town)
    second = make_user(Role.cadre, name="李晓红", unit=office)
    third = make_user(Role.cadre, name="赵立新", unit=office)
    browser_login(page, live_server, exam.admin)
    page.goto(f"{live_server}/competitions/{exam.id}")
    expect(page.locator("#board-empty")).to_be_visible()
    page.evaluate("window.__sameDocument = true")

    sit(exam, first, 3, used=420)
    expect(page.locator("#board-rows tr")).to_have_count(1, timeout=15_000)
    expect(page.locator("#board-rows")).to_contain_text("王小明")
    expect(page.locator("#board-empty")).to_be_hidden()
    sit(exam, third, 2, used=300)
    expect(page.locator("#board-rows tr")).to_have_count(2, timeout=15_000)
    page.screenshot(path=artifacts / "01-live.png", full_page=True)

    # freeze from now: the last 10 minutes
    exam.closes_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    service.update_settings(exam.admin, exam, service.SettingsData(freeze_minutes=10))
    sit(exam, second, 5, used=600)
    expect(page.locator("#board-frozen")).to_be_visible(timeout=15_000)
    polls = _polls(page)
    for _ in range(60):  # two more polls (the page's CSP forbids wait_for_function's eval)
        if _polls(page) > polls + 1:
            break
        page.wait_for_timeout(250)
    assert _polls(page) > polls + 1
    expect(page.locator("#board-rows tr")).to_have_count(2)
    expect(page.locator("#board-rows")).not_to_contain_text("李晓红")
    page.screenshot(path=artifacts / "02-frozen.png", full_page=True)

    # the end, then the reveal from the admin page in another tab
    exams.close_now(exam.admin, exam)
    admin_tab = page.context.new_page()
    admin_tab.on("dialog", lambda d: d.accept())
    admin_tab.goto(f"{live_server}/admin/competitions/{exam.id}")
    expect(admin_tab.locator("body")).to_contain_text("李晓红")  # admins see the actual standings
    admin_tab.click("button:has-text('揭晓最终排名')")
    expect(admin_tab.locator(".alert-success")).to_contain_text("排名已揭晓")
    admin_tab.screenshot(path=artifacts / "03-admin.png", full_page=True)
    admin_tab.close()

    expect(page.locator("#board-final")).to_be_visible(timeout=15_000)
    expect(page.locator("#board-rows tr")).to_have_count(3)
    expect(page.locator("#board-rows tr").first).to_contain_text("李晓红")
    expect(page.locator("#board-frozen")).to_be_hidden()
    assert page.evaluate("window.__sameDocument") is True  # updated in place, never reloaded
    page.screenshot(path=artifacts / "04-revealed.png", full_page=True)

    big = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", timezone_id="Asia/Shanghai")
    screen = big.new_page()
    browser_login(screen, live_server, exam.admin)
    screen.goto(f"{live_server}/competitions/{exam.id}/screen")
    expect(screen.locator("#board-rows tr")).to_have_count(3)
    screen.screenshot(path=artifacts / "05-big-screen.png")
    big.close()
