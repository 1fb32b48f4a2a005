"""The night-school commands: the current check-in code and a term's study hours."""
from datetime import timedelta

from trainer.extensions import db
from trainer.nightschool import checkin
from trainer.nightschool.models import Attendance, AttendanceStatus
from trainer.timeutil import utcnow


def test_night_code_prints_this_minutes_code(runner, make_session):
    """Does night-code print the code shown on the screen, and fail on an unknown session?"""
    s = make_session()
    result = runner.invoke(args=["night-code", str(s.id)])
    minute = checkin.minute_of(utcnow())
    assert result.exit_code == 0 and result.output[:4] in {checkin.code_for(s.id, minute - k) for k in (0, 1)}
    bad = runner.invoke(args=["night-code", "9999"])
    assert bad.exit_code == 1 and "夜校课次不存在" in bad.output


def test_night_hours_lists_each_cadre(runner, make_session, make_user):
    """Does night-hours list each cadre with credited and scheduled hours?"""
    s = make_session(starts_in=-timedelta(days=1))
    cadre = make_user(name="王小明")
    db.session.add(Attendance(session_id=s.id, user_id=cadre.id, status=AttendanceStatus.present))
    db.session.commit()
    result = runner.invoke(args=["night-hours", str(s.term_id)])
    assert result.exit_code == 0 and "王小明\t" in result.output and "\t1.5\t1.5\t否\t是" in result.output
