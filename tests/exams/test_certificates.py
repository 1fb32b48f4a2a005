"""合格证书 for exams: issued when a passed attempt becomes final, in batch from the CLI, never at a grade's cost."""
from sqlalchemy import func, select

from trainer.certificates.models import Certificate
from trainer.exams.models import Attempt, AttemptState
from trainer.extensions import db
from trainer.org.models import Role


def _pass(cadre, exam):
    aid = int(cadre.post(f"/exams/{exam.id}/start").headers["Location"].rsplit("/", 1)[1])
    for item in db.session.get(Attempt, aid).items:
        cadre.post(f"/attempts/{aid}/answer", json={"position": item.position, "response": item.version.answer[0]})
    cadre.post(f"/attempts/{aid}/submit")
    return aid


def test_passing_issues_a_certificate_linked_from_the_result(login_as, make_exam):
    """Does a cadre who passes get a certificate, downloadable from the result page?"""
    exam = make_exam(n=2, issue_certificates=True)
    cadre = login_as(Role.cadre)
    aid = _pass(cadre, exam)
    cert = db.session.scalar(select(Certificate))
    assert cert is not None and cert.holder_id == cadre.user.id and cert.subject_ref == f"exam:{exam.id}"
    html = cadre.get(f"/attempts/{aid}/result").get_data(as_text=True)
    assert "下载合格证书" in html
    pdf = cadre.get(f"/certificates/{cert.id}.pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"


def test_no_certificate_unless_the_exam_says_so_or_on_failure(login_as, make_exam):
    """Is no certificate issued for an exam without the setting, or for a failed attempt?"""
    exam = make_exam(n=2)
    _pass(login_as(Role.cadre), exam)
    exam2 = make_exam(n=2, issue_certificates=True)
    cadre = login_as(Role.cadre)
    aid = int(cadre.post(f"/exams/{exam2.id}/start").headers["Location"].rsplit("/", 1)[1])
    cadre.post(f"/attempts/{aid}/submit")
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_a_certificate_failure_never_loses_the_grade(login_as, make_exam, monkeypatch):
    """If issuing the certificate fails, is the attempt still graded?"""
    from trainer.certificates import service as certificates

    def boom(*a, **k):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(certificates, "issue", boom)
    exam = make_exam(n=2, issue_certificates=True)
    cadre = login_as(Role.cadre)
    aid = _pass(cadre, exam)
    db.session.expire_all()
    attempt = db.session.get(Attempt, aid)
    assert attempt.state == AttemptState.graded and attempt.passed


def test_batch_from_the_command_line(runner, login_as, make_exam):
    """Does `issue-certificates --exam ID` issue to everyone who passed, once?"""
    exam = make_exam(n=2)
    for _ in range(2):
        _pass(login_as(Role.cadre), exam)
    result = runner.invoke(args=["issue-certificates", "--exam", str(exam.id)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2
    runner.invoke(args=["issue-certificates", "--exam", str(exam.id)])
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2
