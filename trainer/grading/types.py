"""Question types: the rules of a well-formed question, and how a response is graded.

Pure Python (no Flask, no database). A question is given as a QuestionSpec; a response is the
canonical JSON value a type's normalise() returns:
  single -> int (option index) | None        multiple -> sorted list[int]
  judge  -> bool | None                       fill     -> list[str] (one per blank)
  short  -> str
Option indices are positions in the question's own option list, never the shuffled display order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trainer.grading.normalise import compact, normalise_text

LETTERS = "ABCDEFGH"
BLANK_RE = re.compile(r"_{3,}|＿{2,}")


@dataclass(frozen=True)
class QuestionSpec:
    """What grading needs of a question version."""

    type: str
    stem: str = ""
    options: list[str] = field(default_factory=list)
    answer: Any = None


@dataclass(frozen=True)
class Grade:
    """fraction in [0, 1] (None while a person has to grade); state one of STATES."""

    fraction: float | None
    state: str
    feedback: str = ""
    suggested: float | None = None  # short answers: share of scoring points found

    @property
    def is_right(self) -> bool:
        return self.state == "right"


STATES = {"right": "正确", "partial": "部分正确", "wrong": "错误", "unanswered": "未作答", "needs_grading": "待评分",
          "graded": "已评分"}


class QuestionType:
    name = ""
    label = ""
    auto = True  # graded by the machine

    def check(self, q: QuestionSpec) -> list[tuple[str, str]]:
        """(field, Chinese reason) for each rule the question breaks."""
        problems = []
        if not (q.stem or "").strip():
            problems.append(("stem", "题干不能为空"))
        return problems

    def normalise(self, raw: Any, q: QuestionSpec) -> Any:
        raise NotImplementedError

    def is_complete(self, response: Any) -> bool:
        return response not in (None, "", [])

    def grade(self, q: QuestionSpec, response: Any, policy: str = "all_or_nothing") -> Grade:
        raise NotImplementedError

    def correct_response(self, q: QuestionSpec) -> Any:
        """The response that earns full marks (for display after submission)."""
        return q.answer


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        return int(value.strip())
    return None


class _Choice(QuestionType):
    min_correct = 1
    max_correct = 1

    def check(self, q):
        problems = super().check(q)
        options = q.options or []
        if not 2 <= len(options) <= 8:
            problems.append(("options", f"选项须为 2–8 个，现有 {len(options)} 个"))
        for i, text in enumerate(options):
            if not str(text).strip():
                problems.append(("options", f"选项 {LETTERS[i] if i < 8 else i + 1} 为空"))
        stripped = [normalise_text(o) for o in options]
        if len(set(stripped)) != len(stripped):
            problems.append(("options", "有重复的选项"))
        answer = q.answer if isinstance(q.answer, list) else []
        if any(not isinstance(a, int) or isinstance(a, bool) or not 0 <= a < len(options) for a in answer):
            problems.append(("answer", "答案超出选项范围"))
        elif len(set(answer)) != len(answer):
            problems.append(("answer", "答案中有重复的选项"))
        elif not self.min_correct <= len(answer) <= self.max_correct:
            problems.append(("answer", self.count_message(len(answer))))
        return problems

    def count_message(self, n: int) -> str:
        raise NotImplementedError


class Single(_Choice):
    name, label = "single", "单选"

    def count_message(self, n):
        return "单选题须有且只有一个正确答案" if n else "缺少答案"

    def normalise(self, raw, q):
        if isinstance(raw, list):
            raw = raw[0] if len(raw) == 1 else None
        value = _as_int(raw)
        return value if value is not None and 0 <= value < len(q.options) else None

    def is_complete(self, response):
        return response is not None

    def grade(self, q, response, policy="all_or_nothing"):
        if response is None:
            return Grade(0.0, "unanswered")
        return Grade(1.0, "right") if response in q.answer else Grade(0.0, "wrong")


class Multiple(_Choice):
    name, label = "multiple", "多选"
    min_correct, max_correct = 2, 8

    def count_message(self, n):
        return "多选题至少要有两个正确答案" if n else "缺少答案"

    def normalise(self, raw, q):
        if raw is None or raw == "":
            return []
        items = raw if isinstance(raw, list | tuple) else [raw]
        values = {_as_int(v) for v in items}
        return sorted(v for v in values if v is not None and 0 <= v < len(q.options))

    def grade(self, q, response, policy="all_or_nothing"):
        chosen, correct = set(response or []), set(q.answer)
        if not chosen:
            return Grade(0.0, "unanswered")
        if chosen == correct:
            return Grade(1.0, "right")
        if policy == "partial" and chosen <= correct:
            # each correct choice earns a share; any wrong choice voids the question
            return Grade(len(chosen) / len(correct), "partial", f"选对 {len(chosen)}/{len(correct)} 项")
        return Grade(0.0, "wrong")


class Judge(QuestionType):
    name, label = "judge", "判断"

    def check(self, q):
        problems = super().check(q)
        if not isinstance(q.answer, bool):
            problems.append(("answer", "判断题答案须为「对」或「错」"))
        return problems

    def normalise(self, raw, q):
        if isinstance(raw, bool):
            return raw
        text = normalise_text(raw)
        if text in {"true", "1", "对", "正确", "√", "t", "yes", "y", "是"}:
            return True
        if text in {"false", "0", "错", "错误", "×", "x", "f", "no", "n", "否"}:
            return False
        return None

    def is_complete(self, response):
        return response is not None

    def grade(self, q, response, policy="all_or_nothing"):
        if response is None:
            return Grade(0.0, "unanswered")
        return Grade(1.0, "right") if response is q.answer else Grade(0.0, "wrong")


def blank_count(stem: str) -> int:
    return len(BLANK_RE.findall(stem or ""))


class Fill(QuestionType):
    """answer: {"blanks": [[accepted, ...], ...], "any_order": bool}"""

    name, label = "fill", "填空"

    def check(self, q):
        problems = super().check(q)
        blanks = (q.answer or {}).get("blanks") if isinstance(q.answer, dict) else None
        if not blanks:
            problems.append(("answer", "填空题缺少答案"))
            return problems
        for i, accepted in enumerate(blanks, start=1):
            if not accepted or not all(normalise_text(a) for a in accepted):
                problems.append(("answer", f"第 {i} 空的答案为空"))
        n = blank_count(q.stem)
        if n == 0:
            problems.append(("stem", "题干中没有空（用 ____ 标出每个空）"))
        elif n != len(blanks):
            problems.append(("answer", f"题干有 {n} 个空，答案却有 {len(blanks)} 个"))
        return problems

    def normalise(self, raw, q):
        n = len((q.answer or {}).get("blanks", [])) or blank_count(q.stem) or 1
        items = raw if isinstance(raw, list | tuple) else ([raw] if raw not in (None, "") else [])
        items = ["" if v is None else str(v)[:500] for v in items][:n]
        return items + [""] * (n - len(items))

    def is_complete(self, response):
        return bool(response) and all(str(v).strip() for v in response)

    def grade(self, q, response, policy="all_or_nothing"):
        blanks = [[normalise_text(a) for a in accepted] for accepted in q.answer["blanks"]]
        given = [normalise_text(v) for v in (response or [])]
        if not any(given):
            return Grade(0.0, "unanswered")
        if q.answer.get("any_order"):
            remaining = list(range(len(blanks)))
            right = 0
            for g in given:
                hit = next((i for i in remaining if g in blanks[i]), None)
                if hit is not None:
                    remaining.remove(hit)
                    right += 1
        else:
            right = sum(1 for g, accepted in zip(given, blanks) if g in accepted)
        fraction = right / len(blanks)
        if right == len(blanks):
            return Grade(1.0, "right")
        if right == 0:
            return Grade(0.0, "wrong")
        # each blank counts equally
        return Grade(fraction, "partial", f"答对 {right}/{len(blanks)} 空")

    def correct_response(self, q):
        return [accepted[0] for accepted in q.answer["blanks"]]


class Short(QuestionType):
    """answer: {"reference": str, "points": [{"point": str, "keywords": [str, ...]}, ...]}; graded by a person."""

    name, label = "short", "简答"
    auto = False

    def check(self, q):
        problems = super().check(q)
        answer = q.answer if isinstance(q.answer, dict) else {}
        if not str(answer.get("reference", "")).strip():
            problems.append(("answer", "简答题缺少参考答案"))
        return problems

    def normalise(self, raw, q):
        return "" if raw is None else str(raw)[:5000]

    def is_complete(self, response):
        return bool(str(response or "").strip())

    def suggest(self, q: QuestionSpec, response: str) -> tuple[float, list[bool]]:
        """Share of scoring points whose key words all appear in the text, and which were found."""
        points = (q.answer or {}).get("points") or []
        if not points:
            return 0.0, []
        text = compact(response)
        found = []
        for p in points:
            words = [compact(k) for k in (p.get("keywords") or [p.get("point", "")]) if compact(k)]
            found.append(bool(words) and all(w in text for w in words))
        return sum(found) / len(points), found

    def grade(self, q, response, policy="all_or_nothing"):
        if not self.is_complete(response):
            return Grade(0.0, "unanswered")
        suggested, _ = self.suggest(q, response)
        return Grade(None, "needs_grading", suggested=suggested)

    def correct_response(self, q):
        return (q.answer or {}).get("reference", "")


TYPES: dict[str, QuestionType] = {t.name: t for t in (Single(), Multiple(), Judge(), Fill(), Short())}
TYPE_LABELS = {name: t.label for name, t in TYPES.items()}
POLICIES = {"all_or_nothing": "全对才得分", "partial": "按选对比例得分（选错不得分）"}


def type_from_text(text: str) -> str | None:
    """A type name from its English name or Chinese label (单选, 单选题, 【单选】…)."""
    t = (text or "").strip().strip("【】[]()（）").removesuffix("题").lower()
    aliases = {"单项选择": "single", "多项选择": "multiple", "不定项选择": "multiple", "判断": "judge",
               "是非": "judge", "填空": "fill", "简答": "short", "问答": "short", "论述": "short",
               "truefalse": "judge", "true/false": "judge", "multichoice": "single", "shortanswer": "fill",
               "essay": "short", "tf": "judge"}
    if t in TYPES:
        return t
    for name, qt in TYPES.items():
        if t == qt.label:
            return name
    return aliases.get(t)


def check_question(q: QuestionSpec) -> list[tuple[str, str]]:
    qt = TYPES.get(q.type)
    if qt is None:
        return [("type", f"未知题型「{q.type}」")]
    return qt.check(q)


def grade(q: QuestionSpec, response: Any, policy: str = "all_or_nothing") -> Grade:
    return TYPES[q.type].grade(q, response, policy)


def points_for(grade_: Grade, points: float) -> float | None:
    """Points earned, rounded to 0.01, within [0, points]; None while ungraded."""
    if grade_.fraction is None:
        return None
    return min(points, round(max(0.0, min(1.0, grade_.fraction)) * points, 2))
