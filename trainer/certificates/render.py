"""Drawing one certificate as an A4 landscape PDF page with reportlab.

Chinese text needs a font that has the glyphs. In order: the TrueType font named by TRAINER_CERT_FONT,
a TrueType CJK font found on the machine (Debian: fonts-wqy-microhei), else reportlab's built-in
STSong-Light CID font, which embeds nothing and shows boxes where the reader has no Chinese font.
This module knows nothing of the database: it draws a Sheet.
"""
from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

# Binary (not ASCII85) streams: a third faster to write, and every PDF reader takes them.
rl_config.useA85 = 0

PAGE_W, PAGE_H = landscape(A4)  # 841.9 × 595.3 pt
RED = HexColor("#b5121b")
DARK_RED = HexColor("#8c0d14")
GOLD = HexColor("#c9a14a")
PALE_GOLD = HexColor("#e8d6a6")
PAPER = HexColor("#fffdf5")
INK = HexColor("#222222")
GREY = HexColor("#666666")

# TrueType CJK fonts that embed and extract correctly (TOOLCHAIN.md); Noto CJK is OTF/CFF and does not load.
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei (.ci/run installs it)
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # fonts-arphic-ukai
]
CID_FONT = "STSong-Light"

# body text sizes tried from largest to smallest until the text fits its frame
BODY_SIZES = (24, 22, 20, 18, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6)

# the frame the body text must stay inside (also used by tests)
BODY_FRAME = (112.0, 190.0, PAGE_W - 224.0, 230.0)  # x, y, width, height
INNER_BOX = (46.0, 46.0, PAGE_W - 92.0, PAGE_H - 92.0)  # inside the decorative border


@dataclass(frozen=True)
class FontChoice:
    """The font certificates are drawn with; embedded is False for the CID fallback."""

    name: str
    path: str | None
    embedded: bool


_registered: dict[tuple[str, int], str] = {}


def _register_ttf(path: str) -> str:
    key = (os.path.realpath(path), 0)
    if key not in _registered:
        name = f"CertCJK{len(_registered) + 1}"
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        _registered[key] = name
    return _registered[key]


def cid_font() -> FontChoice:
    """reportlab's built-in Chinese font (nothing embedded)."""
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return FontChoice(CID_FONT, None, False)


def find_font(configured: str | None = None, candidates: list[str] | None = None) -> FontChoice:
    """The configured TrueType font, else the first CJK TrueType font found, else the CID font (logged)."""
    if configured:
        try:
            return FontChoice(_register_ttf(configured), configured, True)
        except (OSError, TTFError) as exc:
            log.error("证书字体 TRAINER_CERT_FONT=%s 无法使用（%s），改为自动查找", configured, exc)
    for path in FONT_CANDIDATES if candidates is None else candidates:
        if os.path.exists(path):
            try:
                return FontChoice(_register_ttf(path), path, True)
            except (OSError, TTFError) as exc:
                log.warning("字体 %s 无法使用：%s", path, exc)
    log.warning("未找到可嵌入的中文 TrueType 字体，证书改用内置 STSong-Light 字体（不嵌入，"
                "没有中文字体的电脑上会显示为方框）。请安装 fonts-wqy-microhei 或设置 TRAINER_CERT_FONT。")
    return cid_font()


@dataclass
class Sheet:
    """Everything printed on one certificate, as finished text."""

    heading: str  # 荣誉证书
    body: str  # placeholders already filled; paragraphs separated by newlines
    issuer: str
    date_text: str
    serial: str
    code: str
    url: str  # the verification address in the QR code
    signature: str = ""
    seal_path: str | None = None
    watermark: str = ""  # 已撤销 on a revoked certificate, 样张 on a template preview
    highlight: tuple[str, ...] = ()  # values set in the body with an underline (the holder's name)


def qr_image(url: str) -> Image.Image:
    """The QR code of url as a greyscale PIL image (4 px per module, 2-module quiet zone).

    The mask pattern is fixed: choosing the best of eight costs more than the rest of the page
    (about 14 ms), and every reader decodes any mask."""
    qr = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_M, border=2, mask_pattern=0)
    qr.add_data(url, optimize=0)  # one byte-mode segment: mixed-mode optimisation costs more than it saves
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    img = Image.frombytes("L", (n, n), bytes(0 if dark else 255 for row in matrix for dark in row))
    return img.resize((n * 4, n * 4), Image.Resampling.NEAREST)


def _fit_string(text: str, font: str, size: float, width: float, min_size: float = 6) -> float:
    """The largest size ≤ size at which text fits width."""
    w = pdfmetrics.stringWidth(text, font, size)
    if w <= width or not text:
        return size
    return max(min_size, size * width / w)


NO_LINE_START = set("，。、；：？！）》」』”’…—·%,.;:?!)]}")
NO_LINE_END = set("（《「『“‘([{")
WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-/%]*|.", re.S)


@dataclass
class Line:
    """One line of body text as drawn."""

    text: str
    start: int  # index of its first character in the paragraph
    indent: float
    char_space: float  # extra spacing that justifies the line


@dataclass
class Block:
    """The body laid out: lines per paragraph at one size."""

    size: float
    leading: float
    paragraphs: list[tuple[str, list[Line]]]
    height: float


def _break_lines(text: str, font: str, size: float, width: float, indent: float) -> list[Line]:
    """Lines of text no wider than width, Chinese line-breaking rules kept: no comma or closing
    bracket starts a line, no opening bracket ends one; Latin words and numbers stay whole."""
    units: list[str] = []
    for u in WORD_RE.findall(text):
        # a word too long for half a line is broken anywhere
        units.extend(u if len(u) > 1 and pdfmetrics.stringWidth(u, font, size) > width / 2 else [u])
    widths = [pdfmetrics.stringWidth(u, font, size) for u in units]
    lines: list[list[int]] = [[]]
    used = 0.0
    for i, w in enumerate(widths):
        avail = width - (indent if len(lines) == 1 else 0)
        if lines[-1] and used + w > avail:
            current, carry = lines[-1], []
            # pull characters down so that the new line does not start with punctuation
            # and the old one does not end with an opening bracket
            while len(current) > 1 and units[carry[0] if carry else i] in NO_LINE_START:
                carry.insert(0, current.pop())
            while len(current) > 1 and units[current[-1]] in NO_LINE_END:
                carry.insert(0, current.pop())
            lines.append(carry)
            used = sum(widths[j] for j in carry)
        lines[-1].append(i)
        used += w
    out: list[Line] = []
    pos = 0
    for n, idx in enumerate(lines):
        line_text = "".join(units[j] for j in idx)
        avail = width - (indent if n == 0 else 0)
        gap = 0.0
        line_w = pdfmetrics.stringWidth(line_text, font, size)
        if n < len(lines) - 1 and len(line_text) > 1 and line_w < avail:
            gap = (avail - line_w) / (len(line_text) - 1)
            gap = gap if gap < size * 0.5 else 0.0
        if line_text:
            out.append(Line(line_text, pos, indent if n == 0 else 0.0, gap))
        pos += len(line_text)
    return out


def _paragraphs(text: str) -> list[tuple[str, bool]]:
    """(text, indented) per paragraph; the salutation (ending in a colon) is not indented."""
    out = []
    for raw in text.split("\n"):
        line = raw.strip().lstrip("\u3000").strip()
        if line:
            out.append((line, not line.endswith(("：", ":"))))
    return out


def layout_body(text: str, font: str, width: float, height: float) -> Block:
    """The body at the largest size whose lines fit width × height."""
    block = Block(BODY_SIZES[-1], BODY_SIZES[-1] * 1.8, [], 0.0)
    for size in BODY_SIZES:
        leading = size * 1.8
        paragraphs = [(t, _break_lines(t, font, size, width, size * 2 if ind else 0.0)) for t, ind in _paragraphs(text)]
        n = sum(len(lines) for _t, lines in paragraphs)
        used = n * leading + max(0, len(paragraphs) - 1) * size * 0.4
        block = Block(size, leading, paragraphs, used)
        too_wide = any(pdfmetrics.stringWidth(ln.text, font, size) + ln.indent > width + 0.5
                       for _t, lines in paragraphs for ln in lines)
        if used <= height and not too_wide:
            return block
    return block


def _draw_body(c: Canvas, block: Block, font: str, highlight: tuple[str, ...]) -> None:
    x, y, w, h = BODY_FRAME
    top = y + h - max(0.0, (h - block.height) * 0.3)
    c.setFillColor(INK)
    c.setStrokeColor(INK)
    c.setLineWidth(max(0.6, block.size / 22))
    for text, lines in block.paragraphs:
        spans = [(m.start(), m.end()) for v in highlight if v for m in re.finditer(re.escape(v), text)]
        for ln in lines:
            top -= block.leading
            base = top + (block.leading - block.size) / 2
            t = c.beginText(x + ln.indent, base)
            t.setFont(font, block.size)
            t.setCharSpace(ln.char_space)
            t.textOut(ln.text)
            c.saveState()
            c.drawText(t)
            c.restoreState()
            for a, b in spans:  # underline the holder's name
                a, b = max(a, ln.start), min(b, ln.start + len(ln.text))
                if a >= b:
                    continue

                def at(i: int, ln=ln) -> float:
                    prefix = ln.text[:i - ln.start]
                    return x + ln.indent + pdfmetrics.stringWidth(prefix, font, block.size) + ln.char_space * len(prefix)

                c.line(at(a) - 2, base - block.size * 0.18, at(b) - ln.char_space + 2, base - block.size * 0.18)
        top -= block.size * 0.4


def _border(c: Canvas) -> None:
    c.setFillColor(PAPER)
    c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
    # outer red band, then a gold rule and a thin red rule inside it
    c.setStrokeColor(RED)
    c.setLineWidth(14)
    c.rect(22, 22, PAGE_W - 44, PAGE_H - 44, stroke=1, fill=0)
    c.setStrokeColor(GOLD)
    c.setLineWidth(2.2)
    c.rect(34, 34, PAGE_W - 68, PAGE_H - 68, stroke=1, fill=0)
    c.setStrokeColor(RED)
    c.setLineWidth(0.8)
    c.rect(40, 40, PAGE_W - 80, PAGE_H - 80, stroke=1, fill=0)
    # a gold line pattern on the red band
    c.setStrokeColor(PALE_GOLD)
    c.setLineWidth(0.6)
    c.rect(17.5, 17.5, PAGE_W - 35, PAGE_H - 35, stroke=1, fill=0)
    c.rect(26.5, 26.5, PAGE_W - 53, PAGE_H - 53, stroke=1, fill=0)
    # corner ornaments: a gold square set on its point, with a red centre, over each corner
    for x, y in ((34, 34), (PAGE_W - 34, 34), (34, PAGE_H - 34), (PAGE_W - 34, PAGE_H - 34)):
        c.saveState()
        c.translate(x, y)
        c.rotate(45)
        c.setFillColor(GOLD)
        c.rect(-13, -13, 26, 26, stroke=0, fill=1)
        c.setFillColor(RED)
        c.rect(-7.5, -7.5, 15, 15, stroke=0, fill=1)
        c.setFillColor(PALE_GOLD)
        c.rect(-3, -3, 6, 6, stroke=0, fill=1)
        c.restoreState()
    # corner brackets inside the frame
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.4)
    arm = 46
    for x, y, dx, dy in ((52, 52, 1, 1), (PAGE_W - 52, 52, -1, 1), (52, PAGE_H - 52, 1, -1),
                         (PAGE_W - 52, PAGE_H - 52, -1, -1)):
        p = c.beginPath()
        p.moveTo(x, y + dy * arm)
        p.lineTo(x, y)
        p.lineTo(x + dx * arm, y)
        p.moveTo(x + dx * 6, y + dy * (arm - 14))
        p.lineTo(x + dx * 6, y + dy * 6)
        p.lineTo(x + dx * (arm - 14), y + dy * 6)
        c.drawPath(p, stroke=1, fill=0)


def _heading(c: Canvas, text: str, font: str) -> None:
    text = text.strip() or "证书"
    size = 50.0
    spacing = size * 0.55 if len(text) <= 6 else size * 0.1
    avail = PAGE_W - 260

    def width(s: float, sp: float) -> float:
        return pdfmetrics.stringWidth(text, font, s) + sp * (len(text) - 1)

    while width(size, spacing) > avail and size > 16:
        size -= 2
        spacing = size * (0.55 if len(text) <= 6 else 0.1)
    w = width(size, spacing)
    y = PAGE_H - 140
    t = c.beginText()
    t.setTextOrigin((PAGE_W - w) / 2, y)
    t.setFont(font, size)
    t.setCharSpace(spacing)
    t.setFillColor(RED)
    t.textOut(text)
    c.saveState()  # the character spacing must not leak into later text
    c.drawText(t)
    c.restoreState()
    # gold rules with a diamond on both sides of the heading
    gap, rule = 22, 90
    c.setStrokeColor(GOLD)
    c.setFillColor(GOLD)
    c.setLineWidth(1.2)
    mid = y + size * 0.33
    for sign in (-1, 1):
        edge = PAGE_W / 2 + sign * (w / 2 + gap)
        c.line(edge, mid, edge + sign * rule, mid)
        c.saveState()
        c.translate(edge + sign * (rule + 7), mid)
        c.rotate(45)
        c.rect(-3.5, -3.5, 7, 7, stroke=0, fill=1)
        c.restoreState()


def _footer(c: Canvas, sheet: Sheet, font: str, images: dict) -> None:
    # issuing body and date, bottom right; the seal is stamped over them
    cx = PAGE_W - 230
    c.setFillColor(INK)
    size = _fit_string(sheet.issuer, font, 18, 300)
    c.setFont(font, size)
    c.drawCentredString(cx, 128, sheet.issuer)
    c.setFont(font, 16)
    c.drawCentredString(cx, 100, sheet.date_text)
    if sheet.signature:
        label = sheet.signature.strip()
        c.setFont(font, 14)
        lx = 360
        c.drawString(lx, 100, label)
        if label.endswith(("：", ":")):
            lw = pdfmetrics.stringWidth(label, font, 14)
            c.setStrokeColor(INK)
            c.setLineWidth(0.6)
            c.line(lx + lw + 2, 98, lx + lw + 110, 98)
    if sheet.seal_path:
        seal = images.get(sheet.seal_path)
        if seal is None and os.path.exists(sheet.seal_path):
            seal = images[sheet.seal_path] = _seal_image(sheet.seal_path)
        if seal is not None:
            iw, ih = seal.getSize()
            d = 124.0
            scale = d / max(iw, ih)
            c.drawImage(seal, cx - iw * scale / 2, 112 - ih * scale / 2, iw * scale, ih * scale, mask="auto")
    # QR code, serial and verification code, bottom left
    q = 76.0
    qx, qy = 72.0, 84.0
    c.drawImage(ImageReader(qr_image(sheet.url)), qx, qy, q, q)
    c.setFillColor(GREY)
    c.setFont(font, 8)
    c.drawCentredString(qx + q / 2, qy - 10, "扫码验证真伪")
    tx = qx + q + 12
    c.setFillColor(INK)
    c.setFont(font, 11)
    c.drawString(tx, qy + 52, f"证书编号：{sheet.serial}")
    c.drawString(tx, qy + 34, f"校验码：{format_code(sheet.code)}")
    c.setFillColor(GREY)
    c.setFont(font, 8)
    base = sheet.url.split("?", 1)[0].rsplit("/", 1)[0]
    c.drawString(tx, qy + 16, _clip(f"查验：{base}", font, 8, 220))


SEAL_PX = 360  # 124 pt wide: about 200 dpi in print, plenty for a red stamp


def _seal_image(path: str) -> ImageReader:
    """The seal, scaled down once per batch: every PDF compresses its pixels again."""
    with Image.open(path) as img:
        img = img.convert("RGBA")
        img.thumbnail((SEAL_PX, SEAL_PX), Image.Resampling.LANCZOS)
    return ImageReader(img)


def _clip(text: str, font: str, size: float, width: float) -> str:
    while text and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def format_code(code: str) -> str:
    """A verification code in groups of four for reading aloud: ABCD-EFGH-JKLM."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _watermark(c: Canvas, text: str, font: str) -> None:
    c.saveState()
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(24)
    c.setFillColor(Color(0.8, 0.05, 0.1, alpha=0.22))
    c.setFont(font, _fit_string(text, font, 120, PAGE_W * 0.8))
    c.drawCentredString(0, -40, text)
    c.restoreState()


def draw(c: Canvas, sheet: Sheet, font: FontChoice, images: dict | None = None) -> None:
    """Draw sheet on the current page of c."""
    images = {} if images is None else images
    _border(c)
    _heading(c, sheet.heading, font.name)
    x, y, w, h = BODY_FRAME
    _draw_body(c, layout_body(sheet.body, font.name, w, h), font.name, sheet.highlight)
    _footer(c, sheet, font.name, images)
    if sheet.watermark:
        _watermark(c, sheet.watermark, font.name)
    c.setFillColor(white)


def render(sheet: Sheet, font: FontChoice, images: dict | None = None) -> bytes:
    """One certificate as PDF bytes."""
    out = io.BytesIO()
    # Uncompressed streams (the font subset above all): a third faster to write, 45 KB a file instead of 30 KB
    c = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=0)
    c.setTitle(f"{sheet.heading} {sheet.serial}")
    c.setAuthor(sheet.issuer)
    c.setSubject(sheet.serial)
    draw(c, sheet, font, images)
    c.showPage()
    c.save()
    return out.getvalue()
