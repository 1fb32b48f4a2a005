"""Moodle XML: 填空 with several blanks becomes a cloze question of SHORTANSWER blanks."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from trainer.banks.exporters import ExportBank
from trainer.grading.types import BLANK_RE


def _text_el(parent: ET.Element, tag: str, text: str, fmt: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    ET.SubElement(el, "text").text = text
    return el


def _cloze_escape(text: str) -> str:
    for ch in "}#~/\"\\":
        text = text.replace(ch, "\\" + ch)
    return text


def question(quiz: ET.Element, q) -> None:
    kinds = {"single": "multichoice", "multiple": "multichoice", "judge": "truefalse", "fill": "shortanswer",
             "short": "essay"}
    kind = kinds[q.type]
    if q.type == "fill" and len(q.answer["blanks"]) > 1:
        kind = "cloze"
    el = ET.SubElement(quiz, "question", type=kind)
    _text_el(el, "name", q.key)
    stem = q.stem
    if kind == "cloze":
        blanks = iter(q.answer["blanks"])
        stem = BLANK_RE.sub(lambda m: "{1:SHORTANSWER:" + "~".join("=" + _cloze_escape(a) for a in next(blanks)) + "}", stem)
    elif kind == "shortanswer":
        stem = BLANK_RE.sub("____", stem)
    _text_el(el, "questiontext", stem, "plain_text")
    _text_el(el, "generalfeedback", q.explanation, "plain_text")
    ET.SubElement(el, "defaultgrade").text = "1"
    ET.SubElement(el, "idnumber").text = q.key
    if q.type in ("single", "multiple"):
        ET.SubElement(el, "single").text = "true" if q.type == "single" else "false"
        ET.SubElement(el, "shuffleanswers").text = "true"
        ET.SubElement(el, "answernumbering").text = "ABCD"
        share = 100 / len(q.answer)
        for i, option in enumerate(q.options):
            fraction = (100 if q.type == "single" else share) if i in q.answer else (0 if q.type == "single" else -100)
            a = ET.SubElement(el, "answer", fraction=f"{fraction:g}" if float(fraction).is_integer() else f"{fraction:.5f}",
                              format="plain_text")
            ET.SubElement(a, "text").text = option
    elif q.type == "judge":
        for value in ("true", "false"):
            a = ET.SubElement(el, "answer", fraction="100" if (value == "true") == bool(q.answer) else "0")
            ET.SubElement(a, "text").text = value
    elif kind == "shortanswer":
        ET.SubElement(el, "usecase").text = "0"
        for accepted in q.answer["blanks"][0]:
            a = ET.SubElement(el, "answer", fraction="100", format="plain_text")
            ET.SubElement(a, "text").text = accepted
    elif q.type == "short":
        ET.SubElement(el, "responseformat").text = "plain"
        ET.SubElement(el, "responsefieldlines").text = "10"
        _text_el(el, "graderinfo", q.answer.get("reference", ""), "plain_text")
    tags = ET.SubElement(el, "tags")
    meta = [f"出处:{q.reference}", f"难度:{q.difficulty}"]
    if q.type == "short":
        meta += [f"评分要点:{p['point']}〔{'、'.join(p['keywords'])}〕" for p in q.answer.get("points", [])]
    if q.type == "fill" and q.answer.get("any_order"):
        meta.append("任意顺序:是")
    if q.review:
        meta.append(f"审核:{q.review}")
    for value in meta + list(q.tags):
        _text_el(tags, "tag", value)


def write(bank: ExportBank) -> bytes:
    quiz = ET.Element("quiz")
    current = object()
    for q in bank.questions:
        if q.chapter != current:
            current = q.chapter
            cat = ET.SubElement(quiz, "question", type="category")
            _text_el(cat, "category", f"$course$/{bank.title}/{(bank.chapter_title(q.chapter) or '未分章').replace('/', '／')}")
        question(quiz, q)
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8")
