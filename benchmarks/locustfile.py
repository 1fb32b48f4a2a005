"""Locust scenarios for the attempt benchmarks (run by attempt_load.py and crash.py, never imported by tests).

Environment: BENCH_EXAM (exam id), BENCH_USERS_FILE (one username per line), BENCH_PASSWORD,
BENCH_MODE (autosave | spike | baseline), BENCH_START_AT (spike: unix time to press start),
BENCH_ACK_FILE (write every acknowledged answer as a JSON line), BENCH_SAVES (answers per cadre).
"""
import itertools
import json
import os
import random
import re
import threading
import time

from locust import FastHttpUser, between, events, task  # noqa: F401
from locust.exception import StopUser

MODE = os.environ.get("BENCH_MODE", "autosave")
EXAM = os.environ.get("BENCH_EXAM", "1")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-pass-1")
SAVES = int(os.environ.get("BENCH_SAVES", "20"))
START_AT = float(os.environ.get("BENCH_START_AT", "0"))
USERNAMES = []
if os.environ.get("BENCH_USERS_FILE"):
    with open(os.environ["BENCH_USERS_FILE"]) as _f:
        USERNAMES = [u.strip() for u in _f if u.strip()]
_next_user = itertools.count()
_ack_lock = threading.Lock()
# stays open for the whole run: every acknowledged answer is appended and flushed at once
_ack_file = open(os.environ["BENCH_ACK_FILE"], "a") if os.environ.get("BENCH_ACK_FILE") else None  # noqa: SIM115
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def _ack(record: dict) -> None:
    if _ack_file is not None:
        with _ack_lock:
            _ack_file.write(json.dumps(record) + "\n")
            _ack_file.flush()


WAIT = float(os.environ.get("BENCH_WAIT", "0"))


class Cadre(FastHttpUser):
    wait_time = between(WAIT * 0.5, WAIT * 1.5) if WAIT else between(0.0, 0.0)

    def on_start(self):
        if MODE == "baseline":
            return
        self.username = USERNAMES[next(_next_user) % len(USERNAMES)]
        page = self.client.get("/login", name="login page")
        token = CSRF_RE.search(page.text).group(1)
        resp = self.client.post("/login", data={"username": self.username, "password": PASSWORD, "csrf_token": token},
                                name="login", allow_redirects=False)
        if resp.status_code != 302:
            raise StopUser()
        page = self.client.get(f"/exams/{EXAM}", name="exam page")
        self.csrf = CSRF_RE.search(page.text).group(1)
        if MODE == "spike":
            delay = START_AT - time.time() + random.uniform(0, 5)
            if delay > 0:
                time.sleep(delay)
        self.n_questions = 20
        self._start()

    def _start(self):
        resp = self.client.post(f"/exams/{EXAM}/start", data={"csrf_token": self.csrf}, name="start",
                                allow_redirects=False)
        location = resp.headers.get("Location", "")
        if resp.status_code != 302 or "/attempts/" not in location:
            raise StopUser()
        self.attempt = int(location.rstrip("/").rsplit("/", 1)[1])
        self.saves = 0

    @task
    def work(self):
        if MODE == "baseline":
            self.client.post("/ping", json={"n": 1}, name="baseline")
            return
        if MODE == "spike":
            raise StopUser()
        if self.saves >= SAVES:
            self.client.post(f"/attempts/{self.attempt}/submit", data={"csrf_token": self.csrf}, name="submit",
                             allow_redirects=False)
            self._start()  # the next quiz: keeps the load steady for the whole run
            return
        position = self.saves % self.n_questions + 1
        response = random.randrange(4)
        _ack({"sent": True, "attempt": self.attempt, "position": position, "response": response, "at": time.time()})
        with self.client.post(f"/attempts/{self.attempt}/answer", name="autosave", catch_response=True,
                              json={"position": position, "response": response, "spent_ms": 4000},
                              headers={"X-CSRFToken": self.csrf}) as resp:
            if resp.status_code == 200:
                _ack({"attempt": self.attempt, "position": position, "response": response, "at": time.time()})
                resp.success()
            else:
                resp.failure(f"status {resp.status_code}")
        self.saves += 1
