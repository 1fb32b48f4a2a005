"""Study hours (学时) per cadre per term: what attendance credits under the term's rules, the leave share
(the cadre-training rule: leave may not exceed one seventh of a course's hours), and completion."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from trainer.exams.models import Attempt
from trainer.extensions import db
from trainer.nightschool import service
from trainer.nightschool.models import NightSession, Term
from trainer.org.models import User
from trainer.timeutil import utcnow


@dataclass
class SessionLine:
    session: NightSession
    status: str | None  # None: not yet held
    credited: float
    quiz_passed: bool | None  # None: no quiz or not required


@dataclass
class HoursRecord:
    user: User
    lines: list[SessionLine] = field(default_factory=list)
    scheduled: float = 0.0  # every session of the term for this cadre
    held: float = 0.0  # sessions already held
    credited: float = 0.0
    leave_hours: float = 0.0
    counts: dict = field(default_factory=lambda: {"present": 0, "late": 0, "leave": 0, "absent": 0})
    quiz_missing: int = 0
    required: float = 0.0

    @property
    def leave_over(self) -> bool:
        """More leave than one seventh of the term's hours."""
        return self.scheduled > 0 and self.leave_hours > self.scheduled * service.LEAVE_SHARE + 1e-9

    @property
    def held_sessions(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float:
        n = self.held_sessions
        return (self.counts["present"] + self.counts["late"]) / n if n else 0.0

    @property
    def completed(self) -> bool:
        return self.scheduled > 0 and self.credited + 1e-9 >= self.required and not self.leave_over


def credit(hours: float, status: str | None, term: Term, quiz_ok: bool | None) -> float:
    """The hours one session earns: full for present, by the term's rule for late, none for leave or absence,
    and none at all when the term requires the linked quiz and it was not passed."""
    if status == "present":
        earned = hours
    elif status == "late":
        earned = hours * term.late_credit.factor
    else:
        return 0.0
    if quiz_ok is False:
        return 0.0
    return round(earned, 2)


def _passed(exam_ids: list[int], user_ids: set[int] | None) -> set[tuple[int, int]]:
    if not exam_ids:
        return set()
    stmt = select(Attempt.exam_id, Attempt.user_id).where(Attempt.exam_id.in_(exam_ids),
                                                          Attempt.counted.is_(True), Attempt.passed.is_(True))
    if user_ids is not None:
        stmt = stmt.where(Attempt.user_id.in_(user_ids))
    return set(db.session.execute(stmt).all())


def term_records(term: Term, user_ids: list[int] | None = None, now: datetime | None = None) -> list[HoursRecord]:
    """Everyone in the audience of any session of the term (or just user_ids), by unit."""
    now = now or utcnow()
    sessions = service.term_sessions(term, include_cancelled=False)
    wanted = set(user_ids) if user_ids is not None else None
    rows = service.statuses(sessions, wanted, now)
    ids = {uid for _s, uid, _st in rows}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    quiz_ids = [s.quiz_id for s in sessions if s.quiz_id]
    passed = _passed(quiz_ids, ids) if term.quiz_required else set()
    records: dict[int, HoursRecord] = {}
    for s, uid, st in rows:
        rec = records.get(uid)
        if rec is None:
            rec = records[uid] = HoursRecord(users[uid])
        quiz_ok = ((s.quiz_id, uid) in passed) if term.quiz_required and s.quiz_id and st else None
        earned = credit(s.hours, st, term, quiz_ok)
        rec.lines.append(SessionLine(s, st, earned, quiz_ok))
        rec.scheduled += s.hours
        if st is not None:
            rec.held += s.hours
            rec.counts[st] += 1
        if st == "leave":
            rec.leave_hours += s.hours
        if quiz_ok is False and st in ("present", "late"):
            rec.quiz_missing += 1
        rec.credited += earned
    for rec in records.values():
        rec.scheduled, rec.credited = round(rec.scheduled, 2), round(rec.credited, 2)
        rec.held, rec.leave_hours = round(rec.held, 2), round(rec.leave_hours, 2)
        rec.required = round(rec.scheduled * term.completion_percent / 100, 2)
    return sorted(records.values(), key=lambda r: (r.user.unit_id or 0, r.user.id))


def record_for(term: Term, user: User) -> HoursRecord | None:
    found = term_records(term, [user.id])
    return found[0] if found else None


def terms_of(user: User) -> list[Term]:
    """Terms with at least one session for this user, newest first."""
    seen = {s.term_id for s in service.sessions_for(user, include_cancelled=False)}
    return [t for t in service.list_terms() if t.id in seen]


PERSON_HEADER = ["课次", "日期", "开始", "结束", "主讲", "考勤", "学时", "计入学时"]
STATUS_LABELS = {"present": "出席", "late": "迟到", "leave": "请假", "absent": "缺席", None: "未开始"}


def person_rows(record: HoursRecord) -> list[list]:
    """One cadre's record, a row per session, then the totals."""
    from trainer.timeutil import format_local

    rows = [[line.session.topic, format_local(line.session.starts_at, "%Y-%m-%d"),
             format_local(line.session.starts_at, "%H:%M"), format_local(line.session.ends_at, "%H:%M"),
             line.session.lecturer.name if line.session.lecturer else "",
             STATUS_LABELS[line.status] + ("（测验未通过）" if line.quiz_passed is False else ""),
             line.session.hours, line.credited if line.status else ""] for line in record.lines]
    rows.append(["合计", "", "", "", "", f"出勤率 {record.rate:.0%}", record.scheduled, record.credited])
    return rows


EXPORT_HEADER = ["姓名", "单位", "职务", "应参加（次）", "出席", "迟到", "请假", "缺席", "出勤率", "应修学时",
                 "已获学时", "结业要求学时", "请假学时", "请假超过1/7", "测验未通过（次）", "是否达到结业要求"]


def export_rows(records: list[HoursRecord]) -> list[list]:
    return [[r.user.name, r.user.unit_name, r.user.position, r.held_sessions, r.counts["present"], r.counts["late"],
             r.counts["leave"], r.counts["absent"], f"{r.rate:.0%}", r.scheduled, r.credited, r.required,
             r.leave_hours, "是" if r.leave_over else "", r.quiz_missing, "是" if r.completed else "否"]
            for r in records]
