"""Forms of the certificate pages: template editor, revoke, reissue, batch issue."""
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from trainer.certificates.models import CertificateKind, DateStyle
from trainer.forms import Form, options


class TemplateForm(Form):
    title = StringField("证书标题", validators=[DataRequired("请填写证书标题"), Length(max=20)],
                        description="印在证书上方的大字，如：荣誉证书")
    body = TextAreaField("正文", validators=[DataRequired("请填写正文"), Length(max=600)],
                         description="每段一行；第一行以冒号结尾时作称呼，其余各段自动首行缩进。"
                                     "占位符：{姓名} {单位} {考试} {成绩} {期次} {奖项} {日期}",
                         render_kw={"rows": 6})
    issuer = StringField("颁发单位（落款）", validators=[DataRequired("请填写颁发单位"), Length(max=80)])
    date_style = SelectField("日期格式", choices=options(DateStyle.choices()))
    signature = StringField("签字栏", validators=[Optional(), Length(max=80)],
                            description="可留空；如填“部长：”，证书上在其后留一条签字横线")
    seal = FileField("印章图片", description="透明背景的 PNG，不超过 1 MB；盖在落款与日期上",
                     render_kw={"accept": "image/png"})
    remove_seal = BooleanField("去掉现有印章")


class RevokeForm(Form):
    reason = StringField("撤销原因", validators=[DataRequired("请填写撤销原因"), Length(max=200)])


class ReissueForm(Form):
    reason = SelectField("补发方式", choices=options([("补发", "补发（遗失、损毁）"), ("重新颁发", "重新颁发（信息更正）")]))
    note = StringField("说明", validators=[Optional(), Length(max=150)])


class BatchForm(Form):
    kind = SelectField("证书类型", choices=options(CertificateKind.choices()))
    title = StringField("事由", validators=[DataRequired("请填写事由"), Length(max=200)],
                        description="填入正文的 {考试}，如：2026年全市统一战线知识竞赛")
    subject_ref = StringField("事由标识", validators=[Optional(), Length(max=64)],
                              description="同一标识下每人只颁发一张，如 competition:5；留空时按事由自动生成")
    period = StringField("期次", validators=[Optional(), Length(max=80)], description="填入正文的 {期次}，可留空")
    issued_on = DateField("颁发日期", validators=[Optional()])
    holders = TextAreaField("获证人员", validators=[DataRequired("请填写获证人员名单"), Length(max=100_000)],
                            description="每行一人：用户名或姓名，可加奖项、成绩，如：cadre01 一等奖 98",
                            render_kw={"rows": 10})


class SourceForm(Form):
    source = SelectField("来源", validate_choice=False)
    ident = IntegerField("编号", validators=[DataRequired("请填写编号"), NumberRange(min=1, message="编号须为正整数")])
