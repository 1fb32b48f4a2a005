"""Demo weekly reviews: the past eight weeks for most cadres and mentors (some missing, some drafts) and
this week's so far. Mentors' comments are added by the mentoring demo, which knows the teams."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from trainer.extensions import db
from trainer.reviews import service
from trainer.reviews.models import ReviewState, WeeklyReview
from trainer.timeutil import from_local, utcnow

DONE = [
    "参加本周夜校，学习《中国共产党统一战线工作条例》第{n}章，完成每周测验。",
    "走访辖区{k}家民营企业，了解企业用工和融资困难，收集意见建议{m}条。",
    "配合开展宗教活动场所安全检查，检查场所{k}处，督促整改消防隐患{m}项。",
    "整理党外代表人士档案，更新联系信息{k}人。",
    "参与筹备民族团结进步主题活动，完成宣传展板和活动方案。",
    "跟进新的社会阶层人士联谊会换届准备工作，起草工作方案初稿。",
    "协助处理群众来信{m}件，均已按程序转办并回复。",
    "参加部务会，汇报统战工作站本月重点工作进展。",
    "完成港澳台侨联络对象信息核对，补录联系人{k}名。",
    "下村社区开展统战政策宣讲{m}场，发放宣传资料百余份。",
]
LESSONS = [
    "对宗教活动场所财务管理办法的部分条款理解还不够准确，需要对照原文再学习。",
    "走访前准备不充分，问题清单不够具体，下次提前与企业沟通。",
    "测验中多选题失分较多，说明对条例细节掌握不扎实。",
    "基层统战工作站台账不规范，需要统一模板。",
    "与党外人士沟通时要更加注意方式方法，多听少说。",
    "政策宣讲要结合群众身边事例，效果更好。",
    "时间安排不够合理，几项工作挤在周末前完成，质量受影响。",
    "对互联网宗教信息服务管理办法了解不多，遇到咨询不能当场答复。",
]
PLANS = [
    "继续学习条例第{n}章，整理学习笔记，参加下周夜校。",
    "完成剩余{m}家企业的走访，形成调研报告初稿。",
    "督促场所落实整改，下周五前完成复查。",
    "规范工作站台账，按新模板整理本季度材料。",
    "参加导师组织的谈话，汇报近期学习和工作情况。",
    "准备民族团结进步创建材料，配合做好迎检工作。",
    "错题本中的题目每天复习一遍，争取下次测验达到 90 分以上。",
]


def _text(pool: list[str], rng: random.Random, k: int) -> str:
    return "\n".join(f"{i + 1}. " + s.format(n=rng.randint(1, 9), k=rng.randint(2, 8), m=rng.randint(1, 6))
                     for i, s in enumerate(rng.sample(pool, k)))


def seed(ctx: dict) -> None:
    rng = random.Random(48)
    people = ctx["users"]["cadre"] + ctx["users"]["mentor"]
    now = utcnow()
    this = service.current_week()
    count = 0
    for ago in range(8, -1, -1):
        week = service.shift(this, -ago)
        monday = service.monday_of(week)
        for u in people:
            roll = rng.random()
            if ago == 0:
                state = ReviewState.submitted if roll < .55 else (ReviewState.draft if roll < .72 else None)
            else:
                state = None if roll < .1 else (ReviewState.draft if roll < .16 else ReviewState.submitted)
            if state is None:
                continue
            written = from_local(datetime(monday.year, monday.month, monday.day, 9)) + timedelta(
                days=rng.choice([4, 4, 5, 6, 7]), hours=rng.randint(0, 12))
            written = min(written, now - timedelta(minutes=rng.randint(10, 600)))
            review = WeeklyReview(user_id=u.id, iso_year=week[0], iso_week=week[1], state=state,
                                  done=_text(DONE, rng, rng.choice([2, 3])),
                                  lessons=_text(LESSONS, rng, rng.choice([1, 2])),
                                  plan=_text(PLANS, rng, rng.choice([1, 2])) if state == ReviewState.submitted
                                  or rng.random() < .5 else "",
                                  created_at=written - timedelta(hours=1), updated_at=written,
                                  submitted_at=written if state == ReviewState.submitted else None)
            db.session.add(review)
            count += 1
    db.session.flush()
    ctx["echo"](f"每周复盘 {count} 篇（近 8 周及本周，含草稿与缺交）")
