"""Mentoring teams (传帮带): forming, changing and ending them with a history, meeting notes, who may see
whom, and the contract other domains call (active_teams, the "team" certificate source)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.audit import service as audit
from trainer.errors import Forbidden, NotFound, ServiceError
from trainer.extensions import db
from trainer.mentoring.models import (
    MAX_MENTEES,
    MIN_MENTEES,
    MentorNote,
    MentorTeam,
    TeamEvent,
    TeamMember,
    TeamState,
)
from trainer.optional import optional as _optional
from trainer.org.models import Role, User
from trainer.timeutil import local_today, utcnow

audit.register_actions({"team.form": "组建传帮带小组", "team.update": "修改传帮带小组", "team.add_member": "传帮带小组增加学员",
                        "team.remove_member": "传帮带小组移出学员", "team.end": "结束传帮带小组",
                        "onboarding.plan": "新建入职学习计划", "onboarding.item": "修改学习计划事项",
                        "onboarding.assign": "分配入职学习计划", "onboarding.confirm": "确认学习事项完成"})


# ---- reading ----------------------------------------------------------------------------------------

def get_team(team_id: int) -> MentorTeam:
    team = db.session.get(MentorTeam, team_id)
    if team is None:
        raise NotFound("传帮带小组不存在")
    return team


def list_teams(state: TeamState | None = None) -> list[MentorTeam]:
    stmt = select(MentorTeam).options(selectinload(MentorTeam.memberships).selectinload(TeamMember.user),
                                      selectinload(MentorTeam.mentor))
    if state is not None:
        stmt = stmt.where(MentorTeam.state == state)
    return list(db.session.scalars(stmt.order_by(MentorTeam.state, MentorTeam.id)))


def active_teams() -> list[dict]:
    """Contract: [{"team_id", "name", "mentor_id", "mentee_ids"}] of teams in progress."""
    rows = db.session.execute(select(MentorTeam.id, MentorTeam.name, MentorTeam.mentor_id, TeamMember.user_id)
                              .join(TeamMember, (TeamMember.team_id == MentorTeam.id) & TeamMember.left_at.is_(None),
                                    isouter=True)
                              .where(MentorTeam.state == TeamState.active).order_by(MentorTeam.id, TeamMember.id))
    out: dict[int, dict] = {}
    for team_id, name, mentor_id, user_id in rows:
        t = out.setdefault(team_id, {"team_id": team_id, "name": name, "mentor_id": mentor_id, "mentee_ids": []})
        if user_id is not None:
            t["mentee_ids"].append(user_id)
    return list(out.values())


def teams_of_mentor(mentor_id: int) -> list[MentorTeam]:
    return list(db.session.scalars(select(MentorTeam).where(MentorTeam.mentor_id == mentor_id,
                                                            MentorTeam.state == TeamState.active)
                                   .order_by(MentorTeam.id)))


def team_of_mentee(user_id: int) -> MentorTeam | None:
    """The active team the person is a mentee in (at most one)."""
    return db.session.scalar(select(MentorTeam).join(TeamMember).where(
        TeamMember.user_id == user_id, TeamMember.left_at.is_(None), MentorTeam.state == TeamState.active))


def can_see_mentee(viewer: User, mentee_id: int) -> bool:
    """Admins see everyone; a mentor only the mentees of their own active teams."""
    if viewer.role == Role.admin:
        return True
    team = team_of_mentee(mentee_id)
    return team is not None and team.mentor_id == viewer.id


def mentee_for(viewer: User, mentee_id: int) -> tuple[User, MentorTeam]:
    """The mentee and their team if viewer may see them: NotFound for no such mentee, Forbidden otherwise."""
    user = db.session.get(User, mentee_id)
    team = team_of_mentee(mentee_id) if user else None
    if user is None or team is None:
        raise NotFound("该学员不在任何进行中的传帮带小组")
    if not can_see_mentee(viewer, mentee_id):
        raise Forbidden("只能查看自己带教的学员")
    return user, team


def team_for(viewer: User, team_id: int) -> MentorTeam:
    team = get_team(team_id)
    if viewer.role != Role.admin and team.mentor_id != viewer.id:
        raise Forbidden("只能查看自己带教的小组")
    return team


# ---- forming and changing teams -------------------------------------------------------------------

@dataclass
class TeamData:
    name: str
    mentor_id: int
    starts_on: date | None
    ends_on: date | None
    goals: str = ""


def _event(team: MentorTeam, actor, kind: str, summary: str) -> None:
    db.session.add(TeamEvent(team=team, actor_id=getattr(actor, "id", None), kind=kind, summary=summary[:300],
                             at=utcnow()))


def _check_data(data: TeamData) -> User:
    if not (data.name or "").strip():
        raise ServiceError("请填写小组名称", "name")
    if len(data.name.strip()) > 100:
        raise ServiceError("小组名称不能超过 100 字", "name")
    mentor = db.session.get(User, data.mentor_id or 0)
    if mentor is None or not mentor.active or mentor.role != Role.mentor:
        raise ServiceError("请选择一名在岗的导师", "mentor_id")
    if data.starts_on is None or data.ends_on is None:
        raise ServiceError("请填写带教期限的开始和结束日期", "starts_on")
    if data.ends_on <= data.starts_on:
        raise ServiceError("结束日期须晚于开始日期", "ends_on")
    return mentor


def _check_mentee(user_id: int, team: MentorTeam | None = None) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role != Role.cadre:
        raise ServiceError("学员须为在岗的干部", "mentee_ids")
    other = team_of_mentee(user_id)
    if other is not None and (team is None or other.id != team.id):
        raise ServiceError(f"{user.name} 已在进行中的小组「{other.name}」中，一名干部只能参加一个小组", "mentee_ids")
    return user


def form_team(actor, data: TeamData, mentee_ids: list[int], ip: str = "") -> MentorTeam:
    """A new active team of one mentor and two or three mentees; commits."""
    mentor = _check_data(data)
    ids = list(dict.fromkeys(int(i) for i in mentee_ids if i))
    if not MIN_MENTEES <= len(ids) <= MAX_MENTEES:
        raise ServiceError(f"每个小组须有 {MIN_MENTEES}—{MAX_MENTEES} 名学员（当前选择了 {len(ids)} 名）", "mentee_ids")
    mentees = [_check_mentee(i) for i in ids]
    team = MentorTeam(name=data.name.strip(), mentor_id=mentor.id, starts_on=data.starts_on, ends_on=data.ends_on,
                      goals=(data.goals or "").strip(), state=TeamState.active)
    db.session.add(team)
    now = utcnow()
    for m in mentees:
        team.memberships.append(TeamMember(user_id=m.id, joined_at=now))
    _event(team, actor, "formed", f"组建小组：导师 {mentor.name}，学员 {'、'.join(m.name for m in mentees)}")
    db.session.flush()
    audit.record(actor, "team.form", team.name, ip=ip, team_id=team.id)
    db.session.commit()
    return team


def update_team(actor, team: MentorTeam, data: TeamData, ip: str = "") -> MentorTeam:
    """Change the name, mentor, period or goals of an active team; commits."""
    _require_active(team)
    mentor = _check_data(data)
    changes = []
    if mentor.id != team.mentor_id:
        changes.append(f"导师由 {team.mentor.name} 改为 {mentor.name}")
        team.mentor_id = mentor.id
    if data.name.strip() != team.name:
        changes.append(f"名称改为「{data.name.strip()}」")
        team.name = data.name.strip()
    if (data.starts_on, data.ends_on) != (team.starts_on, team.ends_on):
        changes.append(f"期限改为 {data.starts_on} 至 {data.ends_on}")
        team.starts_on, team.ends_on = data.starts_on, data.ends_on
    if (data.goals or "").strip() != team.goals:
        changes.append("修改了带教目标")
        team.goals = (data.goals or "").strip()
    if changes:
        _event(team, actor, "updated", "；".join(changes))
        audit.record(actor, "team.update", team.name, ip=ip, team_id=team.id)
    db.session.commit()
    return team


def _require_active(team: MentorTeam) -> None:
    if not team.is_active:
        raise ServiceError("小组已结束，不能再修改")


def add_member(actor, team: MentorTeam, user_id: int, ip: str = "") -> TeamMember:
    """Add a mentee (at most three, each in one active team only); commits."""
    _require_active(team)
    if len(team.current) >= MAX_MENTEES:
        raise ServiceError(f"每个小组最多 {MAX_MENTEES} 名学员，请先移出一名学员", "user_id")
    user = _check_mentee(user_id)
    if any(m.user_id == user.id for m in team.current):
        raise ServiceError(f"{user.name} 已是本组学员", "user_id")
    member = TeamMember(team=team, user_id=user.id, joined_at=utcnow())
    db.session.add(member)
    _event(team, actor, "member_added", f"增加学员 {user.name}")
    audit.record(actor, "team.add_member", team.name, ip=ip, team_id=team.id, user_id=user.id)
    db.session.commit()
    return member


def remove_member(actor, team: MentorTeam, user_id: int, ip: str = "") -> None:
    """A mentee leaves (at least two stay); the membership row keeps the history; commits."""
    _require_active(team)
    member = next((m for m in team.current if m.user_id == user_id), None)
    if member is None:
        raise NotFound("该干部不是本组学员")
    if len(team.current) <= MIN_MENTEES:
        raise ServiceError(f"每个小组至少 {MIN_MENTEES} 名学员，请先增加学员再移出", "user_id")
    member.left_at = utcnow()
    _event(team, actor, "member_removed", f"移出学员 {member.user.name}")
    audit.record(actor, "team.remove_member", team.name, ip=ip, team_id=team.id, user_id=user_id)
    db.session.commit()


def end_team(actor, team: MentorTeam, completed: bool, note: str = "", ip: str = "") -> MentorTeam:
    """End an active team as completed (结业, certificates may be issued) or dissolved; commits."""
    _require_active(team)
    team.state = TeamState.completed if completed else TeamState.dissolved
    team.closed_at = utcnow()
    _event(team, actor, "ended", f"{team.state.label}" + (f"：{note.strip()}" if (note or "").strip() else ""))
    audit.record(actor, "team.end", team.name, ip=ip, team_id=team.id, state=team.state.value)
    db.session.commit()
    return team


def mentor_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(select(User).where(User.role == Role.mentor, User.active.is_(True))
                               .order_by(User.username))
    return [(u.id, f"{u.name}（{u.position or u.unit_name}）") for u in users]


def mentee_choices(team: MentorTeam | None = None) -> list[tuple[int, str]]:
    """Active cadres not in another active team."""
    busy = {m for t in active_teams() if team is None or t["team_id"] != team.id for m in t["mentee_ids"]}
    current = {m.user_id for m in team.current} if team else set()
    users = db.session.scalars(select(User).where(User.role == Role.cadre, User.active.is_(True))
                               .order_by(User.username))
    return [(u.id, f"{u.name}（{u.unit_name}）") for u in users if u.id not in busy and u.id not in current]


# ---- notes --------------------------------------------------------------------------------------------

@dataclass
class NoteData:
    held_on: date | None
    discussed: str
    next_steps: str = ""
    mentee_id: int | None = None
    shared: bool = True


def add_note(author: User, team: MentorTeam, data: NoteData) -> MentorNote:
    """Meeting notes by the team's mentor (or an admin), for the team or one current mentee; commits."""
    if author.role != Role.admin and team.mentor_id != author.id:
        raise Forbidden("只能为自己带教的小组记录")
    if data.held_on is None:
        raise ServiceError("请填写谈话日期", "held_on")
    if data.held_on > local_today():
        raise ServiceError("谈话日期不能晚于今天", "held_on")
    discussed = (data.discussed or "").strip()
    if not discussed:
        raise ServiceError("请填写谈话内容", "discussed")
    if len(discussed) > 5000 or len(data.next_steps or "") > 5000:
        raise ServiceError("内容不能超过 5000 字", "discussed")
    if data.mentee_id and data.mentee_id not in {m.user_id for m in team.current}:
        raise ServiceError("请选择本组的学员", "mentee_id")
    note = MentorNote(team_id=team.id, mentee_id=data.mentee_id or None, author_id=author.id, held_on=data.held_on,
                      discussed=discussed, next_steps=(data.next_steps or "").strip(), shared=bool(data.shared),
                      created_at=utcnow())
    db.session.add(note)
    db.session.commit()
    return note


def notes_of_team(team_id: int, mentee_id: int | None = None, shared_only: bool = False) -> list[MentorNote]:
    """The team's notes (those about the whole team and about mentee_id when given), newest first."""
    stmt = select(MentorNote).where(MentorNote.team_id == team_id)
    if mentee_id is not None:
        stmt = stmt.where((MentorNote.mentee_id.is_(None)) | (MentorNote.mentee_id == mentee_id))
    if shared_only:
        stmt = stmt.where(MentorNote.shared.is_(True))
    return list(db.session.scalars(stmt.order_by(MentorNote.held_on.desc(), MentorNote.id.desc())))


# ---- certificates -------------------------------------------------------------------------------------

def team_certificates(team_id: int) -> list[dict]:
    """The "team" certificate source: the mentor and mentees of a completed team."""
    team = db.session.get(MentorTeam, team_id)
    if team is None or team.state != TeamState.completed:
        return []
    period = f"{team.starts_on:%Y年%m月}—{team.ends_on:%Y年%m月}"
    holders = [team.mentor_id] + [m.user_id for m in team.current]
    return [{"kind": "mentoring", "holder": uid, "title": team.name, "subject_ref": f"team:{team.id}",
             "period": period} for uid in holders]


def register_certificate_sources() -> None:
    certificates = _optional("trainer.certificates.service")
    if certificates is None:
        return
    from trainer.mentoring import onboarding

    certificates.register_source("team", team_certificates)
    certificates.register_source("onboarding", onboarding.plan_certificates, label="入职学习计划")
