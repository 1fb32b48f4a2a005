"""Demo night school: this autumn's term with a Wednesday session for each of the past eight weeks (each with
its weekly quiz from the exams demo), this week's session, four more to come, attendance with a realistic mix,
leave (one request waiting), ratings and a handout PDF per session."""
from __future__ import annotations

import io
import random
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from trainer.exams.models import Exam, ExamKind
from trainer.extensions import db
from trainer.nightschool import service
from trainer.nightschool.models import (
    Attendance,
    AttendanceStatus,
    CheckinMethod,
    LateCredit,
    LeaveRequest,
    LeaveState,
    Material,
    NightSession,
    Rating,
    Term,
)
from trainer.timeutil import from_local, local_today, utcnow

WEEKS = 8
AHEAD = 4
# topics of the sessions to come (the past ones follow the chapters of their weekly quizzes)
AHEAD_TOPICS = [
    ("《宗教事务条例》综合复习", "宗教事务条例 全文"),
    ("宗教活动场所财务管理办法解读", "宗教活动场所财务管理办法"),
    ("互联网宗教信息服务管理办法解读", "互联网宗教信息服务管理办法"),
    ("铸牢中华民族共同体意识（结业讲座）", "民族团结进步"),
    ("《中国共产党统一战线工作条例》导读", "统一战线工作条例 总则"),
]
PLACES = ["市委党校报告厅", "统战部三楼会议室", "市民族宗教活动中心"]
COMMENTS = ["案例讲得很实在，和基层工作贴得紧。", "条文解读清楚，希望多留一些讨论时间。", "资料很有用，回去再细看。",
            "讲得生动，PPT 字再大一点就好了。", "希望下次能结合本地宗教场所的实际情况。", "时间稍长，但收获很大。",
            "建议把重点条款印成口袋书。", ""]
LEAVE_REASONS = ["下乡开展宗教场所安全检查", "参加市里统一安排的会议", "家中老人住院陪护", "出差参加业务培训",
                 "镇里防汛值班"]


def _wednesday(weeks_from_now: int, hour: int, minute: int) -> datetime:
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(days=2) + timedelta(weeks=weeks_from_now)
    return from_local(datetime(day.year, day.month, day.day, hour, minute))


def handout_pdf(title: str, chapter: str, lecturer: str) -> bytes:
    """A one-page handout (a real PDF) for a session."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from trainer.certificates.render import find_font

    font = find_font(current_app.config.get("CERT_FONT")).name
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    c.setTitle(title)
    w, h = A4
    c.setFont(font, 20)
    c.drawCentredString(w / 2, h - 90, "每周夜校学习资料")
    c.setFont(font, 15)
    c.drawCentredString(w / 2, h - 125, title)
    c.setFont(font, 11)
    y = h - 170
    for line in [f"主讲：{lecturer}", f"章节：{chapter}", "", "一、学习要点",
                 "1. 领会条文的立法目的和基本原则。", "2. 掌握与本职工作相关的具体规定和办理程序。",
                 "3. 结合本单位实际，梳理工作中遇到的问题。", "", "二、课后要求",
                 "课后完成本周测验，测验在课程结束后开放。", "请在周五前提交本周复盘。"]:
        c.drawString(72, y, line)
        y -= 22
    c.showPage()
    c.save()
    return out.getvalue()


def _add_handout(s: NightSession, admin) -> None:
    data = handout_pdf(s.topic, s.chapter, s.lecturer.name if s.lecturer else "待定")
    folder = Path(current_app.config["UPLOAD_DIR"]) / "nightschool"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.pdf"
    (folder / stored).write_bytes(data)
    db.session.add(Material(session_id=s.id, filename=f"{s.topic}-学习资料.pdf", stored_name=stored, kind="pdf",
                            size=len(data), uploaded_by_id=admin.id, uploaded_at=s.starts_at - timedelta(days=1)))


def seed(ctx: dict) -> None:
    rng: random.Random = ctx.get("rng") or random.Random(19)
    admin = ctx["users"]["admin"][0]
    leaders = ctx["users"]["mentor"] + ctx["users"]["admin"]
    quizzes = [e for e in ctx.get("exams", []) if e.kind == ExamKind.weekly] or list(db.session.scalars(
        select(Exam).where(Exam.kind == ExamKind.weekly).order_by(Exam.opens_at)))
    first = _wednesday(-WEEKS, 19, 0)
    term = Term(title="2026年秋季学期每周夜校", starts_on=(first - timedelta(days=2)).date(),
                ends_on=(_wednesday(AHEAD, 19, 0) + timedelta(days=3)).date(), late_after_minutes=10,
                late_credit=LateCredit.half, quiz_required=False, completion_percent=80,
                description="每周三晚 19:00–20:30，领导干部轮流上讲台，课后完成每周测验。")
    db.session.add(term)
    db.session.flush()
    sessions = []
    for n, week in enumerate(range(-WEEKS, AHEAD + 1)):
        if week <= 0 and n < len(quizzes):
            chapter = quizzes[n].title.split("：", 1)[-1]
            topic = f"《宗教事务条例》{chapter}解读"
        else:
            topic, chapter = AHEAD_TOPICS[(week - 1) % len(AHEAD_TOPICS)]
        s = NightSession(term_id=term.id, topic=topic, chapter=chapter, starts_at=_wednesday(week, 19, 0),
                         ends_at=_wednesday(week, 20, 30), place=PLACES[0] if n % 4 else PLACES[1], hours=1.5,
                         lecturer_id=leaders[n % len(leaders)].id,
                         description="领导干部上讲台：结合工作实际讲解条文，课后完成本周测验。")
        if n < len(quizzes):
            s.quiz_id = quizzes[n].id
        db.session.add(s)
        sessions.append(s)
    db.session.flush()
    # week -3 was moved to Thursday because of a city meeting; week +2 is cancelled
    moved = sessions[WEEKS - 3]
    moved.notice = "时间调整：原定周三 19:00，改为周四 19:00。原因：周三晚全市统战工作会议"
    moved.starts_at += timedelta(days=1)
    moved.ends_at += timedelta(days=1)
    cancelled = sessions[WEEKS + 2]
    cancelled.cancelled = True
    cancelled.notice = "本次夜校取消。原因：与全市宗教工作专题培训班时间冲突，内容并入下周"

    now = utcnow()
    people = ctx["users"]["cadre"] + ctx["users"]["mentor"]
    diligence = {u.id: rng.uniform(.72, .99) for u in people}
    for s in sessions:
        if s.cancelled:
            continue
        _add_handout(s, admin)
        if s.ends_at > now:
            continue
        for u in people:
            if u.id == s.lecturer_id:
                roll = 0.0
            else:
                roll = rng.random()
            d = diligence[u.id]
            if roll < d * .9:
                status = AttendanceStatus.present
                at = s.starts_at - timedelta(minutes=rng.randint(0, 25))
            elif roll < d:
                status = AttendanceStatus.late
                at = s.starts_at + timedelta(minutes=rng.randint(11, 35))
            elif roll < d + (1 - d) * .5:
                status = AttendanceStatus.leave
                at = None
                db.session.add(LeaveRequest(session_id=s.id, user_id=u.id, reason=rng.choice(LEAVE_REASONS),
                                            state=LeaveState.approved, created_at=s.starts_at - timedelta(days=2),
                                            decided_by_id=admin.id, decided_at=s.starts_at - timedelta(days=1)))
            else:
                continue  # absent: no record
            db.session.add(Attendance(session_id=s.id, user_id=u.id, status=status, checked_in_at=at,
                                      method=(CheckinMethod.leave if at is None else
                                              rng.choice([CheckinMethod.code, CheckinMethod.qr])),
                                      recorded_by_id=u.id if at else admin.id, updated_at=at or s.starts_at))
            if at and u.id != s.lecturer_id and rng.random() < .45:
                comment = rng.choice(COMMENTS) if rng.random() < .3 else ""
                db.session.add(Rating(session_id=s.id, user_id=u.id, score=rng.choice([5, 5, 5, 4, 4, 4, 3]),
                                      comment=comment, created_at=s.ends_at + timedelta(hours=1)))
    # leave requests for the next session: one waiting for approval, one already approved
    upcoming = next((s for s in sessions if s.starts_at > now and not s.cancelled), None)
    if upcoming is not None:
        cadres = ctx["users"]["cadre"]
        db.session.add(LeaveRequest(session_id=upcoming.id, user_id=cadres[0].id, reason="下乡开展宗教场所安全检查，当晚无法返回",
                                    state=LeaveState.pending, created_at=now - timedelta(hours=3)))
        db.session.add(LeaveRequest(session_id=upcoming.id, user_id=cadres[5].id, reason="参加市里统一安排的会议",
                                    state=LeaveState.approved, created_at=now - timedelta(days=1),
                                    decided_by_id=admin.id, decided_at=now - timedelta(hours=20)))
        db.session.add(Attendance(session_id=upcoming.id, user_id=cadres[5].id, status=AttendanceStatus.leave,
                                  method=CheckinMethod.leave, recorded_by_id=admin.id, updated_at=now))
    db.session.flush()
    ctx["night_term"] = term
    ctx["night_sessions"] = sessions
    ctx["echo"](f"演示夜校 1 期，{len(sessions)} 次课（{len(service.list_leave())} 条请假待审批）")
