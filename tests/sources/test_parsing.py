"""Parsing official texts: title, chapters, sections, articles, paragraphs and items; warnings with lines."""
from trainer.cnnum import cn_to_int, int_to_cn
from trainer.sources.parsing import parse_text


def test_synthetic_regulation_structure(synthetic_text):
    """Are the title, note, chapters, sections, articles, 款 and 项 of the test regulation all found?"""
    p = parse_text(synthetic_text)
    assert p.ok and p.warnings == []
    assert p.title == "活动场所管理条例（测试用虚构文本）"
    assert p.note.startswith("（本文为自动化测试编写")
    assert [(c.label, c.title) for c in p.chapters] == [
        ("第一章", "总则"), ("第二章", "设立"), ("第三章", "管理"), ("第四章", "法律责任"), ("第五章", "附则")]
    assert [(s.label, s.title, s.parent) for s in p.sections] == [("第一节", "申请", 1), ("第二节", "登记", 1)]
    assert [a.number for a in p.articles] == list(range(1, 16))
    art5 = p.articles[4]
    assert art5.paragraphs[0] == "设立活动场所，应当具备下列条件："
    assert art5.paragraphs[1:] == ["（一）设立宗旨不违背本条例的规定；", "（二）有30人以上的固定参加人员；",
                                   "（三）有拟主持活动的合格人员；", "（四）有必要的资金，资金来源渠道合法；",
                                   "（五）法律、行政法规规定的其他条件。"]
    assert len(p.articles[2].paragraphs) == 3  # three 款
    assert (art5.chapter, art5.section) == (1, 0)
    assert (p.articles[6].chapter, p.articles[6].section) == (1, 1)
    assert p.articles[8].section is None
    assert [n for _c, n in p.chapter_ranges()][1] == [5, 6, 7, 8]


def test_text_before_the_first_article_is_warned_and_kept():
    """Is stray text before 第一条 reported with its line and kept, not dropped?"""
    text = "某某办法\n\n印发说明：请各单位遵照执行。\n第一条　为了测试，制定本办法。\n第二条　本办法自公布之日起施行。\n"
    p = parse_text(text)
    assert p.ok and p.title == "某某办法"
    assert p.preamble == ["印发说明：请各单位遵照执行。"]
    assert [(w.line, "印发说明" in w.reason) for w in p.warnings] == [(3, True)]


def test_heading_that_breaks_the_sequence_is_body_text():
    """Does a line that looks like an earlier article's heading stay in the text, with a warning?"""
    text = ("测试办法\n第一条　甲。\n第二条　乙。\n第三条　丙：\n第二条 所列事项，由办公室负责。\n第四条　丁。\n")
    p = parse_text(text)
    assert [a.number for a in p.articles] == [1, 2, 3, 4]
    assert p.articles[2].paragraphs == ["丙：", "第二条 所列事项，由办公室负责。"]
    assert len(p.warnings) == 1 and p.warnings[0].line == 5 and "编号不连续" in p.warnings[0].reason


def test_a_gap_in_the_numbering_is_warned():
    """Is a missing article reported (and the next one still read)?"""
    p = parse_text("测试办法\n第一条　甲。\n第二条　乙。\n第五条　戊。\n")
    assert [a.number for a in p.articles] == [1, 2, 5]
    assert "缺少第三条至第四条" in p.warnings[0].reason and p.warnings[0].line == 4


def test_wrapped_lines_join_and_cross_references_are_not_headings():
    """Do hard-wrapped lines (as a PDF gives them) join, and 第十条规定的… at a line start stay text?"""
    text = ("测试办法\n第一条　违反本办法\n第十条规定的，\n由主管部门责令改正。\n第二条　活动场所应当\n"
            "建立制度。\n第三条　丙。\n")
    p = parse_text(text)
    assert [a.number for a in p.articles] == [1, 2, 3]
    assert p.articles[0].paragraphs == ["违反本办法第十条规定的，由主管部门责令改正。"]
    assert p.articles[1].paragraphs == ["活动场所应当建立制度。"]
    assert p.warnings == []


def test_table_of_contents_is_skipped_and_titles_on_their_own_line():
    """Is a 目录 of chapters skipped, and a chapter title on the line after 第一章 taken as its title?"""
    text = ("测试条例\n目录\n第一章 总则\n第二章 附则\n第一章\n总　　则\n第一条　甲。\n第二章　附则\n第二条　乙。\n")
    p = parse_text(text)
    assert [(c.number, c.title) for c in p.chapters] == [(1, "总则"), (2, "附则")]
    assert [a.chapter for a in p.articles] == [0, 1]
    assert any("目录" in w.reason for w in p.warnings)


def test_numbers_into_the_hundreds_and_page_numbers():
    """Do articles run past 第九十九条 into 第一百零一条, with PDF page numbers ignored?"""
    lines = ["长条例"] + [f"第{int_to_cn(n)}条　第{n}条的内容。" + ("\n- 3 -" if n == 50 else "") for n in range(1, 106)]
    p = parse_text("\n".join(lines))
    assert p.ok and len(p.articles) == 105 and p.articles[-1].number == 105
    assert p.articles[100].number == 101 and p.articles[49].paragraphs == ["第50条的内容。"]
    assert cn_to_int("一百零五") == 105 and int_to_cn(101) == "一百零一"


def test_items_with_half_width_brackets_are_normalised():
    """Are items written (1) or (一) kept as （一） items?"""
    p = parse_text("测试办法\n第一条　包括下列事项：\n(一)甲；\n（二）乙。\n")
    assert p.articles[0].paragraphs == ["包括下列事项：", "（一）甲；", "（二）乙。"]


def test_text_without_articles_is_an_error_with_a_line():
    """Is a text with no 第一条 refused with a line-numbered reason?"""
    p = parse_text("会议纪要\n今天开会讨论了培训工作。\n")
    assert not p.ok and p.errors[0].line == 1 and "没有找到任何条文" in p.errors[0].reason


def test_article_without_text_and_missing_title_are_errors():
    """Are an empty article and a missing title errors, each with its line?"""
    p = parse_text("第一条\n第二条　乙。\n")
    reasons = [(e.line, e.reason) for e in p.errors]
    assert (1, "第一条没有正文") in reasons
    assert any("标题" in r for _l, r in reasons)
    given = parse_text("第一条\n第二条　乙。\n", title="给定标题")
    assert [(e.line, e.reason) for e in given.errors] == [(1, "第一条没有正文")]
