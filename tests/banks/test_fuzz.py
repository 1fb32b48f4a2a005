"""Fuzzing every importer: random and mutated files end in a clean import or a clear error, never an
unhandled exception, and a failed import leaves the database unchanged.

CI runs a short pass (FUZZ_EXAMPLES, default 25 per format); benchmarks/fuzz_importers.py runs 1,000."""
import hashlib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import bank_yaml
from trainer.banks import importing, service
from trainer.banks.models import Bank, Chapter, Question, QuestionVersion
from trainer.extensions import db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
FORMATS = {"yaml": "f.yaml", "xlsx": "f.xlsx", "gift": "f.gift", "moodle-xml": "f.xml"}


def checksum() -> str:
    h = hashlib.sha256()
    for model in (Bank, Chapter, Question, QuestionVersion):
        for row in db.session.execute(select(model.__table__)).all():
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


_seeds: dict[str, bytes] = {}


def seed_files() -> dict[str, bytes]:
    """Valid files of every export format (and CSV, text, Aiken) to mutate."""
    if not _seeds:
        assert importing.import_bank(bank_yaml("seed", 10).encode(), "seed.yaml").ok
        for fmt, name in FORMATS.items():
            _seeds[name] = service.export_bank("seed", fmt)
        _seeds["f.csv"] = "题型,题干,选项A,选项B,答案\n单选,题（ ）,甲,乙,A\n判断,题二,,,对\n".encode("gbk")
        _seeds["f.txt"] = "一、单选题\n1. 题（ B ）\nA. 甲\nB. 乙\n解析：x\n2.【判断】题（√）\n".encode()
        _seeds["f.aiken"] = b"Q?\nA. a\nB. b\nANSWER: A\n"
        _seeds["f.json"] = b'{"slug": "fz", "questions": [{"type": "judge", "stem": "x", "answer": true}]}'
    return _seeds


def _check(data: bytes, name: str) -> None:
    before = checksum()
    try:
        report = importing.import_bank(data, name, bank_slug="fuzz-target")
    except Exception as exc:  # the property under test: no importer may raise
        pytest.fail(f"{name}: unhandled {type(exc).__name__}: {exc}")
    if report.ok:
        return
    assert report.errors and all(e.reason for e in report.errors)
    db.session.rollback()
    assert checksum() == before, f"{name}: a failed import changed the database"


mutations = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]),
                               st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6)


def mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, where, payload in ops:
        if not buf:
            buf = bytearray(payload)
            continue
        i = min(int(where * len(buf)), len(buf) - 1)
        if op == "flip":
            buf[i] ^= payload[0] or 1
        elif op == "delete":
            del buf[i:i + len(payload)]
        elif op == "insert":
            buf[i:i] = payload
        elif op == "truncate":
            del buf[i:]
        else:
            buf[i:i] = buf[max(0, i - 40):i]
    return bytes(buf)


@pytest.mark.parametrize("name", ["f.yaml", "f.xlsx", "f.gift", "f.xml", "f.csv", "f.txt", "f.aiken", "f.json"])
def test_mutated_files(app, name):
    """Does every mutation of a valid file end in a clean import or a clear error, changing nothing on error?"""
    base = seed_files()[name]

    @FUZZ
    @given(ops=mutations)
    def run(ops):
        _check(mutate(base, ops), name)

    run()


@pytest.mark.parametrize("name", ["f.yaml", "f.xlsx", "f.gift", "f.xml", "f.csv", "f.txt", "f.aiken", "f.json"])
def test_random_bytes(app, name):
    """Do random bytes under every format's name end in a clear error?"""
    seed_files()

    @FUZZ
    @given(data=st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8")))
    def run(data):
        _check(data, name)

    run()
