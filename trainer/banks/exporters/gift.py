"""Moodle GIFT. Fields GIFT has no place for travel in a "// trainer: {json}" comment."""
from __future__ import annotations

import json
import re

from trainer.banks.exporters import ExportBank
from trainer.grading.types import BLANK_RE


def esc(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", "\\n")


def _weight(n: int) -> str:
    value = 100 / n
    return str(int(value)) if value.is_integer() else f"{value:.5f}"


def question(q, category_title: str | None) -> str:
    meta = {"key": q.key, "reference": q.reference, "difficulty": q.difficulty, "tags": q.tags}
    if q.review:
        meta["review"] = q.review
    if q.status and q.status != "active":
        meta["status"] = q.status
    feedback = f" ####{esc(q.explanation)}" if q.explanation else ""
    head = f"::{esc(q.key)}::"
    if q.type in ("single", "multiple"):
        if q.type == "single":
            answers = " ".join(("=" if i in q.answer else "~") + esc(o) for i, o in enumerate(q.options))
        else:
            good, bad = _weight(len(q.answer)), "-100"
            answers = " ".join(f"~%{good if i in q.answer else bad}%{esc(o)}" for i, o in enumerate(q.options))
        body = f"{head}{esc(q.stem)} {{{answers}{feedback}}}"
    elif q.type == "judge":
        body = f"{head}{esc(q.stem)} {{{'TRUE' if q.answer else 'FALSE'}{feedback}}}"
    elif q.type == "fill":
        blanks = q.answer["blanks"]
        meta["blanks"] = blanks
        meta["any_order"] = bool(q.answer.get("any_order"))
        if len(blanks) > 1:
            meta["stem"] = q.stem  # GIFT has one answer block: the other blanks stay as ____
        parts = BLANK_RE.split(q.stem, maxsplit=1)
        answer_block = "{" + " ".join("=" + esc(a) for a in blanks[0]) + feedback + "}"
        body = f"{head}{esc(parts[0])}{answer_block}{esc(parts[1]) if len(parts) > 1 else ''}"
    else:
        meta["reference_answer"] = q.answer.get("reference", "")
        meta["scoring_points"] = q.answer.get("points", [])
        body = f"{head}{esc(q.stem)} {{{feedback.strip()}}}"
    return f"// trainer: {json.dumps(meta, ensure_ascii=False)}\n{body}\n"


def write(bank: ExportBank) -> bytes:
    out = [f"// {bank.title}（{bank.slug}）导出自统战干部培训考试系统", ""]
    current = object()
    for q in bank.questions:
        if q.chapter != current:
            current = q.chapter
            title = re.sub(r"[/]", "／", bank.chapter_title(q.chapter) or "未分章")
            out.append(f"$CATEGORY: $course$/{bank.title}/{title}\n")
        out.append(question(q, bank.chapter_title(q.chapter)))
    return "\n".join(out).encode("utf-8")
