"""Plain text as Chinese exam platforms and Word banks print it, and the Aiken format.

    一、单选题
    1. 《宗教事务条例》自（ B ）起施行。
    A. 2017年8月26日   B．2018年2月1日
    C、2018年1月1日    D. 2017年6月14日
    答案：B
    解析：……
    出处：第七十七条
"""
from __future__ import annotations

import re
import unicodedata

from trainer.banks.content import Issue, RawQuestion
from trainer.banks.importers import ParseError, RawBank
from trainer.grading.types import LETTERS, type_from_text
from trainer.tabular import TableError, decode_text

TYPE_WORDS = "单选|单项选择|多选|多项选择|不定项选择|判断|是非|填空|简答|问答|论述"
SECTION_RE = re.compile(rf"^(?:[一二三四五六七八九十]+\s*[、.]|第[一二三四五六七八九十]+部分)?\s*[【\[]?\s*({TYPE_WORDS})题?\s*[】\]]?\s*(?:[(（].*[)）])?\s*[:：]?\s*$")
QUESTION_RE = re.compile(r"^(\d{1,5})\s*[.、:)]\s*(.*)$")
TAG_RE = re.compile(rf"^\s*[【\[]\s*({TYPE_WORDS})题?\s*[】\]]\s*")
OPTION_RE = re.compile(r"^([A-Ha-h])\s*[.、:)]\s*(.*)$")
OPTION_SPLIT_RE = re.compile(r"\s+(?=[B-Hb-hＢ-Ｈｂ-ｈ]\s*[.．、:：)）]\s*\S)")
FIELD_RE = re.compile(r"^(答案|正确答案|参考答案|解析|答案解析|出处|依据|难度|章节|标签|知识点|编号|评分要点)\s*[:]\s*(.*)$")
FIELD_NAMES = {"答案": "answer", "正确答案": "answer", "参考答案": "answer", "解析": "explanation", "答案解析": "explanation",
               "出处": "reference", "依据": "reference", "难度": "difficulty", "章节": "chapter", "标签": "tags",
               "知识点": "tags", "编号": "key", "评分要点": "scoring_points"}
# an answer printed in the stem's brackets, as Word banks do: "（ B ）", "(AB)", "（√）"
INLINE_ANSWER_RE = re.compile(r"[（(]\s*([A-HＡ-Ｈ]{1,8}|[√×✓✗✔✘]|对|错)\s*[）)]")


def _marker(line: str) -> str:
    """The line with full-width letters, digits and punctuation made half-width, for matching markers only."""
    return unicodedata.normalize("NFKC", line).replace("．", ".").strip()


def _decode(data: bytes, filename: str) -> list[str]:
    try:
        return decode_text(data, filename).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    except TableError as exc:
        raise ParseError([Issue(0, "", str(exc))]) from exc


class _Builder:
    def __init__(self):
        self.bank = RawBank()
        self.issues: list[Issue] = []
        self.q: RawQuestion | None = None
        self.letters: list[str] = []
        self.last = "stem"  # where continuation lines go
        self.section_type: str | None = None
        self.inline_answer = False

    def start(self, line_no: int, text: str) -> None:
        self.finish()
        qtype = self.section_type
        m = TAG_RE.match(text)
        if m:
            qtype = type_from_text(m.group(1))
            text = text[m.end():]
        self.q = RawQuestion(line=line_no, type=qtype, stem=text.strip())
        self.letters = []
        self.last = "stem"
        self.inline_answer = False

    def option(self, line_no: int, letter: str, text: str) -> None:
        letter = letter.upper()
        if letter in self.letters:
            self.issues.append(Issue(line_no, "options", f"选项 {letter} 重复"))
        elif LETTERS.index(letter) != len(self.letters):
            expected = LETTERS[len(self.letters)]
            self.issues.append(Issue(line_no, "options", f"选项字母不连续：应为 {expected}，却是 {letter}"))
        self.letters.append(letter)
        self.q.options.append(text.strip())
        self.last = "option"

    def field(self, name: str, value: str) -> None:
        value = value.strip()
        if name == "answer":
            self.q.answer = value
            self.inline_answer = False
        elif name in ("explanation", "reference", "chapter", "key", "difficulty", "tags", "scoring_points"):
            setattr(self.q, name, value)
        self.last = name

    def more(self, text: str) -> None:
        q = self.q
        if self.last == "stem":
            q.stem = f"{q.stem}\n{text}" if q.stem else text
        elif self.last == "option":
            q.options[-1] = f"{q.options[-1]} {text}".strip()
        elif self.last in ("answer", "explanation", "scoring_points"):
            current = getattr(q, self.last) or ""
            joiner = "|" if self.last == "scoring_points" else "\n"
            setattr(q, self.last, f"{current}{joiner}{text}" if current else text)

    def finish(self) -> None:
        q = self.q
        if q is None:
            return
        if q.answer in (None, ""):
            m = INLINE_ANSWER_RE.search(q.stem)
            if m:
                key = m.group(1)
                q.answer = unicodedata.normalize("NFKC", key)
                q.stem = q.stem[:m.start()] + "（ ）" + q.stem[m.end():]
        self.bank.questions.append(q)
        self.q = None


def parse_text(data: bytes, filename: str) -> RawBank:
    b = _Builder()
    for line_no, raw in enumerate(_decode(data, filename), start=1):
        line = raw.strip()
        if not line:
            continue
        mk = _marker(line)
        m = SECTION_RE.match(mk)
        if m and len(mk) < 40:
            b.finish()
            b.section_type = type_from_text(m.group(1))
            continue
        m = QUESTION_RE.match(mk)
        if m:
            # keep the original (full-width) text of the stem: cut the number and its mark off the raw line
            b.start(line_no, re.sub(r"^\s*[\d０-９]+\s*[.．、:：)）]\s*", "", raw).strip())
            continue
        if b.q is None:
            b.bank.warnings.append(Issue(line_no, "", f"题目之前的内容已忽略：{line[:30]}", warning=True))
            continue
        m = FIELD_RE.match(mk)
        if m:
            value = re.sub(r"^[^:：]*[:：]\s*", "", line, count=1)
            b.field(FIELD_NAMES[m.group(1)], value)
            continue
        m = OPTION_RE.match(mk)
        if m and b.last in ("stem", "option"):
            raw_parts = OPTION_SPLIT_RE.split(line)
            for part in raw_parts:
                pm = OPTION_RE.match(_marker(part))
                if pm:
                    b.option(line_no, pm.group(1), re.sub(r"^\s*[A-Ha-hＡ-Ｈａ-ｈ]\s*[.．、:：)）]\s*", "", part))
                else:
                    b.more(part)
            continue
        b.more(line)
    b.finish()
    if b.issues:
        raise ParseError(b.issues)
    if not b.bank.questions:
        raise ParseError([Issue(1, "", "没有找到题目（每题以「1.」这样的题号开头）")])
    return b.bank


AIKEN_OPTION_RE = re.compile(r"^([A-Z])\s*[.)]\s+(.*)$")
AIKEN_ANSWER_RE = re.compile(r"^ANSWER\s*:\s*([A-Z])\s*$")


def parse_aiken(data: bytes, filename: str) -> RawBank:
    """Aiken: a question line, options "A. …" or "A) …", then "ANSWER: B"; single choice only."""
    bank = RawBank()
    issues: list[Issue] = []
    q: RawQuestion | None = None
    letters: list[str] = []
    for line_no, raw in enumerate(_decode(data, filename), start=1):
        line = raw.strip()
        if not line:
            continue
        m = AIKEN_ANSWER_RE.match(line)
        if m:
            if q is None or not q.options:
                issues.append(Issue(line_no, "answer", "ANSWER 行之前没有题目和选项"))
            else:
                q.answer = m.group(1)
                bank.questions.append(q)
            q, letters = None, []
            continue
        m = AIKEN_OPTION_RE.match(line)
        if m and q is not None:
            letter = m.group(1)
            if letter in letters:
                issues.append(Issue(line_no, "options", f"选项 {letter} 重复"))
            letters.append(letter)
            q.options.append(m.group(2).strip())
            continue
        if q is not None and q.options:
            issues.append(Issue(q.line, "answer", "缺少 ANSWER 行"))
            q = None
        if q is None:
            q, letters = RawQuestion(line=line_no, type="single", stem=line), []
        else:
            q.stem += "\n" + line
    if q is not None:
        issues.append(Issue(q.line, "answer", "缺少 ANSWER 行"))
    if issues:
        raise ParseError(issues)
    if not bank.questions:
        raise ParseError([Issue(1, "", "没有找到 Aiken 格式的题目")])
    return bank
