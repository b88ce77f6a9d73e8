"""Das digitale Rathaus Wuppertal: Bürgerreisen durch Behördengänge.

- the question type ``wuppertal.journey`` ("Bürgerreise") with its journey curve on the results page,
- the survey template ``wuppertal:digitales_rathaus``,
- a box on Wuppertal's consultation pages (slot ``consultation.aside``) inviting people to the open
  polls that ask about a journey.
"""

from flask import render_template
from sqlalchemy import select

from beteiligung.plugin_api import Plugin, Poll, Question, db, format_dt, hookimpl, polls_query

from .journey import JourneyType
from .survey import DIGITALES_RATHAUS

JOURNEY_TYPE = "wuppertal.journey"
SLOT_POLLS = 3


def open_journey_polls(region, limit=SLOT_POLLS):
    """The newest open polls of the region that contain a journey question (one query)."""
    journeys = select(Question.poll_id).where(Question.type == JOURNEY_TYPE)
    return db.session.scalars(polls_query(region, "open").where(Poll.id.in_(journeys)).limit(limit)).all()


class WuppertalPlugin(Plugin):
    title = "Digitales Rathaus Wuppertal"
    description = ("Bürgerreisen: Bürgerinnen und Bürger bewerten jeden Schritt eines Behördengangs – vom Suchen "
                   "der Information bis zum Bescheid. Die Stimmungskurve zeigt, wo es hakt.")
    home_region = "wuppertal"
    core_version = ">=0.1,<1"
    template_folder = "templates"
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
