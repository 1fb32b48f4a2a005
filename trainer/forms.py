"""Base form: Chinese built-in validator messages, and choices from (value, label) pairs."""
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class Form(FlaskForm):
    class Meta:
        locales = ["zh"]


def options(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
