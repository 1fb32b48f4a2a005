"""The autosave fast path (trainer.exams.fastsave): it serves only what it can vouch for, and what it serves is
exactly what the Flask view would have done."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from trainer.exams.attempts import PAPERS
from trainer.exams.fastsave import AutosaveFastPath
from trainer.exams.models import Attempt, AttemptItem
from trainer.extensions import db
from trainer.org.models import Role
from trainer.timeutil import utcnow


@pytest.fixture
def flask_calls(app):
    """The number of requests the fast path passed on to Flask."""
    fast = app.wsgi_app
    assert isinstance(fast, AutosaveFastPath)
    inner, calls = fast.wsgi_app, []

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    fast.wsgi_app = counting
    yield calls
    fast.wsgi_app = inner


def _start(client, exam) -> int:
    resp = client.post(f"/exams/{exam.id}/start")
    assert resp.status_code == 302
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def _save(client, aid, position, response, **kw):
    return client.post(f"/attempts/{aid}/answer", json={"position": position, "response": response, **kw})


def _items(aid):
    db.session.expire_all()
    return db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == aid)
                              .order_by(AttemptItem.position)).all()


def test_saves_after_the_first_do_not_reach_flask(login_as, make_exam, flask_calls):
    """Once the paper is cached, is a save answered without Flask, stored, and sent with the same headers?"""
    exam = make_exam(n=3)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    assert _save(client, aid, 1, 0).status_code == 200  # the first save reads the paper, through Flask
    flask_calls.clear()
    resp = _save(client, aid, 2, 1, spent_ms=5000)
    assert resp.status_code == 200 and resp.get_json()["ok"] and resp.get_json()["saved_at"].endswith("Z")
    assert flask_calls == []
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert resp.headers[header]
    assert resp.headers["Cache-Control"] == "no-store"
    item = _items(aid)[1]
    assert item.response == 1 and item.time_spent_ms == 5000 and item.saved_at is not None


def test_the_fast_path_stores_what_flask_would(login_as, make_exam, flask_calls, monkeypatch):
    """The same answers (every question type, times, flags) through the fast path and through Flask alone:
    are the stored rows the same?"""
    exam = make_exam(n=8, qtype=None, bank_size=8)  # both papers hold the same eight questions
    answers = {"single": [1, 2], "multiple": [[0, 2], ["B", "D"]], "judge": [True, "false"], "fill": [["甲"], "乙"],
               "short": ["一段回答", "另一段回答"]}
    rows = []
    for fast in (True, False):
        PAPERS.clear()
        client = login_as(Role.cadre)
        aid = _start(client, exam)
        if not fast:
            monkeypatch.setattr(PAPERS, "put", lambda *a: None)  # nothing cached: every save goes to Flask
        flask_calls.clear()
        for item in _items(aid):
            for k, value in enumerate(answers[item.version.type]):
                assert _save(client, aid, item.position, value, spent_ms=700 + k, flagged=bool(k)).status_code == 200
        rows.append(sorted((i.version_id, repr(i.response), i.time_spent_ms, i.too_fast, i.flagged)
                           for i in _items(aid)))
        assert len(flask_calls) == (1 if fast else 16)
    assert rows[0] == rows[1]


@pytest.mark.parametrize("case", ["no csrf", "wrong csrf", "no cookie", "stale session",
                                  "other cadre", "submitted", "late", "flag only", "https from elsewhere",
                                  "https without referrer", "bad position", "not json"])
def test_what_it_cannot_vouch_for_goes_to_flask(app, login_as, make_exam, flask_calls, case):
    """Each unusual request: is it passed on to Flask, answered as Flask answers it, and nothing saved?"""
    exam = make_exam(n=2)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    assert _save(client, aid, 1, 0).status_code == 200  # the paper is cached from here on
    url, body, kw = f"/attempts/{aid}/answer", {"position": 2, "response": 1}, {}
    expected = 200
    if case == "no csrf":
        kw, expected = {"csrf": False}, 400
    elif case == "wrong csrf":
        kw, expected = {"headers": {"X-CSRFToken": "IjEyMyI.forged"}}, 400
    elif case == "no cookie":
        client.delete_cookie("session")
        expected = 401
    elif case == "stale session":
        client.user.session_token = "changed-elsewhere"
        db.session.commit()
        expected = 401
    elif case == "other cadre":
        client = login_as(Role.cadre)
        expected = 403
    elif case == "submitted":
        assert client.post(f"/attempts/{aid}/submit").status_code == 302
        expected = 409
    elif case == "late":
        attempt = db.session.get(Attempt, aid)
        attempt.deadline = utcnow() - timedelta(minutes=5)
        db.session.commit()
        expected = 409
    elif case == "flag only":
        body = {"position": 2, "flagged": True}
    elif case == "https from elsewhere":
        kw, expected = {"base_url": "https://localhost", "headers": {"Referer": "https://evil.example/"}}, 400
    elif case == "https without referrer":
        kw, expected = {"base_url": "https://localhost"}, 400
    elif case == "bad position":
        body, expected = {"position": 99, "response": 1}, 404
    elif case == "not json":
        body, expected = {"position": "二", "response": 1}, 400
    flask_calls.clear()
    resp = client.post(url, json=body, **kw)
    assert resp.status_code == expected, resp.get_data(as_text=True)
    assert flask_calls == [url]
    if expected != 200:
        assert _items(aid)[1].response is None


@pytest.mark.parametrize("forgery", ["another key", "tampered"])
def test_a_forged_session_is_not_believed(app, login_as, make_exam, flask_calls, forgery):
    """A session cookie naming the right user, token and CSRF secret, but not signed with the app's key: is it
    passed on to Flask, refused, and nothing saved?"""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeTimedSerializer

    exam = make_exam(n=2)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    assert _save(client, aid, 1, 0).status_code == 200
    with client.session_transaction() as sess:
        raw = sess["csrf_token"]
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    content = {"_user_id": client.user.get_id(), "_fresh": True, "csrf_token": raw}
    if forgery == "another key":
        other = Flask("forger")
        other.secret_key = "not-the-secret"
        cookie = SecureCookieSessionInterface().get_signing_serializer(other).dumps(content)
    else:
        cookie = SecureCookieSessionInterface().get_signing_serializer(app).dumps(content)
        cookie = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    client.set_cookie("session", cookie)
    flask_calls.clear()
    resp = client.post(f"/attempts/{aid}/answer", json={"position": 2, "response": 1}, csrf=False,
                       headers={"X-CSRFToken": token})
    assert resp.status_code in (400, 401)
    assert flask_calls and _items(aid)[1].response is None


def test_signing_in_again_keeps_the_fast_path(login_as, make_exam, flask_calls):
    """After the token changes and the cadre signs in again, do saves go fast again?"""
    exam = make_exam(n=2)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    assert _save(client, aid, 1, 0).status_code == 200
    client.user.session_token = "new-token"
    db.session.commit()
    sign_in(client, client.user)
    flask_calls.clear()
    assert _save(client, aid, 2, 3).status_code == 200
    assert flask_calls == [] and _items(aid)[1].response == 3


def test_https_from_the_same_origin_is_served(login_as, make_exam, flask_calls):
    """Behind HTTPS, with the referrer of the site itself: is the save served without Flask?"""
    exam = make_exam(n=2)
    client = login_as(Role.cadre)
    aid = _start(client, exam)
    assert _save(client, aid, 1, 0).status_code == 200
    flask_calls.clear()
    resp = client.post(f"/attempts/{aid}/answer", json={"position": 2, "response": 2},
                       base_url="https://localhost", headers={"Referer": "https://localhost/attempts/1"})
    assert resp.status_code == 200 and flask_calls == [] and _items(aid)[1].response == 2


def test_the_fast_path_can_be_turned_off(database_url, tmp_path):
    """AUTOSAVE_FAST_PATH = False: is every autosave left to Flask?"""
    from tests.conftest import config_with
    from trainer import create_app

    app = create_app(config_with(SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=str(tmp_path),
                                 AUTOSAVE_FAST_PATH=False))
    assert not isinstance(app.wsgi_app, AutosaveFastPath)
    with app.app_context():
        db.engine.dispose()
