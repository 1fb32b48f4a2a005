"""Night-school rules: series, move and cancel, audience, materials by content, leave, study hours, the 1/7
leave flag, ratings, and the contract functions other domains read."""
import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from trainer.errors import ServiceError
from trainer.exams.models import Attempt, AttemptState
from trainer.extensions import db
from trainer.nightschool import hours, service
from trainer.nightschool.certificates import specs_for_term
from trainer.nightschool.models import (
    Attendance,
    AttendanceStatus,
    LateCredit,
    LeaveState,
    Material,
    NightSession,
    SessionAudience,
)
from trainer.org.models import Role, UnitKind
from trainer.timeutil import utcnow


def _mark(s, user, status):
    db.session.add(Attendance(session_id=s.id, user_id=user.id, status=AttendanceStatus(status)))
    db.session.commit()


def _past(make_session, term, n, hours_each=1.5):
    """n sessions that ended, one a week, oldest first."""
    return [make_session(starts_in=-timedelta(days=7 * (n - i)), hours=hours_each, term=term) for i in range(n)]


# ---- series, move, cancel ---------------------------------------------------------------------------------

def test_series_makes_every_wednesday(make_term, make_user):
    """Does "every Wednesday 19:00–20:30 from A to B" make one session per Wednesday, numbered?"""
    term, admin = make_term(), make_user(Role.admin)
    data = service.SeriesData(topic="统战工作条例", weekday=2, first_day=date(2026, 9, 1), last_day=date(2026, 9, 30),
                              start=time(19), end=time(20, 30), place="党校", hours=1.5)
    made = service.create_series(admin, term, data)
    assert [service.to_local(s.starts_at).date() for s in made] == [date(2026, 9, d) for d in (2, 9, 16, 23, 30)]
    assert made[0].topic == "统战工作条例（第1讲）" and service.to_local(made[0].ends_at).time() == time(20, 30)


@pytest.mark.parametrize("change, message", [
    ({"last_day": date(2026, 8, 1)}, "结束日期不能早于开始日期"),
    ({"end": time(18)}, "下课时间须晚于上课时间"),
    ({"last_day": date(2028, 9, 30)}, "一次最多排"),
])
def test_bad_series_refused_and_nothing_made(make_term, make_user, change, message):
    """Is a series ending before it starts (or otherwise wrong) refused with a Chinese message and nothing made?"""
    term, admin = make_term(), make_user(Role.admin)
    base = dict(topic="统战工作条例", weekday=2, first_day=date(2026, 9, 1), last_day=date(2026, 9, 30), start=time(19),
                end=time(20, 30))
    with pytest.raises(ServiceError, match=message):
        service.create_series(admin, term, service.SeriesData(**(base | change)))
    assert db.session.query(NightSession).count() == 0


def test_move_and_cancel_show_the_reason(make_session, make_user):
    """Do move and cancel need a reason and show it to the audience?"""
    admin = make_user(Role.admin)
    s = make_session(starts_in=timedelta(days=2))
    with pytest.raises(ServiceError, match="请填写调整原因"):
        service.move_session(admin, s, s.starts_at + timedelta(days=1), s.ends_at + timedelta(days=1), "")
    service.move_session(admin, s, s.starts_at + timedelta(days=1), s.ends_at + timedelta(days=1), "全市会议")
    assert "全市会议" in s.notice and "原定" in s.notice
    with pytest.raises(ServiceError, match="请填写取消原因"):
        service.cancel_session(admin, s, " ")
    assert not s.cancelled
    service.cancel_session(admin, s, "与专题培训冲突")
    assert s.cancelled and "与专题培训冲突" in s.notice
    assert s not in service.sessions_between(utcnow(), utcnow() + timedelta(days=10))


def test_linked_quiz_opens_when_the_session_ends(make_session, make_user, make_exam):
    """Does linking a quiz set it to open at the session's end, and is the link visible from the exam?"""
    admin, exam = make_user(Role.admin), make_exam()
    s = make_session(starts_in=timedelta(days=1))
    data = service.SessionData(topic=s.topic, starts_at=s.starts_at, ends_at=s.ends_at, quiz_id=exam.id)
    service.save_session(admin, s.term, data, s)
    assert exam.opens_at == s.ends_at and exam.closes_at > s.ends_at
    assert service.session_for_exam(exam.id) == s and exam.night_session == s
    other = make_session(starts_in=timedelta(days=8), term=s.term)
    with pytest.raises(ServiceError, match="已关联"):
        service.save_session(admin, s.term, service.SessionData(topic="x", starts_at=other.starts_at,
                                                                ends_at=other.ends_at, quiz_id=exam.id), other)


# ---- audience ----------------------------------------------------------------------------------------------

def test_audience_by_unit_includes_villages_not_others(make_session, make_user, make_unit):
    """Does a unit audience include the unit's villages, and leave out other units and admins?"""
    town = make_unit("青石镇", UnitKind.town)
    village = make_unit("青石村", UnitKind.village, parent=town)
    other = make_unit("白沙镇", UnitKind.town)
    inside, in_village, outside = make_user(unit=town), make_user(unit=village), make_user(unit=other)
    admin = make_user(Role.admin, unit=town)
    s = make_session(units=[town])
    ids = service.audiences([s])[s.id]
    assert {inside.id, in_village.id} <= ids and outside.id not in ids and admin.id not in ids
    assert service.in_audience(s, in_village) and not service.in_audience(s, outside)
    everyone = make_session()
    assert outside.id in service.audiences([everyone])[everyone.id]


# ---- materials ---------------------------------------------------------------------------------------------

def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.4 fake", "讲义.docx"),
    (b"just text pretending", "讲义.pdf"),
    (b"MZ\x90\x00 executable", "讲义.pptx"),
    (b"%PDF-1.4", "讲义.exe"),
])
def test_a_file_that_lies_about_its_type_is_refused(app, make_session, make_user, data, name):
    """Is a file whose content does not match its name refused, with nothing stored?"""
    s, admin = make_session(), make_user(Role.admin)
    with pytest.raises(ServiceError) as exc:
        service.add_material(admin, s, data, name)
    assert "不符" in exc.value.message or "只能上传" in exc.value.message
    assert db.session.query(Material).count() == 0
    folder = Path(app.config["UPLOAD_DIR"]) / "nightschool"
    assert not folder.exists() or not any(folder.iterdir())


def test_real_files_stored_with_generated_names(app, make_session, make_user):
    """Are a real DOCX and PDF stored under generated names and read back?"""
    s, admin = make_session(), make_user(Role.admin)
    m = service.add_material(admin, s, _docx(), "../../etc/第一讲.docx")
    assert m.kind == "docx" and m.filename == "第一讲.docx" and m.stored_name.endswith(".docx")
    assert "第一讲" not in m.stored_name and service.material_bytes(m) == _docx()
    pdf = service.add_material(admin, s, b"%PDF-1.4\n%%EOF", "讲义.PDF")
    assert pdf.kind == "pdf"
    with pytest.raises(ServiceError, match="不能超过"):
        service.add_material(admin, s, b"%PDF-" + b"0" * service.MATERIAL_MAX_BYTES, "大.pdf")


# ---- leave -------------------------------------------------------------------------------------------------

def test_leave_before_start_approved_records_leave(make_session, make_user):
    """Can a cadre ask leave before the session, and does approval record them on leave?"""
    admin, cadre = make_user(Role.admin), make_user()
    s = make_session(starts_in=timedelta(days=1))
    with pytest.raises(ServiceError, match="请填写请假事由"):
        service.request_leave(cadre, s, "")
    leave = service.request_leave(cadre, s, "下乡调研")
    with pytest.raises(ServiceError, match="已提交过"):
        service.request_leave(cadre, s, "再次")
    service.decide_leave(admin, leave, True)
    assert leave.state == LeaveState.approved and service.attendance_of(s, cadre).status == AttendanceStatus.leave


def test_leave_after_start_refused(make_session, make_user):
    """Is leave refused once the session has started?"""
    s = make_session()
    with pytest.raises(ServiceError, match="已开始"):
        service.request_leave(make_user(), s, "临时有事")


# ---- study hours -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rule, late_hours", [(LateCredit.full, 2.0), (LateCredit.half, 1.0), (LateCredit.none, 0.0)])
def test_hours_by_status_and_late_rule(make_term, make_session, make_user, rule, late_hours):
    """Does present credit full hours, late by the term's rule, leave and absence nothing?"""
    term, cadre = make_term(late_credit=rule), make_user()
    present, late, leave, absent = _past(make_session, term, 4, hours_each=2.0)
    _mark(present, cadre, "present")
    _mark(late, cadre, "late")
    _mark(leave, cadre, "leave")
    rec = hours.record_for(term, cadre)
    assert rec.scheduled == 8.0 and rec.credited == 2.0 + late_hours
    assert [line.status for line in rec.lines] == ["present", "late", "leave", "absent"]
    assert rec.counts == {"present": 1, "late": 1, "leave": 1, "absent": 1} and rec.leave_hours == 2.0


def test_leave_over_one_seventh_is_flagged(make_term, make_session, make_user):
    """Is leave of exactly one seventh of the hours allowed, and more flagged?"""
    term, cadre = make_term(), make_user()
    sessions = _past(make_session, term, 7)
    for s in sessions[1:]:
        _mark(s, cadre, "present")
    db.session.query(Attendance).filter_by(session_id=sessions[1].id).delete()
    db.session.commit()
    _mark(sessions[0], cadre, "leave")
    rec = hours.record_for(term, cadre)
    assert rec.leave_hours == 1.5 and not rec.leave_over
    db.session.query(Attendance).filter_by(session_id=sessions[1].id).delete()
    _mark(sessions[1], cadre, "leave")
    rec = hours.record_for(term, cadre)
    assert rec.leave_hours == 3.0 and rec.leave_over and not rec.completed


def test_quiz_required_for_credit(make_term, make_session, make_user, make_exam):
    """When the term requires the quiz, does attendance earn hours only with a passed quiz?"""
    term, cadre = make_term(quiz_required=True), make_user()
    exam = make_exam()
    s = make_session(starts_in=-timedelta(days=2), term=term, quiz_id=exam.id)
    _mark(s, cadre, "present")
    assert hours.record_for(term, cadre).credited == 0 and hours.record_for(term, cadre).quiz_missing == 1
    db.session.add(Attempt(exam_id=exam.id, user_id=cadre.id, state=AttemptState.graded, counted=True, passed=True,
                           score=80, max_score=100))
    db.session.commit()
    assert hours.record_for(term, cadre).credited == 1.5
    term.quiz_required = False
    db.session.commit()
    assert hours.record_for(make_term(), cadre) is None


def test_completion_and_certificate_source(make_term, make_session, make_user):
    """Does the "term" source list exactly the cadres who met the hours and leave rules?"""
    from trainer.certificates import service as certificates

    term = make_term(completion_percent=80)
    good, weak = make_user(), make_user()
    sessions = _past(make_session, term, 5)
    for i, s in enumerate(sessions):
        _mark(s, good, "present")
        if i < 2:
            _mark(s, weak, "present")
    specs = specs_for_term(term.id)
    assert specs == [{"kind": "completion", "holder": good.id, "title": term.title, "subject_ref": f"term:{term.id}",
                      "period": term.period}]
    assert "term" in certificates.SOURCES
    assert specs_for_term(99999) == []


# ---- ratings -----------------------------------------------------------------------------------------------

def test_ratings_by_attendees_anonymous_to_lecturer(make_session, make_user):
    """Can only attendees rate a finished session once, and does the lecturer see averages and comments only?"""
    lecturer = make_user(Role.mentor, name="张部长")
    s = make_session(starts_in=-timedelta(days=1), lecturer=lecturer)
    a, b, absent = make_user(name="王一"), make_user(name="李二"), make_user()
    _mark(s, a, "present")
    _mark(s, b, "late")
    service.rate_session(a, s, 5, "讲得好")
    service.rate_session(b, s, 4, "")
    with pytest.raises(ServiceError, match="已评价过"):
        service.rate_session(a, s, 3, "")
    with pytest.raises(ServiceError, match="签到出席的学员"):
        service.rate_session(absent, s, 3, "")
    with pytest.raises(ServiceError, match="不能评价自己"):
        service.rate_session(lecturer, s, 5, "")
    [row] = service.lecture_ratings(lecturer.id)
    assert row.count == 2 and row.average == 4.5 and row.comments == [("讲得好", 1)]
    assert not any(hasattr(c, "user_id") for c in row.comments)


# ---- contract functions ------------------------------------------------------------------------------------

def test_attendance_contracts(make_term, make_session, make_user, make_unit):
    """Do attendance_by_user, attendance_events, attendance_by_unit and sessions_between return the agreed shapes?"""
    office = make_unit("干部科")
    term = make_term()
    a, b = make_user(unit=office), make_user(unit=office)
    s1, s2 = _past(make_session, term, 2)
    future = make_session(starts_in=timedelta(days=3), term=term)
    make_session(starts_in=timedelta(days=4), term=term, cancelled=True)
    _mark(s1, a, "present")
    _mark(s2, a, "late")
    _mark(s1, b, "leave")
    _mark(future, b, "leave")
    by_user = service.attendance_by_user([a.id, b.id])
    assert by_user[a.id] == {"present": 1, "late": 1, "leave": 0, "absent": 0, "sessions": 2, "rate": 1.0}
    assert by_user[b.id] == {"present": 0, "late": 0, "leave": 1, "absent": 1, "sessions": 2, "rate": 0.0}
    since = utcnow() - timedelta(days=30)
    only_recent = service.attendance_by_user([a.id], since=s2.starts_at)
    assert only_recent[a.id]["sessions"] == 1
    events = service.attendance_events(since, utcnow() + timedelta(days=30))
    assert (a.id, s1.id, "present", s1.starts_at) in events and (b.id, s2.id, "absent", s2.starts_at) in events
    assert (b.id, future.id, "leave", future.starts_at) in events
    assert all(isinstance(e[3], datetime) for e in events)
    [unit_row] = [r for r in service.attendance_by_unit(term.id) if r["unit_id"] == office.id]
    assert unit_row == {"unit_id": office.id, "unit_name": "干部科", "expected": 4, "attended": 2, "rate": 0.5}
    between = service.sessions_between(since, utcnow() + timedelta(days=30))
    assert [s.id for s in between] == [s1.id, s2.id, future.id]


def test_sessions_for_user_include_lectures(make_session, make_user, make_unit):
    """Does a lecturer outside the audience still see the session they lecture?"""
    unit = make_unit()
    lecturer = make_user(Role.admin)
    s = make_session(units=[unit], lecturer=lecturer, starts_in=timedelta(days=1))
    assert s.audience == SessionAudience.units
    assert s in service.sessions_for(lecturer) and service.can_view(s, lecturer)
    outsider = make_user()
    assert s not in service.sessions_for(outsider) and not service.can_view(s, outsider)


def test_shown_name_is_cleaned(make_session, make_user):
    """Are quotes, angle brackets and control characters dropped from the name shown for a material?"""
    m = service.add_material(make_user(Role.admin), make_session(), b"%PDF-1.4", 'C:\\tmp\\"讲义"<1>\r.pdf')
    assert m.filename == "讲义1.pdf"
