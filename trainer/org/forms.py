from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from trainer.forms import Form, options
from trainer.org.models import Role, UnitKind


class UserForm(Form):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=64)])
    role = SelectField("角色", choices=options(Role.choices()), default=Role.cadre.value)
    unit_id = SelectField("单位", coerce=int, validate_choice=False)
    position = StringField("职务", validators=[Optional(), Length(max=64)])
    phone = StringField("手机号", validators=[Optional(), Length(max=32)])


class NewUserForm(UserForm):
    password = StringField("初始密码", validators=[Optional(), Length(max=128)],
                           description="留空则自动生成；用户首次登录须修改")


class UnitForm(Form):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=80)])
    kind = SelectField("类别", choices=options(UnitKind.choices()))
    parent_id = SelectField("上级单位", coerce=int, validate_choice=False)
    sort_order = IntegerField("排序", default=0, validators=[Optional()])


class ImportUsersForm(Form):
    file = FileField("文件（.xlsx 或 .csv）", validators=[FileRequired("请选择要导入的文件")])


class ConfirmForm(Form):
    """A POST with nothing but its CSRF token (buttons that change state)."""
