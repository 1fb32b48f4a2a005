"""Self check-in with the rotating code: window, late rule, once only, wrong codes throttled."""
from datetime import timedelta

import pytest

from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.nightschool import checkin
from trainer.nightschool.models import Attendance, AttendanceStatus


def _code(s, at):
    return checkin.code_for(s.id, checkin.minute_of(at))


def _count():
    return db.session.query(Attendance).count()


def test_code_is_short_and_changes_every_minute(make_session):
    """Is the code four digits, the same within a minute and different for another session?"""
    s, other = make_session(), make_session()
    at = s.starts_at + timedelta(seconds=5)
    assert len(_code(s, at)) == 4 and _code(s, at) == _code(s, at + timedelta(seconds=30))
    codes = {_code(s, at + timedelta(minutes=i)) for i in range(10)}
    assert len(codes) > 5
    assert any(_code(other, at + timedelta(minutes=i)) != _code(s, at + timedelta(minutes=i)) for i in range(3))


def test_on_time_check_in_is_present_and_only_once(make_session, make_user):
    """Does the current code record the cadre present, and a second check-in get refused?"""
    s, cadre = make_session(), make_user()
    at = s.starts_at + timedelta(minutes=3)
    row = checkin.check_in(cadre, s, _code(s, at), now=at)
    assert row.status == AttendanceStatus.present and row.checked_in_at == at
    with pytest.raises(ServiceError, match="无需重复签到"):
        checkin.check_in(cadre, s, _code(s, at), now=at + timedelta(minutes=1))
    assert _count() == 1


def test_previous_minute_code_accepted_older_refused(make_session, make_user):
    """Is last minute's code still accepted, but one from two minutes ago refused?"""
    s = make_session()
    at = s.starts_at + timedelta(minutes=2)
    a, b = make_user(), make_user()
    assert checkin.check_in(a, s, _code(s, at - timedelta(minutes=1)), now=at).status == AttendanceStatus.present
    with pytest.raises(ServiceError, match="签到码不正确或已过期"):
        checkin.check_in(b, s, _code(s, at - timedelta(minutes=2)), now=at)
    assert _count() == 1


def test_late_after_the_terms_minutes(make_session, make_term, make_user):
    """Is a check-in past the term's grace minutes recorded late?"""
    s = make_session(term=make_term(late_after=10))
    at = s.starts_at + timedelta(minutes=11)
    assert checkin.check_in(make_user(), s, _code(s, at), now=at).status == AttendanceStatus.late
    at = s.starts_at + timedelta(minutes=10)
    assert checkin.check_in(make_user(), s, _code(s, at), now=at).status == AttendanceStatus.present


def test_outside_the_window_refused_and_nothing_recorded(make_session, make_user):
    """Are codes refused before check-in opens and after the session ends, with a clear message?"""
    s, cadre = make_session(), make_user()
    after = s.ends_at + timedelta(minutes=1)
    with pytest.raises(ServiceError, match="签到已结束"):
        checkin.check_in(cadre, s, _code(s, after), now=after)
    before = s.starts_at - timedelta(minutes=31)
    with pytest.raises(ServiceError, match="签到尚未开始"):
        checkin.check_in(cadre, s, _code(s, before), now=before)
    assert _count() == 0


def test_wrong_codes_are_throttled(make_session, make_user):
    """After five wrong codes, is even the right code refused for a while (and accepted after)?"""
    s, cadre = make_session(minutes=120), make_user()
    at = s.starts_at
    right = _code(s, at)
    wrong = f"{(int(right) + 1) % 10000:04d}"
    for _ in range(checkin.MAX_WRONG):
        with pytest.raises(ServiceError, match="签到码不正确"):
            checkin.check_in(cadre, s, wrong, now=at)
    with pytest.raises(ServiceError, match="次数过多"):
        checkin.check_in(cadre, s, right, now=at)
    later = at + checkin.LOCK + timedelta(seconds=1)
    assert checkin.check_in(cadre, s, _code(s, later), now=later).status == AttendanceStatus.present
    assert _count() == 1


def test_outside_audience_cannot_check_in(make_session, make_user, make_unit):
    """Is a cadre of another unit refused, even with the right code?"""
    unit, other = make_unit(), make_unit()
    s = make_session(units=[unit])
    at = s.starts_at
    assert checkin.check_in(make_user(unit=unit), s, _code(s, at), now=at)
    with pytest.raises(ServiceError, match="不在本次夜校的参加范围"):
        checkin.check_in(make_user(unit=other), s, _code(s, at), now=at)


def test_cancelled_session_refuses(make_session, make_user):
    """Is check-in refused for a cancelled session?"""
    s = make_session(cancelled=True)
    with pytest.raises(ServiceError, match="已取消"):
        checkin.check_in(make_user(), s, _code(s, s.starts_at), now=s.starts_at)


def test_qr_png_is_a_png(app):
    """Does the QR renderer produce a PNG?"""
    assert checkin.qr_png("http://x/nightschool/checkin/1?code=1234").startswith(b"\x89PNG")
