"""Night school: terms, sessions (single or a weekly series), audience, materials, leave, attendance marking,
ratings, and the attendance figures other domains read (attendance_by_user, attendance_events,
attendance_by_unit, sessions_between).

Self check-in is in checkin.py, study hours in hours.py, the calendar and .ics feed in calendar.py.
"""
from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from trainer.audit import service as audit
from trainer.errors import NotFound, ServiceError
from trainer.exams.models import Exam
from trainer.extensions import db
from trainer.nightschool.models import (
    Attendance,
    AttendanceStatus,
    CheckinMethod,
    LateCredit,
    LeaveRequest,
    LeaveState,
    Material,
    NightSession,
    NightSessionUnit,
    Rating,
    SessionAudience,
    Term,
)
from trainer.org import service as org
from trainer.org.models import OrgUnit, Role, User
from trainer.timeutil import format_local, from_local, to_local, utcnow

audit.register_actions({
    "night.term": "保存夜校期次", "night.session": "保存夜校课次", "night.series": "批量排课",
    "night.move": "调整夜校时间", "night.cancel": "取消夜校课次", "night.material": "上传夜校资料",
    "night.material_delete": "删除夜校资料", "night.attendance": "登记考勤", "night.leave": "审批请假", "night.rota": "修改讲课安排",
})

MATERIAL_MAX_BYTES = 8 * 1024 * 1024
MAX_SERIES = 60
LEAVE_SHARE = 1 / 7  # cadre-training rule: leave may not exceed one seventh of a course's hours
STATUS_VALUES = [s.value for s in AttendanceStatus]


# ---- terms ---------------------------------------------------------------------------------------------

@dataclass
class TermData:
    title: str
    starts_on: date | None
    ends_on: date | None
    description: str = ""
    late_after_minutes: int = 10
    late_credit: LateCredit = LateCredit.half
    quiz_required: bool = False
    completion_percent: int = 80


def get_term(term_id: int) -> Term:
    term = db.session.get(Term, term_id)
    if term is None:
        raise NotFound("夜校期次不存在")
    return term


def list_terms() -> list[Term]:
    return list(db.session.scalars(select(Term).order_by(Term.starts_on.desc(), Term.id.desc())))


def current_term(today: date | None = None) -> Term | None:
    """The term running today, else the latest one that has started, else the next one."""
    today = today or to_local(utcnow()).date()
    running = db.session.scalar(select(Term).where(Term.starts_on <= today, Term.ends_on >= today)
                                .order_by(Term.starts_on.desc()).limit(1))
    return running or db.session.scalar(select(Term).order_by(Term.starts_on.desc()).limit(1))


def _check_term(data: TermData) -> None:
    if not (data.title or "").strip():
        raise ServiceError("请填写期次名称", field="title")
    if len(data.title.strip()) > 120:
        raise ServiceError("期次名称不超过 120 字", field="title")
    if not data.starts_on or not data.ends_on:
        raise ServiceError("请填写开始和结束日期", field="ends_on")
    if data.ends_on < data.starts_on:
        raise ServiceError("结束日期不能早于开始日期", field="ends_on")
    if not 0 <= data.late_after_minutes <= 120:
        raise ServiceError("迟到判定须为 0–120 分钟", field="late_after_minutes")
    if not 0 <= data.completion_percent <= 100:
        raise ServiceError("结业学时比例须为 0–100", field="completion_percent")


def save_term(actor, data: TermData, term: Term | None = None, ip: str = "") -> Term:
    """Create a term, or change one."""
    _check_term(data)
    term = term or Term()
    term.title, term.description = data.title.strip(), (data.description or "").strip()
    for attr in ("starts_on", "ends_on", "late_after_minutes", "late_credit", "quiz_required", "completion_percent"):
        setattr(term, attr, getattr(data, attr))
    db.session.add(term)
    db.session.flush()
    audit.record(actor, "night.term", term.title, ip=ip, term_id=term.id)
    db.session.commit()
    return term


# ---- sessions ------------------------------------------------------------------------------------------

@dataclass
class SessionData:
    topic: str
    starts_at: datetime | None  # UTC
    ends_at: datetime | None
    place: str = ""
    lecturer_id: int | None = None
    chapter: str = ""
    description: str = ""
    hours: float = 1.5
    audience: SessionAudience = SessionAudience.everyone
    unit_ids: list[int] = field(default_factory=list)
    quiz_id: int | None = None


def get_session(session_id: int) -> NightSession:
    s = db.session.get(NightSession, session_id)
    if s is None:
        raise NotFound("夜校课次不存在")
    return s


def _check_session(data: SessionData, session: NightSession | None = None) -> None:
    if not (data.topic or "").strip():
        raise ServiceError("请填写主题", field="topic")
    if len(data.topic.strip()) > 200:
        raise ServiceError("主题不超过 200 字", field="topic")
    if not data.starts_at or not data.ends_at:
        raise ServiceError("请填写开始和结束时间", field="starts_at")
    if data.ends_at <= data.starts_at:
        raise ServiceError("结束时间须晚于开始时间", field="ends_at")
    if data.ends_at - data.starts_at > timedelta(hours=12):
        raise ServiceError("一次夜校不超过 12 小时", field="ends_at")
    if not 0 <= (data.hours or 0) <= 12:
        raise ServiceError("学时须为 0–12", field="hours")
    if len(data.place or "") > 120 or len(data.chapter or "") > 120:
        raise ServiceError("地点和章节各不超过 120 字", field="place")
    if data.audience == SessionAudience.units and not data.unit_ids:
        raise ServiceError("请选择参加的单位", field="unit_ids")
    if data.lecturer_id and db.session.get(User, data.lecturer_id) is None:
        raise ServiceError("主讲人不存在", field="lecturer_id")
    if data.quiz_id:
        if db.session.get(Exam, data.quiz_id) is None:
            raise ServiceError("所选测验不存在", field="quiz_id")
        other = db.session.scalar(select(NightSession).where(NightSession.quiz_id == data.quiz_id))
        if other is not None and other is not session:
            raise ServiceError(f"该测验已关联到“{other.topic}”", field="quiz_id")


def _apply(s: NightSession, data: SessionData) -> None:
    s.topic, s.place = data.topic.strip(), (data.place or "").strip()
    s.chapter, s.description = (data.chapter or "").strip(), (data.description or "").strip()
    s.starts_at, s.ends_at, s.hours = data.starts_at, data.ends_at, float(data.hours or 0)
    s.lecturer_id, s.audience, s.quiz_id = data.lecturer_id or None, data.audience, data.quiz_id or None
    s.audience_units = (list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(data.unit_ids))))
                        if data.audience == SessionAudience.units else [])


def _open_quiz_after(s: NightSession) -> None:
    """The linked quiz opens when the session ends (and stays open at least four days)."""
    quiz = db.session.get(Exam, s.quiz_id) if s.quiz_id else None
    if quiz is None:
        return
    length = (quiz.closes_at - quiz.opens_at) if quiz.opens_at and quiz.closes_at else timedelta(days=4)
    quiz.opens_at = s.ends_at
    quiz.closes_at = s.ends_at + max(length, timedelta(hours=1))


def save_session(actor, term: Term, data: SessionData, session: NightSession | None = None,
                 ip: str = "") -> NightSession:
    """Create or change one session; a linked quiz is set to open when the session ends."""
    _check_session(data, session)
    s = session or NightSession(term_id=term.id)
    _apply(s, data)
    db.session.add(s)
    db.session.flush()
    _open_quiz_after(s)
    audit.record(actor, "night.session", s.topic, ip=ip, session_id=s.id)
    db.session.commit()
    return s


@dataclass
class SeriesData:
    topic: str
    weekday: int  # 0 = Monday
    first_day: date | None
    last_day: date | None
    start: time | None
    end: time | None
    place: str = ""
    hours: float = 1.5
    audience: SessionAudience = SessionAudience.everyone
    unit_ids: list[int] = field(default_factory=list)


def series_days(data: SeriesData) -> list[date]:
    """Every `weekday` from first_day to last_day inclusive."""
    if not data.first_day or not data.last_day:
        raise ServiceError("请填写起止日期", field="last_day")
    if data.last_day < data.first_day:
        raise ServiceError("结束日期不能早于开始日期", field="last_day")
    if not 0 <= data.weekday <= 6:
        raise ServiceError("请选择星期几", field="weekday")
    day = data.first_day + timedelta(days=(data.weekday - data.first_day.weekday()) % 7)
    days = []
    while day <= data.last_day:
        days.append(day)
        day += timedelta(weeks=1)
    if not days:
        raise ServiceError("这段日期内没有所选的星期几", field="last_day")
    if len(days) > MAX_SERIES:
        raise ServiceError(f"一次最多排 {MAX_SERIES} 次课", field="last_day")
    return days


def create_series(actor, term: Term, data: SeriesData, ip: str = "") -> list[NightSession]:
    """Sessions on every chosen weekday between two dates, numbered 第N讲; all or none are made."""
    days = series_days(data)
    if not data.start or not data.end:
        raise ServiceError("请填写上课时间", field="start")
    if data.end <= data.start:
        raise ServiceError("下课时间须晚于上课时间", field="end")
    made = []
    for n, day in enumerate(days, start=1):
        sd = SessionData(topic=f"{(data.topic or '').strip()}（第{n}讲）" if data.topic.strip() else "",
                         starts_at=from_local(datetime.combine(day, data.start)),
                         ends_at=from_local(datetime.combine(day, data.end)), place=data.place, hours=data.hours,
                         audience=data.audience, unit_ids=data.unit_ids)
        _check_session(sd)
        s = NightSession(term_id=term.id)
        _apply(s, sd)
        db.session.add(s)
        made.append(s)
    db.session.flush()
    audit.record(actor, "night.series", term.title, ip=ip, term_id=term.id, count=len(made))
    db.session.commit()
    return made


def save_rota(actor, term: Term, rota: dict[int, tuple[int | None, str]], ip: str = "") -> int:
    """Set who lectures which session on which chapter (领导干部上讲台); returns how many sessions changed."""
    sessions = {s.id: s for s in term_sessions(term)}
    if any(sid not in sessions for sid in rota):
        raise ServiceError("讲课安排中有不属于本期的课次，未保存")
    lecturer_ids = {lid for lid, _ in rota.values() if lid}
    known = set(db.session.scalars(select(User.id).where(User.id.in_(lecturer_ids))))
    if lecturer_ids - known:
        raise ServiceError("所选主讲人不存在，未保存")
    if any(len(chapter.strip()) > 120 for _, chapter in rota.values()):
        raise ServiceError("讲授章节不超过 120 字，未保存")
    changed = 0
    for sid, (lecturer_id, chapter) in rota.items():
        s = sessions[sid]
        if (s.lecturer_id, s.chapter) != (lecturer_id or None, chapter.strip()):
            s.lecturer_id, s.chapter = lecturer_id or None, chapter.strip()
            changed += 1
    if changed:
        audit.record(actor, "night.rota", term.title, ip=ip, term_id=term.id, changed=changed)
    db.session.commit()
    return changed


def move_session(actor, s: NightSession, starts_at: datetime | None, ends_at: datetime | None, reason: str,
                 ip: str = "") -> NightSession:
    """Move a session; the reason and the old time are shown to the audience."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写调整原因（将告知参加人员）", field="reason")
    if s.cancelled:
        raise ServiceError("该课次已取消，不能调整时间")
    if not starts_at or not ends_at:
        raise ServiceError("请填写新的开始和结束时间", field="starts_at")
    if ends_at <= starts_at:
        raise ServiceError("结束时间须晚于开始时间", field="ends_at")
    old = s.starts_at
    s.starts_at, s.ends_at = starts_at, ends_at
    s.notice = f"时间调整：原定 {format_local(old, '%m月%d日 %H:%M')}，改为 {format_local(starts_at, '%m月%d日 %H:%M')}。原因：{reason}"[:300]
    _open_quiz_after(s)
    audit.record(actor, "night.move", s.topic, ip=ip, session_id=s.id, reason=reason)
    db.session.commit()
    return s


def cancel_session(actor, s: NightSession, reason: str, ip: str = "") -> NightSession:
    """Cancel a session; the reason is shown to the audience and it no longer counts anywhere."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写取消原因（将告知参加人员）", field="reason")
    if s.cancelled:
        raise ServiceError("该课次已经取消")
    s.cancelled = True
    s.notice = f"本次夜校取消。原因：{reason}"[:300]
    audit.record(actor, "night.cancel", s.topic, ip=ip, session_id=s.id, reason=reason)
    db.session.commit()
    return s


def term_sessions(term: Term, include_cancelled: bool = True) -> list[NightSession]:
    stmt = select(NightSession).where(NightSession.term_id == term.id).order_by(NightSession.starts_at)
    if not include_cancelled:
        stmt = stmt.where(NightSession.cancelled.is_(False))
    return list(db.session.scalars(stmt))


def session_for_exam(exam_id: int) -> NightSession | None:
    """The session whose quiz this exam is."""
    return db.session.scalar(select(NightSession).where(NightSession.quiz_id == exam_id))


def quiz_choices() -> list[tuple[int, str]]:
    """Weekly quizzes (newest first) for the session form."""
    from trainer.exams.models import ExamKind

    exams = db.session.scalars(select(Exam).where(Exam.kind == ExamKind.weekly).order_by(Exam.id.desc()).limit(200))
    return [(0, "（不关联）")] + [(e.id, e.title) for e in exams]


# ---- audience ------------------------------------------------------------------------------------------

def _people() -> list[tuple[int, int | None]]:
    """(id, unit_id) of every active cadre and mentor: the night school's possible audience."""
    return list(db.session.execute(select(User.id, User.unit_id).where(User.active.is_(True),
                                                                       User.role != Role.admin)))


def audiences(sessions: list[NightSession]) -> dict[int, set[int]]:
    """Each session's audience as a set of user ids (two queries whatever the number of sessions)."""
    people = _people()
    everyone = {uid for uid, _ in people}
    unit_rows = db.session.execute(select(NightSessionUnit.session_id, NightSessionUnit.unit_id).where(
        NightSessionUnit.session_id.in_([s.id for s in sessions if s.audience == SessionAudience.units]))).all()
    subtree: dict[int, set[int]] = {}
    units_of: dict[int, set[int]] = {}
    for sid, unit_id in unit_rows:
        if unit_id not in subtree:
            subtree[unit_id] = set(org.subtree_ids(unit_id))
        units_of.setdefault(sid, set()).update(subtree[unit_id])
    out = {}
    for s in sessions:
        if s.audience == SessionAudience.units:
            units = units_of.get(s.id, set())
            out[s.id] = {uid for uid, unit in people if unit in units}
        else:
            out[s.id] = everyone
    return out


def audience_users(s: NightSession) -> list[User]:
    ids = audiences([s])[s.id]
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.unit_id, User.id)))


def in_audience(s: NightSession, user: User) -> bool:
    if not user.active or user.role == Role.admin:
        return False
    if s.audience == SessionAudience.everyone:
        return True
    units = set()
    for u in s.audience_units:
        units.update(org.subtree_ids(u.id))
    return user.unit_id in units


def can_view(s: NightSession, user: User) -> bool:
    """Admins, the lecturer and the audience see a session and its materials."""
    return user.role == Role.admin or s.lecturer_id == user.id or in_audience(s, user)


def sessions_for(user: User, since: datetime | None = None, until: datetime | None = None,
                 include_cancelled: bool = True) -> list[NightSession]:
    """Sessions the user attends or lectures (all sessions for admins), by start."""
    stmt = select(NightSession).order_by(NightSession.starts_at)
    if since:
        stmt = stmt.where(NightSession.starts_at >= since)
    if until:
        stmt = stmt.where(NightSession.starts_at < until)
    if not include_cancelled:
        stmt = stmt.where(NightSession.cancelled.is_(False))
    sessions = list(db.session.scalars(stmt))
    if user.role == Role.admin:
        return sessions
    aud = audiences(sessions)
    return [s for s in sessions if user.id in aud[s.id] or s.lecturer_id == user.id]


def window_state(s: NightSession, now: datetime | None = None) -> str:
    now = now or utcnow()
    if s.cancelled:
        return "已取消"
    if now < s.starts_at:
        return "未开始"
    if now < s.ends_at:
        return "进行中"
    return "已结束"


# ---- materials -----------------------------------------------------------------------------------------

MATERIAL_KINDS = {"pdf": "PDF", "ppt": "PPT", "pptx": "PPT", "doc": "Word", "docx": "Word", "xls": "Excel",
                  "xlsx": "Excel", "png": "图片", "jpg": "图片", "jpeg": "图片"}
MIMETYPES = {"pdf": "application/pdf", "ppt": "application/vnd.ms-powerpoint",
             "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "doc": "application/msword",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xls": "application/vnd.ms-excel",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def sniff(data: bytes) -> set[str]:
    """The extensions the content really is (by its leading bytes and, for Office files, its parts)."""
    if data.startswith(b"%PDF-"):
        return {"pdf"}
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if data.startswith(b"\xff\xd8\xff"):
        return {"jpg", "jpeg"}
    if data.startswith(_OLE):
        return {"doc", "xls", "ppt"}  # the old binary formats share one container
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return set()
        if "[Content_Types].xml" not in names:
            return set()
        return {ext for ext, part in _OOXML_PART.items() if any(n.startswith(part) for n in names)}
    return set()


def check_material(data: bytes, filename: str) -> str:
    """The file's kind (its extension) if its content matches its name and it is small enough."""
    name = (filename or "").strip()
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not data:
        raise ServiceError("请选择文件", field="file")
    if ext not in MATERIAL_KINDS:
        raise ServiceError("只能上传 PDF、PPT/PPTX、DOC/DOCX、XLS/XLSX 或 PNG/JPG 图片", field="file")
    if len(data) > MATERIAL_MAX_BYTES:
        raise ServiceError(f"文件不能超过 {MATERIAL_MAX_BYTES // (1024 * 1024)} MB", field="file")
    if ext not in sniff(data):
        raise ServiceError(f"文件内容与扩展名 .{ext} 不符（文件可能已损坏或被改名），未上传", field="file")
    return "jpg" if ext == "jpeg" else ext


def _material_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "nightschool"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_material(actor, s: NightSession, data: bytes, filename: str, ip: str = "") -> Material:
    """Store an uploaded file for a session under a generated name."""
    kind = check_material(data, filename)
    shown = re.sub(r'[\x00-\x1f"<>:*?|]', "", Path((filename or "").replace("\\", "/")).name).strip()[:200]
    shown = shown if "." in shown else f"资料.{kind}"
    stored = f"{secrets.token_hex(16)}.{kind}"
    (_material_folder() / stored).write_bytes(data)
    m = Material(session_id=s.id, filename=shown, stored_name=stored, kind=kind, size=len(data),
                 uploaded_by_id=getattr(actor, "id", None))
    db.session.add(m)
    audit.record(actor, "night.material", shown, ip=ip, session_id=s.id)
    try:
        db.session.commit()
    except Exception:
        (_material_folder() / stored).unlink(missing_ok=True)
        raise
    return m


def get_material(material_id: int) -> Material:
    m = db.session.get(Material, material_id)
    if m is None:
        raise NotFound("资料不存在")
    return m


def material_bytes(m: Material) -> bytes:
    path = _material_folder() / m.stored_name
    if not path.is_file():
        raise NotFound("资料文件已丢失，请联系管理员重新上传")
    return path.read_bytes()


def delete_material(actor, m: Material, ip: str = "") -> None:
    stored = m.stored_name
    audit.record(actor, "night.material_delete", m.filename, ip=ip, session_id=m.session_id)
    db.session.delete(m)
    db.session.commit()
    (_material_folder() / stored).unlink(missing_ok=True)


# ---- leave ---------------------------------------------------------------------------------------------

def leave_of(s: NightSession, user: User) -> LeaveRequest | None:
    return db.session.scalar(select(LeaveRequest).where(LeaveRequest.session_id == s.id,
                                                        LeaveRequest.user_id == user.id))


def request_leave(user: User, s: NightSession, reason: str, now: datetime | None = None) -> LeaveRequest:
    """Ask leave before the session starts (again after a refusal)."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not in_audience(s, user):
        raise ServiceError("您不在本次夜校的参加范围内")
    if s.cancelled:
        raise ServiceError("本次夜校已取消，无需请假")
    if now >= s.starts_at:
        raise ServiceError("夜校已开始，不能再请假；如有特殊情况请联系管理员")
    if not reason:
        raise ServiceError("请填写请假事由", field="reason")
    if len(reason) > 300:
        raise ServiceError("请假事由不超过 300 字", field="reason")
    leave = leave_of(s, user)
    if leave is not None and leave.state != LeaveState.rejected:
        raise ServiceError("您已提交过请假申请" if leave.state == LeaveState.pending else "您的请假已获批准")
    if leave is None:
        leave = LeaveRequest(session_id=s.id, user_id=user.id)
        db.session.add(leave)
    leave.reason, leave.state, leave.created_at = reason, LeaveState.pending, now
    leave.decided_by_id = leave.decided_at = None
    db.session.commit()
    return leave


def withdraw_leave(user: User, s: NightSession) -> None:
    leave = leave_of(s, user)
    if leave is None or leave.state != LeaveState.pending:
        raise ServiceError("没有待审批的请假申请")
    db.session.delete(leave)
    db.session.commit()


def get_leave(leave_id: int) -> LeaveRequest:
    leave = db.session.get(LeaveRequest, leave_id)
    if leave is None:
        raise NotFound("请假申请不存在")
    return leave


def decide_leave(actor, leave: LeaveRequest, approve: bool, ip: str = "") -> LeaveRequest:
    """Approve (the cadre is recorded on leave) or refuse a leave request."""
    if leave.state != LeaveState.pending:
        raise ServiceError("该申请已经处理过")
    leave.state = LeaveState.approved if approve else LeaveState.rejected
    leave.decided_by_id, leave.decided_at = actor.id, utcnow()
    if approve:
        row = _attendance_row(leave.session_id, leave.user_id)
        if row is None:
            db.session.add(Attendance(session_id=leave.session_id, user_id=leave.user_id,
                                      status=AttendanceStatus.leave, method=CheckinMethod.leave,
                                      recorded_by_id=actor.id))
        elif row.status == AttendanceStatus.absent:
            row.status, row.method = AttendanceStatus.leave, CheckinMethod.leave
    audit.record(actor, "night.leave", leave.user.name, ip=ip, session_id=leave.session_id,
                 decision="approved" if approve else "rejected")
    db.session.commit()
    return leave


def list_leave(state: LeaveState | None = LeaveState.pending, limit: int = 200) -> list[LeaveRequest]:
    stmt = select(LeaveRequest).join(NightSession).order_by(NightSession.starts_at.desc(), LeaveRequest.id)
    if state is not None:
        stmt = stmt.where(LeaveRequest.state == state)
    return list(db.session.scalars(stmt.limit(limit)))


# ---- attendance ----------------------------------------------------------------------------------------

def _attendance_row(session_id: int, user_id: int) -> Attendance | None:
    return db.session.scalar(select(Attendance).where(Attendance.session_id == session_id,
                                                      Attendance.user_id == user_id))


def attendance_of(s: NightSession, user: User) -> Attendance | None:
    return _attendance_row(s.id, user.id)


def roster(s: NightSession) -> list[tuple[User, Attendance | None, LeaveRequest | None]]:
    """The audience with each person's attendance record and leave request."""
    people = audience_users(s)
    rows = {a.user_id: a for a in db.session.scalars(select(Attendance).where(Attendance.session_id == s.id))}
    leaves = {r.user_id: r for r in db.session.scalars(select(LeaveRequest).where(LeaveRequest.session_id == s.id))}
    return [(u, rows.get(u.id), leaves.get(u.id)) for u in people]


def mark_attendance(actor, s: NightSession, marks: dict[int, str], ip: str = "") -> int:
    """Set (or with "" clear) the status of audience members; returns how many records changed."""
    if s.cancelled:
        raise ServiceError("该课次已取消，不能登记考勤")
    audience = audiences([s])[s.id]
    bad = [uid for uid, v in marks.items() if v and v not in STATUS_VALUES]
    if bad:
        raise ServiceError("考勤状态无效")
    if any(uid not in audience for uid in marks):
        raise ServiceError("名单中有不属于本次参加范围的人员，未保存")
    rows = {a.user_id: a for a in db.session.scalars(select(Attendance).where(Attendance.session_id == s.id))}
    changed = 0
    now = utcnow()
    for uid, value in marks.items():
        row = rows.get(uid)
        if not value:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        status = AttendanceStatus(value)
        if row is None:
            db.session.add(Attendance(session_id=s.id, user_id=uid, status=status, method=CheckinMethod.admin,
                                      recorded_by_id=actor.id, updated_at=now))
            changed += 1
        elif row.status != status:
            row.status, row.recorded_by_id, row.updated_at = status, actor.id, now
            if status in (AttendanceStatus.leave, AttendanceStatus.absent):
                row.checked_in_at = None
            row.method = CheckinMethod.admin if row.checked_in_at is None else row.method
            changed += 1
    if changed:
        audit.record(actor, "night.attendance", s.topic, ip=ip, session_id=s.id, changed=changed)
    db.session.commit()
    return changed


def statuses(sessions: list[NightSession], user_ids: set[int] | None = None,
             now: datetime | None = None) -> list[tuple[NightSession, int, str | None]]:
    """(session, user id, status) for each audience member of each session; an ended session with no record
    counts as absent, a session not yet ended as None."""
    now = now or utcnow()
    aud = audiences(sessions)
    recorded: dict[tuple[int, int], str] = {}
    if sessions:
        for sid, uid, st in db.session.execute(select(Attendance.session_id, Attendance.user_id, Attendance.status)
                                               .where(Attendance.session_id.in_([s.id for s in sessions]))):
            recorded[(sid, uid)] = st.value if hasattr(st, "value") else st
    out = []
    for s in sessions:
        for uid in sorted(aud[s.id]):
            if user_ids is not None and uid not in user_ids:
                continue
            st = recorded.get((s.id, uid))
            if st is None and s.ends_at <= now:
                st = AttendanceStatus.absent.value
            out.append((s, uid, st))
    return out


def _sessions(since: datetime | None = None, until: datetime | None = None, term_id: int | None = None,
              ended_by: datetime | None = None) -> list[NightSession]:
    stmt = select(NightSession).where(NightSession.cancelled.is_(False)).order_by(NightSession.starts_at)
    if since:
        stmt = stmt.where(NightSession.starts_at >= since)
    if until:
        stmt = stmt.where(NightSession.starts_at < until)
    if term_id:
        stmt = stmt.where(NightSession.term_id == term_id)
    if ended_by:
        stmt = stmt.where(NightSession.ends_at <= ended_by)
    return list(db.session.scalars(stmt))


def sessions_between(since: datetime, until: datetime) -> list[NightSession]:
    """Sessions (not cancelled) starting in [since, until), by start."""
    return _sessions(since, until)


def attendance_by_user(user_ids: list[int] | None = None, since: datetime | None = None,
                       until: datetime | None = None) -> dict[int, dict]:
    """Per user: present/late/leave/absent counts over ended sessions in [since, until) whose audience
    includes them, with the rate (present+late)/sessions."""
    wanted = set(user_ids) if user_ids is not None else None
    out: dict[int, dict] = {}
    if wanted is not None:
        for uid in wanted:
            out[uid] = {"present": 0, "late": 0, "leave": 0, "absent": 0, "sessions": 0, "rate": 0.0}
    for _s, uid, st in statuses(_sessions(since, until, ended_by=utcnow()), wanted):
        row = out.setdefault(uid, {"present": 0, "late": 0, "leave": 0, "absent": 0, "sessions": 0, "rate": 0.0})
        row[st] += 1
        row["sessions"] += 1
    for row in out.values():
        row["rate"] = (row["present"] + row["late"]) / row["sessions"] if row["sessions"] else 0.0
    return out


def attendance_events(since: datetime, until: datetime) -> list[tuple[int, int, str, datetime]]:
    """(user_id, session_id, status, session start UTC) for sessions starting in [since, until); an ended
    session with no record is "absent", a session still to come lists only what is recorded."""
    return [(uid, s.id, st, s.starts_at) for s, uid, st in statuses(_sessions(since, until)) if st is not None]


def attendance_by_unit(term_id: int | None = None, since: datetime | None = None,
                       until: datetime | None = None) -> list[dict]:
    """Per top-level unit (科室 or 镇街区): person-sessions expected (ended sessions) and attended."""
    rows = statuses(_sessions(since, until, term_id, ended_by=utcnow()))
    unit_of = dict(db.session.execute(select(User.id, User.unit_id)).all())
    parent = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name)).all())

    def top(unit_id):
        while unit_id is not None and parent.get(unit_id) is not None:
            unit_id = parent[unit_id]
        return unit_id

    agg: dict[int | None, list[int]] = {}
    for _s, uid, st in rows:
        a = agg.setdefault(top(unit_of.get(uid)), [0, 0])
        a[0] += 1
        a[1] += st in ("present", "late")
    order = {u.id: i for i, u in enumerate(org.top_units())}
    return [{"unit_id": uid, "unit_name": names.get(uid, "未分配单位"), "expected": e, "attended": a,
             "rate": a / e if e else 0.0}
            for uid, (e, a) in sorted(agg.items(), key=lambda kv: order.get(kv[0], 10_000))]


def session_counts(sessions: list[NightSession]) -> dict[int, dict[str, int]]:
    """Per session: audience size and counts per status (absent only once ended)."""
    out = {s.id: {"audience": 0, "present": 0, "late": 0, "leave": 0, "absent": 0, "none": 0} for s in sessions}
    for s, _uid, st in statuses(sessions):
        out[s.id]["audience"] += 1
        out[s.id][st or "none"] += 1
    return out


# ---- ratings -------------------------------------------------------------------------------------------

def rating_of(s: NightSession, user: User) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.session_id == s.id, Rating.user_id == user.id))


def can_rate(s: NightSession, user: User, now: datetime | None = None) -> bool:
    row = attendance_of(s, user)
    return (not s.cancelled and (now or utcnow()) >= s.ends_at and s.lecturer_id != user.id and row is not None
            and row.status in (AttendanceStatus.present, AttendanceStatus.late))


def rate_session(user: User, s: NightSession, score: int | None, comment: str) -> Rating:
    """An attendee rates a finished session once (1–5 stars, optional comment)."""
    if s.lecturer_id == user.id:
        raise ServiceError("不能评价自己主讲的课")
    if utcnow() < s.ends_at or s.cancelled:
        raise ServiceError("课程结束后才能评价")
    if not can_rate(s, user):
        raise ServiceError("签到出席的学员才能评价本次夜校")
    if rating_of(s, user) is not None:
        raise ServiceError("您已评价过本次夜校")
    if score is None or not 1 <= score <= 5:
        raise ServiceError("请选择 1–5 分", field="score")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ServiceError("意见建议不超过 500 字", field="comment")
    r = Rating(session_id=s.id, user_id=user.id, score=score, comment=comment)
    db.session.add(r)
    db.session.commit()
    return r


@dataclass
class LectureRatings:
    session: NightSession
    count: int
    average: float | None
    comments: list[tuple[str, int]]  # each distinct comment and how many wrote it


def lecture_ratings(lecturer_id: int) -> list[LectureRatings]:
    """A lecturer's sessions, newest first, with the average score and the comments (never who wrote them)."""
    sessions = list(db.session.scalars(select(NightSession).where(NightSession.lecturer_id == lecturer_id,
                                                                  NightSession.cancelled.is_(False))
                                       .order_by(NightSession.starts_at.desc())))
    scores: dict[int, list[int]] = {}
    comments: dict[int, list[str]] = {}
    for sid, score, comment in db.session.execute(
            select(Rating.session_id, Rating.score, Rating.comment)
            .where(Rating.session_id.in_([s.id for s in sessions])).order_by(Rating.comment)):
        scores.setdefault(sid, []).append(score)
        if comment:
            comments.setdefault(sid, []).append(comment)
    return [LectureRatings(s, len(scores.get(s.id, [])),
                           round(sum(scores[s.id]) / len(scores[s.id]), 2) if scores.get(s.id) else None,
                           Counter(comments.get(s.id, [])).most_common()) for s in sessions]


def rating_summary(session_ids: list[int]) -> dict[int, tuple[int, float]]:
    """Per session: (number of ratings, average)."""
    rows = db.session.execute(select(Rating.session_id, func.count(), func.avg(Rating.score))
                              .where(Rating.session_id.in_(session_ids)).group_by(Rating.session_id))
    return {sid: (n, round(float(avg), 2)) for sid, n, avg in rows}


def lecturers() -> list[tuple[User, int]]:
    """Everyone who has lectured or is on the rota, with their number of sessions."""
    rows = db.session.execute(select(NightSession.lecturer_id, func.count()).where(
        NightSession.lecturer_id.is_not(None), NightSession.cancelled.is_(False)).group_by(NightSession.lecturer_id))
    counts = dict(rows.all())
    users = db.session.scalars(select(User).where(User.id.in_(counts))).all()
    return sorted(((u, counts[u.id]) for u in users), key=lambda p: (-p[1], p[0].id))


def lectures_of(user_id: int) -> list[NightSession]:
    return list(db.session.scalars(select(NightSession).where(NightSession.lecturer_id == user_id)
                                   .order_by(NightSession.starts_at.desc())))


def lecturer_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.role, User.id))
    return [(0, "（待定）")] + [(u.id, f"{u.name}（{u.position or u.role.label}）") for u in users]
