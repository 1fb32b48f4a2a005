"""合格证书 for passed exams: issued when an attempt becomes final and passed (if the exam says so),
and in batch for everyone who passed (admin page and `flask --app trainer issue-certificates --exam ID`)."""
from __future__ import annotations

from sqlalchemy import select

from trainer.exams.models import Attempt, AttemptState, Exam
from trainer.extensions import db


def _certificates():
    try:
        from trainer.certificates import service
    except ModuleNotFoundError:
        return None
    return service


def spec_for(attempt: Attempt) -> dict:
    exam = attempt.exam
    return {"kind": "passed", "holder": attempt.user_id, "title": exam.title, "subject_ref": f"exam:{exam.id}",
            "score": attempt.score, "issued_on": None}


def issue_for_attempt(attempt: Attempt) -> None:
    """Inside the grading transaction: the holder's 合格证书 for this exam (idempotent)."""
    certificates = _certificates()
    if certificates is not None:
        certificates.issue(**{**spec_for(attempt), "issued_on": None}, commit=False)


def specs_for_exam(exam_id: int) -> list[dict]:
    """Everyone whose counted attempt passed the exam."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        return []
    attempts = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam_id, Attempt.counted.is_(True),
                                                        Attempt.state == AttemptState.graded,
                                                        Attempt.passed.is_(True)))
    return [spec_for(a) for a in attempts]


def certificate_for(attempt: Attempt):
    """The holder's valid certificate for this attempt's exam, if any."""
    certificates = _certificates()
    if certificates is None or not attempt.passed:
        return None
    return certificates.get_for_subject(attempt.user, f"exam:{attempt.exam_id}")


def register() -> None:
    certificates = _certificates()
    if certificates is not None:
        certificates.register_source("exam", specs_for_exam)
