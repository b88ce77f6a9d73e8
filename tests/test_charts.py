"""The server-rendered SVG charts: well-formed, accessible, escaped, CSP-safe and deterministic."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from markupsafe import Markup

from beteiligung.charts import bar_chart, column_chart, format_number, line_chart, qr_code

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert(1)</script> & "'


def parse(svg):
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))  # noqa: S314 -- our own output, no entities or DTD


def find_all(root, tag):
    return root.findall(f".//{NS}{tag}")


def desc_text(root):
    return root.find(f"{NS}desc").text


def classes(element):
    return element.get("class", "").split()


def assert_accessible(root, prefix):
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("focusable") == "false"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("preserveAspectRatio")
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert root[0] is title and root[1] is desc
    assert title.get("id") == f"{prefix}-title"
    assert desc.get("id") == f"{prefix}-desc"
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert desc.text


def assert_no_style(root):
    for element in root.iter():
        assert element.tag != f"{NS}style"
        assert "style" not in element.attrib


def all_charts(label="Ja", value=3):
    return [
        bar_chart("Umfrage", [(label, value), ("Nein", 2)], id_prefix="bar"),
        column_chart("Kommentare", [(label, value), ("2026-02", 4)], id_prefix="col"),
        line_chart("Reise", [(label, value), ("B", 4)], id_prefix="line", y_min=1, y_max=5),
    ]


# format_number


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, None, "0"),
        (42, None, "42"),
        (1234, None, "1.234"),
        (1234567, None, "1.234.567"),
        (-1234, None, "-1.234"),
        (3.456, 1, "3,5"),
        (3.456, None, "3,5"),
        (3.0, None, "3,0"),
        (3.456, 0, "3"),
        (2.25, None, "2,3"),
        (0.15, None, "0,2"),
        (1234.5678, 2, "1.234,57"),
        (-0.04, None, "0,0"),
        (12, 1, "12,0"),
        (Decimal("3.45"), None, "3,5"),
        (float("nan"), None, "–"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


# bar_chart


def test_bar_chart_accessible_and_desc_in_german():
    root = parse(bar_chart("Abstimmung", [("Ja", 12), ("Nein", 8)], id_prefix="poll-1"))
    assert_accessible(root, "poll-1")
    assert root.find(f"{NS}title").text == "Abstimmung"
    assert desc_text(root) == "Ja: 12 (60 %); Nein: 8 (40 %)"
    texts = [t.text for t in find_all(root, "text")]
    assert "Ja" in texts and "Nein" in texts and "12" in texts and "8" in texts


def test_bar_chart_widths_proportional():
    root = parse(bar_chart("T", [("a", 10), ("b", 5), ("c", 0)], id_prefix="p"))
    widths = [float(r.get("width")) for r in find_all(root, "rect")]
    assert len(widths) == 3
    assert widths[0] > 0
    assert widths[0] / widths[1] == pytest.approx(2)
    assert widths[2] == 0


def test_bar_chart_max_value_and_unit():
    root = parse(bar_chart("T", [("a", 50), ("b", 25.5)], id_prefix="p", max_value=100, unit=" %"))
    full = parse(bar_chart("T", [("a", 100)], id_prefix="p", unit=" %"))
    widths = [float(r.get("width")) for r in find_all(root, "rect")]
    full_width = float(find_all(full, "rect")[0].get("width"))
    assert widths[0] / full_width == pytest.approx(0.5)
    assert widths[1] / full_width == pytest.approx(0.255)
    assert desc_text(root) == "a: 50 %; b: 25,5 %"
    assert "25,5 %" in [t.text for t in find_all(root, "text")]


def test_bar_chart_height_grows_with_rows():
    small = parse(bar_chart("T", [("a", 1)], id_prefix="p"))
    big = parse(bar_chart("T", [(str(i), i) for i in range(10)], id_prefix="p"))
    assert float(big.get("viewBox").split()[3]) > float(small.get("viewBox").split()[3])


def test_bar_chart_highlight():
    root = parse(bar_chart("T", [("a", 1), ("b", 2), ("c", 3)], id_prefix="p", highlight=(0, 2)))
    rects = find_all(root, "rect")
    marked = ["chart-bar-highlight" in classes(r) for r in rects]
    assert marked == [True, False, True]
    assert all("chart-bar" in classes(r) for r in rects)
    assert rects[0].get("fill") != rects[1].get("fill")
    assert "hervorgehoben" in desc_text(root)


# column_chart


def test_column_chart_heights_and_labels():
    rows = [("2026-01", 4), ("2026-02", 8), ("2026-03", 2)]
    root = parse(column_chart("Kommentare je Monat", rows, id_prefix="dash"))
    assert_accessible(root, "dash")
    heights = [float(r.get("height")) for r in find_all(root, "rect")]
    assert heights[1] / heights[0] == pytest.approx(2)
    assert heights[0] / heights[2] == pytest.approx(2)
    labels = [t.text for t in find_all(root, "text") if "chart-label" in classes(t)]
    assert labels == ["2026-01", "2026-02", "2026-03"]
    assert desc_text(root) == "2026-01: 4; 2026-02: 8; 2026-03: 2"


def test_column_chart_thins_out_labels_for_long_series():
    rows = [(f"KW {week}", week) for week in range(1, 31)]
    root = parse(column_chart("T", rows, id_prefix="p"))
    assert len(find_all(root, "rect")) == 30
    labels = [t.text for t in find_all(root, "text") if "chart-label" in classes(t)]
    assert 1 < len(labels) <= 12
    assert labels[0] == "KW 1"
    # the description still holds every value
    assert "KW 30: 30" in desc_text(root)


def test_column_chart_labels_all_up_to_twelve():
    rows = [(f"2026-{m:02d}", m) for m in range(1, 13)]
    root = parse(column_chart("T", rows, id_prefix="p", unit=" Stimmen"))
    labels = [t.text for t in find_all(root, "text") if "chart-label" in classes(t)]
    assert labels == [label for label, _ in rows]
    assert "2026-12: 12 Stimmen" in desc_text(root)


# line_chart


def line_points(root):
    return [(float(c.get("cx")), float(c.get("cy"))) for c in find_all(root, "circle")]


def test_line_chart_gap_for_none():
    points = [("Info", 3.5), ("Antrag", 2), ("Warten", None), ("Bescheid", 4), ("Abholung", 5)]
    root = parse(line_chart("Reise", points, id_prefix="journey", y_min=1, y_max=5))
    assert_accessible(root, "journey")
    assert len(find_all(root, "circle")) == 4
    lines = find_all(root, "polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert desc_text(root).endswith("Info: 3,5; Antrag: 2,0; Warten: keine Angabe; Bescheid: 4,0; Abholung: 5,0")


def test_line_chart_scale_and_y_labels():
    root = parse(line_chart("T", [("a", 1), ("b", 5), ("c", 3)], id_prefix="p", y_min=1, y_max=5,
                            y_labels={1: "sehr unzufrieden", 5: "sehr zufrieden"}))
    (x_a, y_a), (x_b, y_b), (x_c, y_c) = line_points(root)
    assert x_b - x_a == pytest.approx(x_c - x_b)  # equal spacing
    assert y_a > y_c > y_b  # higher value is drawn higher
    assert y_c == pytest.approx((y_a + y_b) / 2)
    texts = [t.text for t in find_all(root, "text")]
    assert "sehr unzufrieden" in texts and "sehr zufrieden" in texts
    assert "1 = sehr unzufrieden" in desc_text(root)
    grid = [g for g in find_all(root, "line") if "chart-grid" in classes(g)]
    assert len(grid) == 5  # at each integer 1…5


def test_line_chart_highlight():
    root = parse(line_chart("T", [("a", 2), ("b", None), ("c", 3), ("d", 4)], id_prefix="p", y_min=1, y_max=5,
                            highlight=(2,)))
    circles = find_all(root, "circle")
    marked = ["chart-point-highlight" in classes(c) for c in circles]
    assert marked == [False, True, False]  # points a, c, d (b is a gap)
    assert float(circles[1].get("r")) > float(circles[0].get("r"))
    assert "c: 3,0 (hervorgehoben)" in desc_text(root)


# shared behaviour


def test_escaping_everywhere():
    for svg in [
        bar_chart(EVIL, [(EVIL, 1)], id_prefix="p"),
        column_chart(EVIL, [(EVIL, 1)], id_prefix="p"),
        line_chart(EVIL, [(EVIL, 1)], id_prefix="p", y_min=0, y_max=2, y_labels={2: EVIL}),
        bar_chart("T", [("a", 1)], id_prefix="p", unit=EVIL),
    ]:
        text = str(svg)
        assert "<script" not in text
        assert '& "' not in text
        root = parse(svg)
        assert any(EVIL in (t.text or "") for t in root.iter())


def test_markup_labels_are_treated_as_text():
    root = parse(bar_chart(Markup("<b>fett</b>"), [(Markup("A &amp; B"), 1)], id_prefix="p"))
    assert root.find(f"{NS}title").text == "<b>fett</b>"
    assert desc_text(root).startswith("A & B: 1")


def test_control_characters_do_not_break_xml():
    root = parse(bar_chart("T\x00", [("a\x1b\nb", 1)], id_prefix="p"))
    assert desc_text(root).startswith("a b: 1")


def test_no_style_anywhere():
    for svg in all_charts() + [bar_chart("T", [], id_prefix="e")]:
        assert "style" not in str(svg)
        assert_no_style(parse(svg))


def test_presentation_defaults():
    root = parse(bar_chart("T", [("a", 1)], id_prefix="p", highlight=(0,)))
    assert find_all(root, "rect")[0].get("fill") == "#b3261e"
    assert all(t.get("fill") == "#1a1a1a" for t in find_all(root, "text"))
    root = parse(bar_chart("T", [("a", 1)], id_prefix="p"))
    assert find_all(root, "rect")[0].get("fill") == "#1f5f99"


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart("T", [], id_prefix="empty"),
        column_chart("T", [], id_prefix="empty"),
        line_chart("T", [], id_prefix="empty", y_min=1, y_max=5),
        line_chart("T", [("a", None), ("b", None)], id_prefix="empty", y_min=1, y_max=5),
    ],
)
def test_empty_data(svg):
    root = parse(svg)
    assert_accessible(root, "empty")
    assert desc_text(root) == "Keine Daten"
    assert [t.text for t in find_all(root, "text")] == ["Keine Daten"]
    assert not find_all(root, "rect") and not find_all(root, "circle")


def test_deterministic():
    first = [str(svg) for svg in all_charts(value=3.14159)]
    second = [str(svg) for svg in all_charts(value=3.14159)]
    assert first == second


def test_long_labels_truncated():
    label = "Ä" * 199 + "Z"
    for svg in all_charts(label=label):
        root = parse(svg)
        label_texts = [t for t in find_all(root, "text") if t.find(f"{NS}title") is not None]
        assert len(label_texts) == 1
        shown = label_texts[0].find(f"{NS}title").tail
        assert shown.endswith("…") and len(shown) < 100
        assert label_texts[0].find(f"{NS}title").text == label
        assert label in desc_text(root)


def test_short_labels_have_no_tooltip():
    root = parse(bar_chart("T", [("kurz", 1)], id_prefix="p"))
    assert all(t.find(f"{NS}title") is None for t in find_all(root, "text"))


def test_id_prefix_sanitised():
    root = parse(bar_chart("T", [("a", 1)], id_prefix='x" onload="alert(1) <b>'))
    assert_accessible(root, "xonloadalert1b")
    assert "onload" not in root.attrib
    root = parse(bar_chart("T", [("a", 1)], id_prefix="!!!"))
    assert_accessible(root, "chart")


# --- units and QR codes -------------------------------------------------------------------------------------------


def test_unit_one_is_used_for_exactly_one():
    svg = bar_chart("Punkte", [("A", 3), ("B", 1)], id_prefix="p", unit=" Punkte", unit_one=" Punkt")
    values = [t.text for t in parse(svg).iter(f"{NS}text") if t.get("class") == "chart-value"]
    assert values == ["3 Punkte", "1 Punkt"]
    assert "A: 3 Punkte; B: 1 Punkt" in str(svg)


def test_qr_code_is_an_accessible_csp_safe_svg():
    import segno

    link = "http://localhost/umfragen/7?code=HKMN-2345"
    svg = qr_code(link, label=EVIL)
    root = ET.fromstring(str(svg).replace("<svg ", f'<svg xmlns="{NS[1:-1]}" ', 1))  # noqa: S314
    assert root.get("role") == "img" and root.get("aria-label") == " ".join(EVIL.split())
    assert root.get("class") == "qr"
    assert "<script" not in str(svg) and "style" not in str(svg)
    path = root.find(f"{NS}path")
    expected = segno.make(link, error="m", micro=False)
    assert path.get("d") == ET.fromstring(expected.svg_inline(scale=4)).find("path").get("d")  # noqa: S314
    assert qr_code(link, label="x") == qr_code(link, label="x")
