"""Every report table as an Excel workbook (trainer.tabular escapes formula-looking cells)."""
from __future__ import annotations

from trainer.grading.types import TYPE_LABELS
from trainer.reports import analysis, service
from trainer.tabular import build_workbook
from trainer.timeutil import format_local


def pct(share: float | None) -> float | str:
    """A share 0..1 as a percentage with one decimal, blank when unknown."""
    return "" if share is None else round(100 * share, 1)


def num(value: float | None, digits: int = 1) -> float | str:
    return "" if value is None else round(value, digits)


def exams(scope: service.Scope) -> bytes:
    pg, rows = service.list_exams(scope, 1)
    out = rows
    for p in range(2, pg.pages + 1):
        out += service.list_exams(scope, p)[1]
    return build_workbook([("考试成绩汇总", ["考试", "开始时间", "参加人数", "平均分(%)", "通过率(%)"],
                            [[r.exam.title, format_local(r.exam.opens_at), r.taken, num(r.mean), pct(r.pass_rate)]
                             for r in out])])


def exam(r: service.ExamReport) -> bytes:
    units = [[u.unit.name if u.unit else "（未分配单位）", u.expected, u.taken, pct(u.participation), num(u.mean),
              pct(u.pass_rate), len(u.missing)] for u in r.units]
    missing = [[u.unit.name if u.unit else "（未分配单位）", p.name, p.username] for u in r.units for p in u.missing]
    summary = [["应参加", r.expected], ["已参加", r.taken], ["参与率(%)", pct(r.participation)],
               ["通过率(%)", pct(r.pass_rate)], ["平均分(%)", num(r.mean)], ["中位数(%)", num(r.median)],
               ["最低(%)", num(r.lowest)], ["最高(%)", num(r.highest)], ["待阅卷", r.waiting]]
    hist = [[label, n] for label, n in zip(analysis.bin_labels(), r.histogram)]
    return build_workbook([("概况", ["项目", "数值"], summary), ("各单位", ["单位", "应参加", "已参加", "参与率(%)",
                                                                    "平均分(%)", "通过率(%)", "未参加"], units),
                           ("未参加人员", ["单位", "姓名", "用户名"], missing), ("分数分布", ["得分段(%)", "人数"], hist)])


def items(rows: list[service.ItemRow], across: bool = False) -> bytes:
    header = ["题目编号", "题型", "题干", "出处", "作答数", "答对率(%)", "区分度D", "点二列相关", "选项分布", "待复核原因"]
    if across:
        header.insert(4, "考试场次")
    out = []
    for r in rows:
        opts = "；".join(f"{label}{'✓' if ok else ''} {n}（{round(100 * s)}%）" for label, n, s, ok in r.option_shares)
        row = [r.question_id, TYPE_LABELS.get(r.version.type, r.version.type), r.version.stem, r.version.reference, r.stats.n, pct(r.stats.facility),
               num(r.stats.discrimination, 2), num(r.stats.point_biserial, 2), opts, "；".join(r.flags)]
        if across:
            row.insert(4, r.exams)
        out.append(row)
    return build_workbook([("试题分析", header, out)], widths={"题干": 60, "选项分布": 40, "待复核原因": 30})


def articles(m: service.Mastery) -> bytes:
    units = m.units if len(m.units) > 1 else []
    header = ["文件", "条款", "作答数", f"{m.scope.label}答对率(%)"] + [u.name for u in units]
    rows = [[r.document, r.label, r.answers, pct(r.share())] + [pct(r.share(u.id)) for u in units] for r in m.rows]
    return build_workbook([("条款掌握情况", header, rows)])


def cadre(r: service.CadreReport) -> bytes:
    sheets = [("考试成绩", ["考试", "交卷时间", "得分", "满分", "得分率(%)", "是否通过"],
               [[title, format_local(a.submitted_at), num(a.score), num(a.max_score), num(a.percent),
                 "通过" if a.passed else "未通过"] for a, title in r.attempts]),
              ("每周平均", ["周", "平均得分率(%)"], [[w, num(v)] for w, v in r.weeks]),
              ("错题本", ["在册错题", "已掌握"], [[r.book_open, r.book_mastered]])]
    if r.attendance is not None:
        a = r.attendance
        sheets.append(("夜校出勤", ["应到场次", "出席", "迟到", "请假", "缺席", "出勤率(%)"],
                       [[a.get("sessions", 0), a.get("present", 0), a.get("late", 0), a.get("leave", 0),
                         a.get("absent", 0), pct(a.get("rate"))]]))
    return build_workbook(sheets)


def units(rates: service.UnitRates) -> bytes:
    sheets = []
    if rates.attendance is not None:
        sheets.append(("夜校出勤", ["单位", "应到人次", "实到人次", "出勤率(%)"],
                       [[r.get("unit_name", ""), r.get("expected", 0), r.get("attended", 0), pct(r.get("rate"))]
                        for r in rates.attendance]))
    if rates.reviews is not None:
        sheets.append(("复盘提交", ["单位", "应交份数", "已交份数", "提交率(%)"],
                       [[r.get("unit_name", ""), r.get("expected", 0), r.get("submitted", 0), pct(r.get("rate"))]
                        for r in rates.reviews]))
    if not sheets:
        sheets.append(("说明", ["说明"], [["夜校与复盘模块均未启用，暂无出勤与复盘数据"]]))
    return build_workbook(sheets)
