"""On a phone: a cadre writes and submits a weekly review, the mentor comments, the cadre sees the comment."""
import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login
from trainer.extensions import db
from trainer.org.models import Role
from trainer.reviews import service
from trainer.reviews.models import ReviewState

pytestmark = pytest.mark.e2e


def test_review_written_commented_and_seen(page, context, live_server, make_team, make_user, artifacts):
    """Can a cadre write, save and submit a review on a phone, the mentor comment on it, and the cadre read it?"""
    cadre = make_user(Role.cadre, name="李青")
    team = make_team(mentees=[cadre, make_user(Role.cadre)], mentor=make_user(Role.mentor, name="周导师"))
    browser_login(page, live_server, cadre)
    page.click("#review-panel a:has-text('写复盘')")
    page.wait_for_url("**/reviews/week/**")
    page.click("button:has-text('提交复盘')")  # empty: refused
    expect(page.locator(".invalid-feedback").first).to_contain_text("提交前请填写「本周工作」")
    page.screenshot(path=artifacts / "01-refused.png", full_page=True)
    page.fill("#done", "1. 参加夜校学习宗教事务条例\n2. 走访青石村两户少数民族家庭")
    page.click("button:has-text('保存草稿')")
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    page.fill("#lessons", "对条例第三章理解不深")
    page.fill("#plan", "下周完成错题复习")
    page.screenshot(path=artifacts / "02-writing.png", full_page=True)
    page.click("button:has-text('提交复盘')")
    page.wait_for_url("**/reviews/*")
    expect(page.locator(".alert-success")).to_contain_text("复盘已提交")
    page.screenshot(path=artifacts / "03-submitted.png", full_page=True)
    review = service.find_review(cadre.id, service.current_week())
    assert review.state == ReviewState.submitted

    context.clear_cookies()
    browser_login(page, live_server, team.mentor)
    page.goto(f"{live_server}/reviews/team")
    page.click("a.btn:has-text('点评')")
    page.wait_for_url(f"**/reviews/{review.id}*")
    page.fill("#body", "体会写得实在，建议把问题和措施对应起来。")
    page.screenshot(path=artifacts / "04-commenting.png", full_page=True)
    page.click("button:has-text('发布点评')")
    expect(page.locator(".alert-success")).to_contain_text("点评已发布")

    context.clear_cookies()
    browser_login(page, live_server, cadre)
    page.click("text=复盘有新点评")
    expect(page.locator("#comments")).to_contain_text("体会写得实在")
    expect(page.locator("#comments")).to_contain_text("周导师")
    page.screenshot(path=artifacts / "05-cadre-sees-comment.png", full_page=True)
    db.session.expire_all()
    assert service.new_comments(service.find_review(cadre.id, service.current_week())) == 0
