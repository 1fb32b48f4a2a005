"""Signing in with a real browser at phone width."""
import pytest

from tests.conftest import browser_login
from trainer.org.models import Role

pytestmark = pytest.mark.e2e


def test_admin_signs_in_and_opens_the_user_list(page, live_server, make_user, artifacts):
    """Can an admin sign in on a phone, open the menu and reach the user list?"""
    admin = make_user(Role.admin, name="周管理")
    make_user(name="李干部")
    page.goto(f"{live_server}/login")
    page.screenshot(path=artifacts / "01-login.png", full_page=True)
    browser_login(page, live_server, admin)
    assert "周管理" in page.content()
    page.click("button.navbar-toggler")
    page.click("text=系统管理")
    page.click("text=人员管理")
    page.wait_for_url("**/admin/users")
    assert page.locator("text=李干部").count() == 1
    page.screenshot(path=artifacts / "02-users.png", full_page=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.reload()
    assert not errors, errors
