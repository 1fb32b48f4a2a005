"""The drafter on the synthetic regulation: what it drafts, and what it must not draft."""
import re

import pytest

from trainer.banks.content import RawQuestion, build_question
from trainer.sources import drafting
from trainer.sources.drafting import ArticleText, Existing, amounts, draft_document, levels
from trainer.sources.parsing import parse_text

from .conftest import SHORT, TITLE

LEVEL_TERMS = {"乡级", "县级", "设区的市级", "省级", "乡级以上", "县级以上", "设区的市级以上", "省级以上", "国务院",
               "省、自治区、直辖市人民政府", "设区的市级人民政府", "县级人民政府"}


@pytest.fixture
def parsed(synthetic_text):
    return parse_text(synthetic_text)


@pytest.fixture
def articles(parsed):
    return [ArticleText(a.number, a.paragraphs) for a in parsed.articles]


@pytest.fixture
def drafts(articles):
    return draft_document(TITLE, articles)


def find(drafts, article, qtype=None):
    return [d for d in drafts if d.article == article and (qtype is None or d.type == qtype)]


def sentence_of(text: str, needle: str) -> str:
    return next(s for s in re.split(r"(?<=。)", text) if needle in s)


def test_every_type_is_drafted_and_passes_the_bank_rules(drafts):
    """Does the drafter produce every auto-graded type, each accepted by the banks' checker as is?"""
    assert {d.type for d in drafts} == {"fill", "single", "multiple", "judge"}
    assert {d.answer for d in drafts if d.type == "judge"} == {True, False}
    for d in drafts:
        raw = RawQuestion(line=0, type=d.type, stem=d.stem, options=d.options, answer=d.answer,
                          explanation=d.explanation, reference=f"第{d.article}条", difficulty=d.difficulty)
        data, issues = build_question(raw, TITLE)
        assert issues == [], (d, issues)
        assert d.stem.startswith(f"根据《{SHORT}》，") and d.explanation
        assert f"《{TITLE}》第" in d.explanation


def test_numbers_with_units_are_blanked_with_every_accepted_spelling(drafts):
    """Are 10万元, 百分之五 and the in-force date blanked, with the other numeral forms accepted?"""
    fills = {d.answer[0][0]: d for d in drafts if d.type == "fill"}
    assert fills["10万元"].answer == [["10万元", "十万元"]]
    assert fills["10万元"].stem == (f"根据《{SHORT}》，活动场所接受境内捐赠，单笔金额超过____的，应当报县级以上地方人民政府"
                                   "民政部门备案。")
    assert fills["百分之五"].answer == [["百分之五", "5%"]]
    assert fills["2030年1月1日"].stem == f"根据《{SHORT}》，本条例自____起施行。"


def test_bodies_levels_quotes_and_list_items_are_blanked(drafts):
    """Are a level, a body, a quoted term and a middle item of an inline list drafted as blanks?"""
    answers = {d.answer[0][0]: d.stem for d in drafts if d.type == "fill"}
    assert "国务院" in answers and "____民政部门负责全国" in answers["国务院"]
    assert answers["县级"].endswith("由举办单位向拟设立地的____人民政府民政部门提出申请。")
    assert "“____”原则" in answers["独立自主自办"]
    assert "制止非法、____、抵御渗透" in answers["遏制极端"]


def test_single_choice_from_numbers_and_levels_has_whole_near_miss_options(drafts):
    """Do number and level questions offer whole terms of the same kind, the right one among them?"""
    (days,) = [d for d in find(drafts, 6, "single") if d.rule == "number"]
    assert days.options == ["15日", "30日", "45日", "60日"] and days.options["ABCD".index(days.answer)] == "30日"
    assert "之日起（ ）内提出审核意见" in days.stem
    (level,) = [d for d in find(drafts, 3, "single")]
    assert level.options["ABCD".index(level.answer)] == "县级以上"
    assert set(level.options) <= LEVEL_TERMS and "（ ）地方人民政府民政部门" in level.stem


def test_false_statements_change_exactly_one_fact(drafts):
    """Does each false statement differ from its sentence in one place only, by a fact of the same kind?"""
    import difflib

    false = [d for d in drafts if d.type == "judge" and d.answer is False]
    assert {d.rule for d in false} >= {"number", "level"}
    for d in false:
        statement = d.stem.removeprefix(f"根据《{SHORT}》，")
        ops = [op for op in difflib.SequenceMatcher(None, d.source, statement).get_opcodes() if op[0] != "equal"]
        assert len(ops) == 1, (d.source, statement)
        _tag, a1, a2, b1, b2 = ops[0]
        old, new = d.source[a1:a2], statement[b1:b2]
        assert "题中改成了「" in d.explanation
        if d.rule == "number":
            assert re.fullmatch(r"[\d一二三四五六七八九十百]+", old) and re.fullmatch(r"[\d一二三四五六七八九十百]+", new)
        elif d.rule == "level":
            assert levels(d.source) and levels(statement)
    (art8,) = find(drafts, 8, "judge")
    assert art8.answer is False and "六十日内" in art8.stem  # 三十 -> 六十, a number the document uses (60日)


def test_enumerations_make_multiple_choice_with_distractors_from_other_lists(drafts, parsed):
    """Does a list become a 多选 whose correct options are its own items and whose wrong ones are items of
    other lists of the same document?"""
    items = {}
    for a in parsed.articles:
        for p in a.paragraphs:
            if p.startswith("（"):
                items[drafting.item_text(p)] = a.number
    (multi,) = find(drafts, 5, "multiple")
    assert multi.stem == f"根据《{SHORT}》，设立活动场所，应当具备的条件包括（ ）。"
    correct = [multi.options["ABCDEFGH".index(c)] for c in multi.answer]
    assert {items[o] for o in correct} == {5}
    wrong = [o for o in multi.options if o not in correct]
    assert wrong and all(items[o] != 5 for o in wrong)
    (not_in,) = find(drafts, 10, "single")
    assert not_in.stem.endswith("活动场所管理组织履行的职责不包括（ ）。")
    assert items[not_in.options["ABCD".index(not_in.answer)]] != 10


def test_what_must_not_be_drafted(drafts, parsed):
    """No sentence leaning on 前款/本条, no option citing another article or a catch-all, no fragment option,
    no blank whose answer shows elsewhere in the stem, no two questions on one sentence."""
    text = "\n".join(p for a in parsed.articles for p in a.paragraphs)
    assert not [d for d in drafts if "前款" in d.stem or "本条所称" in d.stem]
    item_texts = {drafting.item_text(p) for a in parsed.articles for p in a.paragraphs if p.startswith("（")}
    for d in drafts:
        for option in d.options:
            assert "第十一条" not in option and not option.startswith("其他") and "其他条件" not in option
            whole = (option in item_texts or option in LEVEL_TERMS
                     or any(s.answer == option or s.amount and s.amount.text() == option for s in amounts(option)))
            assert whole, (d.stem, option)
        if d.type == "fill":
            answer = d.answer[0][0]
            assert d.stem.count("____") == 1 and answer not in d.stem and answer in text
    sources = [d.source for d in drafts]
    assert len(sources) == len(set(sources))
    stems = [d.stem for d in drafts]
    assert len(stems) == len(set(stems))
    assert not find(drafts, 1)  # the purpose article holds no fact worth a question


def test_drafting_is_deterministic_and_the_same_for_one_article(articles, drafts):
    """Does drafting give the same questions twice, and for one article the same as in the whole run?"""
    assert draft_document(TITLE, articles) == drafts
    alone = draft_document(TITLE, articles, only={6})
    assert alone == find(drafts, 6) and len(alone) == 3


def test_existing_questions_are_not_drafted_again(articles, drafts):
    """Is a sentence already asked (even worded differently, or as another type) skipped, and a re-run empty?"""
    existing = [
        Existing("fill", "活动场所接受境内捐赠，单笔金额超过____的，应当报县级以上民政部门备案", [],
                 {"blanks": [["10万元"]], "any_order": False}),
        Existing("judge", "根据条例，活动场所坚持“独立自主自办”原则。", [], True),
        Existing("short", "简述活动场所的设立条件", [], {"reference": "x"}),
    ]
    again = draft_document(TITLE, articles, existing=existing)
    answers = {d.answer[0][0] for d in again if d.type == "fill"}
    assert "10万元" not in answers and "独立自主自办" not in answers
    assert find(again, 5, "multiple")  # a short-answer question on the topic does not block the list
    own = [Existing(d.type, d.stem, d.options, _canonical(d)) for d in drafts]
    assert draft_document(TITLE, articles, existing=own) == []


def _canonical(d):
    if d.type == "fill":
        return {"blanks": d.answer, "any_order": False}
    if d.type in ("single", "multiple"):
        return ["ABCDEFGH".index(c) for c in d.answer]
    return d.answer


def test_amounts_skip_article_numbers_years_and_determiners():
    """Are 第三条, a bare year, 一人一票 and 十分 left alone, while 3个月, 三十日 and 5% are found?"""
    spans = amounts("依照第三条，2020年起，实行一人一票，十分重要，3个月内、三十日内、不低于5%。")
    assert [s.answer for s in spans] == ["3个月", "三十日", "5%"]
    assert [s.answer for s in amounts("自2024年5月1日起施行")] == ["2024年5月1日"]


def test_options_keep_the_form_of_the_list(drafts):
    """Do the wrong options of a 情形 list end in 的 like its items, and those of a 条件 list not?"""
    for article in (5, 10, 13, 14):
        (d,) = [d for d in find(drafts, article) if d.rule == "enumeration"]
        endings = {o.endswith("的") for o in d.options}
        assert endings == ({True} if article in (13, 14) else {False}), d.options


def test_near_misses_are_plausible_and_days_of_the_year_are_dates():
    """Are ages offered near the right one, and 每年5月31日 blanked as a date, not as 31日?"""
    text = ["负责人年龄不超过70周岁，每届任期5年。", "机构应当于每年5月31日前报送年度工作报告。"]
    drafts = draft_document("测试办法", [ArticleText(4, [text[0]]), ArticleText(6, [text[1]])])
    ages = next(d for d in drafts if d.type == "single" and "周岁" in d.options[0])
    assert ages.options == ["65周岁", "70周岁", "75周岁", "80周岁"]
    assert [s.answer for s in amounts(text[1])] == ["5月31日"]
