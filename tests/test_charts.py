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


# --- exact geometry, labels and text (hand-computed; a bar 100x too wide or a label moved by a pixel fails) ----------
#
# bar_chart: pad 8, row height 46, bar height 18, plot width 640 - 2*8 - 90 = 534; row i starts at top = 8 + 46 i:
# label at (12, top + 15), bar at (8, top + 22) with width 534 * value / scale, value at (8 + width + 6, top + 36).
# column_chart: slot = 624 / n, column width min(0.7 slot, 64), plot height 200 with its base at y 224.
# line_chart: plot from y 20 (top) to 240, x slot = (640 - left - 12) / n, left = max(40, 12 + 7 * longest tick label).

SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{p}-title {p}-desc" '
            'viewBox="0 0 640 {h}" width="100%" preserveAspectRatio="xMidYMid meet" focusable="false">'
            '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>')


def svg_text(x, y, text, cls, size, anchor="start"):
    return (f'<text x="{x}" y="{y}" class="{cls}" fill="#1a1a1a" font-size="{size}" '
            f'text-anchor="{anchor}">{text}</text>')


def bar_row(top, label, width, value, cls="chart-bar", fill="#1f5f99", value_x=None):
    value_x = value_x if value_x is not None else 8 + width + 6
    return (svg_text(12, top + 15, label, "chart-label", 14)
            + f'<rect x="8" y="{top + 22}" width="{width}" height="18" class="{cls}" fill="{fill}"/>'
            + svg_text(value_x, top + 36, value, "chart-value", 13))


def test_bar_chart_exact_svg():
    svg = bar_chart("Abstimmung", [("Ja", 12), ("Nein", 8), ("Leer", 0)], id_prefix="p", highlight=(1,))
    expected = (
        SVG_OPEN.format(p="p", h=150, title="Abstimmung",
                        desc="Ja: 12 (60 %); Nein: 8 (40 %, hervorgehoben); Leer: 0 (0 %)")
        + '<line x1="8" y1="8" x2="8" y2="146" class="chart-axis" stroke="#555555" stroke-width="1"/>'
        + bar_row(8, "Ja", 534, "12")
        + bar_row(54, "Nein", 356, "8", cls="chart-bar chart-bar-highlight", fill="#b3261e")
        + bar_row(100, "Leer", 0, "0")
        + "</svg>"
    )
    assert str(svg) == expected


def test_bar_chart_exact_svg_with_max_value_units_and_fractional_widths():
    svg = bar_chart("T", [("a", 50), ("b", 1), ("c", 150), ("d", -5)], id_prefix="q", max_value=100,
                    unit=" Punkte", unit_one=" Punkt")
    expected = (
        SVG_OPEN.format(p="q", h=196, title="T", desc="a: 50 Punkte; b: 1 Punkt; c: 150 Punkte; d: -5 Punkte")
        + '<line x1="8" y1="8" x2="8" y2="192" class="chart-axis" stroke="#555555" stroke-width="1"/>'
        + bar_row(8, "a", 267, "50 Punkte")
        + bar_row(54, "b", "5.34", "1 Punkt", value_x="19.34")
        + bar_row(100, "c", 534, "150 Punkte")  # capped at max_value
        + bar_row(146, "d", 0, "-5 Punkte")  # negative values draw no bar
        + "</svg>"
    )
    assert str(svg) == expected


def test_bar_chart_scale_is_the_largest_value_and_coordinates_are_rounded():
    root = parse(bar_chart("T", [("a", 7), ("b", 1), ("c", 2)], id_prefix="p"))
    assert [r.get("width") for r in find_all(root, "rect")] == ["534", "76.29", "152.57"]
    values = [t for t in find_all(root, "text") if classes(t) == ["chart-value"]]
    assert [(t.get("x"), t.get("y"), t.text) for t in values] == [("548", "44", "7"), ("90.29", "90", "1"),
                                                                   ("166.57", "136", "2")]
    assert desc_text(root) == "a: 7 (70 %); b: 1 (10 %); c: 2 (20 %)"


def test_bar_chart_shares_are_left_out_with_a_unit_negative_values_or_nothing_counted():
    assert desc_text(parse(bar_chart("T", [("a", 1), ("b", 2)], id_prefix="p", unit="%"))) == "a: 1%; b: 2%"
    assert desc_text(parse(bar_chart("T", [("a", 3), ("b", -1)], id_prefix="p"))) == "a: 3; b: -1"
    assert desc_text(parse(bar_chart("T", [("a", 0), ("b", 0)], id_prefix="p"))) == "a: 0; b: 0"
    root = parse(bar_chart("T", [("a", 1), ("b", 2)], id_prefix="p"))
    assert desc_text(root) == "a: 1 (33,3 %); b: 2 (66,7 %)"
    assert [r.get("width") for r in find_all(root, "rect")] == ["267", "534"]


def test_bar_chart_values_that_are_no_numbers():
    rows = [("a", None), ("b", "x"), ("c", float("inf")), ("d", Decimal("2.5")), ("e", 4)]
    root = parse(bar_chart("T", rows, id_prefix="p"))
    # Something that is no finite number draws no bar, shows a dash and counts as 0.
    assert [r.get("width") for r in find_all(root, "rect")] == ["0", "0", "0", "333.75", "534"]
    assert desc_text(root) == "a: – (0 %); b: – (0 %); c: – (0 %); d: 2,5 (38,5 %); e: 4 (61,5 %)"


def test_bar_chart_scale_falls_back_to_one_when_nothing_is_positive():
    root = parse(bar_chart("T", [("a", 0), ("b", -2)], id_prefix="p", max_value=-10))
    assert [r.get("width") for r in find_all(root, "rect")] == ["0", "0"]
    root = parse(bar_chart("T", [("a", 0.5)], id_prefix="p", max_value="x"))
    assert [r.get("width") for r in find_all(root, "rect")] == ["534"]
    root = parse(bar_chart("T", [("a", 0.5)], id_prefix="p", max_value=0))
    assert [r.get("width") for r in find_all(root, "rect")] == ["534"]


def test_bar_chart_long_value_text_is_cut_at_eighty_characters():
    unit = " " + "x" * 100
    root = parse(bar_chart("T", [("a", 1)], id_prefix="p", unit=unit))
    value = next(t for t in find_all(root, "text") if "chart-value" in classes(t))
    assert value.find(f"{NS}title").text == "1" + unit
    assert value.find(f"{NS}title").tail == "1 " + "x" * 77 + "…"


def test_column_chart_exact_svg():
    svg = column_chart("K", [("Jan", 4), ("Feb", 8), ("Mär", 0)], id_prefix="c", unit=" St.")
    expected = SVG_OPEN.format(p="c", h=260, title="K", desc="Jan: 4 St.; Feb: 8 St.; Mär: 0 St.")
    for centre, height, value, label in ((112, 100, "4 St.", "Jan"), (320, 200, "8 St.", "Feb"),
                                         (528, 0, "0 St.", "Mär")):
        expected += (f'<rect x="{centre - 32}" y="{224 - height}" width="64" height="{height}" class="chart-bar" '
                     f'fill="#1f5f99"/>'
                     + svg_text(centre, 224 - height - 6, value, "chart-value", 12, "middle")
                     + svg_text(centre, 242, label, "chart-label", 12, "middle"))
    expected += '<line x1="8" y1="224" x2="632" y2="224" class="chart-axis" stroke="#555555" stroke-width="1"/></svg>'
    assert str(svg) == expected


def test_column_chart_narrow_columns_and_label_steps():
    rows = [(f"Tag {day}", day % 3) for day in range(13)]  # 13 columns: every second one is labelled
    root = parse(column_chart("T", rows, id_prefix="p"))
    rects = find_all(root, "rect")
    assert rects[0].get("width") == "33.6"  # 0.7 of a slot (48), below the 64 cap
    assert rects[0].get("x") == "15.2"  # centre 8 + 24, minus half the width
    assert [float(r.get("height")) for r in rects[:3]] == [0, 100, 200]
    labels = [(t.get("x"), t.text) for t in find_all(root, "text") if "chart-label" in classes(t)]
    assert [text for _, text in labels] == [f"Tag {day}" for day in range(0, 13, 2)]
    assert labels[1][0] == "128"  # centre of the third slot: 8 + 2.5 * 48
    values = [t.text for t in find_all(root, "text") if "chart-value" in classes(t)]
    assert values == [str(day % 3) for day in range(0, 13, 2)]
    # label width: step 2 * slot 48 / 7 characters = 13 characters
    long = parse(column_chart("T", [("x" * 20, 1)] * 13, id_prefix="p"))
    shown = [t for t in find_all(long, "text") if "chart-label" in classes(t)][0].find(f"{NS}title").tail
    assert shown == "x" * 12 + "…"


@pytest.mark.parametrize(("count", "labelled"), [(12, 12), (13, 7), (24, 12), (25, 9), (36, 12), (37, 10)])
def test_column_chart_labels_at_most_twelve(count, labelled):
    root = parse(column_chart("T", [(str(i), 1) for i in range(count)], id_prefix="p"))
    assert len([t for t in find_all(root, "text") if "chart-label" in classes(t)]) == labelled


def test_column_chart_values_that_are_no_numbers_or_not_positive():
    root = parse(column_chart("T", [("a", None), ("b", -3), ("c", 0)], id_prefix="p"))
    assert [(r.get("y"), r.get("height")) for r in find_all(root, "rect")] == [("224", "0")] * 3
    assert desc_text(root) == "a: –; b: -3; c: 0"


def test_line_chart_exact_svg():
    svg = line_chart("L", [("a", 1), ("b", None), ("c", 3), ("d", 5)], id_prefix="l", y_min=1, y_max=5,
                     y_labels={1: "schlecht", 5: "gut"}, highlight=(2,))
    desc = "Skala 1 = schlecht, 5 = gut. a: 1,0; b: keine Angabe; c: 3,0 (hervorgehoben); d: 5,0"
    expected = SVG_OPEN.format(p="l", h=276, title="L", desc=desc)
    # left = 12 + 7 * len("schlecht") = 68; slot = (640 - 68 - 12) / 4 = 140; y(v) = 20 + 220 * (1 - (v - 1) / 4)
    for y, label in ((240, "schlecht"), (185, "2"), (130, "3"), (75, "4"), (20, "gut")):
        expected += (f'<line x1="68" y1="{y}" x2="628" y2="{y}" class="chart-axis chart-grid" stroke="#bbbbbb" '
                     f'stroke-width="1"/>' + svg_text(62, y + 4, label, "chart-label", 12, "end"))
    expected += '<line x1="68" y1="20" x2="68" y2="240" class="chart-axis" stroke="#555555" stroke-width="1"/>'
    expected += ('<polyline points="418,130 558,20" class="chart-line" fill="none" stroke="#1f5f99" '
                 'stroke-width="2.5" stroke-linejoin="round"/>')
    point = '<circle cx="{x}" cy="{y}" r="{r}" class="{cls}" fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>'
    expected += (point.format(x=138, y=240, r=4, cls="chart-point", fill="#1f5f99")
                 + svg_text(138, 231, "1,0", "chart-value", 12, "middle")
                 + svg_text(138, 260, "a", "chart-label", 12, "middle")
                 + svg_text(278, 260, "b", "chart-label", 12, "middle")
                 + point.format(x=418, y=130, r=7, cls="chart-point chart-point-highlight", fill="#b3261e")
                 + svg_text(418, 118, "3,0", "chart-value", 12, "middle")
                 + svg_text(418, 260, "c", "chart-label", 12, "middle")
                 + point.format(x=558, y=20, r=4, cls="chart-point", fill="#1f5f99")
                 + svg_text(558, 11, "5,0", "chart-value", 12, "middle")
                 + svg_text(558, 260, "d", "chart-label", 12, "middle")
                 + "</svg>")
    assert str(svg) == expected


def test_line_chart_without_labels_clamps_values_and_names_its_scale():
    root = parse(line_chart("T", [("a", 0), ("b", "2.5"), ("c", 9), ("d", "x"), ("e", float("nan"))],
                            id_prefix="p", y_min=1, y_max=3))
    assert desc_text(root) == "Skala von 1 bis 3. a: 0,0; b: 2,5; c: 9,0; d: keine Angabe; e: keine Angabe"
    # left = max(40, 12 + 7 * 1) = 40; slot = (640 - 40 - 12) / 5 = 117.6; y(v) = 20 + 220 * (1 - (v - 1) / 2)
    assert line_points(root) == [(98.8, 240), (216.4, 75), (334, 20)]
    grid = [(g.get("x1"), g.get("y1")) for g in find_all(root, "line") if "chart-grid" in classes(g)]
    assert grid == [("40", "240"), ("40", "130"), ("40", "20")]
    ticks = [t.text for t in find_all(root, "text") if t.get("text-anchor") == "end"]
    assert ticks == ["1", "2", "3"]


def test_line_chart_ticks_on_a_wide_or_fractional_range():
    root = parse(line_chart("T", [("a", 50)], id_prefix="p", y_min=0, y_max=100, y_labels={55: "Mitte", 200: "x"}))
    ticks = [t.text for t in find_all(root, "text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "10", "20", "30", "40", "50", "Mitte", "60", "70", "80", "90", "100"]
    assert desc_text(root) == "Skala 55 = Mitte, 200 = x. a: 50,0"
    root = parse(line_chart("T", [("a", 0.7)], id_prefix="p", y_min=0.5, y_max=0.9))
    ticks = [t.text for t in find_all(root, "text") if t.get("text-anchor") == "end"]
    assert ticks == ["0,5", "0,9"]
    assert line_points(root) == [(334, 130)]  # left = 40, slot = 588
    root = parse(line_chart("T", [("a", 2)], id_prefix="p", y_min=2, y_max=2))
    assert line_points(root) == [(334, 240)]  # an empty range does not divide by zero


def test_line_chart_long_tick_labels_are_cut_and_widen_the_left_margin():
    root = parse(line_chart("T", [("a", 1)], id_prefix="p", y_min=1, y_max=2, y_labels={1: "u" * 30}))
    tick = [t for t in find_all(root, "text") if t.get("text-anchor") == "end"][0]
    assert tick.text == "u" * 21 + "…"  # the whole label is in the description
    assert find_all(root, "circle")[0].get("cx") == f"{166 + (640 - 166 - 12) / 2:g}"  # left = 12 + 7 * 22
    root = parse(line_chart("T", [("a", 1)], id_prefix="p", y_min=1, y_max=2, y_labels={1: "u" * 22}))
    assert find_all(root, "line")[0].get("x1") == "166"
    root = parse(line_chart("T", [("a", 1)], id_prefix="p", y_min=1, y_max=2, y_labels={1: "u" * 21}))
    assert find_all(root, "line")[0].get("x1") == "159"


def test_line_chart_label_steps_over_many_points():
    points = [(f"P{i}", i % 5 + 1) for i in range(25)]  # step 3: points 0, 3, …, 24 carry labels
    root = parse(line_chart("T", points, id_prefix="p", y_min=1, y_max=5))
    labels = [t.text for t in find_all(root, "text") if "chart-label" in classes(t) and t.get("text-anchor") != "end"]
    assert labels == [f"P{i}" for i in range(0, 25, 3)]
    values = [t.text for t in find_all(root, "text") if "chart-value" in classes(t)]
    assert values == [format_number(float(i % 5 + 1)) for i in range(0, 25, 3)]
    assert len(find_all(root, "circle")) == 25


def test_empty_chart_exact_svg():
    expected = (SVG_OPEN.format(p="e", h=60, title="Leer", desc="Keine Daten")
                + svg_text(320, 35, "Keine Daten", "chart-label", 14, "middle") + "</svg>")
    assert str(bar_chart("Leer", [], id_prefix="e")) == expected
    assert str(column_chart("Leer", None, id_prefix="e")) == expected
    assert str(line_chart("Leer", [("a", None)], id_prefix="e", y_min=0, y_max=1)) == expected


def test_title_and_labels_are_single_lines_and_none_is_empty():
    root = parse(bar_chart(None, [(None, 1), ("  a \n b ", 2)], id_prefix=None))
    assert_accessible(root, "chart")
    assert root.find(f"{NS}title").text is None
    assert desc_text(root) == ": 1 (33,3 %); a b: 2 (66,7 %)"


def test_truncation_boundaries():
    for count, shown in ((70, "y" * 70), (71, "y" * 69 + "…")):
        root = parse(bar_chart("T", [("y" * count, 1)], id_prefix="p"))
        label = [t for t in find_all(root, "text") if "chart-label" in classes(t)][0]
        assert "".join(label.itertext()).endswith(shown)
    root = parse(bar_chart("T", [("y" * 68 + " zz", 1)], id_prefix="p"))
    label = [t for t in find_all(root, "text") if "chart-label" in classes(t)][0]
    assert label.find(f"{NS}title").tail == "y" * 68 + "…"  # the space before the cut goes


def test_coordinates_have_at_most_two_decimals():
    from beteiligung.charts import _c

    assert [_c(x) for x in (0, 12, 12.5, 12.345, 12.3449, -0.001, -1.5, 100.0, 0.004)] == [
        "0", "12", "12.5", "12.35", "12.34", "0", "-1.5", "100", "0"]


def test_numbers_and_shares_in_english():
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "en")
    with app.test_request_context():
        assert format_number(1234567.25) == "1,234,567.3"
        assert format_number(1234) == "1,234"
        root = parse(bar_chart("T", [("a", 1), ("b", 2), ("c", 1)], id_prefix="p"))
        assert desc_text(root) == "a: 1 (25 %); b: 2 (50 %); c: 1 (25 %)"
        root = parse(bar_chart("T", [("a", 1), ("b", 2)], id_prefix="p"))
        assert desc_text(root) == "a: 1 (33.3 %); b: 2 (66.7 %)"
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "de")
    with app.test_request_context():
        assert format_number(1234567.25) == "1.234.567,3"


def test_numbers_in_a_locale_with_other_separators():
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "fr")
    with app.test_request_context():
        assert format_number(1234567.25) == "1\u202f234\u202f567,3"
        root = parse(bar_chart("T", [("a", 1), ("b", 3)], id_prefix="p"))
        assert desc_text(root) == "a: 1 (25 %); b: 3 (75 %)"


def test_a_single_bar_is_a_hundred_percent():
    assert desc_text(parse(bar_chart("T", [("a", 4)], id_prefix="p"))) == "a: 4 (100 %)"


@pytest.mark.parametrize(("y_min", "y_max", "expected"), [
    (0, 11, ["0", "2", "4", "6", "8", "10"]),  # 12 integers: every second
    (0, 21, ["0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20"]),  # 22 integers: every second
    (10, 21, ["10", "12", "14", "16", "18", "20"]),
    (1, 11, [str(v) for v in range(1, 12)]),  # 11 integers: all
])
def test_line_chart_gridlines_at_most_about_eleven(y_min, y_max, expected):
    root = parse(line_chart("T", [("a", y_min)], id_prefix="p", y_min=y_min, y_max=y_max))
    assert [t.text for t in find_all(root, "text") if t.get("text-anchor") == "end"] == expected


def test_line_chart_labels_at_the_ends_of_a_fractional_range():
    root = parse(line_chart("T", [("a", 1)], id_prefix="p", y_min=0.5, y_max=2.5,
                            y_labels={0.5: "tief", 2.5: "hoch", 3: "draußen"}))
    ticks = [t.text for t in find_all(root, "text") if t.get("text-anchor") == "end"]
    assert ticks == ["tief", "1", "2", "hoch"]


def test_small_totals_and_odd_scales():
    assert desc_text(parse(bar_chart("T", [("a", 0.5)], id_prefix="p"))) == "a: 0,5 (100 %)"
    root = parse(bar_chart("T", [("a", 0.5)], id_prefix="p", max_value=-10))
    assert [r.get("width") for r in find_all(root, "rect")] == ["267"]  # a negative maximum counts as 1
    root = parse(column_chart("T", [("a", 0.5)], id_prefix="p"))
    assert [r.get("height") for r in find_all(root, "rect")] == ["200"]
    root = parse(bar_chart("T", [("a", float("nan")), ("b", 2)], id_prefix="p", unit=" %"))
    assert desc_text(root) == "a: –; b: 2 %"


def test_format_number_keeps_every_digit_of_large_integers():
    assert format_number(12345678901234567890) == "12.345.678.901.234.567.890"


@pytest.mark.parametrize("link", ["1", "http://localhost/umfragen/7?code=HKMN-2345"])
def test_qr_code_is_segnos_svg_at_scale_four_with_level_m(link):
    import segno

    expected = segno.make(link, error="m", micro=False).svg_inline(scale=4, svgclass="qr", lineclass="qr-line")
    assert str(qr_code(link, label="Karte")) == expected.replace("<svg ", '<svg role="img" aria-label="Karte" ', 1)
