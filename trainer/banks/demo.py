"""Demo: every bank in question_banks/ is loaded once."""

from trainer.banks import importing
from trainer.config import ROOT

BANK_DIR = ROOT / "question_banks"


def seed(ctx: dict) -> None:
    loaded = []
    for path in sorted(BANK_DIR.glob("*.yaml")):
        report = importing.import_bank(path.read_bytes(), str(path), fmt="yaml")
        if not report.ok:
            ctx["echo"](f"题库 {path.name} 未导入：" + "；".join(report.error_lines()[:3]))
            continue
        loaded.append(f"{report.bank_title} {report.imported} 题")
    ctx["banks"] = loaded
    if loaded:
        ctx["echo"]("已导入题库：" + "，".join(loaded))
