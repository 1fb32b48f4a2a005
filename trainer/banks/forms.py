from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.banks.importers import FORMAT_LABELS, FORMATS
from trainer.forms import Form, options
from trainer.grading.types import LETTERS, TYPE_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BankForm(Form):
    slug = StringField("题库标识", validators=[DataRequired("请填写题库标识"), Length(max=64),
                                             Regexp(r"^[a-z0-9][a-z0-9-]{1,63}$", message="只能用小写字母、数字和连字符")],
                       description="英文小写字母、数字、连字符，如 religious-affairs；创建后不能修改")
    title = StringField("题库名称", validators=[DataRequired("请填写题库名称"), Length(max=200)])
    source = StringField("依据文件", validators=[Optional(), Length(max=200)], description="如：宗教事务条例（不带书名号）")
    source_version = StringField("文件版本", validators=[Optional(), Length(max=64)], description="如：2017年修订")
    description = TextAreaField("说明", validators=[Optional(), Length(max=5000)])
    allow_drafts_in_practice = BooleanField("练兵时可抽取草稿题")


class BankEditForm(BankForm):
    slug = HiddenField()


class QuestionForm(Form):
    type = SelectField("题型", choices=options(TYPE_LABELS.items()))
    chapter_id = SelectField("章节", coerce=int, validate_choice=False)
    key = StringField("编号", validators=[Optional(), Length(max=64)], description="留空自动生成；题库内唯一")
    stem = TextAreaField("题干", validators=[DataRequired("请填写题干"), Length(max=5000)],
                         description="选择题、判断题的括号写作（ ）；填空题每个空写作 ____")
    correct = MultiCheckboxField("正确选项", choices=options((c, c) for c in LETTERS), validate_choice=False)
    judge_answer = SelectField("判断答案", choices=options([("", "请选择"), ("true", "对（正确）"), ("false", "错（错误）")]),
                               default="", validate_choice=False)
    fill_answer = StringField("填空答案", validators=[Optional(), Length(max=2000)],
                              description="各空用 | 分隔；同一空有几种可接受的写法用 / 分隔，如：宗教事务部门/宗教事务局|备案")
    any_order = BooleanField("各空答案可任意顺序")
    reference_answer = TextAreaField("参考答案", validators=[Optional(), Length(max=5000)])
    scoring_points = TextAreaField("评分要点", validators=[Optional(), Length(max=5000)],
                                   description="每行一个要点；关键词写在〔〕中，如：坚持独立自主自办〔独立自主、自办〕")
    explanation = TextAreaField("解析", validators=[Optional(), Length(max=5000)])
    reference = StringField("出处", validators=[Optional(), Length(max=200)], description="如：第五十七条")
    difficulty = IntegerField("难度（1–5）", default=3, validators=[NumberRange(1, 5, "难度应为 1–5")])
    tags = StringField("标签", validators=[Optional(), Length(max=300)], description="多个用顿号分隔")
    change_note = StringField("修改说明", validators=[Optional(), Length(max=300)])


for _letter in LETTERS:
    setattr(QuestionForm, f"option_{_letter}", StringField(f"选项 {_letter}", validators=[Optional(), Length(max=1000)]))


class ImportForm(Form):
    bank = SelectField("导入到题库", validate_choice=False)
    new_slug = StringField("新题库标识", validators=[Optional(), Length(max=64)])
    new_title = StringField("新题库名称", validators=[Optional(), Length(max=200)])
    fmt = SelectField("格式", choices=options([("auto", "按文件扩展名识别")] + [(f, FORMAT_LABELS[f]) for f in FORMATS]))
    file = FileField("上传文件")
    text = TextAreaField("或粘贴题目文本", validators=[Optional(), Length(max=2_000_000)])
    retire_missing = BooleanField("停用文件中没有的题目")
    token = HiddenField()


class ReportForm(Form):
    comment = TextAreaField("您认为哪里有误？", validators=[DataRequired("请填写纠错说明"), Length(max=2000)])


class HandleReportForm(Form):
    response = TextAreaField("处理意见", validators=[Optional(), Length(max=2000)])
    decision = SelectField("结论", choices=options([("accepted", "采纳（已修改题目）"), ("rejected", "不采纳")]))


class RereviewForm(Form):
    source_version = SelectField("依据版本", validate_choice=False)
    note = StringField("原因", validators=[DataRequired("请填写原因"), Length(max=300)],
                       description="如：《宗教事务条例》修订，需逐题复核")


def raw_from_form(form: QuestionForm):
    """The form's content as a RawQuestion for build_question (the one checker of every path)."""
    from trainer.banks.content import RawQuestion

    qtype = form.type.data
    raw = RawQuestion(line=0, type=qtype, stem=form.stem.data or "", explanation=form.explanation.data or "",
                      reference=form.reference.data or "", difficulty=form.difficulty.data, tags=form.tags.data,
                      key=(form.key.data or "").strip() or None)
    if qtype in ("single", "multiple"):
        opts = [(getattr(form, f"option_{c}").data or "").strip() for c in LETTERS]
        while opts and not opts[-1]:
            opts.pop()
        raw.options = opts
        raw.answer = "".join(sorted(form.correct.data or []))
    elif qtype == "judge":
        raw.answer = {"true": True, "false": False}.get(form.judge_answer.data)
    elif qtype == "fill":
        raw.answer = form.fill_answer.data or ""
        raw.any_order = form.any_order.data
    else:
        raw.answer = form.reference_answer.data or ""
        raw.scoring_points = form.scoring_points.data or ""
    return raw


def form_data_from_version(v, q) -> dict:
    """Initial form data for editing a question from its current version."""
    from trainer.banks.content import format_scoring_points

    data = {"type": v.type, "chapter_id": q.chapter_id or 0, "key": q.key, "stem": v.stem,
            "explanation": v.explanation, "reference": v.reference, "difficulty": v.difficulty,
            "tags": "、".join(v.tags or [])}
    if v.type in ("single", "multiple"):
        for i, text in enumerate(v.options):
            data[f"option_{LETTERS[i]}"] = text
        data["correct"] = [LETTERS[i] for i in v.answer]
    elif v.type == "judge":
        data["judge_answer"] = "true" if v.answer else "false"
    elif v.type == "fill":
        data["fill_answer"] = "|".join("/".join(b) for b in v.answer["blanks"])
        data["any_order"] = bool(v.answer.get("any_order"))
    else:
        data["reference_answer"] = v.answer.get("reference", "")
        data["scoring_points"] = format_scoring_points(v.answer.get("points", [])).replace("|", "\n")
    return data
