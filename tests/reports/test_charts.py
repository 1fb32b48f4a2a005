"""SVG charts: well-formed, text escaped, colours on the scale."""
from xml.etree import ElementTree

from trainer.reports import charts

EVIL = '<script>x()</script>&"'


def parse(svg) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))


def test_histogram_is_valid_svg_with_escaped_labels():
    """Does the histogram parse as XML, draw one bar per bin and escape its labels and title?"""
    svg = charts.histogram([1, 0, 5], ["a", EVIL, "c"], title=EVIL)
    root = parse(svg)
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 3
    assert "<script>" not in str(svg)
    assert "&lt;script&gt;" in str(svg)


def test_histogram_all_zero():
    """Does an empty distribution still draw (bars of zero height)?"""
    parse(charts.histogram([0, 0], ["x", "y"]))


def test_line_gaps_and_labels():
    """Does a missing week break the line into two runs, with labels escaped?"""
    svg = charts.line([("W1", 50), ("W2", None), ("W3", 70), (EVIL, 80)], title="t")
    root = parse(svg)
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 2
    assert "<script>" not in str(svg)
    joined = parse(charts.line([("W1", 50), ("W2", None), ("W3", 70)], gaps=False))
    assert len(joined.findall("{http://www.w3.org/2000/svg}polyline")) == 1


def test_line_empty():
    """Does a line with no points say there is no data?"""
    assert "暂无数据" in str(charts.line([]))


def test_heat_colour_scale():
    """Do the ends and middle of the scale give red, amber and green, and no data grey?"""
    assert charts.heat_colour(0) == "#c62828"
    assert charts.heat_colour(0.5) == "#f9a825"
    assert charts.heat_colour(1) == "#2e7d32"
    assert charts.heat_colour(2) == "#2e7d32"
    assert charts.heat_colour(None) == "#eeeeee"
    assert charts.text_colour(0.5) == "#000000" and charts.text_colour(0) == "#ffffff"


def test_legend():
    """Does the legend show 0%, 50%, 100% and the no-data swatch?"""
    svg = str(charts.legend())
    parse(svg)
    for text in ("0%", "50%", "100%", "无数据"):
        assert text in svg


def test_heat_cell():
    """Does a cell carry its colour, text and answers, faint below the threshold and grey without answers?"""
    cell = charts.heat_cell(4, 1)
    assert cell.text == "25%" and cell.answers == 4 and cell.faint
    assert cell.background == charts.heat_colour(0.25)
    assert not charts.heat_cell(10, 10).faint and charts.heat_cell(10, 10).text == "100%"
    empty = charts.heat_cell(0, 0)
    assert empty.text == "—" and empty.background == "#eeeeee" and not empty.faint
