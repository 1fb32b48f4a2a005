from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from trainer.forms import Form, options
from trainer.nightschool.models import LateCredit, SessionAudience

WEEKDAY_CHOICES = [(i, f"每周{d}") for i, d in enumerate("一二三四五六日")]


class TermForm(Form):
    title = StringField("期次名称", validators=[DataRequired("请填写期次名称"), Length(max=120)],
                        description="如：2026年秋季学期每周夜校")
    starts_on = DateField("开始日期", validators=[Optional()])
    ends_on = DateField("结束日期", validators=[Optional()])
    description = TextAreaField("说明", validators=[Optional(), Length(max=5000)])
    late_after_minutes = IntegerField("开课后多少分钟算迟到", default=10,
                                      validators=[NumberRange(0, 120, "须为 0–120 分钟")])
    late_credit = SelectField("迟到的学时", choices=options(LateCredit.choices()), default="half")
    quiz_required = BooleanField("须通过课后测验才计学时")
    completion_percent = IntegerField("结业须达到应修学时的（%）", default=80,
                                      validators=[NumberRange(0, 100, "须为 0–100")])


class SessionForm(Form):
    topic = StringField("主题", validators=[DataRequired("请填写主题"), Length(max=200)])
    starts_at = DateTimeLocalField("开始时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField("地点", validators=[Optional(), Length(max=120)])
    lecturer_id = SelectField("主讲人", coerce=int, validate_choice=False, default=0,
                              description="领导干部上讲台：可选任何人员")
    chapter = StringField("讲授章节", validators=[Optional(), Length(max=120)])
    hours = FloatField("学时", default=1.5, validators=[NumberRange(0, 12, "学时须为 0–12")])
    description = TextAreaField("内容简介", validators=[Optional(), Length(max=5000)])
    audience = SelectField("参加范围", choices=options(SessionAudience.choices()))
    unit_ids = SelectMultipleField("参加单位", coerce=int, validate_choice=False, description="含其下属村/社区；可多选")
    quiz_id = SelectField("课后测验", coerce=int, validate_choice=False, default=0,
                          description="关联后，测验在本次夜校结束时开放")


class SeriesForm(Form):
    topic = StringField("主题", validators=[DataRequired("请填写主题"), Length(max=180)],
                        description="每次课自动编号为“主题（第N讲）”，之后可逐次修改")
    weekday = SelectField("星期", coerce=int, choices=options(WEEKDAY_CHOICES), default=2)
    start = TimeField("上课时间", default=None, validators=[Optional()])
    end = TimeField("下课时间", validators=[Optional()])
    first_day = DateField("从", validators=[Optional()])
    last_day = DateField("到", validators=[Optional()])
    place = StringField("地点", validators=[Optional(), Length(max=120)])
    hours = FloatField("每次学时", default=1.5, validators=[NumberRange(0, 12, "学时须为 0–12")])
    audience = SelectField("参加范围", choices=options(SessionAudience.choices()))
    unit_ids = SelectMultipleField("参加单位", coerce=int, validate_choice=False)


class MoveForm(Form):
    starts_at = DateTimeLocalField("新的开始时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField("新的结束时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    reason = StringField("调整原因", validators=[Optional(), Length(max=200)], description="将显示给参加人员")


class CancelForm(Form):
    reason = StringField("取消原因", validators=[Optional(), Length(max=200)], description="将显示给参加人员")


class MaterialForm(Form):
    file = FileField("资料文件", description="PDF、PPT/PPTX、DOC/DOCX、XLS/XLSX 或 PNG/JPG 图片，不超过 8 MB")


class CheckinForm(Form):
    code = StringField("签到码", validators=[Optional(), Length(max=12)])


class LeaveForm(Form):
    reason = TextAreaField("请假事由", validators=[Optional(), Length(max=300)])


class RatingForm(Form):
    score = RadioField("评分", coerce=int, choices=options((i, str(i)) for i in range(5, 0, -1)),
                       validators=[Optional()], validate_choice=False)
    comment = TextAreaField("意见建议（匿名，主讲人看不到您的姓名）", validators=[Optional(), Length(max=500)])
