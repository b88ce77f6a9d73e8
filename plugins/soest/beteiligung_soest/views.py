"""The plugin's page: a survey's answers broken down by place of residence."""

from flask import Blueprint, render_template
from flask_login import current_user

from beteiligung.plugin_api import NotAllowed, NotFound, Poll, can_moderate, current_region, db

from .district import breakdown, min_group_size

bp = Blueprint("soest", __name__)
DISTRICT_TYPE = "soest.district"


def results_visible(poll, moderator):
    """The platform's rule: moderators always; others once the poll is public and its results are."""
    if moderator:
        return True
    status = poll.status
    if status == "draft" or poll.results_visibility == "moderators":
        return False
    return poll.results_visibility == "live" or status == "closed"


@bp.route("/umfragen/<int:poll_id>/nach-ort")
def by_place(poll_id):
    region = current_region()
    poll = db.session.get(Poll, poll_id)
    moderator = can_moderate(current_user, region)
    if poll is None or poll.region_id != region.id or (poll.status == "draft" and not moderator):
        raise NotFound(f"Diese Umfrage gibt es in {region.name} nicht oder sie ist noch nicht veröffentlicht.")
    district = next((question for question in poll.questions if question.type == DISTRICT_TYPE), None)
    if district is None:
        raise NotFound("Diese Umfrage fragt nicht nach dem Wohnort; deshalb gibt es keine Aufschlüsselung nach Ort.")
    if not results_visible(poll, moderator):
        if poll.results_visibility == "moderators":
            raise NotAllowed("Die Ergebnisse dieser Umfrage sehen nur die Moderatorinnen und Moderatoren.")
        raise NotAllowed("Die Ergebnisse – auch nach Wohnort – werden nach dem Ende der Umfrage veröffentlicht.")
    return render_template("soest/by_place.html", region=region, poll=poll, district=district,
                           tables=breakdown(poll, district), min_group=min_group_size())
