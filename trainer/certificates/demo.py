"""Demo: the department's templates (with a demo seal) and certificates from earlier exams, a spring
night-school term, last year's knowledge competition and a mentoring team, one of them reissued."""
from __future__ import annotations

import io
import math
import os
from datetime import timedelta

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from trainer.certificates import render, service
from trainer.certificates.models import Award, CertificateKind, DateStyle
from trainer.timeutil import local_today


def demo_seal(org: str) -> bytes | None:
    """A round red seal with org around the rim and 演示专用 below the star (PNG with transparency)."""
    font_path = next((p for p in render.FONT_CANDIDATES if os.path.exists(p)), None)
    if font_path is None:
        return None
    size = 420
    red = (200, 16, 30, 200)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    c = size / 2
    d.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    points = []
    for i in range(10):
        r = 62 if i % 2 == 0 else 25
        a = math.radians(i * 36)
        points.append((c + r * math.sin(a), c - 6 - r * math.cos(a)))
    d.polygon(points, fill=red)
    font = ImageFont.truetype(font_path, 50, index=0)
    text = org[:14]
    span = 240 if len(text) > 6 else 150
    for i, ch in enumerate(text):
        angle = -span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((30, 30), ch, font=font, fill=red, anchor="mm", stroke_width=1, stroke_fill=red)
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        r = c - 62
        x = c + r * math.sin(math.radians(angle)) - 30
        y = c - r * math.cos(math.radians(angle)) - 30
        img.alpha_composite(glyph, (int(x), int(y)))
    small = ImageFont.truetype(font_path, 34, index=0)
    d.text((c, c + 95), "演示专用", font=small, fill=red, anchor="mm")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def seed(ctx: dict) -> None:
    org = current_app.config.get("ORG_NAME") or "中共示例市委统战部"
    admin = ctx["users"]["admin"][0]
    cadres = ctx["users"]["cadre"]
    mentors = ctx["users"]["mentor"]
    rng = ctx["rng"]
    seal = demo_seal(org)
    for kind in CertificateKind:
        tpl = service.get_template(kind)
        service.update_template(admin, kind, tpl.title, tpl.body, org,
                                DateStyle.numeric if kind == CertificateKind.passed else DateStyle.chinese,
                                "", seal=seal)
    today = local_today()
    regular = [c for c in cadres if c not in ctx["users"]["committee"]]

    exam_title = "2026年上半年《中国共产党统一战线工作条例》专题考试"
    passed = regular[:18]
    service.issue_batch([
        service.IssueSpec(CertificateKind.passed, u, exam_title, "exam:2026-h1-regulations",
                          score=rng.choice([78, 82, 85, 88, 90, 92, 95, 96]), issued_on=today - timedelta(days=150))
        for u in passed], issued_by=admin)

    service.issue_batch([
        service.IssueSpec(CertificateKind.completion, u, "每周夜校", "term:2026-spring", period="2026年春季学期",
                          issued_on=today - timedelta(days=120))
        for u in regular[:14]], issued_by=admin)

    contest = "2025年全市统一战线政策法规知识竞赛"
    awards = [Award.first, Award.second, Award.second, Award.third, Award.third, Award.third,
              Award.excellence, Award.excellence, Award.excellence, Award.excellence]
    winners = [regular[0], *rng.sample(regular[1:], len(awards) - 1)]
    honours = service.issue_batch([
        service.IssueSpec(CertificateKind.honour, u, contest, "competition:2025-annual", award=a,
                          issued_on=today - timedelta(days=340))
        for u, a in zip(winners, awards)], issued_by=admin)

    # the mentoring team that completed its period last year, through the mentoring source
    completed = _completed_team()
    if completed is not None:
        service.issue_from_source("team", completed, issued_by=admin)
    else:
        team = f"第一传帮带小组（导师：{mentors[0].name}）"
        service.issue_batch([
            service.IssueSpec(CertificateKind.mentoring, u, team, "team:2025-1", period="2025年度",
                              issued_on=today - timedelta(days=345))
            for u in [mentors[0], *regular[2:4]]], issued_by=admin)

    # one certificate lost and reissued, one revoked after a score review
    service.reissue(admin, honours[3], "补发", "证书遗失")
    late = service.issue(CertificateKind.passed, regular[20], exam_title, "exam:2026-h1-regulations", score=61,
                         issued_on=today - timedelta(days=150), issued_by=admin)
    service.revoke(admin, late, "成绩复核后未达合格线")
    ctx["certificates"] = service.counts()["total"]
    ctx["echo"](f"证书 {ctx['certificates']} 张（合格、结业、荣誉、传帮带），其中 1 张补发、2 张撤销")


def _completed_team() -> int | None:
    """The id of a mentoring team that completed its period, when the mentoring domain is there."""
    try:
        from trainer.mentoring.models import MentorTeam, TeamState
    except ModuleNotFoundError:
        return None
    from sqlalchemy import select

    from trainer.extensions import db

    return db.session.scalar(select(MentorTeam.id).where(MentorTeam.state == TeamState.completed).limit(1))
