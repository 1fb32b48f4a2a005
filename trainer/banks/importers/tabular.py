"""Excel (.xlsx) and CSV with the template's columns (题型, 题干, 选项A … 选项H, 答案, 解析, 出处, 难度, 章节, 标签)."""
from __future__ import annotations

from trainer.banks.content import Issue, RawQuestion
from trainer.banks.importers import ParseError, RawBank
from trainer.grading.types import LETTERS
from trainer.tabular import TableError, read_table, unescape_cell

COLUMNS = ["题型", "题干"] + [f"选项{c}" for c in LETTERS] + ["答案", "解析", "出处", "难度", "章节", "标签"]
OPTIONAL_COLUMNS = ["编号", "评分要点", "任意顺序", "审核状态"]
ALIASES = {"题目": "题干", "试题": "题干", "题目类型": "题型", "类型": "题型", "正确答案": "答案", "答案解析": "解析",
           "依据": "出处", "来源": "出处", "难易度": "难度", "章": "章节", "知识点": "标签", "题号": "编号", "key": "编号"}


def _column(name: str) -> str:
    name = name.strip().replace(" ", "")
    if name.upper().startswith("选项") and len(name) == 3:
        return "选项" + name[2].upper()
    if len(name) == 1 and name.upper() in LETTERS:
        return "选项" + name.upper()
    return ALIASES.get(name, name)


def parse_table(data: bytes, filename: str) -> RawBank:
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ParseError([Issue(0, "", str(exc))]) from exc
    header = [_column(h) for h in table.header]
    missing = [c for c in ("题干", "答案") if c not in header]
    if missing:
        raise ParseError([Issue(1, "", f"缺少列：{'、'.join(missing)}（请使用下载的模板）")])
    bank = RawBank()
    for line, cells in table.rows:
        row = {_column(k): unescape_cell(v) for k, v in cells.items()}
        options = [row.get(f"选项{c}", "") for c in LETTERS]
        while options and not options[-1]:
            options.pop()
        bank.questions.append(RawQuestion(
            line=line, type=row.get("题型") or None, stem=row.get("题干", ""), options=options,
            answer=row.get("答案", ""), explanation=row.get("解析", ""), reference=row.get("出处", ""),
            difficulty=row.get("难度") or None, tags=row.get("标签") or None, chapter=row.get("章节") or None,
            key=row.get("编号") or None, scoring_points=row.get("评分要点") or None,
            any_order=row.get("任意顺序", "").strip() in ("是", "1", "true", "TRUE", "√"),
            review={"已审核": "reviewed", "草稿": "draft"}.get(row.get("审核状态", "").strip()),
        ))
    if not bank.questions:
        raise ParseError([Issue(2, "", "没有题目数据")])
    return bank
