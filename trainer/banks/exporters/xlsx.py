"""Excel with the import template's columns (plus 编号, 评分要点, 任意顺序, 审核状态 so nothing is lost)."""
from __future__ import annotations

from trainer.banks.content import answer_text, format_scoring_points
from trainer.banks.exporters import ExportBank
from trainer.banks.importers.tabular import COLUMNS
from trainer.grading.types import TYPE_LABELS
from trainer.tabular import build_workbook

HEADER = ["编号"] + COLUMNS + ["评分要点", "任意顺序", "审核状态"]


def row(q, chapter_title: str) -> list:
    options = list(q.options) + [""] * (8 - len(q.options))
    return [q.key, TYPE_LABELS[q.type], q.stem, *options, answer_text(q.type, q.answer), q.explanation, q.reference,
            q.difficulty, chapter_title, "、".join(q.tags),
            format_scoring_points(q.answer["points"]) if q.type == "short" else "",
            "是" if q.type == "fill" and q.answer.get("any_order") else "",
            {"reviewed": "已审核", "draft": "草稿"}.get(q.review or "", "")]


def write(bank: ExportBank) -> bytes:
    rows = [row(q, bank.chapter_title(q.chapter)) for q in bank.questions]
    return build_workbook([(bank.title or bank.slug, HEADER, rows)],
                          widths={"题干": 60, "解析": 50, "出处": 18, "章节": 18, "编号": 12})


def template() -> bytes:
    """The template admins download: the columns, an example of every type, and notes."""
    examples = [
        ["", "单选", "宗教事务管理坚持保护合法、制止非法、遏制极端、抵御渗透、（ ）的原则。", "打击犯罪", "依法治理", "综合治理", "源头治理",
         "", "", "", "", "A", "第三条规定的五项原则之一。", "第三条", 2, "第一章 总则", "原则", "", "", ""],
        ["", "多选", "下列属于宗教事务管理原则的有（ ）。", "保护合法", "制止非法", "遏制极端", "独立自主", "", "", "", "",
         "ABC", "“独立自主自办”是第五条规定的另一项原则。", "第三条", 3, "第一章 总则", "原则", "", "", ""],
        ["", "判断", "宗教团体、宗教院校、宗教活动场所和宗教事务不受外国势力的支配。", "", "", "", "", "", "", "", "",
         "对", "第五条。", "第五条", 2, "第一章 总则", "", "", "", ""],
        ["", "填空", "宗教团体的成立、变更和注销，应当依照国家社会团体管理的有关规定办理____。", "", "", "", "", "", "", "",
         "", "登记", "第七条。", "第七条", 2, "第二章 宗教团体", "", "", "", ""],
        ["", "简答", "简述宗教事务管理的原则。", "", "", "", "", "", "", "", "",
         "保护合法、制止非法、遏制极端、抵御渗透、打击犯罪。", "第三条。", "第三条", 3, "第一章 总则", "",
         "保护合法〔保护合法〕|制止非法〔制止非法〕|遏制极端〔遏制极端〕|抵御渗透〔抵御渗透〕|打击犯罪〔打击犯罪〕", "", ""],
    ]
    notes = [
        ["题型", "单选、多选、判断、填空、简答（留空时按答案推断）"],
        ["题干", "单选、多选、判断题的括号写作（ ）；填空题每个空写作 ____（三个或以上下划线）"],
        ["选项A…选项H", "单选、多选题填写，2–8 个，按顺序连续填写"],
        ["答案", "单选：A；多选：ABD 或 A、B、D；判断：对/错、正确/错误、√/×；填空：各空用 | 分隔，一个空有几种写法用 / 分隔；简答：参考答案"],
        ["解析", "为什么是这个答案"],
        ["出处", "条号，如 第五十七条；其他文件写全称，如 《中国共产党统一战线工作条例》第五条"],
        ["难度", "1–5 的整数（1 易，3 中，5 难），或 易/中/难"],
        ["章节", "章节标题或编号，如 第一章 总则；不存在的章节会自动创建"],
        ["标签", "多个用顿号分隔"],
        ["编号", "选填：题库内唯一的题目编号；填写后，再次导入时改动的题目会生成新版本而不是新题"],
        ["评分要点", "简答题选填：各要点用 | 分隔，要点后可在〔〕中写关键词，如 打击犯罪〔打击犯罪〕"],
    ]
    return build_workbook([("题目", HEADER, examples), ("填写说明", ["列", "说明"], notes)],
                          widths={"题干": 60, "解析": 40, "答案": 16, "说明": 90})
