"""A cadre takes a weekly quiz on a phone in a real browser, through a network drop."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import browser_login
from trainer.exams.models import Attempt, AttemptState
from trainer.extensions import db
from trainer.org.models import Role

pytestmark = pytest.mark.e2e


def _pick(page, item, position):
    """Click the right option (or type the right blank) for one question."""
    v = item.version
    card = page.locator(f"#q{position}")
    if v.type == "single":
        card.locator(f"input[name='q{position}'][value='{v.answer[0]}']").locator("xpath=..").click()
    elif v.type == "judge":
        card.locator(f"input[name='q{position}'][value='{'true' if v.answer else 'false'}']").locator("xpath=..").click()


def test_weekly_quiz_on_a_phone(page, live_server, make_exam, make_user, artifacts, context):
    """Can a cadre take a quiz on a phone, keep answering through a network drop, submit and see the result?"""
    make_exam(n=4, qtype="single", title="第5期每周测验")
    cadre = make_user(Role.cadre, name="王小明")
    browser_login(page, live_server, cadre)
    page.click("text=第5期每周测验")
    page.screenshot(path=artifacts / "01-exam.png", full_page=True)
    page.click("button:has-text('开始答题')")
    page.wait_for_url("**/attempts/*")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == cadre.id))
    items = {i.position: i for i in attempt.items}
    assert page.locator("#countdown").is_visible()

    _pick(page, items[1], 1)
    page.wait_for_selector("#q1 .saved-mark:not([hidden])")
    page.screenshot(path=artifacts / "02-answered.png")
    page.click("button:has-text('下一题')")
    assert page.locator("#q2").is_visible() and not page.locator("#q1").is_visible()

    context.set_offline(True)
    _pick(page, items[2], 2)
    page.wait_for_selector("#offline-banner:not([hidden])")
    page.screenshot(path=artifacts / "03-offline.png")
    page.click("button:has-text('下一题')")
    _pick(page, items[3], 3)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#offline-banner", state="hidden")
    expect(page.locator("#save-status")).to_have_text("已保存")
    db.session.expire_all()
    saved = {i.position: i.response for i in db.session.get(Attempt, attempt.id).items}
    assert saved[2] == items[2].version.answer[0] and saved[3] == items[3].version.answer[0]

    page.click("button.btn-light:has-text('答题卡')")
    page.wait_for_selector("#answer-sheet.show")
    page.screenshot(path=artifacts / "04-sheet.png")
    assert page.locator(".sheet-cell.answered").count() == 3
    page.click("#answer-sheet a.btn-danger:has-text('交卷')")
    page.wait_for_url("**/submit")
    assert "还有 1 题未作答" in page.content()
    page.screenshot(path=artifacts / "05-confirm.png", full_page=True)
    page.click("button:has-text('确认交卷')")
    page.wait_for_url("**/result")
    page.screenshot(path=artifacts / "06-result.png", full_page=True)
    assert "6" in page.locator(".score").inner_text()
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert done.state == AttemptState.graded and done.score == 6
