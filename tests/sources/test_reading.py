"""Reading uploads: .txt in UTF-8 and GBK, .docx written by python-docx, a text PDF written by reportlab."""
import io
from pathlib import Path

import pytest

from trainer.sources.parsing import parse_text
from trainer.sources.reading import ReadError, read_source

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(lines: list[str], wrap: int = 22) -> bytes:
    """A text PDF with the CJK font embedded; long lines are wrapped as a typeset page would wrap them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    y, page = 800, 1
    for line in lines:
        chunks = [line[i:i + wrap] for i in range(0, len(line), wrap)] or [""]
        for chunk in chunks:
            if y < 80:
                c.setFont("wqy", 9)
                c.drawCentredString(297, 40, f"- {page} -")  # a page number, which is not content
                c.showPage()
                y, page = 800, page + 1
            c.setFont("wqy", 12)
            c.drawString(60, y, chunk)
            y -= 20
    c.setFont("wqy", 9)
    c.drawCentredString(297, 40, f"- {page} -")
    c.save()
    return out.getvalue()


def test_txt_in_utf8_and_gbk(synthetic_text):
    """Does a .txt read the same whether saved as UTF-8 (with BOM) or GBK?"""
    assert read_source(synthetic_text.encode("utf-8"), "a.txt") == synthetic_text
    assert read_source(b"\xef\xbb\xbf" + synthetic_text.encode("utf-8"), "a.txt") == synthetic_text
    assert read_source(synthetic_text.encode("gbk"), "a.txt") == synthetic_text


def test_docx_paragraphs(synthetic_text):
    """Does a .docx written by python-docx parse to the same articles as the text?"""
    data = docx_bytes(synthetic_text.split("\n"))
    text = read_source(data, "条例.docx")
    p, q = parse_text(text), parse_text(synthetic_text)
    assert p.ok and [a.paragraphs for a in p.articles] == [a.paragraphs for a in q.articles]
    assert read_source(data, "renamed.txt") == text  # the content decides, not the name


@pytest.mark.skipif(not FONT.exists(), reason="wqy-microhei font not installed (apt-get install fonts-wqy-microhei)")
def test_text_pdf_with_wrapped_lines_and_page_numbers(synthetic_text):
    """Does a typeset PDF (lines wrapped mid-sentence, page numbers) give back the same articles?"""
    data = pdf_bytes(synthetic_text.split("\n"))
    text = read_source(data, "条例.pdf")
    p, q = parse_text(text), parse_text(synthetic_text)
    assert p.ok, p.errors
    assert [w.reason for w in p.warnings] == []
    assert p.title == q.title and len(p.chapters) == 5
    assert [a.paragraphs for a in p.articles] == [a.paragraphs for a in q.articles]


def test_files_that_cannot_be_read_get_a_chinese_reason():
    """Are empty, old Word, broken, binary and text-less PDF files refused with a clear reason?"""
    cases = [(b"", "文件是空的"), (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".doc"),
             (b"PK\x03\x04broken", "Word"), (b"%PDF-1.4 broken", "PDF"), (b"\x00\x01\x02binary" * 10, "不是文本文件")]
    for data, reason in cases:
        with pytest.raises(ReadError, match=reason):
            read_source(data, "x")
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.rect(100, 100, 200, 200)  # a page with no text, as a scan gives
    c.save()
    with pytest.raises(ReadError, match="扫描件"):
        read_source(out.getvalue(), "scan.pdf")
