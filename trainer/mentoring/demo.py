"""Demo mentoring: five teams (mentor1..mentor5 with two or three cadres), one team completed last year,
a membership change, meeting notes, mentors' comments on their mentees' reviews, and the onboarding
plan of the newly appointed united-front committee members with partial progress."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from trainer.extensions import db
from trainer.mentoring.models import (
    ItemCheck,
    ItemKind,
    MentorNote,
    MentorTeam,
    OnboardingPlan,
    PlanAssignment,
    PlanItem,
    TeamEvent,
    TeamMember,
    TeamState,
)
from trainer.timeutil import from_local, local_today, utcnow

TEAMS = [
    ("综合业务传帮带小组", [1, 2], "熟悉统战工作全局，半年内能独立起草部门工作总结和调研报告。"),
    ("民族宗教工作传帮带小组", [3, 4, 29], "掌握《宗教事务条例》和场所财务管理办法，能独立开展场所检查。"),
    ("干部队伍建设传帮带小组", [5, 6, 30], "提高政策理论水平，每周测验成绩稳定在 85 分以上。"),
    ("党派工作传帮带小组", [7, 8], "熟悉党外代表人士队伍建设，学会做好联谊交友工作。"),
    ("经济联络传帮带小组", [9, 10, 31], "掌握非公经济人士工作方法，完成一份民营企业发展调研。"),
]
NOTES = [
    ("讨论了本周测验的错题，重点讲解了宗教活动场所设立的审批程序。", "把错题本里的题目每天复习一遍。"),
    ("听取学员近期工作汇报，交流了走访企业时如何了解真实困难。", "下周一起走访一家民营企业。"),
    ("围绕复盘中提到的时间安排问题，谈了如何列周计划、抓重点。", "每周一上午列出本周三件重点工作。"),
    ("学习了条例中关于党外代表人士队伍建设的规定，结合实例讨论。", "各自整理一份联系对象名单。"),
    ("谈心谈话：了解工作和生活中的困难，鼓励大胆承担任务。", "月底前交一份学习心得。"),
]
COMMENTS = [
    "本周工作扎实，走访记录要及时整理成台账。",
    "体会写得很实在，建议把问题和改进措施对应起来写。",
    "下周计划可以再具体一些，写清楚完成时间。",
    "测验错题要回到条例原文去理解，不要只记答案。",
    "很好，继续保持。宣讲材料可以发我看看。",
    "注意劳逸结合，重点工作提前安排。",
]


def _local(day, hour=10):
    return from_local(datetime(day.year, day.month, day.day, hour))


def seed(ctx: dict) -> None:
    rng = random.Random(55)
    users = ctx["users"]
    admin = users["admin"][0]
    mentors = users["mentor"]
    cadres = {int(u.username[5:]): u for u in users["cadre"]}
    today = local_today()
    start = today - timedelta(weeks=5, days=today.weekday())

    old = MentorTeam(name="2025年度第一传帮带小组", mentor_id=mentors[0].id, starts_on=start - timedelta(days=400),
                     ends_on=start - timedelta(days=40), goals="熟悉部机关各科室业务。", state=TeamState.completed,
                     created_at=_local(start - timedelta(days=400)), closed_at=_local(start - timedelta(days=40)))
    old.memberships = [TeamMember(user_id=cadres[n].id, joined_at=old.created_at) for n in (3, 4)]
    old.events = [TeamEvent(at=old.created_at, actor_id=admin.id, kind="formed",
                            summary=f"组建小组：导师 {mentors[0].name}，学员 {cadres[3].name}、{cadres[4].name}"),
                  TeamEvent(at=old.closed_at, actor_id=admin.id, kind="ended", summary="已结业：带教期满，考核合格")]
    db.session.add(old)

    teams = []
    for mentor, (name, nums, goals) in zip(mentors, TEAMS, strict=True):
        formed = _local(start, 9)
        team = MentorTeam(name=name, mentor_id=mentor.id, starts_on=start, ends_on=start + timedelta(days=180),
                          goals=goals, state=TeamState.active, created_at=formed)
        team.memberships = [TeamMember(user_id=cadres[n].id, joined_at=formed) for n in nums]
        team.events = [TeamEvent(at=formed, actor_id=admin.id, kind="formed",
                                 summary=f"组建小组：导师 {mentor.name}，学员 {'、'.join(cadres[n].name for n in nums)}")]
        db.session.add(team)
        teams.append(team)
    # the party-work team lost a member who moved to another post, then gained one
    changed = teams[3]
    left = TeamMember(user_id=cadres[12].id, joined_at=changed.created_at, left_at=_local(start + timedelta(days=12)))
    changed.memberships.append(left)
    changed.events.append(TeamEvent(at=left.left_at, actor_id=admin.id, kind="member_removed",
                                    summary=f"移出学员 {cadres[12].name}（岗位调整）"))
    joined = _local(start + timedelta(days=13))
    changed.memberships.append(TeamMember(user_id=cadres[13].id, joined_at=joined))
    changed.events.append(TeamEvent(at=joined, actor_id=admin.id, kind="member_added", summary=f"增加学员 {cadres[13].name}"))
    db.session.flush()

    notes = 0
    for team in teams:
        mentees = [m.user_id for m in team.memberships if m.left_at is None]
        for i in range(rng.randint(2, 4)):
            discussed, next_steps = NOTES[(team.id + i) % len(NOTES)]
            about = rng.choice([None, *mentees])
            db.session.add(MentorNote(team_id=team.id, mentee_id=about, author_id=team.mentor_id,
                                      held_on=start + timedelta(days=7 * i + rng.randint(1, 5)), discussed=discussed,
                                      next_steps=next_steps, shared=rng.random() < .75,
                                      created_at=_local(start + timedelta(days=7 * i + 5), 17)))
            notes += 1
    _comment_reviews(teams, admin, rng)
    _onboarding(ctx, admin, rng, today)
    ctx["teams"] = teams
    ctx["logins"].append(("导师", mentors[1].username, mentors[1].name))
    ctx["echo"](f"传帮带小组 {len(teams)} 个（另有 1 个已结业），谈话记录 {notes} 条；入职学习计划已分配给 {len(users['committee'])} 名新任统战委员")


def _comment_reviews(teams, admin, rng) -> None:
    try:
        from trainer.reviews.models import ReviewComment, ReviewState, WeeklyReview
    except ModuleNotFoundError:
        return
    now = utcnow()
    for team in teams:
        mentees = [m.user_id for m in team.memberships if m.left_at is None]
        reviews = db.session.scalars(select(WeeklyReview).where(WeeklyReview.user_id.in_(mentees),
                                                                WeeklyReview.state == ReviewState.submitted))
        for r in reviews:
            if rng.random() < .65 and r.submitted_at + timedelta(hours=20) < now:
                at = r.submitted_at + timedelta(hours=rng.randint(2, 20))
                db.session.add(ReviewComment(review_id=r.id, author_id=team.mentor_id, body=rng.choice(COMMENTS),
                                             created_at=at))
                if at < now - timedelta(days=8):
                    r.comments_seen_at = at + timedelta(hours=3)
            elif rng.random() < .08:
                db.session.add(ReviewComment(review_id=r.id, author_id=admin.id, body="已阅，请按计划抓好落实。",
                                             created_at=r.submitted_at + timedelta(days=1)))


def _onboarding(ctx, admin, rng, today) -> None:
    committee = ctx["users"]["committee"]
    exams = [e for e in ctx.get("exams", []) if e.kind.value == "weekly" and e.closes_at and e.closes_at < utcnow()]
    plan = OnboardingPlan(title="新任统战委员入职学习计划",
                          description="新任镇街区统战委员任职后一个月内完成：学条例、上夜校、过测验、拜导师。",
                          created_by_id=admin.id, created_at=utcnow() - timedelta(days=25))
    items = [
        PlanItem(kind=ItemKind.material, title="通读《中国共产党统一战线工作条例》全文", due_days=7),
        PlanItem(kind=ItemKind.material, title="学习《宗教事务条例》重点条款及解读", due_days=14),
        PlanItem(kind=ItemKind.session, title="参加夜校专题课：基层统战工作站建设", target_id=1, due_days=14),
    ]
    if exams:
        items.append(PlanItem(kind=ItemKind.exam, title=f"通过《{exams[-1].title}》", target_id=exams[-1].id,
                              due_days=21))
    items += [PlanItem(kind=ItemKind.mentor, title="拜师结对，加入传帮带小组", due_days=21),
              PlanItem(kind=ItemKind.material, title="阅读《民族团结进步创建工作手册》", due_days=35)]
    for i, item in enumerate(items, start=1):
        item.position = i
    plan.items = items
    db.session.add(plan)
    db.session.flush()
    starts = today - timedelta(days=24)
    for n, user in enumerate(committee):
        a = PlanAssignment(plan_id=plan.id, user_id=user.id, starts_on=starts, assigned_by_id=admin.id,
                           assigned_at=utcnow() - timedelta(days=24))
        db.session.add(a)
        db.session.flush()
        share = 1 - n / len(committee)  # the first ones are further along
        for item in items:
            at = _local(starts + timedelta(days=rng.randint(1, item.due_days)), 20)
            if item.kind == ItemKind.material and rng.random() < share + .1 and at < utcnow():
                db.session.add(ItemCheck(assignment_id=a.id, item_id=item.id, how="self", by_id=user.id, done_at=at))
            elif item.kind == ItemKind.session and rng.random() < share:
                db.session.add(ItemCheck(assignment_id=a.id, item_id=item.id, how="admin", by_id=admin.id,
                                         done_at=min(at, utcnow())))
