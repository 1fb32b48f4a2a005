"""Report pages on a synthetic organisation: 2,000 cadres in 20 units, 50 weekly exams of 20 questions each,
every cadre sitting every exam (2 million answers), on SQLite and PostgreSQL.

Timing is server-side and in-process: each page is requested through Flask's test client (the whole request:
routing, SQL, templates), once to warm up and then five times; the median counts (pages_ms, wall time; also
pages_cpu_ms, the app process's CPU time, a steadier figure on a shared machine, and the load average). The per-exam aggregates the
item analysis and heat map read are built once before the timing (refresh_s) and a single exam's rebuild,
as after new grades, is timed separately (rebuild_exam_ms).

python benchmarks/reports.py [--quick]
Last line: {"sqlite": {"answers": N, "pages_ms": {...}, "max_ms": m, ...}, "postgresql": {...}}
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import time
from datetime import timedelta

from _support import database, describe_machine, engines, make_app

RUNS = 5
N_UNITS = 20
BANK = 400
ARTICLES = 60
PER_EXAM = 20


def seed(n_cadres: int, n_exams: int, rng: random.Random) -> dict:
    """Write the organisation, bank, source text, exams, attempts and answers; returns ids used by the pages."""
    from sqlalchemy import insert

    from trainer.banks.models import Bank, Question, QuestionVersion
    from trainer.exams.models import Attempt, Exam, ExamQuestion
    from trainer.extensions import db
    from trainer.org.models import OrgUnit, Role, UnitKind, User
    from trainer.sources.models import SourceArticle, SourceDocument
    from trainer.timeutil import utcnow

    units = [OrgUnit(name=f"{'科室' if i < 8 else '镇街'}{i + 1:02d}", kind=UnitKind.office if i < 8 else UnitKind.town,
                     sort_order=i) for i in range(N_UNITS)]
    db.session.add_all(units)
    db.session.flush()
    unit_ids = [u.id for u in units]
    admin = User(username="bench-admin", name="管理员", role=Role.admin, unit_id=unit_ids[0], password_hash="x",
                 must_change_password=False, session_token="a")
    db.session.add(admin)
    db.session.flush()
    db.session.execute(insert(User), [
        {"id": admin.id + 1 + i, "username": f"c{i:05d}", "name": f"干部{i}", "role": Role.cadre,
         "unit_id": unit_ids[i % N_UNITS], "password_hash": "x", "must_change_password": False,
         "session_token": f"t{i}"} for i in range(n_cadres)])
    cadre_ids = [admin.id + 1 + i for i in range(n_cadres)]

    doc = SourceDocument(slug="bench-doc", title="基准条例", article_count=ARTICLES)
    doc.articles = [SourceArticle(number=n, text=f"第{n}条的内容。") for n in range(1, ARTICLES + 1)]
    bank = Bank(slug="bench", title="基准题库")
    db.session.add_all([doc, bank])
    db.session.flush()
    db.session.execute(insert(Question), [{"id": q, "bank_id": bank.id, "key": f"q{q}"} for q in range(1, BANK + 1)])
    db.session.execute(insert(QuestionVersion), [
        {"id": q, "question_id": q, "n": 1, "type": "single", "stem": f"基准题{q}：下列说法正确的是",
         "options": [f"选项{k}" for k in range(4)], "answer": [q % 4], "reference": f"《基准条例》第{q % ARTICLES + 1}条",
         "ref_document": "基准条例", "ref_article": q % ARTICLES + 1, "content_hash": f"h{q}"} for q in range(1, BANK + 1)])
    # item difficulty; every 40th question says nothing about ability, every 50th is answered by everyone
    difficulty = {q: rng.gauss(-0.5, 1.0) for q in range(1, BANK + 1)}
    noise = {q for q in range(1, BANK + 1) if q % 40 == 0}
    easy = {q for q in range(1, BANK + 1) if q % 50 == 0}

    now = utcnow()
    first = now - timedelta(weeks=n_exams)
    exams = []
    for e in range(n_exams):
        opens = first + timedelta(weeks=e)
        exams.append({"id": e + 1, "title": f"第{e + 1}周测验", "opens_at": opens, "closes_at": opens + timedelta(days=2),
                      "published": True, "question_mode": "fixed", "pass_percent": 60})
    db.session.execute(insert(Exam), exams)
    papers = {e: rng.sample(range(1, BANK + 1), PER_EXAM) for e in range(1, n_exams + 1)}
    db.session.execute(insert(ExamQuestion), [{"exam_id": e, "question_id": q, "position": i, "points": 1.0}
                                              for e, qs in papers.items() for i, q in enumerate(qs)])
    ability = {u: rng.gauss(0, 1) for u in cadre_ids}
    attempts, items = [], []
    aid = 0
    for e, qs in papers.items():
        when = exams[e - 1]["opens_at"] + timedelta(hours=2)
        for u in cadre_ids:
            if e == n_exams and rng.random() < 0.03:  # a few have not sat the latest quiz
                continue
            aid += 1
            score = 0
            for pos, q in enumerate(qs, start=1):
                if q in easy:
                    p = 0.99
                elif q in noise:
                    p = 0.5
                else:
                    p = 1 / (1 + math.exp(-(1.7 * (ability[u] - difficulty[q]))))
                right = rng.random() < p
                score += right
                resp = q % 4 if right else (q % 4 + rng.randint(1, 3)) % 4
                items.append((aid * 100 + pos, aid, pos, q, q, 1.0, str(resp), 0, False, False,
                              "right" if right else "wrong", 1.0 if right else 0.0, "", ""))
            attempts.append({"id": aid, "exam_id": e, "user_id": u, "number": 1, "state": "graded", "prepared_at": when,
                             "started_at": when, "submitted_at": when + timedelta(minutes=12), "graded_at": when
                             + timedelta(minutes=12), "score": float(score), "max_score": float(PER_EXAM),
                             "passed": score >= 12, "counted": True, "book_fed": True})
    db.session.execute(insert(Attempt), attempts)
    db.session.commit()
    cols = ("id", "attempt_id", "position", "question_id", "version_id", "points", "response", "time_spent_ms",
            "flagged", "too_fast", "state", "score", "feedback", "comment")
    t = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            with cur.copy(f"COPY attempt_item ({', '.join(cols)}) FROM STDIN") as copy:
                for start in range(0, len(items), 50_000):  # COPY text format, written in large blocks
                    copy.write("".join("\t".join(_copy_value(v) for v in row) + "\n"
                                       for row in items[start:start + 50_000]))
        else:
            cur.executemany(f"INSERT INTO attempt_item ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            items)
        raw.commit()
    finally:
        raw.close()
    insert_s = time.perf_counter() - t
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return {"admin": admin.id, "cadre": cadre_ids[len(cadre_ids) // 2], "exam": n_exams, "answers": len(items),
            "insert_answers_s": round(insert_s, 1)}


def _copy_value(v) -> str:
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v)


def timed(client, url: str, cpu: list | None = None) -> float:
    """Wall time of one request in ms; its CPU time in this process is appended to cpu."""
    c, t = time.process_time(), time.perf_counter()
    resp = client.get(url)
    ms = (time.perf_counter() - t) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - c) * 1000)
    assert resp.status_code == 200, f"{url}: {resp.status_code}"
    return ms


def run_engine(engine: str, n_cadres: int, n_exams: int) -> dict:
    from flask_migrate import upgrade

    from trainer.extensions import db
    from trainer.org.models import User
    from trainer.reports import service
    from trainer.reports.models import ReportExamStamp

    rng = random.Random(2026)
    with database(engine) as url:
        app = make_app(url, PROPAGATE_EXCEPTIONS=True)
        with app.app_context():
            upgrade()
            t = time.perf_counter()
            ids = seed(n_cadres, n_exams, rng)
            seed_s = time.perf_counter() - t
            t = time.perf_counter()
            service.refresh()
            refresh_s = time.perf_counter() - t
            admin = db.session.get(User, ids["admin"])
            user_key = admin.get_id()
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"] = user_key, True
        e, c = ids["exam"], ids["cadre"]
        pages = {"reports": "/reports", "exam": f"/reports/exams/{e}", "exam_items": f"/reports/exams/{e}/items",
                 "items": "/reports/items", "flagged": "/reports/items?flagged=1", "articles": "/reports/articles",
                 "articles_month": "/reports/articles?range=month", "cadres": "/reports/cadres",
                 "cadre": f"/reports/cadres/{c}", "units": "/reports/units", "home": "/",
                 "exam_xlsx": f"/reports/exams/{e}.xlsx", "items_xlsx": "/reports/items.xlsx",
                 "articles_xlsx": "/reports/articles.xlsx"}
        pages_ms, cpu_ms = {}, {}
        for name, path in pages.items():
            timed(client, path)
            cpu: list[float] = []
            pages_ms[name] = round(statistics.median(timed(client, path, cpu) for _ in range(RUNS)), 1)
            cpu_ms[name] = round(statistics.median(cpu), 1)
        # one exam's aggregates rebuilt, as after a regrade: the first view of its item analysis
        rebuild = []
        for _ in range(3):
            with app.app_context():
                db.session.query(ReportExamStamp).filter_by(exam_id=e).delete()
                db.session.commit()
                db.session.remove()
            rebuild.append(timed(client, f"/reports/exams/{e}/items"))
        with app.app_context():
            db.engine.dispose()
    result = {"answers": ids["answers"], "pages_ms": pages_ms, "max_ms": max(pages_ms.values()),
              # CPU of the app process alone (with SQLite this includes the database's work; not with PostgreSQL)
              "pages_cpu_ms": cpu_ms, "load_average": round(os.getloadavg()[0], 1),
              "refresh_s": round(refresh_s, 2), "rebuild_exam_ms": round(statistics.median(rebuild), 1),
              "seed_s": round(seed_s, 1), "insert_answers_s": ids["insert_answers_s"],
              "method": f"in-process Flask test client, median of {RUNS} after a warm-up, as admin"}
    print(f"{engine}: {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_cadres, n_exams = (400, 10) if args.quick else (2000, 50)
    print(f"reports: {n_cadres} cadres in {N_UNITS} units, {n_exams} exams x {PER_EXAM} questions; server time "
          f"in-process (Flask test client, median of {RUNS} after a warm-up); {describe_machine()}", flush=True)
    out = {engine: run_engine(engine, n_cadres, n_exams) for engine in engines()}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
