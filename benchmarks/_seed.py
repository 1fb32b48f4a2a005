"""Seed a benchmark database: cadres with a cheap known password, a bank, and open exams."""
from __future__ import annotations

from datetime import timedelta

import yaml
from werkzeug.security import generate_password_hash

PASSWORD = "bench-pass-1"


def bank_yaml(n: int) -> bytes:
    qs = [{"key": f"b{i:04d}", "type": "single", "stem": f"基准测试题{i}：下列说法正确的是（ ）",
           "options": [f"选项{i}-{k}" for k in range(4)], "answer": "ABCD"[i % 4], "explanation": "解析",
           "reference": "第一条"} for i in range(n)]
    doc = {"slug": "bench", "title": "基准题库", "source": "测试", "review": {"state": "reviewed", "by": "基准"},
           "questions": qs}
    return yaml.safe_dump(doc, allow_unicode=True).encode()


def seed(n_cadres: int = 300, bank_size: int = 200) -> dict:
    """Create the organisation, a bank and helpers to make exams; returns usernames and the admin."""
    from trainer.banks import importing
    from trainer.extensions import db
    from trainer.org.models import OrgUnit, Role, UnitKind, User

    unit = OrgUnit(name="基准单位", kind=UnitKind.office)
    db.session.add(unit)
    pw = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    admin = User(username="bench-admin", name="管理员", role=Role.admin, unit=unit, password_hash=pw,
                 must_change_password=False, session_token="a")
    db.session.add(admin)
    names = []
    for i in range(n_cadres):
        db.session.add(User(username=f"c{i:04d}", name=f"干部{i}", role=Role.cadre, unit=unit, password_hash=pw,
                            must_change_password=False, session_token=f"t{i}"))
        names.append(f"c{i:04d}")
    db.session.commit()
    report = importing.import_bank(bank_yaml(bank_size), "bench.yaml")
    assert report.ok, report.error_lines()
    return {"usernames": names, "admin_id": admin.id}


def make_exam(admin_id: int, title: str, n: int = 20, max_attempts: int = 1000, prepare: bool = False) -> int:
    from trainer.banks.models import Bank
    from trainer.exams import service
    from trainer.exams.models import DrawRule
    from trainer.extensions import db
    from trainer.org.models import User
    from trainer.timeutil import utcnow

    admin = db.session.get(User, admin_id)
    bank = db.session.query(Bank).filter_by(slug="bench").one()
    exam = service.create_exam(admin, service.ExamData(
        title=title, kind=service.ExamKind.weekly, opens_at=utcnow() - timedelta(minutes=1),
        closes_at=utcnow() + timedelta(hours=6), time_limit_minutes=300))
    exam.max_attempts = max_attempts  # the load loop starts attempt after attempt, beyond the form's limit of 20
    exam.draw_rules.append(DrawRule(bank_id=bank.id, type="single", count=n, points=5))
    exam.published = True
    db.session.commit()
    if prepare:
        service.prepare_papers(exam)
    return exam.id
