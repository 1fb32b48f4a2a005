"""Base form: Chinese built-in validator messages, control characters removed from typed text, and choices
from (value, label) pairs."""
import re

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(value):
    """Text without control characters (a NUL cannot be stored in PostgreSQL; none belongs in typed text)."""
    return CONTROL_RE.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        locales = ["zh"]

        def bind_field(self, form, unbound_field, options):
            options = dict(options)
            options["filters"] = (*unbound_field.kwargs.get("filters", ()), strip_control)
            return unbound_field.bind(form=form, **options)


def options(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
