"""From the official text to a cadre's result, in a real browser: an admin loads a regulation, drafts
questions for an uncovered article, accepts them, builds a weekly quiz from them and opens it; a cadre
takes it on a phone and the result shows the article's text under each explanation."""
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import browser_login
from trainer.banks.models import Question, ReviewState
from trainer.exams.models import Attempt
from trainer.extensions import db
from trainer.org.models import Role

pytestmark = pytest.mark.e2e
TEXT = (Path(__file__).resolve().parent.parent / "sources" / "data" / "synthetic.txt").read_text(encoding="utf-8")
ARTICLE_6 = "之日起30日内提出审核意见"  # words of 第六条 in the synthetic text


def _answer_everything(page, attempt):
    """Give the right answer to every question on the take page, one screen at a time."""
    for item in sorted(attempt.items, key=lambda i: i.position):
        v, card, name = item.version, page.locator(f"#q{item.position}"), f"q{item.position}"
        if v.type == "single":
            card.locator(f"input[name='{name}'][value='{v.answer[0]}']").locator("xpath=..").click()
        elif v.type == "multiple":
            for letter in v.answer:
                card.locator(f"input[name='{name}'][value='{letter}']").locator("xpath=..").click()
        elif v.type == "judge":
            card.locator(f"input[name='{name}'][value='{'true' if v.answer else 'false'}']").locator("xpath=..").click()
        elif v.type == "fill":
            for n, accepted in enumerate(v.answer["blanks"]):
                card.locator("input[type=text]").nth(n).fill(accepted[0])
        page.wait_for_selector(f"#q{item.position} .saved-mark:not([hidden])")
        if item.position < len(attempt.items):
            page.click("button:has-text('下一题')")


def test_official_text_to_quiz_result(page, browser, browser_context_args, live_server, make_user, artifacts):
    """Does a question drafted from the loaded text, once reviewed, reach a weekly quiz and show its article
    on the cadre's result page?"""
    admin = make_user(Role.admin, name="周管理")
    cadre = make_user(Role.cadre, name="李干部")
    page.on("dialog", lambda d: d.accept())
    browser_login(page, live_server, admin)

    page.goto(f"{live_server}/admin/sources/load")
    page.fill("#slug", "act")
    page.fill("#version_label", "测试版")
    page.fill("#text", TEXT)
    page.click("button[name=preview]")
    page.click("button[name=confirm]")
    page.wait_for_url("**/admin/sources/act")
    page.click("#a6 button:has-text('起草')")
    page.wait_for_url("**/admin/sources/review**")
    drafted = page.locator(".queue-item").count()
    assert drafted >= 2
    page.screenshot(path=artifacts / "01-drafts.png", full_page=True)
    for _ in range(drafted):
        page.locator(".queue-item").first.get_by_role("button", name="采纳").click()
        page.wait_for_load_state()
    assert page.locator(".queue-item").count() == 0
    db.session.expire_all()
    accepted = list(db.session.scalars(select(Question).where(Question.review_state == ReviewState.reviewed)))
    assert len(accepted) == drafted
    bank = accepted[0].bank

    # a weekly quiz drawing every accepted question, opened now
    page.goto(f"{live_server}/admin/exams/new")
    page.fill("#title", "第六条专题测验")
    page.select_option("#kind", label="每周测验")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_url("**/admin/exams/*")
    page.select_option("#bank_id", str(bank.id))
    page.fill("#count", str(drafted))
    page.click("form[action$='/rules'] button[type=submit]")
    page.wait_for_load_state()
    page.click("button:has-text('立即开放')")
    page.wait_for_load_state()
    assert "进行中" in page.content()
    page.screenshot(path=artifacts / "02-quiz.png", full_page=True)

    # the cadre takes it on a phone and reads 第六条 under the explanations
    context = browser.new_context(**browser_context_args)
    phone = context.new_page()
    browser_login(phone, live_server, cadre)
    phone.click("text=第六条专题测验")
    phone.click("button:has-text('开始答题')")
    phone.wait_for_url("**/attempts/*")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == cadre.id))
    _answer_everything(phone, attempt)
    phone.goto(f"{live_server}/attempts/{attempt.id}/submit")
    phone.click("button:has-text('确认交卷')")
    phone.wait_for_url("**/result")
    phone.screenshot(path=artifacts / "03-result.png", full_page=True)
    html = phone.content()
    assert html.count(ARTICLE_6) >= drafted, "the article text is not under every explanation"
    phone.locator("a[href$='/sources/act/6']").first.click()
    phone.wait_for_url("**/sources/act/6")
    assert ARTICLE_6 in phone.content()
    phone.screenshot(path=artifacts / "04-article.png", full_page=True)
    context.close()
