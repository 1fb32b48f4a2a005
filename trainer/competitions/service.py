"""Competitions (exams of kind 竞赛): live boards of people, units and mentoring teams, the freeze before
the close and its reveal, award tiers, the "competition" certificate source and Excel exports.

A board is built from one query over the exam's submitted attempts (joined to their people); the ranking
itself is the pure code in ranking.py. Season points are in points.py.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from trainer.audit import service as audit
from trainer.competitions import ranking
from trainer.competitions.models import AwardBasis, CompetitionSetting
from trainer.errors import NotFound, ServiceError
from trainer.exams import service as exams
from trainer.exams.models import Attempt, AttemptState, Exam, ExamKind
from trainer.extensions import db
from trainer.optional import optional as _optional
from trainer.org.models import OrgUnit, Role, UnitKind, User
from trainer.tabular import build_workbook
from trainer.timeutil import format_local, utcnow

audit.register_actions({"competition.settings": "竞赛设置（封榜与奖项）", "competition.reveal": "竞赛揭晓排名"})

# an attempt is marked for admins when the cadre left the page this often, or answered a question too fast
FOCUS_LOST_MARK = 3
TOO_FAST_MARK = 1
SUBMITTED = (AttemptState.graded, AttemptState.needs_grading)


# ---- competitions and who sees them --------------------------------------------------------------

def get_competition(exam_id: int) -> Exam:
    """The exam if it is a 竞赛, else NotFound."""
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.kind != ExamKind.competition:
        raise NotFound("竞赛不存在")
    return exam


def list_competitions() -> list[Exam]:
    """Every competition, newest first (admins)."""
    return list(db.session.scalars(select(Exam).where(Exam.kind == ExamKind.competition)
                                   .order_by(Exam.opens_at.desc(), Exam.id.desc())))


def competitions_for(user: User) -> list[Exam]:
    """Published competitions whose board the user may see."""
    found = db.session.scalars(select(Exam).where(Exam.kind == ExamKind.competition, Exam.published.is_(True))
                               .order_by(Exam.opens_at.desc(), Exam.id.desc()))
    return [e for e in found if can_view(user, e)]


def can_view(user: User, exam: Exam) -> bool:
    """Admins see every board; others only published competitions they are in the audience of."""
    if user.role == Role.admin:
        return True
    return exam.published and exams.in_audience(exam, user)


def running_now(now: datetime | None = None) -> list[Exam]:
    """Published competitions whose window is open now."""
    now = now or utcnow()
    return [e for e in db.session.scalars(select(Exam).where(Exam.kind == ExamKind.competition,
                                                             Exam.published.is_(True)))
            if exams.window_state(e, now) == "进行中"]


def window_state(exam: Exam, now: datetime | None = None) -> str:
    return exams.window_state(exam, now)


# ---- settings, freeze, reveal -------------------------------------------------------------------------

def get_settings(exam: Exam) -> CompetitionSetting:
    """The competition's settings (defaults, unsaved, when never set)."""
    found = db.session.get(CompetitionSetting, exam.id)
    return found or CompetitionSetting(exam_id=exam.id, freeze_minutes=0, award_basis=AwardBasis.count,
                                       first=1, second=2, third=3, excellence=0)


def settings_map(exam_ids: list[int]) -> dict[int, CompetitionSetting]:
    return {s.exam_id: s for s in db.session.scalars(select(CompetitionSetting)
                                                     .where(CompetitionSetting.exam_id.in_(exam_ids)))}


@dataclass
class SettingsData:
    freeze_minutes: int = 0
    award_basis: AwardBasis = AwardBasis.count
    first: float = 1
    second: float = 2
    third: float = 3
    excellence: float = 0


def update_settings(actor, exam: Exam, data: SettingsData, ip: str = "") -> CompetitionSetting:
    """Set the freeze minutes and the award tiers."""
    if not 0 <= data.freeze_minutes <= 600:
        raise ServiceError("封榜时间须为 0–600 分钟", field="freeze_minutes")
    if data.freeze_minutes and exam.opens_at and exam.closes_at and \
            timedelta(minutes=data.freeze_minutes) >= exam.closes_at - exam.opens_at:
        raise ServiceError("封榜时间须短于竞赛时长", field="freeze_minutes")
    if data.freeze_minutes and exam.closes_at is None:
        raise ServiceError("竞赛没有结束时间，无法封榜", field="freeze_minutes")
    tiers = (data.first, data.second, data.third, data.excellence)
    if any(t is None or t < 0 for t in tiers):
        raise ServiceError("获奖人数或比例不能为负数", field="first")
    if data.award_basis == AwardBasis.share and sum(tiers) > 100:
        raise ServiceError("各奖项比例之和不能超过 100%", field="first")
    if data.award_basis == AwardBasis.count and any(t != int(t) for t in tiers):
        raise ServiceError("按名次人数时须填整数", field="first")
    setting = get_settings(exam)
    if setting not in db.session:
        db.session.add(setting)
    for attr in ("freeze_minutes", "award_basis", "first", "second", "third", "excellence"):
        setattr(setting, attr, getattr(data, attr))
    audit.record(actor, "competition.settings", exam.title, ip=ip, exam_id=exam.id, freeze=data.freeze_minutes,
                 basis=data.award_basis.value, tiers=list(tiers))
    db.session.commit()
    _CACHE.clear()
    return setting


def freeze_at(exam: Exam, setting: CompetitionSetting | None = None) -> datetime | None:
    """When the public board stops changing (None when the competition is not frozen at all)."""
    setting = setting or get_settings(exam)
    if not setting.freeze_minutes or exam.closes_at is None:
        return None
    return exam.closes_at - timedelta(minutes=setting.freeze_minutes)


def is_frozen(exam: Exam, setting: CompetitionSetting | None = None, now: datetime | None = None) -> bool:
    """The public board shows the standings at the freeze time (from then until the reveal)."""
    setting = setting or get_settings(exam)
    at = freeze_at(exam, setting)
    return at is not None and (now or utcnow()) >= at and setting.revealed_at is None


def reveal(actor, exam: Exam, ip: str = "") -> CompetitionSetting:
    """Show the final standings on the public board; only once the competition has ended."""
    if exams.window_state(exam) != "已结束":
        raise ServiceError("竞赛结束后才能揭晓排名")
    setting = get_settings(exam)
    if setting.revealed_at is not None:
        raise ServiceError("排名已经揭晓")
    if setting not in db.session:
        db.session.add(setting)
    setting.revealed_at, setting.revealed_by_id = utcnow(), actor.id
    audit.record(actor, "competition.reveal", exam.title, ip=ip, exam_id=exam.id)
    db.session.commit()
    _CACHE.clear()
    return setting


def is_final(exam: Exam, setting: CompetitionSetting | None = None, now: datetime | None = None) -> bool:
    """Ended and, if it had a freeze, revealed: the standings (and awards) are public and no longer change."""
    setting = setting or get_settings(exam)
    return exams.window_state(exam, now) == "已结束" and (freeze_at(exam, setting) is None
                                                          or setting.revealed_at is not None)


# ---- boards ----------------------------------------------------------------------------------------

def _entries(exam_id: int, before: datetime | None) -> list[ranking.Entry]:
    """One query: every submitted attempt (before the cut-off), with its person and unit."""
    stmt = (select(Attempt.id, Attempt.user_id, Attempt.score, Attempt.time_used_seconds, Attempt.submitted_at,
                   Attempt.focus_lost_count, Attempt.too_fast_count, Attempt.state, User.name, User.unit_id,
                   OrgUnit.name)
            .join(User, User.id == Attempt.user_id).outerjoin(OrgUnit, OrgUnit.id == User.unit_id)
            .where(Attempt.exam_id == exam_id, Attempt.state.in_(SUBMITTED)))
    if before is not None:
        stmt = stmt.where(Attempt.submitted_at < before)
    out = []
    for (aid, uid, score, used, at, lost, fast, state, name, unit_id, unit_name) in db.session.execute(stmt):
        out.append(ranking.Entry(uid, score or 0.0, used, at, extra={
            "attempt_id": aid, "name": name, "unit_id": unit_id, "unit": unit_name or "",
            "suspicious": (lost or 0) >= FOCUS_LOST_MARK or (fast or 0) >= TOO_FAST_MARK,
            "focus_lost": lost or 0, "too_fast": fast or 0, "pending": state == AttemptState.needs_grading}))
    return out


# a board is cached a few seconds per process: a room of projectors and phones polls every few seconds
_CACHE: dict[tuple, tuple[float, list[ranking.Entry]]] = {}


def standings(exam: Exam, actual: bool = False, now: datetime | None = None,
              setting: CompetitionSetting | None = None) -> list[ranking.Entry]:
    """The ranked people: as of the freeze time while frozen, unless actual (admins' own view)."""
    setting = setting or get_settings(exam)
    cut = None if actual or not is_frozen(exam, setting, now) else freeze_at(exam, setting)
    ttl = current_app.config.get("COMPETITION_BOARD_CACHE_SECONDS", 2)
    key = (exam.id, cut)
    hit = _CACHE.get(key)
    if ttl and hit and hit[0] > time.monotonic():
        return hit[1]
    ranked = ranking.rank_entries(_entries(exam.id, cut))
    if ttl:
        if len(_CACHE) > 200:
            _CACHE.clear()
        _CACHE[key] = (time.monotonic() + ttl, ranked)
    return ranked


@dataclass
class Board:
    exam: Exam
    setting: CompetitionSetting
    state: str  # 未发布 / 未开始 / 进行中 / 已结束
    frozen: bool
    freeze_at: datetime | None
    final: bool
    people: list[ranking.Entry]
    awards: dict[int, str]  # user id → award, once final
    now: datetime

    @property
    def updated(self) -> str:
        return format_local(utcnow(), "%H:%M:%S")

    @property
    def live(self) -> bool:
        """Boards poll while something may still change on them."""
        if self.state == "未开始":  # a page left open before the start begins polling half an hour ahead
            return self.exam.opens_at is not None and self.exam.opens_at - self.now <= timedelta(minutes=30)
        return self.state == "进行中" or (self.state == "已结束" and not self.final)


def board(exam: Exam, actual: bool = False, now: datetime | None = None) -> Board:
    """Everything a board page shows about people; units and teams are computed from it on demand."""
    now = now or utcnow()
    setting = get_settings(exam)
    people = standings(exam, actual=actual, now=now, setting=setting)
    final = is_final(exam, setting, now)
    awards = award_map(setting, people) if final or actual else {}
    return Board(exam, setting, exams.window_state(exam, now), is_frozen(exam, setting, now) and not actual,
                 freeze_at(exam, setting), final, people, awards, now)


def award_map(setting: CompetitionSetting, people: list[ranking.Entry]) -> dict[int, str]:
    """user id → 一等奖 … 优秀奖 by the tiers (only for people who scored)."""
    scored = [e for e in people if (e.score or 0) > 0]
    cut = ranking.award_cutoffs(setting.award_basis.value, (setting.first, setting.second, setting.third,
                                                            setting.excellence), len(scored))
    out = {}
    for e in scored:
        award = ranking.award_for(e.rank, cut)
        if award:
            out[e.user_id] = award
    return out


def _top_unit_map() -> tuple[dict[int, int], dict[int, OrgUnit]]:
    """unit id → its top unit's id (a village belongs to its town), and the top units."""
    units = {u.id: u for u in db.session.scalars(select(OrgUnit))}
    top: dict[int, int] = {}
    for uid in units:
        cur = units[uid]
        seen = 0
        while cur.parent_id is not None and cur.parent_id in units and seen < 20:
            cur, seen = units[cur.parent_id], seen + 1
        top[uid] = cur.id
    return top, units


def unit_board(exam: Exam, people: list[ranking.Entry], kind: UnitKind,
               order: str = "audience_avg") -> list[ranking.GroupRow]:
    """科室 or 镇街区 (each town with its whole subtree of 村/社区) ranked over the whole audience."""
    top, units = _top_unit_map()
    best = {e.user_id: e.score for e in people}
    audience = db.session.execute(select(User.id, User.unit_id).where(exams.audience_filter(exam))).all()
    members = [(top[unit_id], uid, best.get(uid)) for uid, unit_id in audience
               if unit_id is not None and units[top[unit_id]].kind == kind]
    names = {uid: u.name for uid, u in units.items()}
    return ranking.rank_groups(members, names, order)


def teams_available() -> bool:
    return _optional("trainer.mentoring.service") is not None


def team_board(exam: Exam, people: list[ranking.Entry], order: str = "audience_avg") -> list[ranking.GroupRow] | None:
    """Mentoring teams (mentor and mentees), or None when the mentoring domain is absent."""
    mentoring = _optional("trainer.mentoring.service")
    if mentoring is None:
        return None
    best = {e.user_id: e.score for e in people}
    members, names = [], {}
    for team in mentoring.active_teams():
        names[team["team_id"]] = team["name"]
        for uid in {team["mentor_id"], *team["mentee_ids"]} - {None}:
            members.append((team["team_id"], uid, best.get(uid)))
    return ranking.rank_groups(members, names, order)


def format_seconds(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


def board_json(b: Board, viewer: User, limit: int = 200) -> dict:
    """What the live page polls: the people's rows (marks for admins only) and the board's state."""
    admin = viewer.role == Role.admin
    rows = []
    for e in b.people[:limit]:
        row = {"rank": e.rank, "name": e.extra["name"], "unit": e.extra["unit"], "score": f"{e.score:g}",
               "time": format_seconds(e.time_used), "at": format_local(e.submitted_at, "%H:%M:%S"),
               "me": e.user_id == viewer.id, "award": b.awards.get(e.user_id, "")}
        if admin:
            row["flag"] = e.extra["suspicious"]
            row["pending"] = e.extra["pending"]
        rows.append(row)
    return {"state": b.state, "frozen": b.frozen, "final": b.final, "live": b.live,
            "freeze_at": format_local(b.freeze_at, "%H:%M") if b.freeze_at else "",
            "count": len(b.people), "rows": rows, "updated": format_local(utcnow(), "%H:%M:%S")}


# ---- exports and certificates -------------------------------------------------------------------

def _group_rows(rows: list[ranking.GroupRow]) -> list[list]:
    return [[r.rank, r.name, r.audience, r.participants, f"{100 * r.rate:.1f}%", round(r.audience_avg, 2),
             round(r.participant_avg, 2)] for r in rows]


GROUP_HEADER = ["名次", "名称", "应参赛", "参赛", "参与率", "全员平均分", "参赛者平均分"]


def board_workbook(exam: Exam, actual: bool = True, order: str = "audience_avg") -> bytes:
    """Every board of the competition as sheets: people, offices, towns, teams (when present)."""
    b = board(exam, actual=actual)
    people = [[e.rank, e.extra["name"], e.extra["unit"], e.score, format_seconds(e.time_used),
               format_local(e.submitted_at, "%Y-%m-%d %H:%M:%S"), b.awards.get(e.user_id, ""),
               "是" if e.extra["suspicious"] else ""] for e in b.people]
    sheets = [("个人排名", ["名次", "姓名", "单位", "得分", "用时", "交卷时间", "奖项", "异常标记"], people),
              ("科室排名", GROUP_HEADER, _group_rows(unit_board(exam, b.people, UnitKind.office, order))),
              ("镇街区排名", GROUP_HEADER, _group_rows(unit_board(exam, b.people, UnitKind.town, order)))]
    teams = team_board(exam, b.people, order)
    if teams is not None:
        sheets.append(("传帮带小组排名", GROUP_HEADER, _group_rows(teams)))
    return build_workbook(sheets, widths={"姓名": 12, "单位": 18, "名称": 18, "交卷时间": 20})


def certificate_specs(exam_id: int) -> list[dict]:
    """The "competition" certificate source: an honour certificate per award winner, once the standings are
    final (ended and, when frozen, revealed)."""
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.kind != ExamKind.competition:
        return []
    setting = get_settings(exam)
    if not is_final(exam, setting):
        return []
    people = ranking.rank_entries(_entries(exam.id, None))
    awards = award_map(setting, people)
    return [{"kind": "honour", "holder": e.user_id, "title": exam.title, "subject_ref": f"competition:{exam.id}",
             "award": awards[e.user_id], "score": e.score} for e in people if e.user_id in awards]


def register_certificates() -> None:
    certificates = _optional("trainer.certificates.service")
    if certificates is not None:
        certificates.register_source("competition", certificate_specs)
