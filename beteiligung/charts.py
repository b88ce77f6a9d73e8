"""Accessible charts rendered on the server as SVG (no JavaScript, no inline styles).

Every chart is a ``<svg role="img">`` whose accessible name is its ``<title>`` plus a ``<desc>`` that states
the data in words. The drawing duplicates a data table on the page; labels and values are real ``<text>``.
Colours come from presentation attributes (overridable by the site CSS through the ``chart-*`` classes),
because the Content-Security-Policy forbids ``style`` attributes and ``<style>`` elements.
All labels are user content and are treated as plain text: escaped everywhere, even if passed as Markup.
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel import numbers
from flask_babel import get_locale
from markupsafe import Markup, escape

WIDTH = 640
BAR_FILL = "#1f5f99"
HIGHLIGHT_FILL = "#b3261e"
TEXT_FILL = "#1a1a1a"
AXIS_STROKE = "#555555"
GRID_STROKE = "#bbbbbb"

_ID_INVALID = re.compile(r"[^a-zA-Z0-9_-]")
# Characters XML 1.0 does not allow (control characters, unpaired surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_number(value, decimals=None):
    """A number in the page's notation: ``1234`` → ``"1.234"``, ``3.456`` → ``"3,5"`` (English: ``"1,234"``, ``"3.5"``).

    Without ``decimals``, integers get none and everything else one. Rounds half up (2.25 → "2,3").
    """
    if decimals is None:
        decimals = 0 if isinstance(value, int) else 1
    # repr() gives the shortest decimal form of a float, so 2.25 rounds like the 2.25 people see.
    number = Decimal(value) if isinstance(value, int | Decimal) else Decimal(repr(float(value)))
    if not number.is_finite():
        return "–"
    with localcontext() as ctx:
        ctx.prec = max(28, number.adjusted() + decimals + 2)
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0,0"
    text = f"{number:,.{decimals}f}"
    group, decimal = _separators()
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def _separators():
    """(grouping, decimal) symbols of the page's locale; German outside a request."""
    locale = get_locale()
    if locale is None or locale.language == "de":
        return ".", ","
    return numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale)


def _share(part, total):
    text = format_number(part / total * 100, 1)
    return (text[:-2] if text.endswith(_separators()[1] + "0") else text) + " %"


def _plain(value):
    """User content as one line of plain text that XML accepts."""
    if value is None:
        return ""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    return " ".join(_XML_INVALID.sub("", text).split())


def _truncate(text, max_chars):
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "…"


def _num(value):
    """A value as float; None and non-finite numbers count as 0 for bar lengths."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _fmt_value(value, unit=""):
    """A data value with its unit; something that is no number shows as a dash."""
    if not isinstance(value, int | float | Decimal):
        return "–"
    text = format_number(value)
    clean = _plain(unit)
    if clean and str(unit)[:1].isspace():
        clean = " " + clean  # keep the caller's separator, as in " %"
    return text if text == "–" else text + clean


def _c(x):
    """A coordinate with at most two decimals, deterministic."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(x, y, label, *, cls, max_chars=80, anchor="start", size=14):
    full = _plain(label)
    shown = _truncate(full, max_chars)
    tooltip = f"<title>{escape(full)}</title>" if shown != full else ""
    return (
        f'<text x="{_c(x)}" y="{_c(y)}" class="{cls}" fill="{TEXT_FILL}" font-size="{size}" '
        f'text-anchor="{anchor}">{tooltip}{escape(shown)}</text>'
    )


def _svg(title, desc, id_prefix, height, body):
    prefix = _ID_INVALID.sub("", str(id_prefix or "")) or "chart"
    # Every piece of user content below went through escape(); the rest is generated here.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {WIDTH} {_c(height)}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" focusable="false">'
        f'<title id="{prefix}-title">{escape(_plain(title))}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _empty(title, id_prefix):
    body = [_text(WIDTH / 2, 35, "Keine Daten", cls="chart-label", anchor="middle")]
    return _svg(title, "Keine Daten", id_prefix, 60, body)


def _label_step(count):
    """Label every column up to 12, else every k-th so that at most 12 labels are drawn."""
    return 1 if count <= 12 else math.ceil(count / 12)


def bar_chart(title, rows, *, id_prefix, max_value=None, unit="", unit_one=None, highlight=()) -> Markup:
    """Horizontal bars for ``rows`` of ``(label, value)``; each label above its bar, the value at the bar end.

    ``unit_one`` is the unit after exactly 1 where it differs (" Punkt" beside " Punkte").
    """
    rows = list(rows or ())
    if not rows:
        return _empty(title, id_prefix)
    highlight = set(highlight or ())
    values = [_num(value) for _, value in rows]
    scale = _num(max_value) or max(values) or 1
    scale = scale if scale > 0 else 1
    total = sum(values)
    with_shares = not _plain(unit) and total > 0 and min(values) >= 0

    pad, row_h, bar_h, value_space = 8, 46, 18, 90
    plot_w = WIDTH - 2 * pad - value_space
    height = pad + len(rows) * row_h + 4
    body = [
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{_c(height - 4)}" class="chart-axis" '
        f'stroke="{AXIS_STROKE}" stroke-width="1"/>'
    ]
    parts = []
    for i, ((label, raw), value) in enumerate(zip(rows, values, strict=True)):
        top = pad + i * row_h
        width = plot_w * min(max(value, 0.0), scale) / scale
        marked = i in highlight
        cls, fill = ("chart-bar chart-bar-highlight", HIGHLIGHT_FILL) if marked else ("chart-bar", BAR_FILL)
        body.append(_text(pad + 4, top + 15, label, cls="chart-label", max_chars=70))
        body.append(
            f'<rect x="{pad}" y="{top + 22}" width="{_c(width)}" height="{bar_h}" class="{cls}" fill="{fill}"/>'
        )
        shown = _fmt_value(raw, unit_one if unit_one is not None and raw == 1 else unit)
        body.append(_text(pad + width + 6, top + 36, shown, cls="chart-value", size=13))
        notes = ([_share(value, total)] if with_shares else []) + (["hervorgehoben"] if marked else [])
        parts.append(f"{_plain(label)}: {shown}" + (f" ({', '.join(notes)})" if notes else ""))
    return _svg(title, "; ".join(parts), id_prefix, height, body)


def column_chart(title, rows, *, id_prefix, unit="") -> Markup:
    """Vertical columns for ``rows`` of ``(label, value)``, e.g. a time series of counts per month."""
    rows = list(rows or ())
    if not rows:
        return _empty(title, id_prefix)
    values = [_num(value) for _, value in rows]
    scale = max(values) if max(values) > 0 else 1
    pad, top, plot_h, bottom = 8, 24, 200, 36
    base = top + plot_h
    slot = (WIDTH - 2 * pad) / len(rows)
    col_w = min(slot * 0.7, 64)
    step = _label_step(len(rows))
    max_chars = max(3, int(step * slot / 7))
    body = []
    for i, ((label, raw), value) in enumerate(zip(rows, values, strict=True)):
        centre = pad + (i + 0.5) * slot
        col_h = plot_h * max(value, 0.0) / scale
        body.append(
            f'<rect x="{_c(centre - col_w / 2)}" y="{_c(base - col_h)}" width="{_c(col_w)}" '
            f'height="{_c(col_h)}" class="chart-bar" fill="{BAR_FILL}"/>'
        )
        if i % step == 0:
            body.append(_text(centre, base - col_h - 6, _fmt_value(raw, unit), cls="chart-value", anchor="middle",
                              size=12))
            body.append(_text(centre, base + 18, label, cls="chart-label", max_chars=max_chars, anchor="middle",
                              size=12))
    body.append(
        f'<line x1="{pad}" y1="{base}" x2="{WIDTH - pad}" y2="{base}" class="chart-axis" '
        f'stroke="{AXIS_STROKE}" stroke-width="1"/>'
    )
    desc = "; ".join(f"{_plain(label)}: {_fmt_value(raw, unit)}" for label, raw in rows)
    return _svg(title, desc, id_prefix, base + bottom, body)


def _optional(value):
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _ticks(y_min, y_max, y_labels):
    """Gridlines at the integers in range (at most about 11) and at every labelled value."""
    start, end = math.ceil(y_min), math.floor(y_max)
    step = max(1, math.ceil((end - start + 1) / 11))
    ticks = set(range(start, end + 1, step)) | {v for v in y_labels if y_min <= v <= y_max}
    return sorted(ticks) or [y_min, y_max]


def line_chart(title, points, *, id_prefix, y_min, y_max, y_labels=None, highlight=()) -> Markup:
    """A curve through ``(label, value_or_None)`` at equal x spacing; ``None`` leaves a gap in the line."""
    points = list(points or ())
    values = [_optional(value) for _, value in points]
    if all(value is None for value in values):
        return _empty(title, id_prefix)
    highlight = set(highlight or ())
    scale_text = f"von {format_number(y_min)} bis {format_number(y_max)}"
    y_min, y_max = float(y_min), float(y_max)
    span = (y_max - y_min) or 1.0
    y_labels = dict(y_labels or {})
    ticks = _ticks(y_min, y_max, y_labels)
    tick_texts = [_truncate(_plain(y_labels[v]) if v in y_labels else format_number(v), 22) for v in ticks]

    top, plot_h, bottom, right = 20, 220, 36, 12
    left = min(180, max(40, 12 + 7 * max(len(text) for text in tick_texts)))
    slot = (WIDTH - left - right) / len(points)
    step = _label_step(len(points))

    def y_of(value):
        return top + plot_h * (1 - (min(max(value, y_min), y_max) - y_min) / span)

    body = []
    for v, text in zip(ticks, tick_texts, strict=True):
        y = y_of(v)
        body.append(
            f'<line x1="{left}" y1="{_c(y)}" x2="{WIDTH - right}" y2="{_c(y)}" class="chart-axis chart-grid" '
            f'stroke="{GRID_STROKE}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, text, cls="chart-label", anchor="end", size=12))
    body.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="chart-axis" '
        f'stroke="{AXIS_STROKE}" stroke-width="1"/>'
    )
    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            segments.append(current)
            current = []
        else:
            current.append((left + (i + 0.5) * slot, y_of(value)))
    segments.append(current)
    for segment in segments:
        if len(segment) > 1:
            coords = " ".join(f"{_c(x)},{_c(y)}" for x, y in segment)
            body.append(
                f'<polyline points="{coords}" class="chart-line" fill="none" stroke="{BAR_FILL}" '
                f'stroke-width="2.5" stroke-linejoin="round"/>'
            )
    parts = []
    for i, ((label, _), value) in enumerate(zip(points, values, strict=True)):
        x = left + (i + 0.5) * slot
        marked = i in highlight
        if value is not None:
            cls, fill, r = ("chart-point chart-point-highlight", HIGHLIGHT_FILL, 7) if marked else (
                "chart-point", BAR_FILL, 4)
            body.append(
                f'<circle cx="{_c(x)}" cy="{_c(y_of(value))}" r="{r}" class="{cls}" fill="{fill}" '
                f'stroke="#ffffff" stroke-width="1.5"/>'
            )
            if i % step == 0:
                body.append(_text(x, y_of(value) - r - 5, format_number(value), cls="chart-value", anchor="middle",
                                  size=12))
        if i % step == 0:
            body.append(_text(x, top + plot_h + 20, label, cls="chart-label", max_chars=max(3, int(step * slot / 7)),
                              anchor="middle", size=12))
        shown = "keine Angabe" if value is None else format_number(value)
        parts.append(f"{_plain(label)}: {shown}" + (" (hervorgehoben)" if marked else ""))
    if y_labels:
        scale = ", ".join(f"{format_number(v)} = {_plain(y_labels[v])}" for v in sorted(y_labels))
    else:
        scale = scale_text
    return _svg(title, f"Skala {scale}. " + "; ".join(parts), id_prefix, top + plot_h + bottom, body)


def qr_code(text, *, label, scale=4) -> Markup:
    """``text`` (e.g. a link) as a QR code in inline SVG, an image named ``label`` for screen readers.

    Error correction level M survives a crease or a smudge on a printed card; the quiet zone is included.
    """
    import segno  # only the access-code sheet draws QR codes

    svg = segno.make(str(text), error="m", micro=False).svg_inline(scale=scale, svgclass="qr", lineclass="qr-line")
    # segno writes the <svg> element without a role; everything inside is its own path data.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(_plain(label))}" ', 1))  # noqa: S704
