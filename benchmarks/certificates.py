"""Certificate rendering speed: issue N certificates in one batch, then render them all into one ZIP,
once with the embedded TrueType font and once with the built-in CID font.

    python benchmarks/certificates.py [--quick]

Runs on a throwaway SQLite database (the figure measured is PDF rendering, not the database).
The last line of output is one JSON object: {"count": N, "per_s_ttf": x, "per_s_cid": y}.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 certificates instead of 1,000")
    parser.add_argument("--count", type=int, default=None)
    args = parser.parse_args()
    count = args.count or (200 if args.quick else 1000)

    import reportlab
    from werkzeug.security import generate_password_hash

    from trainer import create_app
    from trainer.certificates import render, service
    from trainer.certificates.models import Award, CertificateKind
    from trainer.extensions import db
    from trainer.org.models import OrgUnit, Role, UnitKind, User

    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "benchmark",
                          "UPLOAD_DIR": f"{tmp}/uploads", "PUBLIC_BASE_URL": "https://px.example.gov.cn"})
        with app.app_context():
            db.create_all()
            unit = OrgUnit(name="民族宗教科", kind=UnitKind.office)
            db.session.add(unit)
            pw = generate_password_hash("x", method="pbkdf2:sha256:1000")
            surnames, given = "王李张刘陈杨黄赵吴周", "文华建国志强秀英丽娟敏静海燕明军"
            users = [User(username=f"u{i:05d}", name=surnames[i % 10] + given[i % 16] + given[(i // 16) % 16],
                          role=Role.cadre, unit=unit, password_hash=pw, session_token=f"t{i}")
                     for i in range(count)]
            db.session.add_all(users)
            db.session.commit()
            awards = list(Award)
            specs = [service.IssueSpec(CertificateKind.honour, u, "2026年全市统一战线政策法规知识竞赛",
                                       "competition:1", award=awards[i % 4]) for i, u in enumerate(users)]
            started = time.perf_counter()
            certs = service.issue_batch(specs)
            issue_s = time.perf_counter() - started

            ttf = service.certificate_font()
            cid = render.cid_font()
            service.zip_of(certs[:5], font=ttf)  # warm up: font loading and first subsets
            service.zip_of(certs[:5], font=cid)
            timings = {}
            for label, font in (("ttf", ttf), ("cid", cid)):
                started, cpu = time.perf_counter(), time.process_time()
                data = service.zip_of(certs, font=font)
                elapsed = time.perf_counter() - started
                timings[label] = (elapsed, time.process_time() - cpu, len(data))
            db.engine.dispose()

    try:
        import _rl_accel  # noqa: F401

        accel = "yes"
    except ImportError:
        accel = "no (pip install rl-accel)"
    load = " · load average %.1f %.1f %.1f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    print(f"python {platform.python_version()} · reportlab {reportlab.Version} · rl-accel {accel} · "
          f"{platform.machine()} with {os.cpu_count()} CPUs{load} (other work on the machine lowers the figures)")
    print(f"embedded font: {ttf.path if ttf.embedded else 'none found (CID fallback)'}")
    print(f"issued {count} certificates in one batch (SQLite) in {issue_s:.2f} s")
    for label, (elapsed, cpu, size) in timings.items():
        print(f"rendered {count} certificates into one ZIP with the {label.upper()} font: {elapsed:.2f} s, "
              f"{count / elapsed:.0f} per second ({count / cpu:.0f} per CPU second), {size / count / 1024:.0f} KB per PDF")
    print(json.dumps({"count": count, "per_s_ttf": round(count / timings["ttf"][0], 1),
                      "per_s_cid": round(count / timings["cid"][0], 1)}))


if __name__ == "__main__":
    main()
