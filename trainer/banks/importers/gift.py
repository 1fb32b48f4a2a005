"""Moodle GIFT. Mapped: multiple choice (one or several right answers, weights), true/false,
short answer (→ 填空), essay (→ 简答), general feedback (#### → 解析), categories (→ 章节),
question names (→ 编号). Skipped and reported: matching, numerical, missing-word with choices in the middle.
A "// trainer: {json}" comment before a question carries the fields GIFT has no place for."""
from __future__ import annotations

import html
import json
import re

from trainer.banks.content import Issue, RawQuestion
from trainer.banks.importers import ParseError, RawBank
from trainer.tabular import TableError, decode_text

META_PREFIX = "// trainer:"
ESCAPABLE = "~=#{}:\\"


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _split_unescaped(text: str, marks: str) -> list[tuple[str, str]]:
    """Split answer-block text at unescaped marks; returns (mark, chunk) pairs."""
    parts: list[tuple[str, str]] = []
    mark, buf, i = "", [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if ch in marks:
            if buf or mark:
                parts.append((mark, "".join(buf)))
            mark, buf = ch, []
        else:
            buf.append(ch)
        i += 1
    if buf or mark:
        parts.append((mark, "".join(buf)))
    return parts


def _strip_html(text: str) -> str:
    text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _find_block(text: str) -> tuple[int, int] | None:
    """Start and end index of the unescaped {…} answer block; ValueError when braces do not balance."""
    start = None
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
            if depth > 1:
                raise ValueError("大括号嵌套")
        elif ch == "}":
            if depth == 0:
                raise ValueError("多余的「}」")
            depth -= 1
            if depth == 0:
                rest = text[i + 1:]
                if re.search(r"(?<!\\)[{}]", rest):
                    raise ValueError("一道题只能有一个答案块")
                return start, i
        i += 1
    if depth:
        raise ValueError("缺少「}」，大括号不配对")
    return None


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Groups of non-blank lines (a question may not contain a blank line outside its braces)."""
    blocks, current, start, depth = [], [], 0, 0
    for n, line in enumerate(lines, start=1):
        if not line.strip() and depth == 0:
            if current:
                blocks.append((start, current))
            current = []
            continue
        if not current:
            start = n
        current.append(line)
        stripped = re.sub(r"\\.", "", line) if not line.lstrip().startswith("//") else ""
        depth += stripped.count("{") - stripped.count("}")
        depth = max(depth, 0)
    if current:
        blocks.append((start, current))
    return blocks


def parse_gift(data: bytes, filename: str) -> RawBank:
    try:
        text = decode_text(data, filename).replace("\r\n", "\n")
    except TableError as exc:
        raise ParseError([Issue(0, "", str(exc))]) from exc
    bank = RawBank()
    issues: list[Issue] = []
    category: str | None = None
    for start, lines in _blocks(text.split("\n")):
        meta: dict = {}
        body_lines, body_start = [], start
        for offset, line in enumerate(lines):
            s = line.strip()
            if s.startswith(META_PREFIX):
                try:
                    meta = json.loads(s[len(META_PREFIX):])
                except json.JSONDecodeError:
                    issues.append(Issue(start + offset, "", "trainer 注释中的 JSON 无法解析"))
            elif s.startswith("//"):
                continue
            elif s.startswith("$CATEGORY:"):
                category = s[len("$CATEGORY:"):].strip().split("/")[-1].strip() or None
            else:
                if not body_lines:
                    body_start = start + offset
                body_lines.append(line)
        if not body_lines:
            continue
        body = "\n".join(body_lines).strip()
        try:
            q = _question(body, body_start, meta)
        except ValueError as exc:
            issues.append(Issue(body_start, "", f"GIFT 格式错误：{exc}"))
            continue
        if q is None:
            bank.warnings.append(Issue(body_start, "type", "该题型在本系统没有对应（配对、数值题等），已跳过", warning=True))
            continue
        if q.chapter is None:
            q.chapter = category
        bank.questions.append(q)
    if issues:
        raise ParseError(issues)
    if not bank.questions:
        raise ParseError([Issue(1, "", "没有找到可导入的 GIFT 题目")])
    return bank


def _question(body: str, line: int, meta: dict) -> RawQuestion | None:
    name = None
    m = re.match(r"^::(.*?)::", body, flags=re.S)
    if m:
        name = _unescape(m.group(1)).strip()
        body = body[m.end():]
    is_html = False
    fm = re.match(r"^\s*\[(html|moodle|plain|markdown)\]", body)
    if fm:
        is_html = fm.group(1) == "html"
        body = body[fm.end():]
    span = _find_block(body)
    if span is None:
        raise ValueError("缺少答案块 {…}")
    before, inner, after = body[:span[0]], body[span[0] + 1:span[1]], body[span[1] + 1:]
    clean = _strip_html if is_html else (lambda s: s)
    inner_s = inner.strip()
    explanation = ""
    gm = re.search(r"(?<!\\)####(.*)$", inner_s, flags=re.S)
    if gm:
        explanation = _unescape(gm.group(1)).strip()
        inner_s = inner_s[:gm.start()].strip()
    q = RawQuestion(line=line, key=meta.get("key") or name, explanation=clean(explanation),
                    reference=meta.get("reference", ""), difficulty=meta.get("difficulty"), tags=meta.get("tags"),
                    chapter=meta.get("chapter"), review=meta.get("review"), status=meta.get("status"))
    stem_before, stem_after = clean(_unescape(before)).strip(), clean(_unescape(after)).strip()
    if inner_s == "":
        q.type, q.stem = "short", (stem_before + (" " + stem_after if stem_after else "")).strip()
        # a Moodle essay keeps its reference answer in the general feedback, if anywhere
        q.answer = meta.get("reference_answer") or q.explanation
        q.scoring_points = meta.get("scoring_points")
        return q
    tf = re.match(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", inner_s, flags=re.S)
    if tf:
        q.type, q.stem = "judge", (stem_before + (" " + stem_after if stem_after else "")).strip()
        q.answer = tf.group(1).startswith("T")
        return q
    if inner_s.startswith("#") or "->" in inner_s:
        return None
    parts = [(mark, chunk) for mark, chunk in _split_unescaped(inner_s, "=~") if mark or chunk.strip()]
    if any(mark == "" for mark, _ in parts):
        raise ValueError("答案块中的每个答案都应以 = 或 ~ 开头")
    answers = []
    for mark, chunk in parts:
        text = re.split(r"(?<!\\)#", chunk, maxsplit=1)[0]
        weight = None
        wm = re.match(r"^\s*%(-?\d+(?:\.\d+)?)%", text)
        if wm:
            weight = float(wm.group(1))
            text = text[wm.end():]
        answers.append((mark, weight, clean(_unescape(text)).strip()))
    has_wrong = any(mark == "~" for mark, _, _ in answers)
    if not has_wrong:
        # short answer: every "=" answer is accepted; the block marks the blank
        q.type = "fill"
        q.stem = f"{stem_before}____{stem_after}" if stem_after else f"{stem_before}____"
        q.answer = meta.get("blanks") or [[a for _, _, a in answers]]
        q.any_order = bool(meta.get("any_order"))
        if meta.get("stem"):
            q.stem = meta["stem"]
        return q
    q.stem = (stem_before + (" " + stem_after if stem_after else "")).strip()
    q.options = [a for _, _, a in answers]
    right = [i for i, (mark, weight, _) in enumerate(answers) if mark == "=" or (weight is not None and weight > 0)]
    q.type = "multiple" if len(right) > 1 else "single"
    q.answer = [chr(ord("A") + i) for i in right]
    return q
