"""The PDF itself: Chinese text that extracts, a page that is not blank, a QR code that decodes, text that fits."""
import io
import logging
import subprocess
import zipfile

from pypdf import PdfReader

from tests.certificates.conftest import need, pdf_to_png, png
from trainer.certificates import render, service
from trainer.certificates.models import CertificateKind
from trainer.org.models import Role

LONG_NAME = "欧阳·买买提艾力·阿不都热合曼·司马义·努尔买买提·吐尔逊江"
LONG_TITLE = ("2026年度“大培训、大练兵、大比武、大竞赛”系列活动之全市统一战线政策法规知识竞赛（《中国共产党统一战线工作条例》"
              "《宗教事务条例》《宗教活动场所财务管理办法》《互联网宗教信息服务管理办法》专场）决赛暨颁奖典礼暨总结表彰大会")


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_text_has_holder_title_and_serial(app, issue_cert, public_url):
    """Does the PDF's extracted text contain the holder's name, the title, the serial and the heading?"""
    cert = issue_cert()
    pdf = service.render_pdf(cert)
    assert pdf.startswith(b"%PDF")
    text = "".join(text_of(pdf).split())  # lines may break inside the title
    for expected in ("王文华", "《宗教事务条例》专题测验", cert.serial, "中共示例市委统战部", "合格证书"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert width > height  # A4 landscape
    fonts = [f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("+" in str(name) for name in fonts), fonts  # an embedded subset


def test_page_is_not_blank(app, issue_cert, tmp_path):
    """Rendered by pdftoppm, does the page have a border, a heading in red and dark body text?"""
    image = pdf_to_png(service.render_pdf(issue_cert()), tmp_path, dpi=50)
    w, h = image.size
    pixels = image.load()
    red = sum(1 for x in range(0, w, 2) for y in range(0, h, 2) if pixels[x, y][0] > 150 and pixels[x, y][1] < 80)
    body = image.crop((int(w * 0.12), int(h * 0.3), int(w * 0.88), int(h * 0.6))).convert("L")
    dark = sum(1 for v in body.tobytes() if v < 100)
    assert red > 500, red
    assert dark > 200, dark


def test_qr_code_holds_the_verification_address(app, issue_cert, public_url, tmp_path):
    """Does zbarimg read <public url>/verify/<serial>?c=<code> from the printed page?"""
    zbarimg = need("zbarimg")
    cert = issue_cert()
    pdf_to_png(service.render_pdf(cert), tmp_path, dpi=150)
    out = subprocess.run([zbarimg, "--raw", "-q", str(tmp_path / "page.png")], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == f"{public_url}/verify/{cert.serial}?c={cert.code}"


def test_qr_uses_the_request_host_without_a_public_url(app, issue_cert):
    """Without TRAINER_PUBLIC_URL, is the verification address built from the request's host?"""
    cert = issue_cert()
    app.config["PUBLIC_BASE_URL"] = ""
    with app.test_request_context("/", base_url="http://px.local:8080"):
        assert service.verify_url(cert) == f"http://px.local:8080/verify/{cert.serial}?c={cert.code}"


def test_long_name_and_title_shrink_and_wrap_inside_the_border(app, make_user):
    """Do a very long name and title appear in full, with every piece of text inside the border?"""
    holder = make_user(name=LONG_NAME)
    cert = service.issue(CertificateKind.honour, holder, LONG_TITLE, "competition:1", award="一等奖")
    pdf = service.render_pdf(cert)
    text = "".join(text_of(pdf).split())
    assert LONG_NAME in text and LONG_TITLE in text
    x0, y0, w, h = render.INNER_BOX
    positions = []

    def visit(t, cm, tm, _font, size):
        if t.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            positions.append((t, x, y, size))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert positions
    for t, x, y, _size in positions:
        assert x0 <= x <= x0 + w and y0 <= y <= y0 + h, (t, x, y)


def test_body_layout_never_exceeds_its_frame():
    """Does the layout shrink until every line fits, and keep commas from starting a line?"""
    font = render.find_font().name
    text = f"{LONG_NAME}同志：\n" + "在" + LONG_TITLE * 3 + "中荣获一等奖，特发此证，以资鼓励。"
    _x, _y, w, h = render.BODY_FRAME
    block = render.layout_body(text, font, w, h)
    assert block.height <= h and block.size < render.BODY_SIZES[0]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for _t, lines in block.paragraphs:
        for ln in lines:
            assert stringWidth(ln.text, font, block.size) + ln.indent <= w + 0.5
            assert ln.text[0] not in render.NO_LINE_START, ln.text
    short = render.layout_body("王文华同志：\n参加测验，考核合格。", font, w, h)
    assert short.size == render.BODY_SIZES[0]


def test_configured_font_then_system_font_then_cid_with_a_warning(caplog, tmp_path):
    """Is TRAINER_CERT_FONT used, a broken one logged and replaced, and the CID font used (with a warning) when none is found?"""
    wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    import os

    if os.path.exists(wqy):
        chosen = render.find_font(wqy)
        assert chosen.embedded and chosen.path == wqy
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with caplog.at_level(logging.WARNING):
        fallback = render.find_font(str(bad), candidates=[])
    assert not fallback.embedded and fallback.name == "STSong-Light"
    assert "TRAINER_CERT_FONT" in caplog.text and "STSong-Light" in caplog.text


def test_cid_fallback_still_renders(app, issue_cert):
    """With the CID font, is the certificate still a valid one-page PDF with its serial?"""
    cert = issue_cert()
    pdf = service.render_pdf(cert, font=render.cid_font())
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and cert.serial in reader.pages[0].extract_text()


def test_revoked_certificate_is_marked(app, issue_cert, make_user):
    """Does a revoked certificate's PDF carry 已撤销 across it?"""
    cert = issue_cert()
    assert "已撤销" not in text_of(service.render_pdf(cert))
    service.revoke(make_user(role=Role.admin), cert, "信息有误")
    assert "已撤销" in text_of(service.render_pdf(cert))


def test_seal_is_drawn_with_its_transparency(app, issue_cert, make_user):
    """Is an uploaded seal drawn as a second image with a soft mask (transparency kept)?"""
    cert = issue_cert()
    tpl = service.get_template(cert.kind)
    service.update_template(make_user(role=Role.admin), cert.kind, tpl.title, tpl.body, tpl.issuer, "chinese",
                            seal=png())
    page = PdfReader(io.BytesIO(service.render_pdf(cert))).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    images = [xobjects[k].get_object() for k in xobjects]
    assert len(images) == 2
    assert any("/SMask" in img or "/Mask" in img for img in images)


def test_zip_of_has_one_pdf_per_certificate(app, make_user):
    """Does zip_of pack one PDF per certificate, named by serial and holder?"""
    certs = service.issue_batch([service.IssueSpec("completion", make_user(name=f"学员{i}"), "每周夜校", "term:1",
                                                   period="2026年春季") for i in range(3)])
    archive = zipfile.ZipFile(io.BytesIO(service.zip_of(certs)))
    names = archive.namelist()
    assert names == [f"{c.serial}-学员{i}-结业证书.pdf" for i, c in enumerate(certs)]
    assert all(archive.read(n).startswith(b"%PDF") for n in names)
