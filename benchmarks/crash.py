"""Crash safety: while cadres answer under load, kill a gunicorn worker with SIGKILL, later kill the whole
server (the master and its workers) with SIGKILL and start it again; then check that every answer that got a
success response is in the database and that no attempt was graded twice.

python benchmarks/crash.py [--quick]
Last line: {"sqlite": {"acknowledged": n, "lost": 0, "double_graded": 0}, "postgresql": {…}}
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil
from _seed import PASSWORD, make_exam, seed
from _support import ROOT, database, describe_machine, engines, free_port, make_app, wait_http

HERE = Path(__file__).resolve().parent


def start_server(env: dict, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "error",
           "trainer:create_app()"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
    wait_http(f"http://127.0.0.1:{port}/healthz")
    return proc


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL the master and its workers at once, as a crash would."""
    parent = psutil.Process(proc.pid)
    victims = parent.children(recursive=True) + [parent]
    for p in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.send_signal(signal.SIGKILL)
    proc.wait()


def check(app, ack_file: str) -> dict:
    from sqlalchemy import func, select

    from trainer.exams.models import AttemptEvent, AttemptItem
    from trainer.extensions import db

    history: dict[tuple[int, int], list[dict]] = defaultdict(list)
    acknowledged = 0
    with open(ack_file) as f:
        for line in f:
            record = json.loads(line)
            history[(record["attempt"], record["position"])].append(record)
            acknowledged += not record.get("sent")
    lost = 0
    with app.app_context():
        stored = {(a, p): r for a, p, r in db.session.execute(
            select(AttemptItem.attempt_id, AttemptItem.position, AttemptItem.response))}
        for key, records in history.items():
            acks = [i for i, r in enumerate(records) if not r.get("sent")]
            if not acks:
                continue
            last = acks[-1]
            allowed = {records[last]["response"]} | {r["response"] for r in records[last + 1:] if r.get("sent")}
            if stored.get(key) not in allowed:
                lost += 1
        graded_events = db.session.execute(
            select(AttemptEvent.attempt_id, func.count()).where(AttemptEvent.kind.in_(("submitted", "auto_submitted")))
            .group_by(AttemptEvent.attempt_id).having(func.count() > 1)).all()
        db.engine.dispose()
    return {"acknowledged": acknowledged, "lost": lost, "double_graded": len(graded_events)}


def run_engine(engine: str, seconds: int, users: int) -> dict:
    from flask_migrate import upgrade

    from trainer.extensions import db

    with database(engine) as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            seeded = seed(n_cadres=users)
            exam_id = make_exam(seeded["admin_id"], "崩溃测试")
            db.engine.dispose()
        users_file = tempfile.mktemp(prefix="crash-users-")
        Path(users_file).write_text("\n".join(seeded["usernames"]))
        ack_file = tempfile.mktemp(prefix="crash-acks-")
        Path(ack_file).write_text("")
        env = {"TRAINER_DATABASE_URL": url, "TRAINER_SECRET_KEY": "crash-secret", "TRAINER_DEMO": "0",
               "TRAINER_ENV": "production", "TRAINER_UPLOAD_DIR": tempfile.mkdtemp()}
        port = free_port()
        server = start_server(env, port)
        load = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users), "-r",
             str(users), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel",
             "ERROR", "--stop-timeout", "5"],
            env={**os.environ, "BENCH_USERS_FILE": users_file, "BENCH_PASSWORD": PASSWORD, "BENCH_EXAM": str(exam_id),
                 "BENCH_MODE": "autosave", "BENCH_SAVES": "20", "BENCH_WAIT": "0.2", "BENCH_ACK_FILE": ack_file},
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(seconds / 3)
        worker = psutil.Process(server.pid).children()[0]
        worker.send_signal(signal.SIGKILL)
        print(f"{engine}: killed worker {worker.pid} with SIGKILL")
        time.sleep(seconds / 4)
        kill_tree(server)
        print(f"{engine}: killed the master {server.pid} and its workers with SIGKILL; restarting")
        server = start_server(env, port)
        load.wait()
        server.terminate()
        server.wait(10)
        result = check(app, ack_file)
    print(f"{engine}: {json.dumps(result)}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds, users = (20, 30) if args.quick else (60, 100)
    print(f"crash: {users} cadres answering every ~0.2 s for {seconds} s against gunicorn (2 sync workers); "
          f"a worker is killed at {seconds // 3} s, the whole server at {seconds // 3 + seconds // 4} s; "
          f"{describe_machine()}")
    out = {engine: run_engine(engine, seconds, users) for engine in engines()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
