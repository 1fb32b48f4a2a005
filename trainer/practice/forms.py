from wtforms import BooleanField, SelectField

from trainer.forms import Form, options
from trainer.grading.types import TYPE_LABELS
from trainer.practice.service import DRILL_SIZES, PracticeBank


class DrillForm(Form):
    chapter_id = SelectField("章节", coerce=int, default=0)
    qtype = SelectField("题型", default="")
    count = SelectField("题数", coerce=int, default=10, choices=options((n, f"{n} 题") for n in DRILL_SIZES))
    only_wrong = BooleanField("只练错题本中的题")
    shuffle = BooleanField("打乱选项顺序", default=True)


def drill_form(pb: PracticeBank, chapter_id: int = 0) -> DrillForm:
    """The start form of one bank, with its chapters and the types it has."""
    form = DrillForm(data={"chapter_id": chapter_id, "shuffle": True, "count": 10} if chapter_id else None)
    form.chapter_id.choices = options([(0, f"全部章节（{pb.total} 题）")]
                                      + [(c.id, f"{c.title}（{n} 题）") for c, n in pb.chapters])
    form.qtype.choices = options([("", "全部题型")] + [(t, f"{label}（{pb.by_type[t]} 题）")
                                                      for t, label in TYPE_LABELS.items() if pb.by_type.get(t)])
    return form
