"""Moodle XML, parsed with defusedxml (no entity expansion, no external entities).

Mapped: multichoice (single or several right), truefalse, shortanswer (→ 填空), essay (→ 简答),
cloze made only of SHORTANSWER blanks (→ 填空 with several blanks), category (→ 章节),
name/idnumber (→ 编号), generalfeedback (→ 解析), tags; tags "出处:…", "难度:…", "评分要点:…" carry
our own fields. Skipped and reported: matching, numerical, calculated, ddwtos and other types."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from trainer.banks.content import Issue, RawQuestion
from trainer.banks.importers import ParseError, RawBank

CLOZE_RE = re.compile(r"\{(\d*):(SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|[A-Z_]+):(.*?)(?<!\\)\}", re.S)
META_TAGS = {"出处": "reference", "难度": "difficulty", "评分要点": "scoring_points", "章节": "chapter",
             "审核": "review", "任意顺序": "any_order"}


def _text(el: ET.Element | None, path: str = "text") -> str:
    if el is None:
        return ""
    node = el.find(path) if path else el
    return (node.text or "") if node is not None else ""


def _clean(text: str, fmt: str | None) -> str:
    if fmt in ("html", "moodle_auto_format", None) and re.search(r"<[a-zA-Z/][^>]*>|&[a-z#0-9]+;", text or ""):
        text = re.sub(r"<br\s*/?>|</p>\s*<p[^>]*>", "\n", text, flags=re.I)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return (text or "").strip()


def _field(el: ET.Element, name: str) -> str:
    node = el.find(name)
    return _clean(_text(node), node.get("format") if node is not None else None)


def _line_of(data: bytes, index: int) -> int:
    """Approximate line of the index-th <question> element."""
    pos = -1
    for _ in range(index + 1):
        pos = data.find(b"<question", pos + 1)
        if pos < 0:
            return 0
    return data.count(b"\n", 0, pos) + 1


def parse_moodle_xml(data: bytes, filename: str) -> RawBank:
    try:
        root = DET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError([Issue(0, "", f"XML 含有不允许的内容（DTD/实体声明），已拒绝：{type(exc).__name__}")]) from exc
    except ET.ParseError as exc:
        line = exc.position[0] if hasattr(exc, "position") else 0
        raise ParseError([Issue(line, "", f"XML 格式错误：{exc}")]) from exc
    if root.tag != "quiz":
        raise ParseError([Issue(1, "", "不是 Moodle XML 题库（根元素应为 <quiz>）")])
    bank = RawBank()
    category: str | None = None
    for index, el in enumerate(root.findall("question")):
        line = _line_of(data, index)
        qtype = el.get("type", "")
        if qtype == "category":
            path = _text(el.find("category"))
            category = path.strip().split("/")[-1].strip() or None
            continue
        q = _question(el, qtype, line)
        if q is None:
            bank.warnings.append(Issue(line, "type", f"题型「{qtype}」在本系统没有对应，已跳过", warning=True))
            continue
        if q.chapter is None:
            q.chapter = category
        bank.questions.append(q)
    if not bank.questions:
        raise ParseError([Issue(1, "", "没有找到可导入的题目")])
    return bank


def _question(el: ET.Element, qtype: str, line: int) -> RawQuestion | None:
    q = RawQuestion(line=line)
    q.key = _text(el, "idnumber") or _text(el.find("name")) or None
    q.stem = _field(el, "questiontext")
    q.explanation = _field(el, "generalfeedback")
    tags = []
    for tag in el.findall("tags/tag"):
        value = _text(tag).strip()
        name, sep, rest = value.partition(":")
        if sep and name in META_TAGS:
            attr = META_TAGS[name]
            if attr == "scoring_points":
                q.scoring_points = (q.scoring_points or []) + [rest]
            elif attr == "any_order":
                q.any_order = rest.strip() in ("是", "true", "1")
            else:
                setattr(q, attr, rest)
        elif value:
            tags.append(value)
    q.tags = tags
    answers = el.findall("answer")
    if qtype == "multichoice":
        single = _text(el, "single").strip().lower() in ("true", "1")
        q.type = "single" if single else "multiple"
        q.options = [_clean(_text(a), a.get("format")) for a in answers]
        right = [i for i, a in enumerate(answers) if float(a.get("fraction", "0") or 0) > 0]
        q.answer = [chr(ord("A") + i) for i in right] if right else ""
        return q
    if qtype == "truefalse":
        q.type = "judge"
        for a in answers:
            if float(a.get("fraction", "0") or 0) > 0:
                q.answer = _text(a).strip().lower() in ("true", "对", "正确")
        return q
    if qtype == "shortanswer":
        q.type = "fill"
        accepted = [_text(a).strip() for a in answers if float(a.get("fraction", "0") or 0) >= 100]
        if "____" not in q.stem and not re.search(r"_{3,}", q.stem):
            q.stem = q.stem + "____"
        q.answer = [accepted]
        return q
    if qtype == "essay":
        q.type = "short"
        q.answer = _field(el, "graderinfo") or q.explanation
        return q
    if qtype == "cloze":
        blanks: list[list[str]] = []

        def replace(m: re.Match) -> str:
            if m.group(2) not in ("SHORTANSWER", "SA", "SHORTANSWER_C", "SAC"):
                raise ValueError(m.group(2))
            accepted = []
            for part in re.split(r"(?<!\\)~", m.group(3)):
                part = part.strip()
                wm = re.match(r"^(?:=|%100%)(.*)$", part, flags=re.S)
                if wm:
                    accepted.append(re.split(r"(?<!\\)#", wm.group(1))[0].replace("\\}", "}").strip())
            blanks.append(accepted)
            return "____"

        try:
            q.stem = CLOZE_RE.sub(replace, q.stem)
        except ValueError:
            return None
        q.type = "fill"
        q.answer = blanks
        return q
    return None
