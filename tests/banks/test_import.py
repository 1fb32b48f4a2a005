"""Import behaviour: all-or-nothing, re-import, versions, retire, dry run, bad inputs, the CLI."""
import io
import zipfile

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.conftest import bank_yaml
from trainer.banks import importing, service
from trainer.banks.models import Question, QuestionStatus, QuestionVersion, ReviewState
from trainer.extensions import db


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "出处", "难度", "章节", "标签"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = ["单选", "好题（ ）", "甲", "乙", "丙", "丁", "A", "解析", "第一条", 2, "第一章", ""]


def test_reimport_changes_nothing(app):
    """Does importing the same file twice report unchanged and write no versions?"""
    data = bank_yaml("bb", 20).encode()
    assert importing.import_bank(data, "bb.yaml").imported == 20
    versions = _count(QuestionVersion)
    again = importing.import_bank(data, "bb.yaml")
    assert again.summary() == "imported 0, updated 0, unchanged 20"
    assert _count(QuestionVersion) == versions


def test_changed_question_becomes_a_new_version(app):
    """Does an edited question get version 2 while version 1 stays as it was?"""
    doc = yaml.safe_load(bank_yaml("bb", 5))
    importing.import_bank(yaml.safe_dump(doc, allow_unicode=True).encode(), "bb.yaml")
    doc["questions"][0]["stem"] = "改过的题干（ ）"
    report = importing.import_bank(yaml.safe_dump(doc, allow_unicode=True).encode(), "bb.yaml")
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 4)
    q = db.session.scalar(select(Question).where(Question.key == "q0001"))
    assert q.current_n == 2 and [v.stem for v in q.versions] == ["单选题0（ ）", "改过的题干（ ）"]


def test_missing_questions_are_kept_unless_asked(app):
    """Are questions absent from a re-import left alone, and retired only on request?"""
    importing.import_bank(bank_yaml("bb", 10).encode(), "bb.yaml")
    smaller = bank_yaml("bb", 6).encode()
    assert importing.import_bank(smaller, "bb.yaml").retired == 0
    assert _count(Question) == 10
    report = importing.import_bank(smaller, "bb.yaml", retire_missing=True)
    assert report.retired == 4
    retired = db.session.scalar(select(func.count()).select_from(Question).where(Question.status == QuestionStatus.retired))
    assert retired == 4


def test_dry_run_writes_nothing(app):
    """Does a dry run plan the import without writing?"""
    report = importing.import_bank(bank_yaml("bb", 8).encode(), "bb.yaml", dry_run=True)
    assert report.imported == 8 and not report.written
    assert _count(Question) == 0


def test_review_state_comes_from_the_file(app):
    """Do questions of a file reviewed by a named reviewer enter as reviewed, and drafts as drafts?"""
    importing.import_bank(bank_yaml("rr", 3, review="reviewed").encode(), "rr.yaml")
    importing.import_bank(bank_yaml("dd", 3, review="draft").encode(), "dd.yaml")
    states = dict(db.session.execute(select(Question.bank_id, Question.review_state).distinct()).all())
    assert set(states.values()) == {ReviewState.reviewed, ReviewState.draft}
    q = db.session.scalar(select(Question).where(Question.review_state == ReviewState.reviewed))
    assert q.reviewed_by_name == "测试复核组"


def test_near_duplicate_stems_are_warned(app):
    """Are stems that differ only in punctuation reported as warnings?"""
    rows = [GOOD, ["单选", "好题 ( )", "甲", "乙", "丙", "丁", "B", "解析", "第一条", 2, "第一章", ""]]
    report = importing.import_bank(_xlsx(rows), "d.xlsx", bank_slug="dup")
    assert report.ok and any("几乎相同" in w.reason for w in report.warnings)


def _fails(data: bytes, name: str, expected: str, **kw):
    before = (_count(Question), _count(QuestionVersion))
    report = importing.import_bank(data, name, bank_slug=kw.pop("bank_slug", "bad"), **kw)
    assert not report.ok, "import should fail"
    text = " ".join(report.error_lines())
    assert expected in text, text
    assert (_count(Question), _count(QuestionVersion)) == before
    return report


def test_one_bad_row_writes_nothing(app):
    """Does one bad row among good ones stop the whole file, naming file, row and field?"""
    report = _fails(_xlsx([GOOD, GOOD[:1] + ["第二题（ ）"] + GOOD[2:6] + [""] + GOOD[7:]]), "b.xlsx", "缺少答案")
    assert report.error_lines()[0].startswith("b.xlsx:3: 答案：")


@pytest.mark.parametrize("row,expected", [
    (["单选", "题（ ）", "甲", "乙", "丙", "丁", "E", "", "", "", "", ""], "超出选项范围"),
    (["单选", "题（ ）", "甲", "乙", "丙", "丁", "AB", "", "", "", "", ""], "有且只有一个正确答案"),
    (["多选", "题（ ）", "甲", "乙", "丙", "丁", "A", "", "", "", "", ""], "至少要有两个正确答案"),
    (["单选", "", "甲", "乙", "丙", "丁", "A", "", "", "", "", ""], "题干不能为空"),
    (["论述题型", "题", "", "", "", "", "A", "", "", "", "", ""], "未知题型"),
    (["单选", "题（ ）", "甲", "甲", "", "", "A", "", "", "", "", ""], "重复的选项"),
    (["单选", "题（ ）", "甲", "乙", "丙", "丁", "A", "", "", "9", "", ""], "难度应为 1–5"),
    (["判断", "题", "", "", "", "", "也许", "", "", "", "", ""], "判断题答案"),
    (["填空", "没有空的题", "", "", "", "", "答", "", "", "", "", ""], "没有空"),
])
def test_bad_rows_are_refused(app, row, expected):
    """Is each kind of bad question refused with its reason?"""
    _fails(_xlsx([GOOD, row]), "b.xlsx", expected)


def test_duplicate_option_letters_in_text(app):
    """Are duplicate option letters in pasted text refused?"""
    _fails("1. 题（ ）\nA. 甲\nB. 乙\nB. 丙\n答案：A\n".encode(), "p.txt", "选项 B 重复")


def test_truncated_and_renamed_files(app):
    """Are a truncated .xlsx and a text file renamed .xlsx refused?"""
    good = _xlsx([GOOD])
    _fails(good[: len(good) // 2], "cut.xlsx", "Excel")
    _fails(b"just some text", "fake.xlsx", "不是有效的 Excel")


def test_empty_file(app):
    """Is an empty file refused?"""
    _fails(b"", "empty.csv", "文件是空的")


def test_wrong_encoding(app):
    """Is a file in an encoding that is neither UTF-8 nor GBK refused with a message?"""
    _fails(b"\xff" * 10 + b"abc,def\n", "bad.csv", "编码")


def test_xml_entity_expansion_is_refused(app):
    """Is a billion-laughs XML refused without expanding it?"""
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<quiz><question type="essay"><questiontext><text>&lol2;</text></questiontext></question></quiz>"""
    _fails(bomb, "bomb.xml", "DTD")


def test_xml_external_entity_is_refused(app):
    """Is an XML external entity (XXE) refused?"""
    xxe = b"""<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&x;</text></questiontext></question></quiz>"""
    _fails(xxe, "xxe.xml", "DTD")


def test_gift_unbalanced_braces(app):
    """Is a GIFT question with unbalanced braces refused with its line?"""
    report = _fails(b"// x\n\n::a:: question {=yes ~no\n\n::b:: fine {T}\n", "u.gift", "大括号")
    assert report.errors[0].line == 3


def test_export_escapes_formula_cells(app):
    """Do exported cells that begin with = + - @ carry a leading quote so Excel runs nothing?"""
    doc = {"slug": "ff", "title": "公式", "questions": [{"type": "single", "stem": '=HYPERLINK("http://x")（ ）',
                                                        "options": ["+1", "-2", "@3", "丁"], "answer": "A"}]}
    assert importing.import_bank(yaml.safe_dump(doc, allow_unicode=True).encode(), "f.yaml").ok
    ws = load_workbook(io.BytesIO(service.export_bank("ff", "xlsx"))).active
    values = [c.value for c in ws[2]]
    assert "'=HYPERLINK(\"http://x\")（ ）" in values and "'+1" in values and "'-2" in values and "'@3" in values
    # and importing the export gives the original text back
    again = importing.import_bank(service.export_bank("ff", "xlsx"), "f2.xlsx", bank_slug="ff2")
    assert again.items[0].data.stem.startswith("=HYPERLINK")


def test_cli_import_prints_counts_and_errors(runner, tmp_path):
    """Does the CLI print the counts, or PATH:LINE reasons and exit 1?"""
    good = tmp_path / "good.yaml"
    good.write_text(bank_yaml("cli", 4), encoding="utf-8")
    result = runner.invoke(args=["import-bank", str(good)])
    assert result.exit_code == 0 and "imported 4, updated 0, unchanged 0" in result.output
    result = runner.invoke(args=["import-bank", str(good), "--dry-run"])
    assert "unchanged 4" in result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([GOOD, ["单选", "x（ ）", "甲", "乙", "", "", "C", "", "", "", "", ""]]))
    result = runner.invoke(args=["import-bank", str(bad), "--bank", "cli"])
    assert result.exit_code == 1
    assert f"{bad}:3: 答案：答案 C 超出选项范围（共 2 个选项）" in result.output
    listing = runner.invoke(args=["list-banks"])
    assert "cli" in listing.output and "共 4 题" in listing.output
    out = tmp_path / "out.gift"
    assert runner.invoke(args=["export-bank", "cli", "--format", "gift", "--output", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").count("::q000") == 4


def test_xlsx_zip_with_no_sheet_data(app):
    """Is a zip that is not a workbook refused cleanly?"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    _fails(buf.getvalue(), "z.xlsx", "Excel")


@pytest.mark.parametrize("where", ["stem", "option", "explanation"])
def test_control_characters_are_refused_with_their_line(app, where):
    """Does a NUL byte (a damaged file; PostgreSQL cannot store it) give a clear error on its line and import nothing?"""
    text = "1. 题干{s}\nA. 甲{o}\nB. 乙\nANSWER: A\n".format(s="\x00" if where == "stem" else "",
                                                         o="\x00" if where == "option" else "")
    if where == "explanation":
        text = '{"questions": [{"type": "single", "stem": "题干", "options": ["甲", "乙"], "answer": "A", ' \
               '"explanation": "解析\\u0000"}]}'
    fmt = "json" if where == "explanation" else "aiken"
    report = importing.import_bank(text.encode(), f"damaged.{fmt}", fmt=fmt, bank_slug="damaged")
    assert report.errors and any("控制字符" in e.reason for e in report.errors), report.errors
    assert not report.written and _count(Question) == 0
