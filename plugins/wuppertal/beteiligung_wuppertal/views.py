"""The plugin's page under /wuppertal/<region>/: the region's citizen journeys (polls with a journey question)."""

from flask import Blueprint, render_template

from beteiligung.plugin_api import current_region

bp = Blueprint("wuppertal", __name__)


@bp.route("/")
def journeys():
    from . import journey_polls

    region = current_region()
    return render_template("wuppertal/journeys.html", region=region, polls=journey_polls(region))
