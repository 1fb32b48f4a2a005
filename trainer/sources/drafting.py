"""Drafting questions from an official text, by rules on the text (no external service).

Pure Python. Every draft comes from one sentence (or one enumeration) of one article:
- 填空: one key term blanked: a number with its unit (30日, 10万元, 百分之五), a date, a level of
  government or a body (县级以上, 设区的市级, 省级, 国务院), a quoted term, or a middle item of an
  inline list (A、B、C).
- 判断: the sentence as a true statement, or a false one that changes exactly one fact: a number to
  a near one used elsewhere in the same document, a level to a neighbouring level, 应当/不得 to 可以.
- 单选: a number or a level blanked with near-miss options; or, from an enumeration, which item
  does NOT belong (three items of the list and one from another list of the same document).
- 多选: from an enumeration: items of the list and distractors taken from other lists.

What it refuses to draft: sentences that lean on their neighbours (前款, 本条第…, 上述, 其…) or cite
other articles by number, blanks whose answer shows elsewhere in the stem, options that are not a
whole item or a whole term, catch-all items (其他……), and anything close to an existing question
(or to another draft of the same run).
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from trainer.cnnum import cn_to_int, int_to_cn

BLANK = "____"
CHOICE = "（ ）"
LETTERS = "ABCDEFGH"

# ---- the document as the drafter sees it -------------------------------------------------------


@dataclass
class ArticleText:
    number: int
    paragraphs: list[str]

    @property
    def label(self) -> str:
        return f"第{int_to_cn(self.number)}条"


@dataclass
class Existing:
    """A question already in a bank that cites this document (any state, retired ones included)."""

    type: str
    stem: str
    options: list[str] = field(default_factory=list)
    answer: Any = None


@dataclass
class Draft:
    """A drafted question in the shapes trainer.banks.content.RawQuestion takes."""

    type: str
    stem: str
    answer: Any  # fill: [[accepted, ...]]; single/multiple: letters "AC"; judge: bool
    explanation: str
    article: int
    rule: str  # number | date | level | quote | list-item | duty | statement | enumeration
    source: str  # the sentence (or lead and items) it was drafted from
    options: list[str] = field(default_factory=list)
    difficulty: int = 3

    @property
    def fact(self) -> str:
        return self.source


# ---- terms the drafter knows ------------------------------------------------------------------

CN = "零〇一二两三四五六七八九十百千"
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN}]+)"
UNITS = ["个工作日", "工作日", "个月", "周岁", "万元", "亿元", "元", "日", "天", "年", "周", "小时", "分钟",
         "个学时", "学时", "课时", "学分", "人", "名", "次", "倍", "家", "届", "个百分点"]
UNIT_RE = "|".join(UNITS)
AMOUNT_RE = re.compile(
    rf"(?<![第\d{CN}.])(?:百分之(?P<pct_cn>[{CN}\d.]+)|(?P<pct>\d+(?:\.\d+)?)\s*[%％]|"
    rf"(?P<num>{NUMBER})\s*(?P<unit>{UNIT_RE}))")
# a full date, or a day of the year (每年5月31日前)
DATE_RE = re.compile(rf"(?:(?:\d{{4}}|[{CN}]{{4}})年)?(?<![\d{CN}])(?:\d{{1,2}}|[{CN}]{{1,3}})月(?:\d{{1,2}}|[{CN}]{{1,3}})日")
COUNTING_UNITS = {"人", "名", "次", "家", "届", "倍", "日", "天"}
UNIT_FAMILY = {"天": "日", "工作日": "个工作日", "个学时": "学时", "%": "%"}
LADDERS = {
    "日": [3, 5, 7, 10, 15, 20, 30, 45, 60, 90], "个工作日": [3, 5, 7, 10, 15, 20, 30],
    "个月": [1, 2, 3, 6, 9, 12], "年": [1, 2, 3, 5, 8, 10],
    "万元": [1, 2, 3, 5, 10, 20, 30, 50, 100], "元": [100, 200, 500, 1000, 2000, 5000, 10000],
    "人": [3, 5, 7, 9, 10, 15, 20, 30, 50, 100], "名": [3, 5, 7, 9, 10, 15, 20, 30], "%": [5, 10, 15, 20, 25, 30, 50],
    "周岁": [14, 16, 18, 22, 25, 28, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80],
    "小时": [2, 4, 6, 8, 12, 24, 48, 72], "次": [1, 2, 3, 4, 5, 6], "届": [3, 4, 5], "周": [1, 2, 3, 4],
    "学时": [8, 12, 16, 20, 24, 32, 40, 48, 60, 80], "课时": [8, 12, 16, 20, 24, 32, 40, 48, 60, 80],
}

LEVELS = ["设区的市级以上", "设区的市级", "设区的市", "县级以上", "县级", "省级以上", "省级", "乡级以上", "乡级",
          "乡镇", "省、自治区、直辖市", "国务院"]
BODY_AFTER = r"(?:地方)?(?:各级)?(?:人民政府|人民代表大会|党委|党的委员会|统战部|统一战线工作部门|[\u4e00-\u9fff]{0,8}?(?:部门|机关|委员会|机构))"
LEVEL_RE = re.compile("(" + "|".join(re.escape(x) for x in LEVELS) + rf")(?={BODY_AFTER})|(国务院)|([省县])(?=人民政府)")
LEVEL_RANK = {"乡级": 0, "乡镇": 0, "县": 1, "县级": 1, "设区的市级": 2, "设区的市": 2, "省": 3, "省级": 3,
              "省、自治区、直辖市": 3, "国务院": 4}
RANK_FORM = {0: "乡级", 1: "县级", 2: "设区的市级", 3: "省级", 4: "国务院"}
STATE_COUNCIL_ALTERNATIVES = ["省、自治区、直辖市人民政府", "设区的市级人民政府", "县级人民政府"]

QUOTE_RE = re.compile(r"“([^“”，。；：,;:]{2,16})”|「([^「」，。；：,;:]{2,16})」")
DUTY_RE = re.compile(r"应当|不得|必须")

# sentences that cannot stand alone: they lean on neighbours or cite other articles by number
LEANS_RE = re.compile(r"前款|前两款|前三款|前项|前述|上述|本条(?!例)|该条|此类|第[（(]?[一二三四五六七八九十百\d]+[）)]?[条款项]")
LEANS_START_RE = re.compile(r"^(?:其|该|此|这|对此|为此|同时|但是|但|并且|或者)")
CATCH_ALL_RE = re.compile(r"^(?:其他|其它|法律、(?:行政)?法规(?:和国家有关规定)?规定的其他)|规定的其他|等其他")
LEAD_RE = re.compile(r"下列(?P<noun>[\u4e00-\u9fff]{1,6}?)(?:之一|的|[，,：:]|$)")
SUBJECT_RE = re.compile(r"^(?P<pre>[^：:]*?[\u4e00-\u9fff])下列(?P<noun>[\u4e00-\u9fff]{1,6})[：:]$")
PARTICLE_EDGE = ("的", "和", "或", "及", "并", "在", "由", "与", "对", "是")


# ---- numbers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str  # canonical unit: 日, 个工作日, 个月, 年, 万元, %, ...
    style: str  # arabic | cn | pct_cn | pct
    written_unit: str

    def text(self, value: float | None = None) -> str:
        v = self.value if value is None else value
        if self.style == "pct_cn":
            return "百分之" + _cn_number(v)
        if self.style == "pct":
            return f"{_arabic(v)}%"
        number = _cn_number(v) if self.style == "cn" else _arabic(v)
        return number + self.written_unit

    def accepted(self) -> list[str]:
        """The written form first, then the same amount in the other numerals (and 天 for 日)."""
        forms = [self.text()]
        if self.unit == "%":
            forms += [f"{_arabic(self.value)}%", "百分之" + _cn_number(self.value)]
        elif float(self.value).is_integer():
            for number in (_arabic(self.value), _cn_number(self.value)):
                forms.append(number + self.written_unit)
                if self.unit == "日":
                    forms += [number + "日", number + "天"]
        out: list[str] = []
        for f in forms:
            if f and f not in out:
                out.append(f)
        return out


def _arabic(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _cn_number(v: float) -> str:
    return int_to_cn(int(v)) if float(v).is_integer() and v >= 0 else _arabic(v)


def _number_value(text: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    n = cn_to_int(text)
    return float(n) if n is not None else None


@dataclass
class Span:
    kind: str  # number | date | level | quote | list-item
    start: int
    end: int
    answer: str
    amount: Amount | None = None
    level: tuple[int, bool] | None = None  # (rank, 以上)


def amounts(text: str) -> list[Span]:
    dates = [(m.start(), m.end()) for m in DATE_RE.finditer(text)]
    out = []
    for m in AMOUNT_RE.finditer(text):
        if any(s <= m.start() < e for s, e in dates):
            continue
        if m.group("pct_cn") is not None:
            value, unit, style, written = _number_value(m.group("pct_cn")), "%", "pct_cn", ""
        elif m.group("pct") is not None:
            value, unit, style, written = float(m.group("pct")), "%", "pct", "%"
        else:
            number, written = m.group("num"), m.group("unit")
            value = _number_value(number)
            style = "arabic" if number[0].isdigit() else "cn"
            unit = UNIT_FAMILY.get(written, written)
            if number in ("一", "两") and written in COUNTING_UNITS:
                continue  # 一人一票, 一次性: a determiner, not a fact
            if style == "arabic" and len(number) == 4 and written == "年":
                continue  # a year, not a duration
        if value is None or value <= 0:
            continue
        amount = Amount(value, unit, style, written)
        out.append(Span("number", m.start(), m.end(), m.group(0).replace(" ", ""), amount=amount))
    out += [Span("date", s, e, text[s:e]) for s, e in dates]
    return sorted(out, key=lambda s: s.start)


def levels(text: str) -> list[Span]:
    out = []
    for m in LEVEL_RE.finditer(text):
        token = m.group(1) or m.group(2) or m.group(3)
        above = token.endswith("以上")
        base = token.removesuffix("以上")
        out.append(Span("level", m.start(), m.start() + len(token), token, level=(LEVEL_RANK[base], above)))
    return out


def quotes(text: str) -> list[Span]:
    out = []
    for m in QUOTE_RE.finditer(text):
        g = 1 if m.group(1) else 2
        out.append(Span("quote", m.start(g), m.end(g), m.group(g)))
    return out


def list_items(text: str) -> list[Span]:
    """The middle items of an inline list A、B、C(、D): their edges are clean, unlike the first and last."""
    out = []
    pos = 0
    for clause in re.split(r"([，。；：,;:！？])", text):
        parts = clause.split("、")
        if len(parts) >= 3 and not re.search(r"[“”「」]", clause):
            offset = pos
            spans = []
            for part in parts:
                spans.append((offset, offset + len(part), part))
                offset += len(part) + 1
            middle = spans[1:-1]
            good = [s for s in middle if re.fullmatch(r"[\u4e00-\u9fff]{2,10}", s[2])
                    and not s[2].startswith(PARTICLE_EDGE) and not s[2].endswith(PARTICLE_EDGE[1:])]
            if len(good) == len(middle) and good:
                # the middle item first; the others in case its answer shows elsewhere
                order = sorted(range(len(good)), key=lambda i: abs(i - len(good) // 2))
                out += [Span("list-item", *good[i][:2], good[i][2]) for i in order]
        pos += len(clause)
    return out


# ---- sentences ------------------------------------------------------------------------------------


def sentences(paragraph: str) -> list[str]:
    """Full sentences (ending in 。！？), quotes kept whole."""
    out, buf, depth = [], "", 0
    for ch in paragraph:
        buf += ch
        if ch in "“「":
            depth += 1
        elif ch in "”」":
            depth = max(0, depth - 1)
        elif ch in "。！？" and depth == 0:
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return [s for s in out if s]


def _finish(sentence: str) -> str:
    s = sentence.rstrip("；;，,：: ")
    return s if s.endswith(("。", "！", "？")) else s + "。"


def stands_alone(sentence: str) -> bool:
    """A sentence a reader can understand without the rest of its article."""
    core = re.sub(r"\W", "", sentence)
    return (10 <= len(core) <= 200 and not LEANS_RE.search(sentence) and not LEANS_START_RE.match(sentence)
            and "下列" not in sentence)


def item_text(item: str) -> str:
    return re.sub(r"^（[^）]+）", "", item).rstrip("；;。，,").strip()


@dataclass
class Enumeration:
    article: int
    lead: str
    items: list[str]  # as written, with （一） and the closing mark
    noun: str = ""
    subject: str | None = None  # 设立宗教活动场所应当具备的条件

    @property
    def options(self) -> list[str]:
        """Items usable as options: whole, short, not a catch-all."""
        out = []
        for raw in self.items:
            t = item_text(raw)
            if (2 <= len(t) <= 40 and "；" not in t and "。" not in t and not CATCH_ALL_RE.search(t)
                    and not LEANS_RE.search(t)):
                out.append(t)
        return out

    @property
    def source(self) -> str:
        return self.lead + "".join(self.items)


@dataclass
class Unit:
    """A piece of an article that yields at most one question: a sentence, an item, or an enumeration."""

    article: int
    index: int
    sentence: str = ""
    prefix: str = ""  # for an item: 设立宗教活动场所应当具备的条件之一是：
    enumeration: Enumeration | None = None


def units_of(article: ArticleText) -> list[Unit]:
    out: list[Unit] = []
    paras = article.paragraphs
    i = 0
    while i < len(paras):
        para = paras[i]
        is_item = para.startswith("（")
        if para.rstrip().endswith(("：", ":")) and not is_item:
            items = []
            j = i + 1
            while j < len(paras) and paras[j].startswith("（"):
                items.append(paras[j])
                j += 1
            if items:
                en = _enumeration(article.number, para, items)
                out.append(Unit(article.number, len(out), enumeration=en))
                if en.subject:
                    for item in items:
                        out.append(Unit(article.number, len(out), sentence=_finish(item_text(item)),
                                        prefix=f"{en.subject}之一是："))
                i = j
                continue
        if not is_item:
            for s in sentences(para):
                out.append(Unit(article.number, len(out), sentence=_finish(s)))
        i += 1
    return out


def _enumeration(article: int, lead: str, items: list[str]) -> Enumeration:
    lead = lead.strip()
    m = LEAD_RE.search(lead)
    noun = m.group("noun") if m else ""
    en = Enumeration(article, lead, items, noun=noun)
    s = SUBJECT_RE.match(lead)
    if s and not s.group("pre").endswith(("有", "之一")) and "，" not in s.group("noun"):
        en.subject = s.group("pre") + "的" + s.group("noun")
        en.noun = s.group("noun")
    return en


# ---- similarity (duplicates) ----------------------------------------------------------------------

_PREFIX_RE = re.compile(r"^(?:根据|依据|按照)《[^》]*》[，,：:]?|^《[^》]*》(?:规定)?[，,：:]?")


def core_text(text: str) -> str:
    return re.sub(r"[^\w]|_", "", _PREFIX_RE.sub("", (text or "").strip()))


def _bigrams(text: str) -> set[str]:
    t = core_text(text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def filled_text(q: Existing) -> str:
    """The statement a question tests: blanks and brackets filled with its answer."""
    stem = q.stem or ""
    if q.type == "fill":
        blanks = (q.answer or {}).get("blanks", []) if isinstance(q.answer, dict) else (q.answer or [])
        parts = re.split(r"_{3,}|＿{2,}", stem)
        out = parts[0]
        for k, part in enumerate(parts[1:]):
            accepted = blanks[k] if k < len(blanks) else []
            out += (accepted[0] if accepted else "") + part
        return out
    if q.type in ("single", "multiple"):
        answer = q.answer if isinstance(q.answer, list) else []
        correct = "".join(q.options[i] for i in answer if isinstance(i, int) and 0 <= i < len(q.options))
        if re.search(r"[（(]\s*[）)]", stem):
            return re.sub(r"[（(]\s*[）)]", correct, stem, count=1)
        return stem + correct
    if q.type == "short":
        return stem
    return stem


class Seen:
    """Statements already tested (existing questions and this run's drafts), compared by character pairs."""

    def __init__(self, existing: list[Existing]):
        self.items: list[tuple[set[str], bool]] = []
        self.option_sets: list[set[str]] = []  # choice questions: a list already asked shows in its options
        for q in existing:
            self.items.append((_bigrams(filled_text(q)), q.type == "short"))
            if q.type in ("single", "multiple"):
                self.option_sets.append({core_text(o) for o in q.options})

    def covers_list(self, items: list[str]) -> bool:
        """True when a choice question already offers three items of this list (or all, if fewer) as options;
        a question on another list borrows at most two of them as distractors."""
        wanted = {core_text(t) for t in items}
        need = min(3, len(wanted))
        return bool(wanted) and any(len(wanted & s) >= need for s in self.option_sets)

    def covers(self, text: str) -> bool:
        a = _bigrams(text)
        if not a:
            return False
        for b, short in self.items:
            common = len(a & b)
            if not common:
                continue
            if common / len(a | b) >= 0.6:
                return True
            smaller = min(len(a), len(b))
            if not short and smaller >= 8 and common / smaller >= 0.85:
                return True
        return False

    def add(self, draft: Draft) -> None:
        self.items.append((_bigrams(draft.source), False))
        if draft.type in ("single", "multiple"):
            self.option_sets.append({core_text(o) for o in draft.options})


# ---- the drafter ----------------------------------------------------------------------------------


def _rank(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


@dataclass
class _Context:
    title: str
    short: str
    amounts: dict[str, list[float]]  # unit -> values used in the document
    levels: set[tuple[int, bool]]
    enumerations: list[Enumeration]


def short_title(title: str) -> str:
    """The title without a bracketed note: 示例：某市统一战线工作办法（示例文本） -> 示例：某市统一战线工作办法."""
    return re.sub(r"[（(][^（）()]*[）)]$", "", title).strip() or title


def draft_document(title: str, articles: list[ArticleText], only: set[int] | None = None,
                   existing: list[Existing] | None = None) -> list[Draft]:
    """Drafts for the whole document (or the articles in only), none close to an existing question."""
    ctx = _context(title, articles)
    seen = Seen(existing or [])
    drafts: list[Draft] = []
    for article in articles:
        if only is not None and article.number not in only:
            continue
        for unit in units_of(article):
            if unit.enumeration is not None:
                d = None if seen.covers_list(unit.enumeration.options) else _from_enumeration(ctx, article, unit)
            else:
                d = None
                if unit.sentence and stands_alone(_source(unit)) and not seen.covers(_source(unit)):
                    d = _from_sentence(ctx, article, unit)
            if d is None or seen.covers(d.source):
                continue
            seen.add(d)
            drafts.append(d)
    return drafts


def _context(title: str, articles: list[ArticleText]) -> _Context:
    values: dict[str, list[float]] = defaultdict(list)
    found_levels: set[tuple[int, bool]] = set()
    enumerations = []
    for a in articles:
        for para in a.paragraphs:
            for s in amounts(para):
                if s.amount and s.amount.value not in values[s.amount.unit]:
                    values[s.amount.unit].append(s.amount.value)
            for s in levels(para):
                found_levels.add(s.level)
        enumerations += [u.enumeration for u in units_of(a) if u.enumeration is not None]
    return _Context(title, short_title(title), dict(values), found_levels, enumerations)


def _prefix(ctx: _Context, sentence: str) -> str:
    if re.match(r"^(?:根据|依据|依照|按照|为了|为)", sentence):
        return f"《{ctx.short}》规定："
    return f"根据《{ctx.short}》，"


def _cite(ctx: _Context, article: ArticleText, text: str) -> str:
    return f"《{ctx.title}》{article.label}规定：{text}"


def _spans(sentence: str) -> list[Span]:
    """Blankable terms in priority order (numbers and dates, levels, quoted terms, inline-list items)."""
    out = amounts(sentence) + levels(sentence) + quotes(sentence) + list_items(sentence)
    taken: list[Span] = []
    for s in out:
        if any(s.start < t.end and t.start < s.end for t in taken):
            continue
        taken.append(s)
    return taken


def _answer_shows_elsewhere(sentence: str, span: Span, prefix: str = "") -> bool:
    rest = prefix + sentence[:span.start] + sentence[span.end:]
    return span.answer in rest


def _from_sentence(ctx: _Context, article: ArticleText, unit: Unit) -> Draft | None:
    """One question from a sentence; the type rotates along the text so that an article gets a mix, and
    the same article drafts the same way whether alone or with the whole document."""
    sentence = unit.sentence
    spans = [s for s in _spans(sentence) if not _answer_shows_elsewhere(sentence, s, unit.prefix)]
    order = ["fill", "single", "judge"]
    k = (article.number + unit.index) % 3
    for qtype in order[k:] + order[:k]:
        if qtype == "fill":
            d = _fill(ctx, article, unit, spans)
        elif qtype == "single":
            d = _single_fact(ctx, article, unit, spans)
        else:
            d = _judge(ctx, article, unit, spans, want_false=(article.number + unit.index) // 3 % 2 == 0)
        if d is not None:
            return d
    return None


def _stem_text(ctx: _Context, unit: Unit, body: str) -> str:
    if unit.prefix:
        return f"根据《{ctx.short}》，{unit.prefix}{body}"
    return _prefix(ctx, body) + body


def _fill(ctx: _Context, article: ArticleText, unit: Unit, spans: list[Span]) -> Draft | None:
    sentence = unit.sentence
    for span in spans:
        # enough of the sentence must remain to tell what is asked
        context = len(re.sub(r"\W", "", unit.prefix + sentence[:span.start] + sentence[span.end:]))
        if context < 6 or (len(span.answer) > context and span.kind != "date"):
            continue
        body = sentence[:span.start] + BLANK + sentence[span.end:]
        accepted = span.amount.accepted() if span.amount else [span.answer]
        if span.kind == "level" and span.answer.startswith("省、自治区、直辖市"):
            accepted.append("省级")
        return Draft("fill", _stem_text(ctx, unit, body), [accepted], _cite(ctx, article, _source(unit)),
                     article.number, span.kind, _source(unit), difficulty=3)
    return None


def _source(unit: Unit) -> str:
    return (unit.prefix + unit.sentence) if unit.prefix else unit.sentence


def _near_amounts(ctx: _Context, amount: Amount, from_document_only: bool) -> list[float]:
    """Other values for the same unit, nearest first: those used in the document, then the usual ladder."""
    def distance(v: float) -> float:
        return abs(math.log(v / amount.value))

    used = [v for v in ctx.amounts.get(amount.unit, []) if v != amount.value]
    if from_document_only:
        return sorted(used, key=distance)
    ladder = [v for v in LADDERS.get(amount.unit, []) if v != amount.value and v not in used]
    # values the document uses are the more tempting near misses
    return sorted(used + ladder, key=lambda v: distance(v) - (0.3 if v in used else 0))


def _level_alternatives(ctx: _Context, span: Span, after: str) -> list[str]:
    """Neighbouring levels, nearest first, written so the sentence still reads."""
    rank, above = span.level
    if rank == 4:
        return list(STATE_COUNCIL_ALTERNATIVES)
    ranks = [r for r in range(5) if r != rank]
    if re.match(r"(?:地方|各级|人民政府|人民代表大会|党委)", after) or above:
        ranks = [r for r in ranks if r != 4]
    if rank >= 2:
        ranks = [r for r in ranks if r != 0]  # 乡级 is no plausible near miss for a city or a province
    # nearest first; a level the document uses is the more tempting; on a tie, the higher one
    ranks.sort(key=lambda r: (abs(r - rank), (r, above) not in ctx.levels, -r))
    return [RANK_FORM[r] + ("以上" if above and r < 4 else "") for r in ranks]


def _single_fact(ctx: _Context, article: ArticleText, unit: Unit, spans: list[Span]) -> Draft | None:
    sentence = unit.sentence
    for span in spans:
        if span.kind == "number":
            values = _near_amounts(ctx, span.amount, from_document_only=False)[:3]
            if len(values) < 3:
                continue
            options = sorted([span.amount.value, *values])
            texts = [span.amount.text(v) for v in options]
            correct = options.index(span.amount.value)
        elif span.kind == "level":
            alternatives = _level_alternatives(ctx, span, sentence[span.end:])[:3]
            if len(alternatives) < 3:
                continue
            texts = sorted([span.answer, *alternatives], key=_level_sort_key)
            correct = texts.index(span.answer)
        else:
            continue
        body = sentence[:span.start] + CHOICE + sentence[span.end:]
        return Draft("single", _stem_text(ctx, unit, body), LETTERS[correct], _cite(ctx, article, _source(unit)),
                     article.number, span.kind, _source(unit), options=texts, difficulty=2)
    return None


def _level_sort_key(text: str) -> int:
    for form, rank in sorted(LEVEL_RANK.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(form):
            return rank
    return 9


def _judge(ctx: _Context, article: ArticleText, unit: Unit, spans: list[Span], want_false: bool) -> Draft | None:
    sentence = unit.sentence
    mutated = _mutate(ctx, sentence, spans)
    if mutated is None:
        return None  # a true/false question is about a fact that could have been stated otherwise
    if want_false:
        body, old, new, rule = mutated
        explanation = (f"错误。原文是「{old}」，题中改成了「{new}」。" + _cite(ctx, article, _source(unit)))
        return Draft("judge", _stem_text(ctx, unit, body), False, explanation, article.number, rule,
                     _source(unit), difficulty=2)
    return Draft("judge", _stem_text(ctx, unit, sentence), True, "正确。" + _cite(ctx, article, _source(unit)),
                 article.number, "statement", _source(unit), difficulty=2)


def _mutate(ctx: _Context, sentence: str, spans: list[Span]) -> tuple[str, str, str, str] | None:
    """The sentence with exactly one fact changed: (text, old, new, rule), or None."""
    for span in spans:
        new = None
        rest = sentence[:span.start] + sentence[span.end:]
        if span.kind == "number":
            near = [span.amount.text(v) for v in _near_amounts(ctx, span.amount, from_document_only=True)]
            new = next((t for t in near if t not in rest), None)
        elif span.kind == "level":
            new = next((t for t in _level_alternatives(ctx, span, sentence[span.end:]) if t not in rest), None)
        # the changed fact must not show elsewhere in the sentence, or the statement reads as nonsense
        if new and new != span.answer:
            return sentence[:span.start] + new + sentence[span.end:], span.answer, new, span.kind
    duties = DUTY_RE.findall(sentence)
    if len(duties) == 1 and "可以" not in sentence:
        old = duties[0]
        return sentence.replace(old, "可以", 1), old, "可以", "duty"
    return None


def _distractors(ctx: _Context, en: Enumeration, count: int) -> list[str]:
    """Items of other lists in the same document, not close to any item of this list."""
    own = [_bigrams(t) for t in en.options] + [_bigrams(item_text(t)) for t in en.items]
    lengths = [len(t) for t in en.options] or [10]
    mean = sum(lengths) / len(lengths)
    # items of a 情形 list end in 的; a distractor in the other form would give itself away
    ends_de = sum(t.endswith("的") for t in en.options) * 2 > len(en.options)
    candidates = []
    for other in ctx.enumerations:
        if other is en or other.source == en.source:
            continue
        for t in other.options:
            b = _bigrams(t)
            if any(b and o and len(b & o) / len(b | o) >= 0.5 for o in own) or t in candidates:
                continue
            if t.endswith("的") != ends_de:
                continue  # 情形 items end in 的, 条件 and 材料 do not: the odd one out would give itself away
            candidates.append((other.noun != en.noun, abs(len(t) - mean), _rank(en.lead + t), t))
    candidates.sort()
    out: list[str] = []
    for *_, t in candidates:
        if t not in out:
            out.append(t)
    return out[:count]


def _from_enumeration(ctx: _Context, article: ArticleText, unit: Unit) -> Draft | None:
    en = unit.enumeration
    if LEANS_RE.search(en.lead) or LEANS_START_RE.match(en.lead):
        return None
    items = en.options
    explanation = _cite(ctx, article, en.lead + "".join(en.items))
    lead = en.lead.rstrip("：:")
    prefix = _prefix(ctx, lead)
    ordinal = next((i for i, e in enumerate(ctx.enumerations) if e.source == en.source), 0)
    want_single = ordinal % 2 == 1  # alternate 多选 and 单选 along the document
    if want_single and len(items) >= 3:
        d = _not_in_list(ctx, article, en, items, prefix, lead, explanation)
        if d is not None:
            return d
    if len(items) >= 2:
        k = min(4, len(items))
        chosen = items if len(items) <= k else sorted(items, key=lambda t: _rank(en.lead + t))[:k]
        chosen = [t for t in items if t in chosen]  # keep the text's order
        others = _distractors(ctx, en, 2 if k <= 3 else 1)
        if others and k + len(others) >= 4:
            options = chosen + others
            options.sort(key=lambda t: _rank(t + en.lead))
            answer = "".join(LETTERS[options.index(t)] for t in chosen)
            answer = "".join(sorted(answer))
            if en.subject:
                stem = f"{prefix}{en.subject}包括{CHOICE}。"
            else:
                stem = f"{prefix}{lead}。下列属于上述{en.noun or '情形'}的有{CHOICE}。"
            return Draft("multiple", stem, answer, explanation, article.number, "enumeration", en.source,
                         options=options, difficulty=3)
    if len(items) >= 3:
        return _not_in_list(ctx, article, en, items, prefix, lead, explanation)
    return None


def _not_in_list(ctx: _Context, article: ArticleText, en: Enumeration, items: list[str], prefix: str, lead: str,
                 explanation: str) -> Draft | None:
    """单选: which of four is NOT an item of this list (three items, one from another list)."""
    others = _distractors(ctx, en, 1)
    if not others:
        return None
    chosen = sorted(items, key=lambda t: _rank(en.lead + t))[:3]
    options = sorted([*chosen, others[0]], key=lambda t: _rank(t + en.lead))
    if en.subject:
        stem = f"{prefix}{en.subject}不包括{CHOICE}。"
    else:
        stem = f"{prefix}{lead}。下列不属于上述{en.noun or '情形'}的是{CHOICE}。"
    explanation = f"「{others[0]}」不在本条所列之中。" + explanation
    return Draft("single", stem, LETTERS[options.index(others[0])], explanation, article.number, "enumeration",
                 en.source, options=options, difficulty=3)
