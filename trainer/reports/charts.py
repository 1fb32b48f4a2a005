"""Small SVG charts drawn on the server: a histogram, a line over weeks, and the heat-map colour scale.

Pure functions returning SVG markup (markupsafe.Markup) with every piece of text escaped."""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

FONT = 'font-family="sans-serif" font-size="11"'
BAR = "#b22222"
LINE = "#b22222"
GRID = "#e6e7ea"
TEXT = "#555"
# low → high: red, amber, green (mastery of an article)
SCALE = ((0.0, (198, 40, 40)), (0.5, (249, 168, 37)), (1.0, (46, 125, 50)))


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def histogram(counts: Sequence[int], labels: Sequence[str], title: str = "", width: int = 360,
              height: int = 180) -> Markup:
    """Vertical bars with the count above each bar and the bin label below."""
    left, right, top, bottom = 8, 8, 18, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(counts) if counts and max(counts) > 0 else 1
    slot = plot_w / max(1, len(counts))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart chart-histogram" '
             f'role="img" aria-label="{escape(title)}" {FONT}>', f"<title>{escape(title)}</title>",
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{GRID}"/>']
    for i, (c, label) in enumerate(zip(counts, labels)):
        h = plot_h * c / peak
        x = left + i * slot + slot * 0.12
        y = top + plot_h - h
        parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(slot * 0.76)}" height="{_n(h)}" fill="{BAR}" '
                     f'rx="2"><title>{escape(label)}：{c}</title></rect>')
        cx = _n(left + i * slot + slot / 2)
        parts.append(f'<text x="{cx}" y="{_n(y - 4)}" text-anchor="middle" fill="{TEXT}">{c}</text>')
        parts.append(f'<text x="{cx}" y="{height - 16}" text-anchor="middle" fill="{TEXT}" font-size="9">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line(points: Sequence[tuple[str, float | None]], title: str = "", y_max: float = 100, width: int = 360,
         height: int = 180, y_label: str = "%", gaps: bool = True) -> Markup:
    """A line through the values with gridlines at quarters and the labels under the axis (thinned to at most
    eight). A None value leaves a gap, or with gaps=False the line runs on to the next value."""
    left, right, top, bottom = 34, 10, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)
    step = plot_w / max(1, n - 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart chart-line" '
             f'role="img" aria-label="{escape(title)}" {FONT}>', f"<title>{escape(title)}</title>"]
    for q in range(5):
        y = top + plot_h - plot_h * q / 4
        parts.append(f'<line x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 4}" y="{_n(y + 4)}" text-anchor="end" fill="{TEXT}">'
                     f'{_n(y_max * q / 4)}{escape(y_label) if q == 4 else ""}</text>')

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if n > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * max(0.0, min(v, y_max)) / y_max

    run: list[str] = []
    runs: list[list[str]] = []
    for i, (_, v) in enumerate(points):
        if v is None:
            if run and gaps:
                runs.append(run)
                run = []
            continue
        x, y = xy(i, v)
        run.append(f"{_n(x)},{_n(y)}")
    if run:
        runs.append(run)
    for r in runs:
        parts.append(f'<polyline points="{" ".join(r)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    every = max(1, -(-n // 8))
    for i, (label, v) in enumerate(points):
        if v is not None:
            x, y = xy(i, v)
            parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{LINE}"><title>{escape(label)}：'
                         f'{_n(v)}{escape(y_label)}</title></circle>')
        if i % every == 0 or i == n - 1:
            x = xy(i, 0)[0]
            parts.append(f'<text x="{_n(x)}" y="{height - 12}" text-anchor="middle" fill="{TEXT}" font-size="9">'
                         f'{escape(label)}</text>')
    if not n:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{TEXT}">暂无数据</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_colour(share: float | None) -> str:
    """The cell colour of a share 0..1 on the red–amber–green scale; light grey when there is no data."""
    if share is None:
        return "#eeeeee"
    return _colour(round(max(0.0, min(1.0, share)), 3))


@lru_cache(maxsize=1024)
def _colour(s: float) -> str:
    for (a, ca), (b, cb) in zip(SCALE, SCALE[1:]):
        if s <= b:
            t = (s - a) / (b - a)
            rgb = tuple(round(x + (y - x) * t) for x, y in zip(ca, cb))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*SCALE[-1][1])


def text_colour(share: float | None) -> str:
    """Black or white, whichever reads better on heat_colour(share)."""
    if share is None:
        return "#555555"
    return _text_on(heat_colour(share))


@lru_cache(maxsize=1024)
def _text_on(colour: str) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


class HeatCell(NamedTuple):
    """What a heat-map cell shows: background and text colours, the share as text, the answers behind it."""

    background: str
    colour: str
    text: str
    answers: int
    faint: bool


def heat_cell(answers: int, right: int, few: int = 5) -> HeatCell:
    """A heat-map cell for `right` of `answers`; faint when there are fewer than `few` answers."""
    share = right / answers if answers else None
    return HeatCell(heat_colour(share), text_colour(share), "—" if share is None else f"{round(100 * share)}%",
                    answers, 0 < answers < few)


def legend(title: str = "答对率", width: int = 260, height: int = 38, steps: int = 10) -> Markup:
    """The colour scale as a strip of steps labelled 0%, 50%, 100%, plus the no-data grey."""
    strip = width - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart chart-legend" '
             f'role="img" aria-label="{escape(title)}" {FONT}>', f"<title>{escape(title)}</title>"]
    for i in range(steps):
        share = (i + 0.5) / steps
        parts.append(f'<rect x="{_n(i * strip / steps)}" y="2" width="{_n(strip / steps + 0.5)}" height="14" '
                     f'fill="{heat_colour(share)}"/>')
    for share, anchor in ((0, "start"), (0.5, "middle"), (1, "end")):
        parts.append(f'<text x="{_n(share * strip)}" y="30" text-anchor="{anchor}" fill="{TEXT}">'
                     f'{round(share * 100)}%</text>')
    parts.append(f'<rect x="{strip + 12}" y="2" width="14" height="14" fill="{heat_colour(None)}"/>'
                 f'<text x="{strip + 30}" y="13" fill="{TEXT}">无数据</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
