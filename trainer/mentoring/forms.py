from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from trainer.forms import Form, options
from trainer.mentoring.models import ItemKind


class TeamForm(Form):
    name = StringField("小组名称", validators=[Optional(), Length(max=100, message="不能超过 100 字")])
    mentor_id = SelectField("导师", coerce=int, validate_choice=False)
    mentee_ids = SelectMultipleField("学员", coerce=int, validate_choice=False, description="选择 2—3 名干部；按住 Ctrl 多选")
    starts_on = DateField("开始日期", validators=[Optional()])
    ends_on = DateField("结束日期", validators=[Optional()])
    goals = TextAreaField("带教目标", validators=[Optional(), Length(max=5000)])


class MemberForm(Form):
    user_id = SelectField("增加学员", coerce=int, validate_choice=False)


class EndForm(Form):
    outcome = SelectField("结束方式", choices=options([("completed", "期满结业（可颁发传帮带证书）"), ("dissolved", "解散")]))
    note = StringField("说明", validators=[Optional(), Length(max=200)])


class NoteForm(Form):
    held_on = DateField("谈话日期", validators=[Optional()])
    mentee_id = SelectField("对象", coerce=int, validate_choice=False)
    discussed = TextAreaField("谈了什么", validators=[Optional(), Length(max=5000)])
    next_steps = TextAreaField("下一步", validators=[Optional(), Length(max=5000)])
    shared = BooleanField("学员可见", default=True)


class PlanForm(Form):
    title = StringField("计划名称", validators=[Optional(), Length(max=200, message="不能超过 200 字")])
    description = TextAreaField("说明", validators=[Optional(), Length(max=5000)])


class ItemForm(Form):
    kind = SelectField("类型", choices=options(ItemKind.choices()))
    title = StringField("事项", validators=[Optional(), Length(max=200)], description="测验和拜师可留空，自动生成")
    exam_id = SelectField("测验", coerce=int, validate_choice=False)
    session_id = IntegerField("夜校课程编号", validators=[Optional()], description="夜校模块中课程的编号")
    due_days = IntegerField("开始后几天内完成", default=14,
                            validators=[NumberRange(0, 365, "完成期限须为开始后 0—365 天")])


class AssignForm(Form):
    user_ids = SelectMultipleField("人员", coerce=int, validate_choice=False)
    unit_id = SelectField("或整个单位", coerce=int, validate_choice=False)
    starts_on = DateField("开始日期", validators=[Optional()])
