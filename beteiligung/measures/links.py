"""The kinds of input a measure can come from: problems of a problem poll, consultations, polls, and kinds
added later (proposals, plugins' kinds).

A kind knows how to load its objects (one query for many), their region, title and address, and whether
the public may see one. The registry is the app's (``app.extensions["beteiligung.measure_link_kinds"]``):
a new kind is one ``LinkKind`` registered with ``add_link_kind``; the links' table stores only the kind's
key and the target's id, so nothing else changes for it.
"""

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, event, select

from ..consultations.models import Consultation
from ..extensions import db
from ..object_kinds import ObjectKind
from ..polls.models import Poll, PollStatus, Problem, ProblemStatus
from ..timeutil import utcnow
from .models import KIND_MAX, MeasureLink

TITLE_SHORT = 120
CHOICES_MAX = 500


class LinkKind(ObjectKind):
    """One kind of input. Subclasses set ``key``, ``label`` and ``model`` and fill in ``url``."""

    def is_public(self, obj):
        return True

    def choices(self, region):
        """[(id, title)] of the region's inputs of this kind that a moderator may link, for the form."""
        return [tuple(row) for row in db.session.execute(
            select(self.model.id, self.model.title).where(self.model.region_id == region.id)
            .order_by(self.model.title).limit(CHOICES_MAX)).all()]


class ConsultationLink(LinkKind):
    key = "consultation"
    label = _l("Beteiligung")
    model = Consultation

    def url(self, obj):
        return url_for("consultations.show", consultation_id=obj.id)

    def is_public(self, obj):
        return str(obj.status_at(utcnow())) != "draft"


class PollLink(LinkKind):
    key = "poll"
    label = _l("Umfrage")
    model = Poll

    def url(self, obj):
        return url_for("polls.show", poll_id=obj.id)

    def is_public(self, obj):
        return obj.status_at(utcnow()) != PollStatus.DRAFT


class ProblemLink(LinkKind):
    key = "problem"
    label = _l("Problem")
    model = Problem

    def load(self, ids):
        if not ids:
            return {}
        rows = db.session.execute(select(Problem, Poll).join(Poll, Poll.id == Problem.poll_id)
                                  .where(Problem.id.in_(ids))).unique().all()
        for problem, poll in rows:
            problem.measure_poll = poll  # the poll, for region and visibility without another query
        return {problem.id: problem for problem, _poll in rows}

    def region_id(self, obj):
        return obj.measure_poll.region_id

    def title(self, obj):
        text = " ".join(obj.text.split())
        return text if len(text) <= TITLE_SHORT else text[:TITLE_SHORT - 1] + "…"

    def url(self, obj):
        return url_for("polls.show", poll_id=obj.poll_id, _anchor=f"problem-{obj.id}")

    def choices(self, region):
        rows = db.session.execute(select(Problem).join(Poll, Poll.id == Problem.poll_id).where(
            Poll.region_id == region.id, Problem.status == ProblemStatus.APPROVED)
            .order_by(Problem.poll_id, Problem.id).limit(CHOICES_MAX)).unique().scalars()
        return [(problem.id, self.title(problem)) for problem in rows]

    def is_public(self, obj):
        return obj.status == ProblemStatus.APPROVED and obj.measure_poll.status_at(utcnow()) != PollStatus.DRAFT


CORE_KINDS = (ProblemLink, ConsultationLink, PollLink)


def install_link_kinds(app):
    kinds = app.extensions.setdefault("beteiligung.measure_link_kinds", {})
    for cls in CORE_KINDS:
        kinds.setdefault(cls.key, cls())


def add_link_kind(app, kind):
    """Register another kind of input (a ``LinkKind`` instance) for this app, e.g. ``"proposal"``; before
    or after ``init_measures``."""
    kinds = app.extensions.setdefault("beteiligung.measure_link_kinds", {})
    if not kind.key or len(kind.key) > KIND_MAX or kind.key in kinds:
        raise ValueError(f"Measure link kind {kind.key!r}: a new key of at most {KIND_MAX} characters")
    kinds[kind.key] = kind


def link_kinds():
    return current_app.extensions["beteiligung.measure_link_kinds"]


def forget_target(connection, kind, target_id):
    """An input was deleted: its links go with it (ids may be used again on SQLite)."""
    connection.execute(delete(MeasureLink).where(MeasureLink.kind == kind, MeasureLink.target_id == target_id))


def _forget(kind):
    def listener(mapper, connection, target):
        forget_target(connection, kind, target.id)
    return listener


# The links' table has no foreign key to the inputs: a deleted input takes its links with it.
event.listen(Consultation, "after_delete", _forget(ConsultationLink.key))
event.listen(Poll, "after_delete", _forget(PollLink.key))
event.listen(Problem, "after_delete", _forget(ProblemLink.key))
