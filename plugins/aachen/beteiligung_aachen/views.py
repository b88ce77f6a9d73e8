"""The plugin's page under /aachen/<region>/: the region's polls with matrix questions."""

from flask import Blueprint, render_template

from beteiligung.plugin_api import current_region, db, polls_query

bp = Blueprint("aachen", __name__)
MATRIX_TYPE = "aachen.matrix"


@bp.route("/")
def polls():
    region = current_region()
    items = db.session.scalars(polls_query(region, question_type=MATRIX_TYPE)).all()
    return render_template("aachen/polls.html", region=region, polls=items)
