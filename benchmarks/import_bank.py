"""Import speed: build a 10,000-question .xlsx, import it into an empty bank, then import it again.

python benchmarks/import_bank.py [--quick] [--engine sqlite|postgresql]
Targets: import ≤ 5 s, re-import (nothing changes) ≤ 3 s. Prints ONE JSON line last:
{"questions": N, "import_s": x, "reimport_s": y} (SQLite; PostgreSQL figures are printed before it).
"""
from __future__ import annotations

import argparse
import io
import json
import random
import time

from _support import database, describe_machine, engines, make_app
from openpyxl import Workbook

from trainer.grading.types import TYPE_LABELS


def build_xlsx(n: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    wb = Workbook()  # a normal workbook, like Excel's, records its dimension
    ws = wb.active
    ws.title = "题目"
    ws.append(["编号", "题型", "题干"] + [f"选项{c}" for c in "ABCDEFGH"] + ["答案", "解析", "出处", "难度", "章节", "标签"])
    kinds = ["single"] * 40 + ["multiple"] * 25 + ["judge"] * 20 + ["fill"] * 10 + ["short"] * 5
    for i in range(n):
        kind = rng.choice(kinds)
        stem = f"第{i}题：依照条例第{rng.randint(1, 77)}条，关于宗教事务管理的规定，下列说法正确的是（ ）"
        opts = ["", "", "", ""]
        if kind == "single":
            opts, answer = [f"选项内容{i}-{k}" for k in range(4)], "ABCD"[i % 4]
        elif kind == "multiple":
            opts, answer = [f"选项内容{i}-{k}" for k in range(4)], "ABD"
        elif kind == "judge":
            answer = "对" if i % 2 else "错"
        elif kind == "fill":
            stem, answer = f"第{i}题：宗教团体应当办理____手续。", f"登记{i}"
        else:
            stem, answer = f"第{i}题：简述宗教事务管理的原则。", "保护合法、制止非法、遏制极端、抵御渗透、打击犯罪"
        ws.append([f"k{i:05d}", TYPE_LABELS[kind], stem, *opts, "", "", "", "", answer, f"解析{i}", f"第{rng.randint(1, 77)}条",
                   rng.randint(1, 5), f"第{rng.randint(1, 9)}章", "基础"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(engine: str, data: bytes, n: int) -> dict:
    from flask_migrate import upgrade

    from trainer.banks import importing

    with database(engine) as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
            t0 = time.perf_counter()
            first = importing.import_bank(data, "bench.xlsx", bank_slug="bench")
            t1 = time.perf_counter()
            second = importing.import_bank(data, "bench.xlsx", bank_slug="bench")
            t2 = time.perf_counter()
            assert first.ok and first.imported == n, first.error_lines()[:3]
            assert second.unchanged == n, second.summary()
            from trainer.extensions import db

            db.engine.dispose()
    return {"questions": n, "import_s": round(t1 - t0, 2), "reimport_s": round(t2 - t1, 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    n = 2000 if args.quick else 10_000
    print(f"import_bank: {n} questions in one .xlsx; {describe_machine()}")
    t = time.perf_counter()
    data = build_xlsx(n)
    print(f"built the workbook ({len(data) // 1024} KB) in {time.perf_counter() - t:.1f} s")
    results = {}
    for engine in [args.engine] if args.engine else engines():
        results[engine] = run(engine, data, n)
        print(f"{engine}: import {results[engine]['import_s']} s, re-import {results[engine]['reimport_s']} s")
    main_result = results.get("sqlite") or next(iter(results.values()))
    print(json.dumps({**main_result, "engines": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
