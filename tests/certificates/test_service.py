"""Issuing, serials, verification codes, revocation, reissue, templates and the source registry."""
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.certificates.conftest import jpeg, png
from trainer.certificates import service
from trainer.certificates.models import Award, Certificate, CertificateKind, DateStyle
from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.org.models import Role


def test_serials_are_consecutive_per_year_and_formatted(app, make_user):
    """Do serials read TZB-<year>-000001, -000002 … in issue order?"""
    a, b = make_user(), make_user()
    first = service.issue(CertificateKind.passed, a, "测验", "exam:1", issued_on=date(2026, 3, 1))
    second = service.issue(CertificateKind.passed, b, "测验", "exam:1", issued_on=date(2026, 3, 1))
    older = service.issue(CertificateKind.passed, b, "旧测验", "exam:0", issued_on=date(2025, 12, 1))
    assert (first.serial, second.serial) == ("TZB-2026-000001", "TZB-2026-000002")
    assert older.serial == "TZB-2025-000001"


def test_issue_is_idempotent_per_holder_subject_and_kind(app, make_user):
    """Does issuing the same subject again return the existing valid certificate instead of a second one?"""
    holder = make_user()
    first = service.issue(CertificateKind.passed, holder, "测验", "exam:7", score=90)
    again = service.issue(CertificateKind.passed, holder.id, "测验", "exam:7", score=95)
    other_kind = service.issue(CertificateKind.honour, holder, "竞赛", "exam:7", award="一等奖")
    assert again.id == first.id and again.score == 90
    assert other_kind.id != first.id
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2


def test_issue_keeps_a_snapshot_of_name_and_unit(app, make_user, make_unit):
    """Does a certificate keep the holder's name and unit as they were when it was issued?"""
    holder = make_user(name="李明", unit=make_unit("民族宗教科"))
    cert = service.issue(CertificateKind.passed, holder, "测验", "exam:1")
    holder.name = "李明明"
    db.session.commit()
    db.session.expire_all()
    assert (cert.holder_name, cert.holder_unit) == ("李明", "民族宗教科")


def test_batch_skips_existing_holders_and_duplicates(app, make_user):
    """Does a batch give existing holders their certificate back, skip duplicates and number the rest in a row?"""
    users = [make_user() for _ in range(4)]
    earlier = service.issue(CertificateKind.honour, users[0], "知识竞赛", "competition:5", award=Award.first)
    specs = [service.IssueSpec(CertificateKind.honour, u, "知识竞赛", "competition:5", award="二等奖") for u in users]
    specs.append(service.IssueSpec(CertificateKind.honour, users[1], "知识竞赛", "competition:5", award="三等奖"))
    result = service.issue_with_counts(specs)
    certs = result.certificates
    assert result.new == 3 and len(certs) == 5
    assert certs[0].id == earlier.id and certs[0].award == Award.first
    assert certs[4].id == certs[1].id
    numbers = [int(c.serial.rsplit("-", 1)[1]) for c in certs[1:4]]
    assert numbers == [2, 3, 4]


def test_bad_specs_are_refused_with_chinese_messages(app, make_user):
    """Are an unknown award, an empty title and an unknown holder refused, issuing nothing?"""
    holder = make_user()
    with pytest.raises(ServiceError, match="奖项"):
        service.issue(CertificateKind.honour, holder, "竞赛", "competition:1", award="特等奖")
    with pytest.raises(ServiceError, match="事由"):
        service.issue(CertificateKind.passed, holder, "  ", "exam:1")
    with pytest.raises(ServiceError, match="用户不存在"):
        service.issue_batch([service.IssueSpec("passed", 99999, "测验", "exam:1")])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_concurrent_issuers_get_unique_serials_and_one_certificate_per_subject(app, make_user):
    """Do threads issuing at once get distinct serials, and only one certificate for the same subject?"""
    users = [make_user() for _ in range(6)]
    shared = make_user()
    ids = [u.id for u in users]
    errors: list[Exception] = []
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(8)

    def work(holder_id: int, ref: str):
        with app.app_context():
            try:
                barrier.wait(10)
                cert = service.issue(CertificateKind.passed, holder_id, "并发测验", ref)
                results.append((cert.id, cert.serial))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, "exam:9")) for i in ids]
    threads += [threading.Thread(target=work, args=(shared.id, "exam:10")) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    serials = [s for _i, s in results]
    assert len(set(results)) == 7 and len(set(serials)) == 7
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 7
    assert db.session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.holder_id == shared.id)) == 1


def test_verification_code_is_an_hmac_of_serial_and_holder(app, issue_cert):
    """Does the code depend on the secret key, the serial and the holder, and verify only when it matches?"""
    cert = issue_cert()
    assert cert.code == service.verification_code(cert.serial, cert.holder_id)
    assert cert.code != service.verification_code(cert.serial, cert.holder_id + 1)
    app.config["SECRET_KEY"] = "another-key"
    assert service.verification_code(cert.serial, cert.holder_id) != cert.code
    assert service.verify(cert.serial, cert.code).status == "unverified"


def test_verify_states(app, issue_cert, make_user):
    """Does verify say valid, revoked, missing, or unverified for a wrong or missing code?"""
    cert = issue_cert()
    typed = service.render.format_code(cert.code).lower()
    assert service.verify(cert.serial, typed).status == "valid"
    assert service.verify(cert.serial.lower(), cert.code).certificate.id == cert.id
    tampered = ("A" if cert.code[0] != "A" else "B") + cert.code[1:]
    assert service.verify(cert.serial, tampered).status == "unverified"
    assert service.verify(cert.serial, tampered).certificate is None
    assert service.verify(cert.serial, None).status == "unverified"
    assert service.verify("TZB-2026-999999", cert.code).status == "missing"
    assert service.verify("'; drop table--", "x").status == "missing"
    service.revoke(make_user(role=Role.admin), cert, "成绩复核不合格")
    result = service.verify(cert.serial, cert.code)
    assert result.status == "revoked" and result.certificate.revoked_reason == "成绩复核不合格"


def test_revoke_needs_a_reason_and_happens_once(app, issue_cert, make_user):
    """Is revoking without a reason, or twice, refused?"""
    admin = make_user(role=Role.admin)
    cert = issue_cert()
    with pytest.raises(ServiceError, match="原因"):
        service.revoke(admin, cert, "  ")
    assert cert.valid
    service.revoke(admin, cert, "信息有误")
    with pytest.raises(ServiceError, match="已于此前撤销"):
        service.revoke(admin, cert, "再次")
    assert cert.revoked_by_id == admin.id


def test_reissue_revokes_the_old_one_and_links_the_new(app, issue_cert, make_user):
    """Does a reissue revoke the original with 补发, give a new serial linked to it, and refuse a second reissue?"""
    admin = make_user(role=Role.admin)
    old = issue_cert(score=88)
    old.holder.name = "王文华（更正）"
    db.session.commit()
    new = service.reissue(admin, old, "补发", "证书遗失")
    db.session.expire_all()
    assert old.revoked_reason == "补发：证书遗失" and not old.valid
    assert new.replaces_id == old.id and new.serial != old.serial and new.valid
    assert (new.score, new.subject_ref, new.holder_name) == (88, old.subject_ref, "王文华（更正）")
    assert service.issue(old.kind, old.holder_id, old.title, old.subject_ref).id == new.id
    with pytest.raises(ServiceError, match="已补发过"):
        service.reissue(admin, old)


def test_reissue_of_a_revoked_certificate(app, issue_cert, make_user):
    """Can a revoked (not yet replaced) certificate be issued again, keeping its own revocation reason?"""
    admin = make_user(role=Role.admin)
    old = issue_cert()
    service.revoke(admin, old, "录入错误")
    new = service.reissue(admin, old, "重新颁发")
    assert old.revoked_reason == "录入错误" and new.replaces_id == old.id


def test_chinese_and_numeric_dates():
    """Are dates written 二〇二六年十一月二十八日 or 2026年11月28日?"""
    day = date(2026, 11, 28)
    assert service.format_date(day) == "二〇二六年十一月二十八日"
    assert service.format_date(date(2030, 1, 10)) == "二〇三〇年一月十日"
    assert service.format_date(day, DateStyle.numeric) == "2026年11月28日"


def test_placeholders_are_filled(app, issue_cert):
    """Are {姓名} {单位} {考试} {成绩} {期次} {奖项} {日期} all replaced?"""
    cert = issue_cert(score=92.5, period="2026年秋季第1期", issued_on=date(2026, 11, 28))
    tpl = service.get_template(cert.kind)
    tpl.body = "{姓名}|{单位}|{考试}|{成绩}|{期次}|{奖项}|{日期}"
    text = service.body_for(cert, tpl)
    assert text == f"王文华|{cert.holder_unit}|《宗教事务条例》专题测验|92.5|2026年秋季第1期||二〇二六年十一月二十八日"


def test_template_text_is_checked(app, make_user):
    """Are an unknown placeholder, a body without {姓名} and an empty issuer refused, leaving the template as it was?"""
    admin = make_user(role=Role.admin)
    before = service.get_template("honour").body
    with pytest.raises(ServiceError, match=r"\{名字\}"):
        service.update_template(admin, "honour", "荣誉证书", "{名字}同志：获奖", "统战部", "chinese")
    with pytest.raises(ServiceError, match="须包含"):
        service.update_template(admin, "honour", "荣誉证书", "同志：获奖", "统战部", "chinese")
    with pytest.raises(ServiceError, match="颁发单位"):
        service.update_template(admin, "honour", "荣誉证书", "{姓名}同志：", " ", "chinese")
    db.session.expire_all()
    assert service.get_template("honour").body == before


def test_seal_must_be_a_transparent_png_of_sensible_size(app, make_user):
    """Are a JPEG named .png, an opaque PNG, a tiny and an oversized file refused, and a transparent PNG stored?"""
    admin = make_user(role=Role.admin)
    for data, message in ((jpeg(), "不是 PNG"), (png(mode="RGB"), "透明"), (png((20, 20)), "尺寸"),
                          (b"\x89PNG\r\n\x1a\n" + b"0" * 2_000_000, "不能超过"), (b"\x89PNG\r\n\x1a\nbroken", "损坏")):
        with pytest.raises(ServiceError, match=message):
            service.update_template(admin, "passed", "合格证书 新", "{姓名}同志：", "统战部", "chinese", seal=data)
    db.session.expire_all()
    tpl = service.get_template("passed")
    assert tpl.title == "合格证书" and tpl.seal_file is None
    tpl = service.update_template(admin, "passed", "合格证书", tpl.body, "统战部", "chinese", seal=png())
    path = Path(service.seal_path(tpl))
    assert path.parent == Path(app.config["UPLOAD_DIR"]) / "certificates" and path.read_bytes() == png()
    service.update_template(admin, "passed", "合格证书", tpl.body, "统战部", "chinese", remove_seal=True)
    assert service.seal_path(tpl) is None and not path.exists()


def test_pasted_list_names_every_bad_line(app, make_user):
    """Does a pasted list refuse unknown people, ambiguous names and missing awards, naming each line?"""
    make_user(username="cadre01", name="张伟")
    make_user(name="李娜")
    make_user(name="李娜")
    with pytest.raises(ServiceError) as err:
        service.specs_from_lines("honour", "竞赛", "competition:1", "", "cadre01 一等奖\n\n李娜 二等奖\n无此人 三等奖\ncadre01")
    message = err.value.message
    assert "第 3 行" in message and "2 人" in message and "第 4 行" in message and "第 5 行" in message
    specs = service.specs_from_lines("passed", "测验", "", "", "CADRE01 95")
    assert specs[0].score == 95 and specs[0].subject_ref.startswith("manual:")


def test_registered_source_issues_its_specs(app, make_user, fake_sources):
    """Does a registered source's function decide who gets certificates for an id?"""
    winners = [make_user(), make_user()]

    def competition(ident):
        return [{"kind": "honour", "holder": u.id, "title": f"竞赛{ident}", "subject_ref": f"competition:{ident}",
                 "award": a} for u, a in zip(winners, ["一等奖", "优秀奖"])]

    service.register_source("competition", competition)
    result = service.issue_from_source("competition", 5)
    assert result.new == 2 and [c.award for c in result.certificates] == [Award.first, Award.excellence]
    assert service.issue_from_source("competition", 5).new == 0
    with pytest.raises(ServiceError, match="考试（exams）模块尚未接入"):
        service.issue_from_source("exam", 1)


def test_list_for_user_and_download_rights(app, issue_cert, make_user):
    """Does a holder see their own certificates and may download only their valid ones; an admin any?"""
    holder, other, admin = make_user(), make_user(), make_user(role=Role.admin)
    mine = issue_cert(holder=holder)
    theirs = issue_cert(holder=other)
    assert [c.id for c in service.list_for_user(holder)] == [mine.id]
    assert service.can_download(holder, mine) and not service.can_download(holder, theirs)
    service.revoke(admin, mine, "撤销")
    assert not service.can_download(holder, mine) and service.can_download(admin, mine)
