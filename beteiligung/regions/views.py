"""The page of one region: its consultations, its polls and the pages of its enabled plugins."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..consultations.services import consultation_query
from ..extensions import db
from ..plugins.runtime import navigation
from ..polls.services import poll_query
from .services import get_region_by_slug

bp = Blueprint("regions", __name__)

#: how many of the newest consultations and polls the page lists (the rest: the filtered lists)
NEWEST = 10


def _newest(query):
    """The newest items of a query and whether there are more (one query)."""
    items = db.session.scalars(query.limit(NEWEST + 1)).all()
    return items[:NEWEST], len(items) > NEWEST


@bp.route("/regionen/<region_slug>")
def show(region_slug):
    region = get_region_by_slug(region_slug)
    if region is None:
        abort(404)
    consultations, more_consultations = _newest(consultation_query(current_user, region))
    polls, more_polls = _newest(poll_query(current_user, region))
    return render_template("regions/show.html", region=region, consultations=consultations, polls=polls,
                           more_consultations=more_consultations, more_polls=more_polls,
                           plugin_pages=navigation(region))
