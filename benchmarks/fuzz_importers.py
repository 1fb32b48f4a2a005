"""Fuzz every bank importer at length: random bytes and mutated valid files of each format, 1,000 examples
per format and kind (100 with --quick), on SQLite and, when 127.0.0.1:5432 answers, on PostgreSQL.

Each example must end in a clean import or a clear error that leaves the tables unchanged (the checks live
in tests/banks/test_fuzz.py; this script runs them with FUZZ_EXAMPLES raised).

    python benchmarks/fuzz_importers.py [--quick]

Last line: {"examples_per_test": N, "sqlite": {"tests": t, "passed": p, "failed": f, "seconds": s}, "postgresql": {...}}
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _support import ROOT, database, pg_available
from defusedxml import ElementTree


def run(engine: str, examples: int) -> dict:
    env = {**os.environ, "FUZZ_EXAMPLES": str(examples)}
    env.pop("TRAINER_TEST_DATABASE_URL", None)
    with database(engine) as url:
        if engine == "postgresql":
            env["TRAINER_TEST_DATABASE_URL"] = url
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "junit.xml"
            proc = subprocess.run([sys.executable, "-m", "pytest", "tests/banks/test_fuzz.py", f"--junitxml={report}"],
                                  cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            suite = ElementTree.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests = int(suite.get("tests", 0))
    failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    if proc.returncode:
        print(proc.stdout[-6000:], proc.stderr[-2000:], sep="\n")
    print(f"{engine}: {tests} tests, {failed} failed ({seconds:.0f} s)", flush=True)
    return {"tests": tests, "passed": tests - failed, "failed": failed, "seconds": round(seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 examples per test instead of 1,000")
    args = parser.parse_args()
    examples = 100 if args.quick else 1000
    print(f"fuzz_importers: {examples} examples per format and kind (random bytes, mutated valid files), "
          "hypothesis derandomized, each test on an emptied database")
    result: dict = {"examples_per_test": examples, "sqlite": run("sqlite", examples)}
    if pg_available():
        result["postgresql"] = run("postgresql", examples)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
