"""On a phone: the mentor dashboard with scores chart, weak spots, reviews to comment and meeting notes."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import browser_login
from trainer.extensions import db
from trainer.mentoring.models import MentorNote
from trainer.org.models import Role
from trainer.reviews import service as reviews

pytestmark = pytest.mark.e2e


def test_mentor_dashboard(page, live_server, make_team, make_user, make_exam, graded, artifacts):
    """Does the mentor see each mentee's figures and chart, comment on a review and keep a note, on a phone?"""
    a, b = make_user(Role.cadre, name="王小红"), make_user(Role.cadre, name="陈立")
    team = make_team(mentees=[a, b], name="民族宗教工作传帮带小组")
    for days, pct in ((20, 50), (13, 70), (6, 90)):
        graded(make_exam(n=1), a, pct, days_ago=days)
    r = reviews.save_review(a, reviews.current_week(), reviews.ReviewData("走访", "体会", "计划"), submit=True)
    browser_login(page, live_server, team.mentor)
    page.goto(f"{live_server}/mentoring")
    card = page.locator(f"#mentee-{a.id}")
    expect(card).to_contain_text("王小红")
    expect(card.locator("svg.score-chart circle")).to_have_count(3)
    expect(card.locator(".metric").first).to_contain_text("—")  # no night-school session yet
    expect(card.locator(".metric").nth(1)).to_contain_text("70%")
    page.screenshot(path=artifacts / "01-dashboard.png", full_page=True)
    card.locator("input[name=body]").fill("走访要形成台账")
    card.locator("button:has-text('点评')").click()
    expect(page.locator(".alert-success")).to_contain_text("点评已发布")
    db.session.expire_all()
    assert [c.body for c in reviews.get_review(r.id).comments] == ["走访要形成台账"]

    page.goto(f"{live_server}/mentoring")
    page.fill("#discussed", "讨论了本周测验错题")
    page.select_option("#mentee_id", str(b.id))
    page.click("button:has-text('保存记录')")
    expect(page.locator(".alert-success")).to_contain_text("谈话记录已保存")
    expect(page.locator(".note").first).to_contain_text("讨论了本周测验错题")
    page.click(f"#mentee-{a.id} a:has-text('王小红')")
    page.wait_for_url(f"**/mentoring/mentees/{a.id}")
    page.screenshot(path=artifacts / "02-mentee.png", full_page=True)
    note = db.session.scalar(select(MentorNote))
    assert note.mentee_id == b.id and note.shared
