"""结业证书 for a term: cadres who met its hours and attendance rules, issued in batch through the
certificates domain's "term" source."""
from __future__ import annotations

from trainer.extensions import db
from trainer.nightschool import hours
from trainer.nightschool.models import Term


def specs_for_term(term_id: int) -> list[dict]:
    """Everyone who completed the term: enough study hours and leave within one seventh."""
    term = db.session.get(Term, term_id)
    if term is None:
        return []
    return [{"kind": "completion", "holder": r.user.id, "title": term.title, "subject_ref": f"term:{term.id}",
             "period": term.period} for r in hours.term_records(term) if r.completed]


def register() -> None:
    try:
        from trainer.certificates import service
    except ModuleNotFoundError:
        return
    service.register_source("term", specs_for_term)
