"""The style page /gestaltung: every component of the design system (static/style.css) with sample content.

A public page that reads nothing from the database; the browser suite checks it (axe in light, dark and
forced colours, 320 px). Sample data lives in the template, the chart is drawn by beteiligung/charts.py.
"""

from flask import Blueprint, render_template

from . import charts

bp = Blueprint("design", __name__)

# Sample figures for the chart and the table of the style page (made up, not taken from any poll).
SAMPLE_ROWS = (("Radwege ausbauen", 412), ("Busse häufiger", 356), ("Mehr Carsharing", 187), ("Nichts davon", 41))


@bp.get("/gestaltung")
def index():
    chart = charts.bar_chart("Beispiel: Was soll sich bei der Mobilität ändern?", SAMPLE_ROWS,
                             id_prefix="gestaltung-balken", highlight={0})
    return render_template("design/index.html", chart=chart, rows=SAMPLE_ROWS, total=sum(v for _, v in SAMPLE_ROWS))
