"""A question's content as importers and forms produce it: checked, normalised, hashed.

Every path into a bank (files of every format, the edit form, drafting) builds QuestionData
through build_question(), so the rules of each type are checked in one place.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from trainer.cnnum import parse_article
from trainer.forms import CONTROL_RE
from trainer.grading.normalise import normalise_text
from trainer.grading.types import BLANK_RE, LETTERS, TYPES, QuestionSpec, blank_count, check_question, type_from_text

FIELD_LABELS = {"type": "题型", "stem": "题干", "options": "选项", "answer": "答案", "explanation": "解析",
                "reference": "出处", "difficulty": "难度", "chapter": "章节", "tags": "标签", "key": "编号",
                "scoring_points": "评分要点", "review": "审核状态", "status": "状态"}
_LETTER_MAP = {c: i for i, c in enumerate(LETTERS)} | {chr(ord("Ａ") + i): i for i in range(8)}
_DOC_RE = re.compile(r"《([^》]+)》")


@dataclass
class Issue:
    """One problem found while importing: where, which field, why (Chinese)."""

    line: int
    field: str
    reason: str
    warning: bool = False

    def text(self, path: str = "") -> str:
        label = FIELD_LABELS.get(self.field, self.field)
        where = f"{path}:{self.line}" if path else f"第 {self.line} 行"
        return f"{where}: {label + '：' if label else ''}{self.reason}"


@dataclass
class RawQuestion:
    """A question as a format parser read it, before any checking."""

    line: int
    type: str | None = None
    stem: str = ""
    options: list[str] = field(default_factory=list)
    answer: Any = None
    explanation: str = ""
    reference: str = ""
    difficulty: Any = None
    tags: Any = None
    chapter: str | None = None
    key: str | None = None
    any_order: bool = False
    scoring_points: Any = None
    review: str | None = None
    status: str | None = None


@dataclass
class QuestionData:
    """Checked, canonical content of one question version plus its placement."""

    key: str
    type: str
    stem: str
    options: list[str]
    answer: Any
    explanation: str
    reference: str
    ref_document: str
    ref_article: int | None
    difficulty: int
    tags: list[str]
    chapter: str | None = None
    review: str | None = None
    status: str | None = None
    line: int = 0

    def spec(self) -> QuestionSpec:
        return QuestionSpec(type=self.type, stem=self.stem, options=self.options, answer=self.answer)

    def content(self) -> dict:
        return {"type": self.type, "stem": self.stem, "options": self.options, "answer": self.answer,
                "explanation": self.explanation, "reference": self.reference, "difficulty": self.difficulty,
                "tags": self.tags}

    @property
    def content_hash(self) -> str:
        return content_hash(self.content())


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def derived_key(qtype: str, stem: str) -> str:
    """A stable key from the content when the file gives none."""
    digest = hashlib.sha1(f"{qtype}|{normalise_text(stem)}".encode()).hexdigest()
    return "h" + digest[:11]


def parse_reference(reference: str, default_document: str) -> tuple[str, int | None]:
    """(document, article) of a reference like 《X》第五条 or 第五条."""
    m = _DOC_RE.search(reference or "")
    document = m.group(1).strip() if m else (default_document if reference else "")
    return document, parse_article(reference)


def _letters(raw: Any, n_options: int, issues: list[Issue], line: int) -> list[int] | None:
    """Option indices from A / ABD / A、B、D / [A, B] / 1-based numbers."""
    if isinstance(raw, bool) or raw is None:
        issues.append(Issue(line, "answer", "缺少答案"))
        return None
    items: list[str]
    if isinstance(raw, list | tuple):
        items = [str(x).strip() for x in raw]
    else:
        text = str(raw).strip()
        items = [t for t in re.split(r"[\s,，、;；/|]+", text) if t]
        if len(items) == 1 and len(items[0]) > 1 and all(c.upper() in _LETTER_MAP for c in items[0]):
            items = list(items[0])
    if not items:
        issues.append(Issue(line, "answer", "缺少答案"))
        return None
    out: list[int] = []
    for item in items:
        up = item.upper()
        if up in _LETTER_MAP:
            idx = _LETTER_MAP[up]
        elif item.isdigit():
            idx = int(item) - 1
        else:
            issues.append(Issue(line, "answer", f"无法识别答案「{item}」，应写选项字母，如 A 或 ABD"))
            return None
        if idx >= n_options or idx < 0:
            letter = LETTERS[idx] if 0 <= idx < 8 else item
            issues.append(Issue(line, "answer", f"答案 {letter} 超出选项范围（共 {n_options} 个选项）"))
            return None
        if idx in out:
            issues.append(Issue(line, "answer", f"答案中重复出现 {LETTERS[idx]}"))
            return None
        out.append(idx)
    return sorted(out)


def _fill_answer(raw: Any, any_order: bool) -> dict:
    """Blanks from a list (each item a string or a list of accepted answers) or text a|b, a/a2|b."""
    if isinstance(raw, str):
        parts = [p for p in re.split(r"[|｜]", raw)]
        blanks = [[a.strip() for a in re.split(r"[/／]", p) if a.strip()] for p in parts]
    elif isinstance(raw, list | tuple):
        blanks = []
        for item in raw:
            if isinstance(item, list | tuple):
                blanks.append([str(a).strip() for a in item if str(a).strip()])
            else:
                blanks.append([str(item).strip()] if str(item).strip() else [])
    elif raw is None:
        blanks = []
    else:
        blanks = [[str(raw).strip()]]
    return {"blanks": blanks, "any_order": bool(any_order)}


_POINT_KW = re.compile(r"^(.*?)[〔\[【]([^〕\]】]*)[〕\]】]\s*$")


def parse_scoring_points(raw: Any) -> list[dict]:
    """Scoring points from a list (strings or {point, keywords}) or text "要点〔词1、词2〕|要点2"."""
    if raw is None or raw == "":
        return []
    items = raw if isinstance(raw, list) else [p for p in re.split(r"[|｜\n]", str(raw)) if p.strip()]
    points = []
    for item in items:
        if isinstance(item, dict):
            text = str(item.get("point") or item.get("text") or "").strip()
            kws = item.get("keywords") or []
            kws = [str(k).strip() for k in (kws if isinstance(kws, list) else re.split(r"[、,，]", str(kws)))]
        else:
            text, kws = str(item).strip(), []
            m = _POINT_KW.match(text)
            if m:
                text, kws = m.group(1).strip(), [k.strip() for k in re.split(r"[、,，]", m.group(2))]
        kws = [k for k in kws if k]
        if text:
            points.append({"point": text, "keywords": kws or [text]})
    return points


def format_scoring_points(points: list[dict]) -> str:
    return "|".join(f"{p['point']}〔{'、'.join(p['keywords'])}〕" for p in points)


def infer_type(raw: RawQuestion) -> str | None:
    """The type a question without one must be, judging by its answer, options and stem."""
    ans = raw.answer
    if isinstance(ans, bool) or TYPES["judge"].normalise(ans, QuestionSpec("judge")) is not None and not raw.options:
        return "judge"
    if raw.options:
        letters = re.sub(r"[\s,，、;；]", "", str(ans or "")) if not isinstance(ans, list) else "".join(map(str, ans))
        return "multiple" if len(letters) > 1 else "single"
    if blank_count(raw.stem):
        return "fill"
    return "short" if ans else None


def _tags(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    items = raw if isinstance(raw, list) else re.split(r"[,，、;；|\s]+", str(raw))
    out = []
    for t in items:
        t = str(t).strip()
        if t and t not in out:
            out.append(t[:32])
    return out


def build_question(raw: RawQuestion, default_document: str = "", require_reference: bool = False
                   ) -> tuple[QuestionData | None, list[Issue]]:
    """Check a raw question and return its canonical form, or the issues that stop it."""
    issues: list[Issue] = []
    line = raw.line
    stem = (raw.stem or "").strip()
    qtype = type_from_text(raw.type) if raw.type else infer_type(raw)
    if raw.type and qtype is None:
        issues.append(Issue(line, "type", f"未知题型「{raw.type}」（应为 单选/多选/判断/填空/简答）"))
        return None, issues
    if qtype is None:
        issues.append(Issue(line, "type", "缺少题型，且无法从答案推断"))
        return None, issues
    if not stem:
        issues.append(Issue(line, "stem", "题干不能为空"))
    options = [str(o).strip() for o in (raw.options or [])]
    if qtype in ("single", "multiple"):
        while options and not options[-1]:
            options.pop()
        answer = _letters(raw.answer, len(options), issues, line)
    elif qtype == "judge":
        answer = TYPES["judge"].normalise(raw.answer, QuestionSpec("judge"))
        if answer is None:
            issues.append(Issue(line, "answer", f"判断题答案应为 对/错（现为「{raw.answer}」）"))
        options = []
    elif qtype == "fill":
        answer = _fill_answer(raw.answer, raw.any_order)
        stem = BLANK_RE.sub("____", stem)  # one spelling of a blank, so every format round-trips
        options = []
    else:
        reference_answer = raw.answer if isinstance(raw.answer, str) else ("" if raw.answer is None else str(raw.answer))
        answer = {"reference": reference_answer.strip(), "points": parse_scoring_points(raw.scoring_points)}
        options = []
    difficulty = 3
    if raw.difficulty not in (None, ""):
        text = str(raw.difficulty).strip()
        named = {"易": 1, "容易": 1, "简单": 1, "较易": 2, "中": 3, "中等": 3, "一般": 3, "较难": 4, "难": 5, "困难": 5}
        if text in named:
            difficulty = named[text]
        elif text.isdigit() and 1 <= int(text) <= 5:
            difficulty = int(text)
        else:
            issues.append(Issue(line, "difficulty", f"难度应为 1–5 的整数（现为「{text}」）"))
    reference = (raw.reference or "").strip()
    if require_reference and not reference:
        issues.append(Issue(line, "reference", "缺少出处（条号）"))
    document, article = parse_reference(reference, default_document)
    if issues:
        return None, issues
    data = QuestionData(
        key=(str(raw.key).strip() if raw.key not in (None, "") else derived_key(qtype, stem)),
        type=qtype, stem=stem, options=options, answer=answer, explanation=(raw.explanation or "").strip(),
        reference=reference, ref_document=document, ref_article=article, difficulty=difficulty,
        tags=_tags(raw.tags), chapter=(str(raw.chapter).strip() if raw.chapter not in (None, "") else None),
        review=raw.review, status=raw.status, line=line,
    )
    if len(data.key) > 64:
        issues.append(Issue(line, "key", "编号不能超过 64 个字符"))
    for fld in ("key", "stem", "options", "answer", "explanation", "reference", "tags", "chapter"):
        if has_control(getattr(data, fld)):
            issues.append(Issue(line, fld, "含有不可见的控制字符（如 \\x00），文件可能已损坏，请检查后重新导入"))
    for fld, reason in check_question(data.spec()):
        issues.append(Issue(line, fld, reason))
    return (None if issues else data), issues


def has_control(value: Any) -> bool:
    """Whether text anywhere in value holds a control character (tabs and line breaks are fine)."""
    if isinstance(value, str):
        return CONTROL_RE.search(value) is not None
    if isinstance(value, dict):
        return any(has_control(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_control(v) for v in value)
    return False


def answer_text(qtype: str, answer: Any) -> str:
    """The answer as admins write it: B, ACD, 对, a/a2|b, or the reference answer."""
    if qtype in ("single", "multiple"):
        return "".join(LETTERS[i] for i in answer)
    if qtype == "judge":
        return "对" if answer else "错"
    if qtype == "fill":
        return "|".join("/".join(b) for b in answer["blanks"])
    return answer.get("reference", "")
