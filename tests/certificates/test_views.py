"""Certificate pages: public verification, 我的证书, downloads, the admin register, revoke, reissue, batches, templates."""
import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.certificates.conftest import jpeg, png
from trainer.certificates import service
from trainer.certificates.models import Certificate, CertificateKind
from trainer.extensions import db
from trainer.org.models import Role


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate))


# ---- public verification ---------------------------------------------------------------------------

def test_verify_page_shows_a_valid_certificate_without_sign_in(client, issue_cert):
    """Does /verify/<serial>?c=<code> show holder, kind, title, date and 有效 to anyone?"""
    cert = issue_cert()
    resp = client.get(f"/verify/{cert.serial}?c={cert.code}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    for text in ("证书有效", "王文华", "合格证书", "《宗教事务条例》专题测验", cert.serial,
                 f"{cert.issued_on.year}年{cert.issued_on.month}月{cert.issued_on.day}日"):
        assert text in html, text


def test_verify_page_after_revoking_says_so(client, issue_cert, make_user):
    """After revoking, does the same address say 已撤销 with the reason?"""
    cert = issue_cert()
    url = f"/verify/{cert.serial}?c={cert.code}"
    service.revoke(make_user(role=Role.admin), cert, "成绩复核不合格")
    html = client.get(url).get_data(as_text=True)
    assert "已撤销" in html and "成绩复核不合格" in html and "证书有效" not in html


def test_wrong_or_missing_code_shows_no_personal_data(client, issue_cert):
    """With a tampered or missing code, does the page say 无法验证 and show nothing about the holder?"""
    cert = issue_cert(title="不应泄露的事由")
    tampered = ("A" if cert.code[0] != "A" else "B") + cert.code[1:]
    for url in (f"/verify/{cert.serial}?c={tampered}", f"/verify/{cert.serial}"):
        html = client.get(url).get_data(as_text=True)
        assert "无法验证" in html
        assert "王文华" not in html and "不应泄露的事由" not in html and cert.holder_unit not in html


def test_unknown_serial_is_not_found(client):
    """Does an unknown serial get 不存在 (404)?"""
    resp = client.get("/verify/TZB-2026-123456?c=ABCD")
    assert resp.status_code == 404 and "证书不存在" in resp.get_data(as_text=True)


def test_verify_form_redirects_to_the_certificate(client, issue_cert):
    """Does the manual form (serial and code typed from paper) lead to the verification page?"""
    cert = issue_cert()
    assert "证书查验" in client.get("/verify").get_data(as_text=True)
    resp = client.get(f"/verify?serial={cert.serial.lower()}&c={service.render.format_code(cert.code)}",
                      follow_redirects=True)
    assert "证书有效" in resp.get_data(as_text=True)


# ---- holders ---------------------------------------------------------------------------------------

def test_cadre_sees_and_downloads_only_their_own(login_as, issue_cert, make_user):
    """Does a cadre see their certificates, download their own PDF, and get 403 for another's?"""
    cadre = login_as("cadre")
    mine = issue_cert(holder=cadre.user)
    other = issue_cert(holder=make_user(name="赵六"))
    html = cadre.get("/certificates").get_data(as_text=True)
    assert mine.serial in html and other.serial not in html
    resp = cadre.get(f"/certificates/{mine.id}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert cadre.get(f"/certificates/{other.id}.pdf").status_code == 403
    assert cadre.get("/certificates/999999.pdf").status_code == 404


def test_cadre_cannot_download_a_revoked_certificate(login_as, issue_cert, make_user):
    """Is a revoked certificate listed with its reason but no longer downloadable by its holder?"""
    cadre = login_as("cadre")
    cert = issue_cert(holder=cadre.user)
    service.revoke(make_user(role=Role.admin), cert, "信息有误")
    assert "信息有误" in cadre.get("/certificates").get_data(as_text=True)
    assert cadre.get(f"/certificates/{cert.id}.pdf").status_code == 403


def test_cadre_downloads_all_as_zip(login_as, issue_cert):
    """Does 全部下载 give a ZIP of the cadre's valid certificates?"""
    cadre = login_as("cadre")
    issue_cert(holder=cadre.user, subject_ref="exam:1")
    issue_cert(holder=cadre.user, subject_ref="exam:2", title="第二次测验")
    resp = cadre.get("/certificates/mine.zip")
    assert resp.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(resp.data)).namelist()) == 2


def test_home_panels(login_as, issue_cert):
    """Do the cadre's and the admin's home pages show the certificate panels?"""
    cadre = login_as("cadre")
    issue_cert(holder=cadre.user)
    assert "我的证书" in cadre.get("/").get_data(as_text=True)
    assert "已撤销" in login_as("admin").get("/").get_data(as_text=True)


def test_admin_pages_are_for_admins_only(login_as, client, issue_cert):
    """Are the register, templates, batch and detail pages refused to cadres and mentors, and sign-in asked of anonymous users?"""
    cert = issue_cert()
    urls = ["/admin/certificates", "/admin/certificates/export.xlsx", "/admin/certificates/download.zip",
            f"/admin/certificates/{cert.id}", "/admin/certificates/issue", "/admin/certificates/templates",
            "/admin/certificates/templates/honour", "/admin/certificates/templates/honour/preview.pdf"]
    for role in ("cadre", "mentor"):
        c = login_as(role)
        for url in urls:
            assert c.get(url).status_code == 403, (role, url)
        assert c.post(f"/admin/certificates/{cert.id}/revoke", data={"reason": "x"}).status_code == 403
    assert client.get("/admin/certificates").status_code == 302
    assert client.get("/certificates").status_code == 302
    assert client.get(f"/certificates/{cert.id}.pdf").status_code == 302


# ---- admin -----------------------------------------------------------------------------------------

def test_register_search_and_filters(login_as, issue_cert, make_user):
    """Does the register find by name and serial and filter by kind and status?"""
    admin = login_as("admin")
    a = issue_cert(holder=make_user(name="钱多多"))
    b = issue_cert(holder=make_user(name="孙小小"), kind=CertificateKind.honour, award="二等奖",
                   subject_ref="competition:1", title="知识竞赛")
    service.revoke(admin.user, a, "重复")

    def page(query):
        return admin.get("/admin/certificates" + query).get_data(as_text=True)

    assert "钱多多" in page("?q=钱多") and "孙小小" not in page("?q=钱多")
    assert "孙小小" in page(f"?q={b.serial.lower()}")
    assert "孙小小" in page("?kind=honour") and "钱多多" not in page("?kind=honour")
    assert "钱多多" in page("?status=revoked") and "孙小小" not in page("?status=revoked")
    assert "孙小小" in page("?subject=competition:1") and "钱多多" not in page("?subject=competition:1")


def test_excel_export_escapes_formulas(login_as, issue_cert, make_user):
    """Does the Excel export list the certificates with text that looks like a formula escaped?"""
    admin = login_as("admin")
    cert = issue_cert(holder=make_user(name="=HYPERLINK(\"http://x\")"), title="+1+1")
    resp = admin.get("/admin/certificates/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("证书编号", "证书类型", "持证人")
    assert rows[1][0] == cert.serial and rows[1][2] == "'=HYPERLINK(\"http://x\")" and rows[1][4] == "'+1+1"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_zip_of_a_batch(login_as, make_user):
    """Does 下载本批 give one ZIP with a PDF for each certificate of the subject?"""
    admin = login_as("admin")
    service.issue_batch([service.IssueSpec("passed", make_user(), "测验", "exam:3") for _ in range(3)])
    service.issue(CertificateKind.passed, make_user(), "另一测验", "exam:4")
    resp = admin.get("/admin/certificates/download.zip?subject=exam:3")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(resp.data)).namelist()) == 3
    empty = admin.get("/admin/certificates/download.zip?subject=exam:404", follow_redirects=True)
    assert "没有符合条件的证书" in empty.get_data(as_text=True)


def test_revoke_from_the_detail_page(login_as, issue_cert, db):
    """Does revoking with a reason work, and without one change nothing?"""
    admin = login_as("admin")
    cert = issue_cert()
    resp = admin.post(f"/admin/certificates/{cert.id}/revoke", data={"reason": ""}, follow_redirects=True)
    assert "请填写撤销原因" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert cert.valid
    resp = admin.post(f"/admin/certificates/{cert.id}/revoke", data={"reason": "成绩有误"}, follow_redirects=True)
    assert f"已撤销证书 {cert.serial}" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert cert.revoked_reason == "成绩有误" and cert.revoked_by_id == admin.user.id


def test_reissue_from_the_detail_page(login_as, issue_cert, db):
    """Does 补发 create a new certificate, show it, and revoke the old one with 补发?"""
    admin = login_as("admin")
    cert = issue_cert()
    resp = admin.post(f"/admin/certificates/{cert.id}/reissue", data={"reason": "补发", "note": "遗失"})
    assert resp.status_code == 302
    db.session.expire_all()
    new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == cert.id))
    assert resp.headers["Location"].endswith(f"/admin/certificates/{new.id}")
    assert cert.revoked_reason == "补发：遗失"
    html = admin.get(f"/admin/certificates/{cert.id}").get_data(as_text=True)
    assert new.serial in html


def test_batch_from_a_pasted_list(login_as, make_user, db):
    """Does the batch form issue to everyone listed, and change nothing when a line is wrong?"""
    admin = login_as("admin")
    make_user(username="cadre01", name="张三")
    make_user(username="cadre02", name="李四")
    form = {"kind": "honour", "title": "2026年知识竞赛", "subject_ref": "competition:8", "period": "",
            "holders": "cadre01 一等奖\n李四 二等奖\n王五 三等奖"}
    resp = admin.post("/admin/certificates/issue", data=form)
    assert "第 3 行" in resp.get_data(as_text=True) and count() == 0
    form["holders"] = "cadre01 一等奖\n李四 二等奖"
    resp = admin.post("/admin/certificates/issue", data=form, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "已颁发 2 张证书" in html and "张三" in html and "李四" in html
    resp = admin.post("/admin/certificates/issue", data=form, follow_redirects=True)
    assert "另有 2 人此前已获得" in resp.get_data(as_text=True) and count() == 2


def test_batch_from_a_registered_source(login_as, make_user, fake_sources):
    """With a source registered, does the batch page offer it and issue what it lists?"""
    admin = login_as("admin")
    people = [make_user(), make_user()]
    assert "尚未接入" in admin.get("/admin/certificates/issue").get_data(as_text=True)
    service.register_source("exam", lambda ident: [
        service.IssueSpec("passed", u, f"考试{ident}", f"exam:{ident}", score=90) for u in people])
    html = admin.get("/admin/certificates/issue").get_data(as_text=True)
    assert "尚未接入" not in html and 'value="exam"' in html
    resp = admin.post("/admin/certificates/issue/source", data={"src-source": "exam", "src-ident": "12"},
                      follow_redirects=True)
    assert "已颁发 2 张证书" in resp.get_data(as_text=True) and count() == 2
    resp = admin.post("/admin/certificates/issue/source", data={"src-source": "term", "src-ident": "1"},
                      follow_redirects=True)
    assert "夜校（nightschool）模块尚未接入" in resp.get_data(as_text=True)


def test_template_editor_saves_and_checks(login_as, db):
    """Does the editor save a template, refuse a bad placeholder or a non-PNG seal without saving anything?"""
    admin = login_as("admin")
    url = "/admin/certificates/templates/honour"
    assert "荣誉证书" in admin.get(url).get_data(as_text=True)
    base = {"title": "荣誉证书", "body": "{姓名}同志：\n荣获{奖项}。", "issuer": "中共某市委统战部",
            "date_style": "numeric", "signature": "部长："}
    resp = admin.post(url, data=base | {"body": "{姓名}{名次}"})
    assert "无法识别的占位符" in resp.get_data(as_text=True)
    resp = admin.post(url, data=base | {"seal": (io.BytesIO(jpeg()), "seal.png")}, content_type="multipart/form-data")
    assert "不是 PNG" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert service.get_template("honour").issuer != "中共某市委统战部"
    resp = admin.post(url, data=base | {"seal": (io.BytesIO(png()), "seal.png")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.expire_all()
    tpl = service.get_template("honour")
    assert (tpl.issuer, tpl.signature, tpl.date_style.value) == ("中共某市委统战部", "部长：", "numeric")
    assert admin.get(url + "/seal.png").data == png()
    preview = admin.get(url + "/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    assert admin.get("/admin/certificates/templates/nonsense").status_code == 404
    assert "有印章" in admin.get("/admin/certificates/templates").get_data(as_text=True)
