"""The plugin's page under /aachen/<region>/: the region's polls with matrix questions."""

from flask import Blueprint, render_template
from sqlalchemy import select

from beteiligung.plugin_api import Poll, Question, current_region, db, polls_query

bp = Blueprint("aachen", __name__)
MATRIX_TYPE = "aachen.matrix"


@bp.route("/")
def polls():
    region = current_region()
    asking = select(Question.poll_id).where(Question.type == MATRIX_TYPE)
    items = db.session.scalars(polls_query(region).where(Poll.id.in_(asking))).all()
    return render_template("aachen/polls.html", region=region, polls=items)
