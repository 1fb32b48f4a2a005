"""A cadre drills on a phone in a real browser, misses a question, and reviews it from the wrong-answer book."""
import pytest
from sqlalchemy import select

from tests.conftest import browser_login
from tests.practice.conftest import items_of
from trainer.extensions import db
from trainer.practice.models import Drill, ReviewCard
from trainer.timeutil import local_today

pytestmark = pytest.mark.e2e


def option_value(item, right: bool) -> str:
    v = item.version
    if right:
        return str(v.answer[0])
    return str(next(i for i in range(len(v.options)) if i not in v.answer))


def test_drill_wrong_answer_then_review_from_the_book(page, live_server, make_user, make_bank, artifacts):
    """Can a cadre drill a chapter, miss a question, see 解析, then review it under 今日复习 and see it rescheduled?"""
    bank = make_bank(10)
    cadre = make_user(name="李练兵")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(page, live_server, cadre)

    page.click("button.navbar-toggler")
    page.click("a.nav-link:has-text('练兵')")
    page.wait_for_url("**/practice")
    page.click("text=第1章")
    page.select_option("#qtype", "single")
    page.screenshot(path=artifacts / "01-start.png", full_page=True)
    page.click("button:has-text('开始练习')")
    page.wait_for_url("**/practice/drills/*/1")

    drill = db.session.scalar(select(Drill))
    item = items_of(drill.id)[0]
    assert item.question.chapter_id == bank.chapters[0].id
    assert item.version.explanation not in page.content()
    page.click(f".option-item:has(input[value='{option_value(item, False)}'])")
    page.screenshot(path=artifacts / "02-question.png", full_page=True)
    page.click("button:has-text('提交答案')")
    page.wait_for_selector(".verdict-wrong")
    assert page.locator(".explanation").inner_text().count(item.version.explanation) == 1
    assert "已记入错题本" in page.locator("[data-book-note]").inner_text()
    page.screenshot(path=artifacts / "03-wrong.png", full_page=True)

    page.goto(f"{live_server}/practice/review")
    assert "今天没有要复习的错题" in page.content()
    page.goto(f"{live_server}/practice/book")
    assert page.locator(".stem-link").count() == 1

    # the next day comes: the entry is due
    card = db.session.scalar(select(ReviewCard))
    card.due = local_today()
    db.session.commit()

    page.click("a:has-text('今日复习')")
    page.wait_for_url("**/practice/review")
    assert page.locator(".list-group-item:has-text('%s')" % item.version.stem).count() == 1
    page.screenshot(path=artifacts / "04-review-list.png", full_page=True)
    page.click("button:has-text('开始复习')")
    page.wait_for_url("**/practice/drills/*/1")
    page.click(f".option-item:has(input[value='{option_value(item, True)}'])")
    page.click("button:has-text('提交答案')")
    page.wait_for_selector(".verdict-right")
    note = page.locator("[data-book-note]").inner_text()
    assert "已按期复习" in note and "明天" in note
    page.screenshot(path=artifacts / "05-rescheduled.png", full_page=True)

    db.session.expire_all()
    card = db.session.get(ReviewCard, card.id)
    assert card.reps == 1 and card.due > local_today()
    page.reload()
    assert page.locator(".verdict-right").count() == 1
    assert not errors, errors


def test_drill_works_without_javascript(browser, live_server, make_user, make_bank, artifacts):
    """With JavaScript off, does a plain form post answer a question and show the feedback page?"""
    from tests.conftest import PHONE

    bank = make_bank(5)
    cadre = make_user()
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, cadre)
        page.goto(f"{live_server}/practice/banks/{bank.id}")
        page.select_option("#qtype", "judge")
        page.click("button:has-text('开始练习')")
        page.wait_for_url("**/practice/drills/*/1")
        item = items_of(db.session.scalar(select(Drill.id)))[0]
        page.click(".option-item:has(input[value='%s'])" % ("true" if item.version.answer else "false"))
        page.click("button:has-text('提交答案')")
        page.wait_for_url("**/practice/drills/*/1")
        assert page.locator(".verdict-right").count() == 1
        assert item.version.explanation in page.locator(".explanation").inner_text()
        page.screenshot(path=artifacts / "no-js-feedback.png", full_page=True)
    finally:
        context.close()
