"""The pure grading core: every type, both multiple-choice policies, normalisation, and bounds."""
from hypothesis import given
from hypothesis import strategies as st

from trainer.grading.normalise import normalise_text
from trainer.grading.types import TYPES, QuestionSpec, check_question, grade, points_for, type_from_text

SINGLE = QuestionSpec("single", "题（ ）", ["甲", "乙", "丙", "丁"], [1])
MULTI = QuestionSpec("multiple", "题（ ）", ["甲", "乙", "丙", "丁"], [0, 2, 3])
JUDGE = QuestionSpec("judge", "题", [], False)
FILL = QuestionSpec("fill", "a____b____", [], {"blanks": [["登记", "登记手续"], ["30日"]], "any_order": False})
FILL_ANY = QuestionSpec("fill", "____和____", [], {"blanks": [["保护合法"], ["制止非法"]], "any_order": True})
SHORT = QuestionSpec("short", "简述", [], {"reference": "…", "points": [
    {"point": "保护合法", "keywords": ["保护合法"]}, {"point": "打击犯罪", "keywords": ["打击", "犯罪"]}]})


def test_single_choice():
    """Is a single choice right only with the key, and unanswered when empty?"""
    assert grade(SINGLE, 1).state == "right"
    assert grade(SINGLE, 0).fraction == 0 and grade(SINGLE, 0).state == "wrong"
    assert grade(SINGLE, None).state == "unanswered"
    assert TYPES["single"].normalise("9", SINGLE) is None


def test_multiple_all_or_nothing():
    """Does all-or-nothing give nothing for a partly right choice?"""
    assert grade(MULTI, [0, 2, 3]).fraction == 1
    assert grade(MULTI, [0, 2]).fraction == 0


def test_multiple_partial_policy():
    """Does the partial policy give a share per right choice and void on any wrong choice?"""
    g = grade(MULTI, [0, 2], "partial")
    assert g.state == "partial" and abs(g.fraction - 2 / 3) < 1e-9
    assert grade(MULTI, [0, 1], "partial").fraction == 0
    assert grade(MULTI, [0, 2, 3], "partial").fraction == 1


def test_judge_answers_in_chinese():
    """Are 对/错/√/× all understood?"""
    jt = TYPES["judge"]
    assert [jt.normalise(v, JUDGE) for v in ["对", "错", "√", "×", "正确", "错误", "x"]] == [
        True, False, True, False, True, False, False]
    assert grade(JUDGE, False).state == "right" and grade(JUDGE, True).state == "wrong"


def test_fill_normalises_width_space_punctuation_case():
    """Do full-width, spaces, trailing punctuation and case not matter in blanks?"""
    assert grade(FILL, [" 登记 ", "３０日。"]).state == "right"
    assert grade(FILL, ["登记手续", "30日"]).state == "right"
    g = grade(FILL, ["登记", "60日"])
    assert g.state == "partial" and g.fraction == 0.5
    assert normalise_text("ＡＢＣ  d，") == "abc d"


def test_fill_any_order():
    """Are any-order blanks matched whatever order they come in, each only once?"""
    assert grade(FILL_ANY, ["制止非法", "保护合法"]).state == "right"
    assert grade(FILL_ANY, ["保护合法", "保护合法"]).fraction == 0.5


def test_short_answer_is_graded_by_a_person_with_a_suggestion():
    """Does a short answer wait for a grader and suggest a score from the scoring points?"""
    g = grade(SHORT, "坚持保护合法，依法打击各类犯罪")
    assert g.state == "needs_grading" and g.fraction is None and g.suggested == 1.0
    assert grade(SHORT, "保护合法").suggested == 0.5
    assert grade(SHORT, "").state == "unanswered"


def test_check_rules_of_each_type():
    """Are malformed questions of each type refused with a reason?"""
    assert check_question(QuestionSpec("single", "x", ["a", "b"], [0, 1]))
    assert check_question(QuestionSpec("single", "x", ["a"], [0]))
    assert check_question(QuestionSpec("multiple", "x", ["a", "b", "c"], [0]))
    assert check_question(QuestionSpec("single", "x", ["a", "a"], [0]))
    assert check_question(QuestionSpec("judge", "x", [], "yes"))
    assert check_question(QuestionSpec("fill", "no blank", [], {"blanks": [["a"]]}))
    assert check_question(QuestionSpec("fill", "a____b____", [], {"blanks": [["a"]]}))
    assert check_question(QuestionSpec("short", "x", [], {"reference": ""}))
    assert check_question(QuestionSpec("essay", "x"))
    assert not check_question(SINGLE) and not check_question(MULTI) and not check_question(FILL)


def test_type_names_in_chinese():
    """Are the type names admins write recognised?"""
    assert [type_from_text(t) for t in ["单选", "多选题", "【判断】", "填空", "简答题", "单项选择"]] == [
        "single", "multiple", "judge", "fill", "short", "single"]


responses = st.one_of(st.none(), st.integers(-5, 10), st.text(max_size=20), st.booleans(),
                      st.lists(st.one_of(st.integers(-3, 10), st.text(max_size=5)), max_size=6))


@given(raw=responses, policy=st.sampled_from(["all_or_nothing", "partial"]),
       points=st.floats(0.5, 20, allow_nan=False))
def test_scores_stay_within_points(raw, policy, points):
    """Whatever arrives, is every auto-graded score within [0, points]?"""
    for spec in (SINGLE, MULTI, JUDGE, FILL, FILL_ANY):
        qt = TYPES[spec.type]
        g = qt.grade(spec, qt.normalise(raw, spec), policy)
        earned = points_for(g, points)
        assert 0 <= earned <= points + 1e-9


@given(text=st.text(max_size=200))
def test_short_suggestion_is_a_share(text):
    """Is the suggested share of a short answer always within [0, 1]?"""
    g = TYPES["short"].grade(SHORT, text)
    assert g.suggested is None or 0 <= g.suggested <= 1
