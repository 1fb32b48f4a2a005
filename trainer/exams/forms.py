from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from trainer.exams.models import Audience, CountPolicy, ExamKind, QuestionMode, ResultsPolicy
from trainer.forms import Form, options
from trainer.grading.types import POLICIES, TYPE_LABELS


class ExamForm(Form):
    title = StringField("标题", validators=[DataRequired("请填写标题"), Length(max=200)])
    kind = SelectField("类型", choices=options(ExamKind.choices()))
    description = TextAreaField("说明", validators=[Optional(), Length(max=5000)], description="考前须知、范围等，显示给参加者")
    opens_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    time_limit_minutes = IntegerField("限时（分钟）", validators=[Optional(), NumberRange(1, 600, "限时须为 1–600 分钟")],
                                      description="留空表示不限时（仍以结束时间为准）")
    max_attempts = IntegerField("允许作答次数", default=1, validators=[NumberRange(1, 20, "须为 1–20")])
    count_policy = SelectField("多次作答时", choices=options(CountPolicy.choices()))
    pass_percent = IntegerField("及格线（%）", default=60, validators=[NumberRange(0, 100, "须为 0–100")])
    shuffle_questions = BooleanField("题目顺序因人而异", default=True)
    shuffle_options = BooleanField("选项顺序因人而异", default=True)
    results_policy = SelectField("成绩与答案", choices=options(ResultsPolicy.choices()))
    scoring_policy = SelectField("多选题计分", choices=options(POLICIES.items()))
    audience = SelectField("参加范围", choices=options(Audience.choices()))
    unit_ids = SelectMultipleField("参加单位", coerce=int, validate_choice=False, description="含其下属村/社区；可多选")
    user_ids = SelectMultipleField("参加人员", coerce=int, validate_choice=False, description="可多选")
    question_mode = SelectField("出题方式", choices=options(QuestionMode.choices()))
    issue_certificates = BooleanField("及格者自动颁发合格证书")


class RuleForm(Form):
    bank_id = SelectField("题库", coerce=int, validate_choice=False)
    chapter_id = SelectField("章节", coerce=int, validate_choice=False)
    type = SelectField("题型", choices=options([("", "不限")] + list(TYPE_LABELS.items())), default="")
    difficulty = SelectField("难度", coerce=int, choices=options([(0, "不限")] + [(d, str(d)) for d in range(1, 6)]),
                             default=0)
    count = IntegerField("题数", default=5, validators=[NumberRange(1, 200, "题数须为 1–200")])
    points = FloatField("每题分值", default=2, validators=[NumberRange(0.5, 100, "分值须为 0.5–100")])


class FixedQuestionForm(Form):
    question_id = HiddenField(validators=[DataRequired()])
    points = FloatField("分值", default=2, validators=[NumberRange(0.5, 100, "分值须为 0.5–100")])


class ReopenForm(Form):
    minutes = IntegerField("再给（分钟）", default=30, validators=[NumberRange(1, 300, "须为 1–300 分钟")])
    reason = StringField("原因", validators=[DataRequired("请填写原因"), Length(max=300)], description="如：考场停电")


class GradeForm(Form):
    item_id = HiddenField(validators=[DataRequired()])
    score = FloatField("得分", validators=[DataRequired("请填写得分")])
    comment = TextAreaField("评语", validators=[Optional(), Length(max=2000)])


class RegradeForm(Form):
    question_id = HiddenField(validators=[DataRequired()])
    version_id = HiddenField(validators=[DataRequired()])
