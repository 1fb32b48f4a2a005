"""Fixtures for certificate tests: issuing helpers, PNG seals, PDF inspection."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image

from trainer.certificates import service
from trainer.certificates.models import CertificateKind

PUBLIC = "https://px.example.gov.cn"


@pytest.fixture
def public_url(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    return PUBLIC


@pytest.fixture
def issue_cert(app, make_user):
    """issue_cert(holder=None, **kw) -> a 合格证书 for holder (a new cadre by default)."""

    def issue(holder=None, kind=CertificateKind.passed, title="《宗教事务条例》专题测验", subject_ref="exam:1", **kw):
        holder = holder or make_user(name="王文华")
        return service.issue(kind, holder, title, subject_ref, **kw)

    return issue


@pytest.fixture
def fake_sources(monkeypatch):
    """An empty source registry for the test (the real one is restored afterwards)."""
    monkeypatch.setattr(service, "SOURCES", {})
    return service.SOURCES


def png(size=(300, 300), mode="RGBA") -> bytes:
    img = Image.new(mode, size, (200, 16, 30, 0) if mode == "RGBA" else (200, 16, 30))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def jpeg(size=(300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 16, 30)).save(out, "JPEG")
    return out.getvalue()


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} 未安装（apt-get install poppler-utils zbar-tools）")
    return path


def pdf_to_png(pdf: bytes, tmp_path, dpi: int = 60) -> Image.Image:
    """The first page of pdf rendered by pdftoppm."""
    need("pdftoppm")
    src = tmp_path / "page.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(src), str(tmp_path / "page")], check=True,
                   timeout=60)
    return Image.open(tmp_path / "page.png").convert("RGB")
