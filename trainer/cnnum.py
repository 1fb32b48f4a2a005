"""Chinese numerals as used in article numbers: 第五十七条 ⇄ 57 (up to the thousands)."""
from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CN_DIGITS = "零一二三四五六七八九"
ARTICLE_RE = re.compile(r"第([零〇一二两三四五六七八九十百千\d]+)条")
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"


def cn_to_int(text: str) -> int | None:
    """57 for 五十七, 10 for 十, 105 for 一百零五; None if text is not a numeral."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in UNITS:
            total += (current or 1) * UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def int_to_cn(n: int) -> str:
    """五十七 for 57, 十 for 10, 一百零五 for 105."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    parts = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            parts.append(CN_DIGITS[q] + unit)
        elif parts and n and parts[-1] != "零":
            parts.append("零")
    if n:
        parts.append(CN_DIGITS[n])
    return "".join(parts)


def article_label(n: int) -> str:
    return f"第{int_to_cn(n)}条"


def parse_article(text: str) -> int | None:
    """The article number in text like 第五十七条 (or 第57条), else None."""
    m = ARTICLE_RE.search(text or "")
    return cn_to_int(m.group(1)) if m else None
