"""Sign-in, sign-out, throttling, forced password change, CSRF and role checks."""
import re

import pytest

from tests.conftest import PASSWORD
from trainer.auth.models import LoginThrottle
from trainer.org.models import Role


def _login(client, username, password=PASSWORD, **kw):
    return client.post("/login", data={"username": username, "password": password}, **kw)


def test_sign_in_and_out(client, make_user):
    """Can a user sign in with the right password, see the home page and sign out?"""
    user = make_user(name="张三")
    resp = _login(client, user.username)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/")
    assert "张三" in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_chinese(client, make_user):
    """Is a wrong password answered with a Chinese message and no session?"""
    user = make_user()
    resp = _login(client, user.username, "wrong-pass1")
    assert resp.status_code == 200 and "用户名或密码错误" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_username_is_case_insensitive(client, make_user):
    """Does the username match whatever its case?"""
    make_user(username="ZhangSan")
    assert _login(client, "zhangsan").status_code == 302


def test_five_failures_lock_the_account_for_15_minutes(client, make_user, db):
    """After 5 failures, is even the right password refused, across addresses?"""
    user = make_user()
    for _ in range(5):
        _login(client, user.username, "wrong-pass1", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    resp = _login(client, user.username, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert "分钟后再试" in resp.get_data(as_text=True)
    row = db.session.get(LoginThrottle, f"user:{user.username.lower()}")
    assert row.locked_until is not None


def test_five_failures_from_one_address_lock_that_address(client, make_user):
    """Do failures spread over many accounts from one address lock the address?"""
    victims = [make_user() for _ in range(5)]
    for v in victims:
        _login(client, v.username, "wrong-pass1", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    other = make_user()
    resp = _login(client, other.username, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert "分钟后再试" in resp.get_data(as_text=True)
    assert _login(client, other.username, environ_base={"REMOTE_ADDR": "10.9.9.8"}).status_code == 302


def test_lock_expires(client, make_user, db):
    """Once the 15 minutes have passed, can the user sign in again?"""
    from datetime import timedelta

    from trainer.timeutil import utcnow

    user = make_user()
    for _ in range(5):
        _login(client, user.username, "wrong-pass1")
    for row in db.session.query(LoginThrottle).all():
        row.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login(client, user.username).status_code == 302


def test_inactive_user_cannot_sign_in(client, make_user):
    """Is a deactivated account refused with a message saying so?"""
    user = make_user(active=False)
    resp = _login(client, user.username)
    assert "已停用" in resp.get_data(as_text=True)


def test_forced_password_change(client, make_user):
    """Must a user with an initial password change it before reaching any page?"""
    user = make_user(must_change=True)
    resp = _login(client, user.username)
    assert resp.headers["Location"].endswith("/account/password")
    assert client.get("/").headers["Location"].endswith("/account/password")
    bad = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "short",
                                                  "confirm": "short"})
    assert "至少 8 位" in bad.get_data(as_text=True)
    ok = client.post("/account/password", data={"old_password": PASSWORD, "new_password": "NewPass2026",
                                                 "confirm": "NewPass2026"})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


def test_password_change_signs_out_other_sessions(app, make_user):
    """After a password change, is a session elsewhere signed out?"""
    user = make_user()
    a, b = app.test_client(), app.test_client()
    _login(a, user.username)
    _login(b, user.username)
    a.post("/account/password", data={"old_password": PASSWORD, "new_password": "NewPass2026",
                                      "confirm": "NewPass2026"})
    assert a.get("/").status_code == 200
    assert b.get("/").status_code == 302


def test_post_without_csrf_token_is_rejected(client, make_user):
    """Is a POST without a CSRF token refused?"""
    user = make_user()
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD}, csrf=False)
    assert resp.status_code == 400 and "安全校验" in resp.get_data(as_text=True)


def test_open_redirect_is_refused(client, make_user):
    """Does ?next= only lead to pages of this site?"""
    user = make_user()
    resp = client.post("/login?next=https://evil.example/", data={"username": user.username, "password": PASSWORD})
    assert resp.headers["Location"] == "/"


def test_session_cookie_flags(client, make_user):
    """Is the session cookie HttpOnly and SameSite=Lax?"""
    user = make_user()
    resp = _login(client, user.username)
    cookie = resp.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/import", "/admin/users/import/template.xlsx",
               "/admin/units", "/admin/units/new", "/admin/audit/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refuse_cadres_and_mentors(login_as, client, path):
    """Do cadres and mentors get 403, and anonymous users the sign-in page, on admin pages?"""
    assert login_as(Role.cadre).get(path).status_code == 403
    assert login_as(Role.mentor).get(path).status_code == 403
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert login_as(Role.admin).get(path).status_code == 200


def test_admin_posts_refuse_cadres(login_as, make_user):
    """Can a cadre change another user's account by posting to admin addresses?"""
    victim = make_user()
    cadre = login_as(Role.cadre)
    for path in [f"/admin/users/{victim.id}/active", f"/admin/users/{victim.id}/password",
                 f"/admin/users/{victim.id}/edit"]:
        assert cadre.post(path, data={}).status_code == 403


def test_role_navigation(login_as):
    """Does the admin see the management menu and the cadre not?"""
    assert "人员管理" in login_as(Role.admin).get("/").get_data(as_text=True)
    html = login_as(Role.cadre).get("/").get_data(as_text=True)
    assert "人员管理" not in html and re.search(r"退出登录", html)
