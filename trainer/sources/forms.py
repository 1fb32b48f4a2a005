from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from trainer.forms import Form, options


class LoadForm(Form):
    slug = StringField("标识", validators=[DataRequired("请填写标识"), Length(max=64),
                                         Regexp(r"^[a-z0-9][a-z0-9-]{1,63}$", message="只能用小写字母、数字和连字符")],
                       description="英文小写字母、数字、连字符，如 religious-affairs；载入新版本时用同一标识")
    title = StringField("标题", validators=[Optional(), Length(max=200)],
                        description="不带书名号；留空则取正文第一行")
    aliases = StringField("其他名称", validators=[Optional(), Length(max=500)],
                          description="题目出处中可能用到的简称，多个用顿号分隔")
    issuer = StringField("发布机关", validators=[Optional(), Length(max=200)])
    version_label = StringField("版本", validators=[Optional(), Length(max=64)], description="如：2020年修订")
    published_on = DateField("发布日期", validators=[Optional()])
    effective_on = DateField("施行日期", validators=[Optional()])
    file = FileField("上传文件")
    text = TextAreaField("或粘贴全文", validators=[Optional(), Length(max=2_000_000)])
    token = HiddenField()


class DraftForm(Form):
    article = IntegerField("条", validators=[Optional(), NumberRange(1, 100000)])
    scope = SelectField("范围", choices=options([("article", "本条"), ("uncovered", "全部未覆盖条文"), ("all", "全文")]),
                        default="article")
    bank = SelectField("存入题库", validate_choice=False)


def split_aliases(text: str | None) -> list[str]:
    import re

    return [a.strip() for a in re.split(r"[、,，;；\n]+", text or "") if a.strip()]


def meta_from_form(form: LoadForm):
    from trainer.sources.service import SourceMeta

    return SourceMeta(slug=(form.slug.data or "").strip(), title=(form.title.data or "").strip(),
                      aliases=split_aliases(form.aliases.data), issuer=form.issuer.data or "",
                      version_label=form.version_label.data or "", published_on=form.published_on.data,
                      effective_on=form.effective_on.data)


