from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from trainer.forms import Form


class ReviewForm(Form):
    done = TextAreaField("本周工作", validators=[Optional(), Length(max=5000, message="不能超过 5000 字")],
                         description="本周完成了哪些工作、参加了哪些学习")
    lessons = TextAreaField("问题与体会", validators=[Optional(), Length(max=5000, message="不能超过 5000 字")],
                            description="遇到的问题、得到的经验教训")
    plan = TextAreaField("下周计划", validators=[Optional(), Length(max=5000, message="不能超过 5000 字")],
                         description="下周打算做什么、怎么改进")


class CommentForm(Form):
    body = TextAreaField("点评", validators=[Optional(), Length(max=2000, message="点评不能超过 2000 字")])

