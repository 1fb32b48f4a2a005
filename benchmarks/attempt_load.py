"""Exam load: 100 cadres start an attempt, answer 20 questions with autosave and submit, again and again,
against gunicorn (2 sync workers) on SQLite and PostgreSQL; the start spike (300 cadres press start within
5 s of the quiz opening); and, in the same run and under the same gunicorn settings, a bare Flask endpoint.

python benchmarks/attempt_load.py [--quick]
Last line: {"sqlite": {"autosave_rps", "baseline_rps", "ratio", "p99_ms", "failures", "start_p99_ms"}, "postgresql": {…}}
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _seed import PASSWORD, make_exam, seed
from _support import ROOT, database, describe_machine, engines, gunicorn, make_app

HERE = Path(__file__).resolve().parent
ARRIVAL_SECONDS = 10  # the scenario run: cadres sign in and start over this many seconds


def locust(base: str, users: int, seconds: int, env: dict, spawn_rate: int | None = None) -> dict[str, dict]:
    """Run the locustfile headless; returns stats rows by request name."""
    prefix = tempfile.mktemp(prefix="locust-")
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users),
           "-r", str(spawn_rate or users), "-t", f"{seconds}s", "--host", base, "--csv", prefix, "--only-summary",
           "--stop-timeout", "10", "--loglevel", "WARNING"]
    subprocess.run(cmd, env={**os.environ, **env}, cwd=ROOT, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    rows = {}
    with open(prefix + "_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = row
    for suffix in ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"):
        Path(prefix + suffix).unlink(missing_ok=True)
    return rows


def _num(row: dict | None, key: str) -> float:
    try:
        return float(row[key]) if row and row.get(key) not in (None, "", "N/A") else 0.0
    except ValueError:
        return 0.0


def run_engine(engine: str, seconds: int, users: int, spike_users: int, threads: int = 1) -> dict:
    from flask_migrate import upgrade

    from trainer.extensions import db

    with database(engine) as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            seeded = seed(n_cadres=max(spike_users, users))
            load_exam = make_exam(seeded["admin_id"], "负载测验")
            db.engine.dispose()
        users_file = tempfile.mktemp(prefix="bench-users-")
        Path(users_file).write_text("\n".join(seeded["usernames"]))
        env = {"TRAINER_DATABASE_URL": url, "TRAINER_SECRET_KEY": "bench-secret", "TRAINER_DEMO": "0",
               "TRAINER_ENV": "production", "TRAINER_UPLOAD_DIR": tempfile.mkdtemp()}
        lenv = {"BENCH_USERS_FILE": users_file, "BENCH_PASSWORD": PASSWORD, "BENCH_EXAM": str(load_exam)}
        workers = ["--threads", str(threads)] if threads > 1 else []
        with gunicorn("trainer:create_app()", env, extra=workers) as (base, _proc):
            # saturation: the autosave endpoint alone, back to back (each cadre started once, never submits)
            sat = locust(base, users, seconds, {**lenv, "BENCH_MODE": "autosave", "BENCH_SAVES": "1000000"})
            # the scenario: start, 20 answers about a second apart with autosave, submit, next quiz; the cadres
            # sign in over ARRIVAL_SECONDS (all at once is the spike run below, with papers prepared as for a quiz)
            paced = locust(base, users, seconds, {**lenv, "BENCH_MODE": "autosave", "BENCH_SAVES": "20",
                                                  "BENCH_WAIT": "1"}, spawn_rate=max(1, users // ARRIVAL_SECONDS))
            with app.app_context():
                spike_exam = make_exam(seeded["admin_id"], "开考高峰", max_attempts=1, prepare=True)
                db.engine.dispose()
            start_at = time.time() + 8 + spike_users / 100
            spike = locust(base, spike_users, int(start_at - time.time()) + 15,
                           {**lenv, "BENCH_MODE": "spike", "BENCH_EXAM": str(spike_exam), "BENCH_START_AT": str(start_at)},
                           spawn_rate=min(spike_users, 100))
        with gunicorn("bare_app:app", {}, extra=["--chdir", str(HERE), *workers]) as (base, _proc):
            bare = locust(base, users, seconds, {"BENCH_MODE": "baseline"})
    autosave_rps = _num(sat.get("autosave"), "Requests/s")
    baseline_rps = _num(bare.get("baseline"), "Requests/s")
    failures = int(_num(sat.get("Aggregated"), "Failure Count") + _num(paced.get("Aggregated"), "Failure Count")
                   + _num(spike.get("Aggregated"), "Failure Count"))
    result = {
        "autosave_rps": round(autosave_rps, 1), "baseline_rps": round(baseline_rps, 1),
        "ratio": round(autosave_rps / baseline_rps, 2) if baseline_rps else None,
        "p99_ms": _num(paced.get("autosave"), "99%"), "failures": failures,
        "start_p99_ms": _num(spike.get("start"), "99%"),
        "saturated_p99_ms": _num(sat.get("autosave"), "99%"), "autosave_requests": int(_num(sat.get("autosave"), "Request Count")),
        "scenario_submit_p99_ms": _num(paced.get("submit"), "99%"), "scenario_start_p99_ms": _num(paced.get("start"), "99%"),
        "starts": int(_num(spike.get("start"), "Request Count")), "start_failures": int(_num(spike.get("start"), "Failure Count")),
    }
    print(f"{engine}: {json.dumps(result, ensure_ascii=False)}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (gthread) for the app and the bare endpoint alike; 1 = sync")
    args = parser.parse_args()
    seconds, users, spike_users = (8, 50, 100) if args.quick else (30, 100, 300)
    kind = f"2 gthread workers × {args.threads} threads" if args.threads > 1 else "2 sync workers"
    print(f"attempt_load: gunicorn {kind}, locust FastHttpUser on the same machine; {describe_machine()}")
    print(f"saturation run: {users} cadres autosaving back to back for {seconds} s (autosave_rps, ratio to the bare "
          f"endpoint under the same gunicorn and locust settings); scenario run: {users} cadres arriving over "
          f"{ARRIVAL_SECONDS} s start, answer 20 questions about 1 s apart and submit, over and over (p99_ms of autosave); spike: {spike_users} cadres "
          f"press start within 5 s of the opening, papers prepared ahead (start_p99_ms)")
    out = {engine: run_engine(engine, seconds, users, spike_users, args.threads) for engine in engines()}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
