"""Source texts in a real browser at phone width: an admin loads a text, sees its structure and coverage,
drafts questions for an uncovered article and reviews them; a new version flags a question; a cadre reads
and searches the articles on a phone."""
import re
from pathlib import Path

import pytest

from tests.conftest import PHONE, browser_login
from trainer.banks.models import Question, QuestionStatus, ReviewState
from trainer.extensions import db
from trainer.org.models import Role

pytestmark = pytest.mark.e2e
TEXT = (Path(__file__).resolve().parent.parent / "sources" / "data" / "synthetic.txt").read_text(encoding="utf-8")


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_admin_loads_drafts_and_reviews_then_a_cadre_reads(page, browser, browser_context_args, live_server,
                                                           make_user, artifacts):
    """Can an admin load a text, see structure and coverage, draft for an uncovered article, accept and discard
    drafts, load a changed version that flags the accepted one, and a cadre read and search on a phone?"""
    admin = make_user(Role.admin, name="周管理")
    cadre = make_user(Role.cadre, name="李干部")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept())
    browser_login(page, live_server, admin)

    # load the official text by pasting it; the structure shows before anything is saved
    page.goto(f"{live_server}/admin/sources")
    page.click("text=载入原文")
    page.fill("#slug", "act")
    page.fill("#version_label", "测试版")
    page.fill("#text", TEXT)
    page.click("button[name=preview]")
    summary = page.locator("#load-summary")
    assert "15 条" in summary.inner_text() and "5 章" in summary.inner_text()
    assert page.locator("#load-structure").get_by_text("第二章　设立").count() == 1
    assert no_overflow(page)
    page.screenshot(path=artifacts / "01-preview.png", full_page=True)
    page.click("button[name=confirm]")
    page.wait_for_url("**/admin/sources/act")
    assert "已载入《活动场所管理条例（测试用虚构文本）》：15 条，5 章" in page.content()
    assert page.locator("tr.uncovered").count() == 15
    page.screenshot(path=artifacts / "02-coverage.png", full_page=True)

    # one click drafts questions for an uncovered article; they wait in the review queue
    page.click("#a6 button:has-text('起草')")
    page.wait_for_url("**/admin/sources/review**")
    items = page.locator(".queue-item")
    assert items.count() == 3 and "已起草 3 道题" in page.content()
    assert "原文 第六条" in items.first.inner_text()
    page.screenshot(path=artifacts / "03-queue.png", full_page=True)
    first_id = int(items.first.get_attribute("id")[1:])
    items.first.get_by_role("button", name="采纳").click()
    page.wait_for_load_state()
    assert "已采纳" in page.content() and page.locator(".queue-item").count() == 2
    page.locator(".queue-item").first.get_by_role("button", name="舍弃").click()
    page.wait_for_load_state()
    assert "已舍弃" in page.content() and page.locator(".queue-item").count() == 1
    db.session.expire_all()
    assert db.session.get(Question, first_id).review_state == ReviewState.reviewed
    assert db.session.query(Question).filter(Question.status == QuestionStatus.retired).count() == 1

    page.goto(f"{live_server}/admin/sources/act")
    assert page.locator("tr.uncovered").count() == 14 and page.locator("#a6.uncovered").count() == 0

    # a changed version: the accepted question on the changed article goes back for re-review
    page.goto(f"{live_server}/admin/sources/act")
    page.click("text=载入新版本")
    page.fill("#version_label", "修订版")
    page.fill("#text", TEXT.replace("之日起30日内提出审核意见", "之日起20日内提出审核意见"))
    page.click("button[name=preview]")
    changes = page.locator("#load-changes")
    assert "第六条" in changes.inner_text() and changes.locator("del").count() >= 1
    assert "1</strong> 道已审核题目将标记为「待复审」" in page.content()
    page.screenshot(path=artifacts / "04-new-version.png", full_page=True)
    page.click("button[name=confirm]")
    page.wait_for_url("**/admin/sources/act")
    assert "1 道题因条文修改被标记为待复审" in page.content()
    db.session.expire_all()
    assert db.session.get(Question, first_id).review_state == ReviewState.needs_review
    page.goto(f"{live_server}/admin/sources/review?doc=act&state=rereview")
    assert "20日内提出审核意见" in page.locator(".queue-item").first.inner_text()
    page.screenshot(path=artifacts / "05-rereview.png", full_page=True)

    # a cadre reads on a phone: the document, search, and an article at its stable address
    context = browser.new_context(**browser_context_args)
    reader = context.new_page()
    reader.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(reader, live_server, cadre)
    reader.click("button.navbar-toggler")
    reader.click("nav >> text=法规原文")
    reader.wait_for_url("**/sources")
    reader.click("text=《活动场所管理条例（测试用虚构文本）》")
    reader.wait_for_url("**/sources/act")
    assert reader.locator("section.source-article").count() == 15 and no_overflow(reader)
    reader.screenshot(path=artifacts / "06-reader.png", full_page=True)
    reader.fill("input[name=q]", "民政部门 备案")
    reader.press("input[name=q]", "Enter")
    reader.wait_for_load_state()
    assert reader.locator(".search-results mark").count() >= 2
    reader.screenshot(path=artifacts / "07-search.png", full_page=True)
    reader.click(".search-results a.list-group-item")
    reader.wait_for_url("**/sources/act/11")
    assert "第十一条" in reader.locator("h1").inner_text() and no_overflow(reader)
    reader.click("text=下一条")
    reader.wait_for_url("**/sources/act/12")
    assert "百分之五" in reader.content()
    reader.screenshot(path=artifacts / "08-article.png", full_page=True)
    reader.fill("input[name=q]", "第三条")
    reader.press("input[name=q]", "Enter")
    reader.wait_for_url("**/sources/act/3")
    assert re.search(r"前款规定的部门", reader.content())
    assert not errors, errors
    assert reader.goto(f"{live_server}/admin/sources/act").status == 403
    context.close()
