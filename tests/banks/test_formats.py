"""Every import format, and export → import round trips for every export format."""
import io

import pytest
from openpyxl import Workbook

from tests.conftest import bank_yaml
from trainer.banks import importing, service
from trainer.banks.importers import ParseError, parse

ALL_TYPES_YAML = """
slug: rt
title: 往返测试
source: 宗教事务条例
source_version: 2017年修订
review: {state: reviewed, by: 复核组, at: 2026-11-29}
chapters:
  - {code: "1", title: 第一章 总则}
  - {code: "2", title: 第二章 宗教团体}
questions:
  - {key: a1, chapter: "1", type: single, stem: "原则包括保护合法、制止非法和（ ）。", options: ["打击犯罪", "依法治理", "综合治理: 兼顾"], answer: A, explanation: "第三条。", reference: 第三条, difficulty: 2, tags: [原则, 常考]}
  - {key: a2, chapter: "1", type: multiple, stem: "下列属于原则的有（ ）。", options: ["保护合法", "制止非法", "独立自主", "=SUM(A1)"], answer: ABD, explanation: "第三条", reference: 第三条, difficulty: 3}
  - {key: a3, chapter: "2", type: judge, stem: "宗教团体不受外国势力的支配。", answer: true, explanation: "第五条", reference: 第五条}
  - {key: a4, chapter: "2", type: judge, stem: "错的判断题 {不} ~ = #。", answer: 错, explanation: "含特殊字符", reference: 第五条}
  - {key: a5, chapter: "2", type: fill, stem: "依照规定办理____。", answer: [[登记, 登记手续]], explanation: "第七条", reference: 第七条}
  - {key: a6, chapter: "2", type: fill, stem: "____与____相结合。", answer: [甲, 乙], any_order: true, explanation: "两空", reference: 第七条}
  - {key: a7, chapter: "1", type: short, stem: "简述原则。", answer: "保护合法、制止非法。", scoring_points: [{point: 保护合法, keywords: [保护合法]}, 制止非法], explanation: "第三条", reference: 《宗教事务条例》第三条, difficulty: 4}
"""


def _import(data: bytes, name: str, **kw):
    return importing.import_bank(data, name, **kw)


def _questions(slug):
    """Comparable content of a bank's questions: key → (content hash, chapter title, review)."""
    bank = service.get_bank(slug)
    titles = {c.id: c.title for c in bank.chapters}
    return {q.key: (q.current.content_hash, titles.get(q.chapter_id), q.review_state.value)
            for q in bank_questions(bank)}


def bank_questions(bank):
    from sqlalchemy import select

    from trainer.banks.models import Question
    from trainer.extensions import db

    return list(db.session.scalars(select(Question).where(Question.bank_id == bank.id)))


@pytest.mark.parametrize("fmt", ["yaml", "xlsx", "gift", "moodle-xml"])
def test_export_then_import_gives_the_same_questions(app, fmt):
    """Does every export format import back into identical questions?"""
    assert _import(ALL_TYPES_YAML.encode(), "rt.yaml").ok
    data = service.export_bank("rt", fmt)
    report = _import(data, f"rt-export.{ {'yaml': 'yaml', 'xlsx': 'xlsx', 'gift': 'gift', 'moodle-xml': 'xml'}[fmt]}",
                     bank_slug="copy")
    assert report.ok, report.error_lines()
    assert report.imported == 7
    assert _questions("copy") == _questions("rt")


def test_json_has_the_yaml_structure(app):
    """Does a JSON bank import like its YAML twin?"""
    import json

    import yaml

    doc = yaml.safe_load(ALL_TYPES_YAML)
    report = _import(json.dumps(doc, ensure_ascii=False, default=str).encode(), "rt.json")
    assert report.ok, report.error_lines()
    assert report.imported == 7


def _xlsx(rows, header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header or ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H",
                         "答案", "解析", "出处", "难度", "章节", "标签"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_answers_as_admins_write_them(app):
    """Are A, ABD, A、B、D, 对/错/√/× and blanks with | all read?"""
    e = [""] * 4
    rows = [
        ["单选", "题一（ ）", "a", "b", "c", "d", *e, "B", "解", "第一条", 2, "第一章", "x"],
        ["多选", "题二（ ）", "a", "b", "c", "d", *e, "A、B、D", "解", "第一条", 3, "第一章", ""],
        ["多选", "题三（ ）", "a", "b", "c", "d", *e, "ACD", "解", "第一条", 3, "第二章", ""],
        ["判断", "题四", *([""] * 8), "√", "解", "第一条", 1, "第二章", ""],
        ["判断", "题五", *([""] * 8), "错误", "解", "第一条", 1, "第二章", ""],
        ["填空", "题六____和____", *([""] * 8), "甲/甲甲|乙", "解", "第一条", 1, "第二章", ""],
        ["", "题七（ ）", "a", "b", "", "", *e, "ab", "推断为多选", "第一条", "", "", ""],
    ]
    report = _import(_xlsx(rows), "bank.xlsx", bank_slug="x1")
    assert report.ok, report.error_lines()
    types = [i.data.type for i in report.items]
    assert types == ["single", "multiple", "multiple", "judge", "judge", "fill", "multiple"]
    answers = [i.data.answer for i in report.items]
    assert answers[1] == [0, 1, 3] and answers[3] is True and answers[4] is False
    assert answers[5]["blanks"] == [["甲", "甲甲"], ["乙"]]
    assert [c.title for c in service.get_bank("x1").chapters] == ["第一章", "第二章"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding(app, encoding):
    """Is a CSV read in UTF-8, UTF-8 with BOM and GBK?"""
    text = "题型,题干,选项A,选项B,答案,解析,出处,难度,章节,标签\n单选,宗教团体（ ）,登记,备案,A,解析,第七条,2,第二章,\n"
    report = _import(text.encode(encoding), "bank.csv", bank_slug="c1")
    assert report.ok, report.error_lines()
    assert report.items[0].data.stem == "宗教团体（ ）"


def test_pasted_text_as_exam_platforms_print_it(app):
    """Are numbered stems, A./A、/A． options, full-width letters, section headers, tags and inline keys read?"""
    text = """一、单选题（每题2分）
1．宗教事务管理坚持保护合法、制止非法、遏制极端、抵御渗透、（ A ）的原则。
A．打击犯罪    B．依法治理
C、综合治理    D. 源头治理
解析：第三条。
出处：第三条

二、多选题
2、下列属于宗教事务管理原则的有（　）。
Ａ．保护合法
Ｂ．制止非法
Ｃ．遏制极端
Ｄ．独立自主
答案：A、B、C
难度：３

三、判断题
3. 宗教团体不受外国势力的支配。（√）

4.【填空】依照规定办理____。
答案：登记
5.【简答】简述原则。
答案：保护合法，
制止非法。
评分要点：保护合法〔保护合法〕|制止非法
"""
    report = _import(text.encode(), "paste.txt", bank_slug="t1")
    assert report.ok, report.error_lines()
    data = [i.data for i in report.items]
    assert [d.type for d in data] == ["single", "multiple", "judge", "fill", "short"]
    assert data[0].answer == [0] and "（ ）" in data[0].stem and data[0].reference == "第三条"
    assert data[1].answer == [0, 1, 2] and data[1].difficulty == 3
    assert data[2].answer is True
    assert data[4].answer["reference"] == "保护合法，\n制止非法。" and len(data[4].answer["points"]) == 2


def test_aiken(app):
    """Is an Aiken file read as single-choice questions?"""
    text = "What is 2+2?\nA. 3\nB. 4\nANSWER: B\n\nSecond?\nA) x\nB) y\nANSWER: A\n"
    report = _import(text.encode(), "q.aiken", bank_slug="a1")
    assert report.ok, report.error_lines()
    assert [i.data.answer for i in report.items] == [[1], [0]]


def test_gift_from_moodle(app):
    """Is a GIFT file written for Moodle (no trainer comments) read, with skipped types reported?"""
    gift = """// comment
$CATEGORY: $course$/政策/第一章

::Q1:: 宗教团体须办理什么手续？ {=登记 =登记手续}

::Q2:: 正确的是 {~%50%甲 ~%50%乙 ~%-100%丙 #选项反馈 ####总体解析}

::Q3:: 对吗 {T}

::Q4:: 写一段话 {####应写到保护合法}

::Q5:: 配对 {=a -> 1 =b -> 2}

::Q6:: 数值 {#3:1}

::Q7:: 转义 \\{ 括号 \\} 和 \\= 号 {=对 ~错}
"""
    report = _import(gift.encode(), "m.gift", bank_slug="g1")
    assert report.ok, report.error_lines()
    d = {i.data.key: i.data for i in report.items}
    assert d["Q1"].type == "fill" and d["Q1"].answer["blanks"] == [["登记", "登记手续"]]
    assert d["Q2"].type == "multiple" and d["Q2"].answer == [0, 1] and d["Q2"].explanation == "总体解析"
    assert d["Q3"].answer is True and d["Q4"].type == "short"
    assert d["Q7"].stem == "转义 { 括号 } 和 = 号"
    assert len([w for w in report.warnings if "跳过" in w.reason]) == 2


def test_moodle_xml_with_html_and_cloze(app):
    """Is Moodle XML read: HTML stripped, cloze blanks, skipped types reported?"""
    xml = """<?xml version="1.0"?><quiz>
<question type="category"><category><text>$course$/第二章</text></category></question>
<question type="multichoice"><name><text>m1</text></name><questiontext format="html"><text><![CDATA[<p>选出<b>正确</b>项</p>]]></text></questiontext>
<single>false</single><answer fraction="50"><text>甲</text></answer><answer fraction="50"><text>乙</text></answer><answer fraction="-100"><text>丙</text></answer></question>
<question type="cloze"><name><text>c1</text></name><questiontext format="html"><text>{1:SHORTANSWER:=登记~=备案} 和 {1:SA:=三十日}</text></questiontext></question>
<question type="matching"><name><text>x</text></name><questiontext><text>配对</text></questiontext></question>
</quiz>"""
    report = _import(xml.encode(), "q.xml", bank_slug="x2")
    assert report.ok, report.error_lines()
    d = {i.data.key: i.data for i in report.items}
    assert d["m1"].stem == "选出正确项" and d["m1"].type == "multiple"
    assert d["c1"].answer["blanks"] == [["登记", "备案"], ["三十日"]] and d["c1"].stem == "____ 和 ____"
    assert any("matching" in w.reason for w in report.warnings)


def test_format_is_detected_from_the_name(app):
    """Is the format chosen by the file's extension when none is given?"""
    report = _import(bank_yaml("det", 3).encode(), "det.yml")
    assert report.ok and report.fmt == "yaml"


def test_yaml_error_names_the_line(app):
    """Does broken YAML say which line?"""
    with pytest.raises(ParseError) as err:
        parse(b"slug: a\nquestions:\n  - stem: [unclosed\n", "x.yaml", "yaml")
    assert err.value.issues[0].line >= 3
