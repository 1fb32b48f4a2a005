"""The native YAML format (question_banks/README.md)."""
from __future__ import annotations

import yaml

from trainer.banks.exporters import ExportBank


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def question_dict(q) -> dict:
    d: dict = {"key": q.key}
    if q.chapter:
        d["chapter"] = q.chapter
    d["type"] = q.type
    d["stem"] = q.stem
    if q.type in ("single", "multiple"):
        d["options"] = list(q.options)
        d["answer"] = "".join("ABCDEFGH"[i] for i in q.answer)
    elif q.type == "judge":
        d["answer"] = bool(q.answer)
    elif q.type == "fill":
        d["answer"] = [b[0] if len(b) == 1 else list(b) for b in q.answer["blanks"]]
        if q.answer.get("any_order"):
            d["any_order"] = True
    else:
        d["answer"] = q.answer.get("reference", "")
        if q.answer.get("points"):
            d["scoring_points"] = [{"point": p["point"], "keywords": list(p["keywords"])} for p in q.answer["points"]]
    d["explanation"] = q.explanation
    d["reference"] = q.reference
    d["difficulty"] = q.difficulty
    if q.tags:
        d["tags"] = list(q.tags)
    if q.review:
        d["review"] = q.review
    if q.status and q.status != "active":
        d["status"] = q.status
    return d


def write(bank: ExportBank) -> bytes:
    doc = {
        "slug": bank.slug, "title": bank.title, "source": bank.source, "source_version": bank.source_version,
        "description": bank.description, "allow_drafts_in_practice": bank.allow_drafts_in_practice,
        "chapters": [{"code": c, "title": t} for c, t in bank.chapters],
        "questions": [question_dict(q) for q in bank.questions],
    }
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")
