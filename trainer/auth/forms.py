from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from trainer.forms import Form


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])
    remember = BooleanField("在本设备上保持登录")


class ChangePasswordForm(Form):
    old_password = PasswordField("原密码", validators=[DataRequired("请输入原密码")])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=128)],
                                 description="至少 8 位，须同时包含字母和数字")
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"),
                                                      EqualTo("new_password", "两次输入的新密码不一致")])
