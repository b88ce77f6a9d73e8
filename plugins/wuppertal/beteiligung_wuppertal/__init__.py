"""Das digitale Rathaus Wuppertal: Bürgerreisen durch Behördengänge.

- the question type ``wuppertal.journey`` ("Bürgerreise") with its journey curve on the results page,
- the survey template ``wuppertal:digitales_rathaus``,
- a box on Wuppertal's consultation pages (slot ``consultation.aside``) inviting people to the open
  polls that ask about a journey.
"""

from flask import render_template, url_for

from beteiligung.plugin_api import Plugin, db, format_dt, hookimpl, polls_query
from beteiligung.plugin_api import lazy_gettext as _l

from .journey import JourneyType
from .survey import DIGITALES_RATHAUS
from .views import bp

JOURNEY_TYPE = "wuppertal.journey"
SLOT_POLLS = 3


def journey_polls(region, status=None, limit=None):
    """The newest public polls of the region that contain a journey question (one query)."""
    return db.session.scalars(polls_query(region, status, question_type=JOURNEY_TYPE).limit(limit)).all()


def open_journey_polls(region, limit=SLOT_POLLS):
    """The newest open polls of the region that contain a journey question (one query)."""
    return journey_polls(region, "open", limit)


class WuppertalPlugin(Plugin):
    title = _l("Digitales Rathaus Wuppertal")
    description = _l("Bürgerreisen: Bürgerinnen und Bürger bewerten jeden Schritt eines Behördengangs – vom Suchen "
                     "der Information bis zum Bescheid. Die Stimmungskurve zeigt, wo es hakt.")
    home_region = "wuppertal"
    core_version = ">=1.1,<2"
    template_folder = "templates"
    blueprints = (bp,)
    slots = ("consultation.aside",)
    question_types = {"journey": JourneyType}
    poll_templates = (DIGITALES_RATHAUS,)

    @hookimpl
    def render_slot(self, slot, context, region):
        if slot != "consultation.aside":
            return None
        polls = open_journey_polls(region)
        if not polls:
            return None
        html = render_template("wuppertal/journey_invitation.html", polls=polls, region=region,
                               consultation=context.get("consultation"),
                               closes={poll.id: format_dt(poll.closes_at) for poll in polls if poll.closes_at})
        return 20, html

    @hookimpl
    def navigation_entries(self, region):
        return [{"label": _l("Bürgerreisen"), "url": url_for("wuppertal.journeys", region_slug=region.slug),
                 "description": _l("Behördengänge Schritt für Schritt bewerten, mit Stimmungskurve")}]
