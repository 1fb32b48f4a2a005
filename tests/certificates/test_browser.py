"""Certificates in a real browser at phone width: the verification page and 我的证书."""
import pytest

from tests.conftest import browser_login
from trainer.certificates import service
from trainer.org.models import Role

pytestmark = pytest.mark.e2e


def test_verification_page_on_a_phone(page, live_server, issue_cert, make_user, artifacts):
    """Does the address in the QR code open a readable page on a phone, and say 已撤销 after revoking?"""
    cert = issue_cert(title="2026年上半年《中国共产党统一战线工作条例》专题考试")
    url = f"{live_server}/verify/{cert.serial}?c={cert.code}"
    page.goto(url)
    assert page.locator(".verify-title").inner_text() == "证书有效"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "01-valid.png", full_page=True)
    service.revoke(make_user(role=Role.admin), cert, "成绩复核后未达合格线")
    page.goto(url)
    assert page.locator(".verify-title").inner_text() == "已撤销"
    assert "成绩复核后未达合格线" in page.content()
    page.screenshot(path=artifacts / "02-revoked.png", full_page=True)
    page.goto(url[:-3] + "AAA")
    assert page.locator(".verify-title").inner_text() == "无法验证" and "王文华" not in page.content()


def test_cadre_downloads_a_certificate_on_a_phone(page, live_server, issue_cert, make_user, artifacts):
    """Can a cadre sign in on a phone, open 我的证书 and download the PDF?"""
    cadre = make_user(name="白鹏伟")
    issue_cert(holder=cadre)
    browser_login(page, live_server, cadre)
    page.goto(f"{live_server}/certificates")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "01-mine.png", full_page=True)
    with page.expect_download() as info:
        page.click("text=下载 PDF")
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")
