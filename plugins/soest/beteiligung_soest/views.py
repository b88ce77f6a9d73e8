"""The plugin's page: a survey's answers broken down by place of residence."""

from flask import Blueprint, render_template

from beteiligung.plugin_api import (
    NotAllowed,
    NotFound,
    Poll,
    can_moderate,
    can_see_results,
    current_region,
    current_user,
    db,
    min_group_size,
    polls_query,
)
from beteiligung.plugin_api import gettext as _

from .district import breakdown

bp = Blueprint("soest", __name__)
DISTRICT_TYPE = "soest.district"


@bp.route("/nach-ort/")
def overview():
    """The region's polls that ask where people live, each with its breakdown by place (one query)."""
    region = current_region()
    polls = db.session.scalars(polls_query(region, question_type=DISTRICT_TYPE)).all()
    return render_template("soest/overview.html", region=region, polls=polls)


@bp.route("/umfragen/<int:poll_id>/nach-ort")
def by_place(poll_id):
    region = current_region()
    poll = db.session.get(Poll, poll_id)
    moderator = can_moderate(current_user, region)
    if poll is None or poll.region_id != region.id or (poll.status == "draft" and not moderator):
        raise NotFound(_("Diese Umfrage gibt es in %(region)s nicht oder sie ist noch nicht veröffentlicht.",
                         region=region.name))
    district = next((question for question in poll.questions if question.type == DISTRICT_TYPE), None)
    if district is None:
        raise NotFound(_("Diese Umfrage fragt nicht nach dem Wohnort; deshalb gibt es keine Aufschlüsselung nach "
                         "Ort."))
    if not can_see_results(current_user, poll):
        if poll.results_visibility == "moderators":
            raise NotAllowed(_("Die Ergebnisse dieser Umfrage sehen nur die Moderatorinnen und Moderatoren."))
        raise NotAllowed(_("Die Ergebnisse – auch nach Wohnort – werden nach dem Ende der Umfrage veröffentlicht."))
    return render_template("soest/by_place.html", region=region, poll=poll, district=district,
                           tables=breakdown(poll, district), min_group=min_group_size())
