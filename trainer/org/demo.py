"""Demo organisation: the department's offices, 14 towns and streets with their communities,
about 40 cadres, 5 mentors and 2 admins."""
from __future__ import annotations

import random

from werkzeug.security import generate_password_hash

from trainer.extensions import db
from trainer.org.models import OrgUnit, Role, UnitKind, User

OFFICES = ["办公室", "干部科", "党派工作科", "民族宗教科", "经济联络科", "新的社会阶层人士工作科", "港澳台侨工作科"]
STREETS = ["城关街道", "东城街道", "西城街道", "南湖街道", "北山街道", "高新街道"]
TOWNS = ["青石镇", "白沙镇", "桃源镇", "龙泉镇", "清河镇", "柳溪镇", "石桥镇", "金山镇"]
COMMUNITIES = {
    "城关街道": ["东门社区", "鼓楼社区"], "南湖街道": ["湖滨社区", "学府社区"],
    "青石镇": ["青石村", "下洋村"], "桃源镇": ["桃源村", "溪口村"], "龙泉镇": ["龙泉社区", "上坪村"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
GIVEN = "文华建国志强秀英丽娟敏静海燕明军伟芳娜磊洋艳勇杰涛斌超霞平刚桂兰玉梅红辉鹏飞俊晨宇欣怡佳琪思远晓东雪梅春燕立新永刚宏伟嘉慧子涵浩然雅婷振华德明"
MENTOR_POSITIONS = ["副部长", "民族宗教科科长", "干部科科长", "党派工作科科长", "经济联络科科长"]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        if name not in used:
            used.add(name)
            return name


def seed(ctx: dict) -> None:
    rng = random.Random(2026)
    pw_hash = generate_password_hash(ctx["password"], method="pbkdf2:sha256:120000")
    units: dict[str, OrgUnit] = {}
    order = 0
    for name in OFFICES:
        order += 1
        units[name] = OrgUnit(name=name, kind=UnitKind.office, sort_order=order)
    for name in STREETS + TOWNS:
        order += 1
        units[name] = OrgUnit(name=name, kind=UnitKind.town, sort_order=order)
    for town, villages in COMMUNITIES.items():
        for i, v in enumerate(villages):
            units[v] = OrgUnit(name=v, kind=UnitKind.village, parent=units[town], sort_order=i)
    db.session.add_all(units.values())

    used: set[str] = set()
    users: dict[str, list[User]] = {"admin": [], "mentor": [], "cadre": [], "committee": []}

    def add(username, role, unit, position, name=None):
        u = User(username=username, name=name or _name(rng, used), role=role, unit=units[unit],
                 position=position, password_hash=pw_hash, must_change_password=False,
                 session_token=f"{rng.getrandbits(64):016x}",
                 phone=f"13{rng.randint(100000000, 999999999)}")
        db.session.add(u)
        return u

    users["admin"].append(add("admin", Role.admin, "办公室", "办公室主任", "周明华"))
    users["admin"].append(add("admin2", Role.admin, "干部科", "干部科副科长", "林晓东"))
    mentor_units = ["办公室", "民族宗教科", "干部科", "党派工作科", "经济联络科"]
    for i, (unit, pos) in enumerate(zip(mentor_units, MENTOR_POSITIONS, strict=True), start=1):
        users["mentor"].append(add(f"mentor{i}", Role.mentor, unit, pos))
    n = 0
    for office in OFFICES:
        for _ in range(2):
            n += 1
            users["cadre"].append(add(f"cadre{n:02d}", Role.cadre, office, rng.choice(["科员", "一级科员", "四级主任科员"])))
    for place in STREETS + TOWNS:
        n += 1
        users["cadre"].append(add(f"cadre{n:02d}", Role.cadre, place, "统战工作站专干"))
    # newly appointed united-front committee members (统战委员) in onboarding
    for place in (STREETS + TOWNS)[:11]:
        n += 1
        u = add(f"cadre{n:02d}", Role.cadre, place, "统战委员（新任）")
        users["cadre"].append(u)
        users["committee"].append(u)
    db.session.flush()
    ctx["units"] = units
    ctx["users"] = users
    ctx["rng"] = rng
    ctx.setdefault("logins", []).extend([
        ("管理员", "admin", users["admin"][0].name),
        ("管理员", "admin2", users["admin"][1].name),
        ("导师", "mentor1", users["mentor"][0].name),
        ("干部", "cadre01", users["cadre"][0].name),
        ("新任统战委员", users["committee"][0].username, users["committee"][0].name),
    ])
    ctx["echo"](f"演示单位 {len(units)} 个，人员 {sum(len(v) for k, v in users.items() if k != 'committee')} 名")
