"""Text out of an uploaded official text: .txt (UTF-8 or GBK), .docx (python-docx) or a text PDF (pypdf).

The kind is told by the content, not the file name: a renamed file is read for what it is.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile

from trainer.tabular import TableError, decode_text

MAX_BYTES = 10 * 1024 * 1024
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


class ReadError(ValueError):
    """A file that cannot be read as text; the message is Chinese and names the file."""


def kind_of(data: bytes, filename: str = "") -> str:
    """pdf, docx, doc or txt, judged by the first bytes."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return "txt"


def read_source(data: bytes, filename: str = "粘贴的文本.txt") -> str:
    """The text of an upload; raises ReadError with a Chinese reason."""
    if not data or not data.strip():
        raise ReadError(f"{filename}: 文件是空的")
    if len(data) > MAX_BYTES:
        raise ReadError(f"{filename}: 文件超过 10 MB")
    kind = kind_of(data, filename)
    if kind == "doc":
        raise ReadError(f"{filename}: 不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后上传")
    if kind == "pdf":
        return _read_pdf(data, filename)
    if kind == "docx":
        return _read_docx(data, filename)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{filename}: 不是文本文件（支持 .txt、.docx 和可复制文字的 PDF）")
    try:
        return decode_text(data, filename)
    except TableError as exc:
        raise ReadError(str(exc)) from exc


def _read_docx(data: bytes, filename: str) -> str:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(f"{filename}: 不是有效的 Word（.docx）文件，文件可能已损坏")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on damaged or non-Word zip files
        raise ReadError(f"{filename}: 无法读取 Word 文件（{type(exc).__name__}），请确认是 .docx 格式") from exc
    lines = [p.text for p in document.paragraphs]
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(f"{filename}: Word 文件中没有文字（正文放在表格或文本框中的，请复制为普通段落）")
    return text


def _read_pdf(data: bytes, filename: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ReadError(f"{filename}: PDF 已加密，请先解除密码保护")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReadError(f"{filename}: 无法读取 PDF 文件（{type(exc).__name__}），文件可能已损坏") from exc
    text = "\n".join(pages)
    if not CJK_RE.search(text):
        raise ReadError(f"{filename}: PDF 中没有可提取的文字（可能是扫描件），请上传 Word 或文本版本")
    return text
