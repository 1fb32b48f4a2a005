"""YAML (the native format) and JSON with the same structure."""
from __future__ import annotations

import json
from typing import Any

import yaml

from trainer.banks.content import Issue, RawQuestion
from trainer.banks.importers import ParseError, RawBank
from trainer.tabular import TableError, decode_text

QUESTION_FIELDS = {"key", "chapter", "type", "stem", "options", "answer", "explanation", "reference", "difficulty",
                   "tags", "any_order", "scoring_points", "review", "status"}


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's line as "__line__"."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# dates stay text (review.at: 2026-11-29)
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def parse_yaml(data: bytes, filename: str) -> RawBank:
    try:
        text = decode_text(data, filename)
    except TableError as exc:
        raise ParseError([Issue(0, "", str(exc))]) from exc
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise ParseError([Issue(line, "", f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}")]) from exc
    return _from_document(doc)


def parse_json(data: bytes, filename: str) -> RawBank:
    try:
        text = decode_text(data, filename)
        doc = json.loads(text)
    except TableError as exc:
        raise ParseError([Issue(0, "", str(exc))]) from exc
    except json.JSONDecodeError as exc:
        raise ParseError([Issue(exc.lineno, "", f"JSON 格式错误：{exc.msg}")]) from exc
    # line numbers: JSON carries none, so questions are numbered by position
    if isinstance(doc, dict) and isinstance(doc.get("questions"), list):
        for i, q in enumerate(doc["questions"], start=1):
            if isinstance(q, dict):
                q["__line__"] = i
    return _from_document(doc, by_position=True)


def _from_document(doc: Any, by_position: bool = False) -> RawBank:
    if isinstance(doc, list):
        doc = {"questions": doc}
    if not isinstance(doc, dict):
        raise ParseError([Issue(1, "", "文件顶层应为题库（含 questions 列表）")])
    issues: list[Issue] = []
    review = doc.get("review") if isinstance(doc.get("review"), dict) else {}
    chapters = []
    for ch in doc.get("chapters") or []:
        if not isinstance(ch, dict) or not str(ch.get("code", "")).strip():
            issues.append(Issue(ch.get("__line__", 0) if isinstance(ch, dict) else 0, "chapter", "章节须有 code 和 title"))
            continue
        chapters.append((str(ch["code"]).strip(), str(ch.get("title") or ch["code"]).strip()))
    bank = RawBank(
        slug=_text(doc.get("slug")), title=_text(doc.get("title")), source=_text(doc.get("source")),
        source_version=_text(doc.get("source_version")), description=_text(doc.get("description")),
        review_state=_text(review.get("state")) if review else _text(doc.get("review")),
        reviewed_by=_text(review.get("by")), reviewed_at=_text(review.get("at")),
        allow_drafts_in_practice=doc.get("allow_drafts_in_practice"), chapters=chapters or None,
    )
    questions = doc.get("questions")
    if not isinstance(questions, list):
        issues.append(Issue(1, "", "缺少 questions 列表"))
        raise ParseError(issues)
    for i, q in enumerate(questions, start=1):
        if not isinstance(q, dict):
            issues.append(Issue(i, "", f"第 {i} 题不是一个题目（应为键值对）"))
            continue
        line = q.get("__line__", i)
        unknown = sorted(set(q) - QUESTION_FIELDS - {"__line__"})
        if unknown:
            issues.append(Issue(line, "", f"未知字段：{', '.join(map(str, unknown))}"))
        q = _strip_lines(q)
        options = q.get("options") or []
        if not isinstance(options, list):
            issues.append(Issue(line, "options", "选项应为列表"))
            options = []
        bank.questions.append(RawQuestion(
            line=line, type=_text(q.get("type")), stem=_text(q.get("stem")) or "", options=[_text(o) or "" for o in options],
            answer=q.get("answer"), explanation=_text(q.get("explanation")) or "", reference=_text(q.get("reference")) or "",
            difficulty=q.get("difficulty"), tags=q.get("tags"), chapter=_text(q.get("chapter")), key=_text(q.get("key")),
            any_order=bool(q.get("any_order")), scoring_points=q.get("scoring_points"), review=_text(q.get("review")),
            status=_text(q.get("status")),
        ))
    if issues:
        raise ParseError(issues)
    return bank


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()
