"""Onboarding of newly appointed cadres: plan templates with required items, assignment to people or a
unit, progress checked automatically where possible (exam passed, mentor paired, session attended)
and by hand otherwise (material read by the cadre; an admin may confirm any item)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.audit import service as audit
from trainer.errors import Forbidden, NotFound, ServiceError
from trainer.exams.models import Attempt, AttemptState, Exam
from trainer.extensions import db
from trainer.mentoring.models import ItemCheck, ItemKind, OnboardingPlan, PlanAssignment, PlanItem
from trainer.mentoring.service import _optional, team_of_mentee
from trainer.org import service as org
from trainer.org.models import Role, User
from trainer.timeutil import from_local, local_today, utcnow


def get_plan(plan_id: int) -> OnboardingPlan:
    plan = db.session.get(OnboardingPlan, plan_id)
    if plan is None:
        raise NotFound("学习计划不存在")
    return plan


def list_plans() -> list[OnboardingPlan]:
    return list(db.session.scalars(select(OnboardingPlan).options(selectinload(OnboardingPlan.items))
                                   .order_by(OnboardingPlan.id.desc())))


def create_plan(actor, title: str, description: str = "", ip: str = "") -> OnboardingPlan:
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写计划名称", "title")
    if len(title) > 200:
        raise ServiceError("计划名称不能超过 200 字", "title")
    plan = OnboardingPlan(title=title, description=(description or "").strip(), created_by_id=actor.id)
    db.session.add(plan)
    db.session.flush()
    audit.record(actor, "onboarding.plan", title, ip=ip, plan_id=plan.id)
    db.session.commit()
    return plan


def add_item(actor, plan: OnboardingPlan, kind: ItemKind | str, title: str, target_id: int | None,
             due_days: int, ip: str = "") -> PlanItem:
    """A required item: an exam item names an existing exam, a session item a night-school session id."""
    kind = ItemKind(kind)
    title = (title or "").strip()
    if kind == ItemKind.exam:
        exam = db.session.get(Exam, target_id or 0)
        if exam is None:
            raise ServiceError("请选择要通过的测验", "target_id")
        title = title or f"通过《{exam.title}》"
    elif kind == ItemKind.session:
        if not target_id or target_id < 1:
            raise ServiceError("请填写夜校课程编号", "target_id")
    else:
        target_id = None
    if kind == ItemKind.mentor:
        title = title or "拜师结对，加入传帮带小组"
    if not title:
        raise ServiceError("请填写事项名称", "title")
    if not 0 <= (due_days or 0) <= 365:
        raise ServiceError("完成期限须为开始后 0—365 天", "due_days")
    item = PlanItem(plan=plan, kind=kind, title=title[:200], target_id=target_id, due_days=due_days or 0,
                    position=len(plan.items) + 1)
    db.session.add(item)
    audit.record(actor, "onboarding.item", plan.title, ip=ip, plan_id=plan.id, item=title[:100])
    db.session.commit()
    return item


def exam_choices(limit: int = 50) -> list[tuple[int, str]]:
    """Published exams, newest first, for a plan's "quiz to pass" items."""
    exams = db.session.scalars(select(Exam).where(Exam.published.is_(True)).order_by(Exam.id.desc()).limit(limit))
    return [(0, "（请选择）")] + [(e.id, e.title) for e in exams]


def remove_item(actor, plan: OnboardingPlan, item_id: int, ip: str = "") -> None:
    item = next((i for i in plan.items if i.id == item_id), None)
    if item is None:
        raise NotFound("事项不存在")
    plan.items.remove(item)
    audit.record(actor, "onboarding.item", plan.title, ip=ip, plan_id=plan.id, removed=item.title[:100])
    db.session.commit()


def assign(actor, plan: OnboardingPlan, user_ids: list[int], unit_id: int | None, starts_on: date | None,
           ip: str = "") -> int:
    """Give the plan to the chosen people and/or the active cadres of a unit; returns how many are new."""
    if not plan.items:
        raise ServiceError("计划还没有事项，请先添加事项再分配", "user_ids")
    ids = {int(i) for i in user_ids if i}
    if unit_id:
        ids |= set(db.session.scalars(select(User.id).where(User.unit_id.in_(org.subtree_ids(unit_id)),
                                                            User.role == Role.cadre, User.active.is_(True))))
    if not ids:
        raise ServiceError("请选择人员或单位", "user_ids")
    starts_on = starts_on or local_today()
    have = set(db.session.scalars(select(PlanAssignment.user_id).where(PlanAssignment.plan_id == plan.id)))
    users = db.session.scalars(select(User).where(User.id.in_(ids - have), User.active.is_(True)))
    n = 0
    for user in users:
        db.session.add(PlanAssignment(plan_id=plan.id, user_id=user.id, starts_on=starts_on, assigned_by_id=actor.id))
        n += 1
    if n:
        audit.record(actor, "onboarding.assign", plan.title, ip=ip, plan_id=plan.id, count=n)
    db.session.commit()
    return n


# ---- progress -----------------------------------------------------------------------------------------

@dataclass
class ItemStatus:
    item: PlanItem
    due_on: date
    done: bool
    how: str  # 自动核验 / 本人确认 / 管理员确认 / ""
    done_at: datetime | None = None

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_on < local_today()


@dataclass
class Progress:
    assignment: PlanAssignment
    items: list[ItemStatus]

    @property
    def done(self) -> int:
        return sum(1 for s in self.items if s.done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return bool(self.items) and self.done == self.total

    @property
    def overdue(self) -> list[ItemStatus]:
        return [s for s in self.items if s.overdue]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _passed_exams(user_ids: set[int], exam_ids: set[int]) -> dict[tuple[int, int], datetime | None]:
    if not user_ids or not exam_ids:
        return {}
    rows = db.session.execute(select(Attempt.user_id, Attempt.exam_id, Attempt.submitted_at).where(
        Attempt.user_id.in_(user_ids), Attempt.exam_id.in_(exam_ids), Attempt.counted.is_(True),
        Attempt.state == AttemptState.graded, Attempt.passed.is_(True)))
    return {(u, e): at for u, e, at in rows}


def _attended(user_ids: set[int], session_ids: set[int], since: date) -> set[tuple[int, int]]:
    nightschool = _optional("trainer.nightschool.service")
    if nightschool is None or not user_ids or not session_ids:
        return set()
    start = from_local(datetime(since.year, since.month, since.day)) - timedelta(days=366)
    events = nightschool.attendance_events(start, utcnow() + timedelta(days=1))
    return {(u, s) for u, s, status, _ in events if u in user_ids and s in session_ids and status in ("present", "late")}


def progress_of(assignments: list[PlanAssignment]) -> list[Progress]:
    """Each assignment's items with whether they are done and how, checking exams, teams and attendance."""
    if not assignments:
        return []
    user_ids = {a.user_id for a in assignments}
    items = {i for a in assignments for i in a.plan.items}
    passed = _passed_exams(user_ids, {i.target_id for i in items if i.kind == ItemKind.exam and i.target_id})
    attended = _attended(user_ids, {i.target_id for i in items if i.kind == ItemKind.session and i.target_id},
                         min(a.starts_on for a in assignments))
    paired = {u for u in user_ids if any(i.kind == ItemKind.mentor for i in items) and team_of_mentee(u) is not None}
    out = []
    for a in assignments:
        checks = {c.item_id: c for c in a.checks}
        statuses = []
        for item in a.plan.items:
            due = a.starts_on + timedelta(days=item.due_days)
            check = checks.get(item.id)
            done, how, at = False, "", None
            automatic = {ItemKind.exam: (a.user_id, item.target_id) in passed, ItemKind.mentor: a.user_id in paired,
                         ItemKind.session: (a.user_id, item.target_id) in attended}
            if automatic.get(item.kind):
                at = passed.get((a.user_id, item.target_id)) if item.kind == ItemKind.exam else None
                done, how = True, "自动核验"
            elif check is not None:
                done, how, at = True, "本人确认" if check.how == "self" else "管理员确认", check.done_at
            statuses.append(ItemStatus(item, due, done, how, at))
        out.append(Progress(a, statuses))
    return out


def _assignments(stmt) -> list[PlanAssignment]:
    return list(db.session.scalars(stmt.options(selectinload(PlanAssignment.plan).selectinload(OnboardingPlan.items),
                                                selectinload(PlanAssignment.checks),
                                                selectinload(PlanAssignment.user))))


def progress_for_user(user_id: int) -> list[Progress]:
    return progress_of(_assignments(select(PlanAssignment).where(PlanAssignment.user_id == user_id)
                                    .order_by(PlanAssignment.id)))


def progress_for_users(user_ids: list[int]) -> list[Progress]:
    if not user_ids:
        return []
    return progress_of(_assignments(select(PlanAssignment).where(PlanAssignment.user_id.in_(user_ids))))


def progress_for_plan(plan_id: int) -> list[Progress]:
    rows = progress_of(_assignments(select(PlanAssignment).where(PlanAssignment.plan_id == plan_id)))
    return sorted(rows, key=lambda p: (-len(p.overdue), p.percent, p.assignment.user.username))


def behind(limit: int = 50) -> list[Progress]:
    """People with overdue items, most overdue first."""
    rows = [p for p in progress_of(_assignments(select(PlanAssignment))) if p.overdue]
    return sorted(rows, key=lambda p: -len(p.overdue))[:limit]


def _assignment_item(assignment_id: int, item_id: int) -> tuple[PlanAssignment, PlanItem]:
    a = db.session.get(PlanAssignment, assignment_id)
    item = db.session.get(PlanItem, item_id)
    if a is None or item is None or item.plan_id != a.plan_id:
        raise NotFound("学习事项不存在")
    return a, item


def mark_read(user: User, assignment_id: int, item_id: int) -> ItemCheck:
    """The cadre ticks a material as read (only their own, only materials); commits."""
    a, item = _assignment_item(assignment_id, item_id)
    if a.user_id != user.id:
        raise Forbidden("只能确认自己的学习事项")
    if item.kind != ItemKind.material:
        raise ServiceError("该事项由系统自动核验或由管理员确认，不能自行勾选")
    return _check(a, item, "self", user)


def confirm(actor: User, assignment_id: int, item_id: int, ip: str = "") -> ItemCheck:
    """An admin confirms an item by hand (e.g. a session attended when attendance is not recorded); commits."""
    if actor.role != Role.admin:
        raise Forbidden("只有管理员可以确认")
    a, item = _assignment_item(assignment_id, item_id)
    audit.record(actor, "onboarding.confirm", a.user.name, ip=ip, plan_id=a.plan_id, item=item.title[:100])
    return _check(a, item, "admin", actor)


def _check(a: PlanAssignment, item: PlanItem, how: str, by: User) -> ItemCheck:
    existing = next((c for c in a.checks if c.item_id == item.id), None)
    if existing is not None:
        return existing
    check = ItemCheck(assignment=a, item_id=item.id, how=how, by_id=by.id, done_at=utcnow())
    db.session.add(check)
    db.session.commit()
    return check


def plan_certificates(plan_id: int) -> list[dict]:
    """The "onboarding" certificate source: people who completed every item of the plan."""
    plan = db.session.get(OnboardingPlan, plan_id)
    if plan is None:
        return []
    return [{"kind": "completion", "holder": p.assignment.user_id, "title": plan.title,
             "subject_ref": f"onboarding:{plan.id}", "period": f"{p.assignment.starts_on:%Y年%m月}起"}
            for p in progress_for_plan(plan_id) if p.complete]
