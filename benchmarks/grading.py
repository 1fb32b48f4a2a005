"""Grading speed: a 100-question attempt (all five types) graded as on submit — the pure grading core on its own,
and the whole step with the database (load the versions, grade, total, write the scores).

python benchmarks/grading.py [--quick]    target: under 20 ms per attempt
Last line: {"questions": 100, "core_ms": x, "submit_grade_ms": y}
"""
from __future__ import annotations

import argparse
import json
import random
import time

from _seed import seed
from _support import database, describe_machine, make_app, median

from trainer.grading.types import TYPES, QuestionSpec


def core_specs(n: int, rng: random.Random):
    specs = []
    for i in range(n):
        kind = ["single", "multiple", "judge", "fill", "short"][i % 5]
        if kind == "single":
            specs.append((QuestionSpec(kind, "题", ["a", "b", "c", "d"], [i % 4]), rng.randrange(4)))
        elif kind == "multiple":
            specs.append((QuestionSpec(kind, "题", ["a", "b", "c", "d"], [0, 2]), [0, rng.randrange(4)]))
        elif kind == "judge":
            specs.append((QuestionSpec(kind, "题", [], True), rng.random() < .5))
        elif kind == "fill":
            specs.append((QuestionSpec(kind, "____与____", [], {"blanks": [["甲", "甲甲"], ["乙"]], "any_order": False}),
                          ["甲 ", "乙。"]))
        else:
            specs.append((QuestionSpec(kind, "简述", [], {"reference": "…", "points": [
                {"point": "保护合法", "keywords": ["保护合法"]}, {"point": "打击犯罪", "keywords": ["打击犯罪"]}]}),
                "应当保护合法，打击犯罪"))
    return specs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 20 if args.quick else 100
    print(f"grading: 100-question attempts, {runs} runs, median; {describe_machine()}")
    rng = random.Random(3)
    specs = core_specs(100, rng)
    core = []
    for _ in range(runs):
        t = time.perf_counter()
        for spec, raw in specs:
            qt = TYPES[spec.type]
            qt.grade(spec, qt.normalise(raw, spec), "partial")
        core.append((time.perf_counter() - t) * 1000)

    from datetime import timedelta

    from flask_migrate import upgrade

    from trainer.exams import service
    from trainer.exams.attempts import _finalise
    from trainer.exams.models import Attempt, DrawRule
    from trainer.extensions import db
    from trainer.org.models import User
    from trainer.timeutil import utcnow

    whole = []
    with database("sqlite") as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            s = seed(n_cadres=5, bank_size=120)
            admin = db.session.get(User, s["admin_id"])
            exam = service.create_exam(admin, service.ExamData(title="百题", kind=service.ExamKind.formal,
                                                               opens_at=utcnow() - timedelta(minutes=1)))
            exam.max_attempts = runs + 5
            exam.draw_rules.append(DrawRule(bank_id=1, type="single", count=100, points=1))
            exam.published = True
            db.session.commit()
            user = db.session.query(User).filter_by(username="c0001").one()
            for _ in range(runs):
                attempt = service.start_attempt(exam, user)
                for item in attempt.items:
                    item.response = rng.randrange(4)
                attempt.submitted_at = utcnow()
                db.session.commit()
                attempt = db.session.get(Attempt, attempt.id)
                _ = [i.id for i in attempt.items]
                t = time.perf_counter()
                _finalise(attempt, utcnow())
                db.session.commit()
                whole.append((time.perf_counter() - t) * 1000)
            db.engine.dispose()
    out = {"questions": 100, "core_ms": round(median(core), 2), "submit_grade_ms": round(median(whole), 2)}
    print(f"pure core {out['core_ms']} ms; grading on submit with the database (SQLite) {out['submit_grade_ms']} ms")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
