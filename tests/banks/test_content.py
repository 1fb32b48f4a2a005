"""The shipped question banks: every file imports cleanly and meets the department's content rules."""
import re
from collections import Counter
from pathlib import Path

import pytest

from trainer.banks import importing
from trainer.banks.importers import parse
from trainer.cnnum import parse_article
from trainer.grading.normalise import compact

BANK_DIR = Path(__file__).resolve().parents[2] / "question_banks"
# bank: (minimum questions, articles in the source, minimum per chapter or None)
RULES = {
    "religious-affairs": (190, 77, 10),
    "united-front-regulations": (18, 61, None),  # 2.5 per verified article (第一至七条 so far)
    "religious-venue-finance": (23, 55, None),  # 第一至九条
    "internet-religious-info": (18, 36, None),  # 第一至七条
    "ethnic-unity": (40, 74, None),  # 民族区域自治法 has 74 articles
}
TARGET_MIX = {"single": 40, "multiple": 25, "judge": 20, "fill": 10, "short": 5}


def _load(slug):
    path = BANK_DIR / f"{slug}.yaml"
    return path, parse(path.read_bytes(), str(path), "yaml")


def test_every_shipped_bank_is_listed():
    """Is every YAML file in question_banks/ covered by these rules (and named after its slug)?"""
    files = {p.stem for p in BANK_DIR.glob("*.yaml")}
    assert files == set(RULES)
    for slug in files:
        assert _load(slug)[1].slug == slug


@pytest.mark.parametrize("slug", sorted(RULES))
def test_bank_imports_cleanly(app, slug):
    """Does the bank import with no error and every question reviewed?"""
    path = BANK_DIR / f"{slug}.yaml"
    report = importing.import_bank(path.read_bytes(), str(path))
    assert report.ok, report.error_lines()[:10]
    assert not [w for w in report.warnings if "几乎相同" in w.reason], [w.text() for w in report.warnings][:5]
    assert report.imported >= RULES[slug][0]


@pytest.mark.parametrize("slug", sorted(RULES))
def test_bank_content_rules(slug):
    """Explanation and article reference on every question, existing article numbers, chapters, no duplicates, type mix."""
    minimum, articles, per_chapter = RULES[slug]
    _, bank = _load(slug)
    questions = bank.questions
    assert len(questions) >= minimum
    stems = Counter(compact(q.stem) for q in questions)
    assert not [s for s, n in stems.items() if n > 1], "duplicate stems"
    for q in questions:
        assert q.explanation.strip(), f"{q.key}: no explanation"
        assert q.reference.strip(), f"{q.key}: no reference"
        if "第" in q.reference and "条" in q.reference:
            for m in re.finditer(r"第[一二三四五六七八九十百零]+条", q.reference):
                n = parse_article(m.group(0))
                assert n is not None and 1 <= n <= articles, f"{q.key}: {q.reference} is not an article of the source"
    codes = {code for code, _ in bank.chapters}
    assert all(q.chapter in codes for q in questions)
    if per_chapter:
        counts = Counter(q.chapter for q in questions)
        assert all(counts[c] >= per_chapter for c in codes), counts
    mix = Counter(q.type for q in questions)
    for qtype, target in TARGET_MIX.items():
        share = 100 * mix[qtype] / len(questions)
        assert abs(share - target) <= 10, f"{qtype}: {share:.0f}% vs {target}%"
    difficulties = {int(q.difficulty or 3) for q in questions}
    assert len(difficulties) >= 3


def test_judge_questions_are_balanced():
    """Are judge questions about half true and half false in every bank?"""
    for slug in RULES:
        _, bank = _load(slug)
        answers = [str(q.answer).lower() in ("true", "对", "正确") for q in bank.questions if q.type == "judge"]
        if len(answers) >= 6:
            assert 0.3 <= sum(answers) / len(answers) <= 0.7, slug


def test_answer_positions_are_spread():
    """Is the right single-choice answer not always in the same position?"""
    for slug in RULES:
        _, bank = _load(slug)
        firsts = Counter(str(q.answer)[0] for q in bank.questions if q.type == "single")
        total = sum(firsts.values())
        assert max(firsts.values()) / total <= 0.5, (slug, firsts)
