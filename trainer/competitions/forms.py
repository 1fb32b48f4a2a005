from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from trainer.competitions.models import AwardBasis
from trainer.forms import Form, options


class SettingsForm(Form):
    freeze_minutes = IntegerField("封榜时间（结束前分钟数）", default=0,
                                  validators=[InputRequired("请填写封榜时间"), NumberRange(0, 600, "须为 0–600 分钟")],
                                  description="0 表示不封榜；封榜期间公开排行榜停留在封榜时刻，答题照常进行，结束后由管理员揭晓")
    award_basis = SelectField("奖项依据", choices=options(AwardBasis.choices()))
    first = FloatField("一等奖", default=1, validators=[InputRequired("请填写"), NumberRange(0, 1000, "须为 0–1000")])
    second = FloatField("二等奖", default=2, validators=[InputRequired("请填写"), NumberRange(0, 1000, "须为 0–1000")])
    third = FloatField("三等奖", default=3, validators=[InputRequired("请填写"), NumberRange(0, 1000, "须为 0–1000")])
    excellence = FloatField("优秀奖", default=0, validators=[InputRequired("请填写"), NumberRange(0, 1000, "须为 0–1000")])


class RuleForm(Form):
    points = IntegerField("分值", validators=[InputRequired("请填写分值"), NumberRange(0, 100, "须为 0–100")])
    cap_per_week = IntegerField("每周上限", validators=[Optional(), NumberRange(0, 1000, "须为 0–1000")],
                                description="留空表示不设上限")
    active = BooleanField("启用")


class RefreshForm(Form):
    since = DateField("开始日期", validators=[InputRequired("请选择开始日期")])
    until = DateField("结束日期", validators=[InputRequired("请选择结束日期")])
