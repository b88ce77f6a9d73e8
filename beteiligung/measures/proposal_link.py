"""Proposals (``beteiligung.proposals``) as inputs a measure can come from: the kind ``"proposal"``.

Registered by ``init_measures`` when the proposals' pages are part of the app; nothing else in the
measures knows about proposals (the links' table stores only the kind and the proposal's id).
"""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select

from ..extensions import db
from .links import CHOICES_MAX, LinkKind, forget_target


def proposal_link_kind():
    """The link kind of proposals (imported late: the proposals' package is optional here)."""
    from ..proposals.models import Proposal, ProposalCollection, ProposalState

    class ProposalLink(LinkKind):
        key = "proposal"
        label = _l("Vorschlag")
        model = Proposal

        def region_id(self, obj):
            return obj.collection.region_id  # the collection is loaded with the proposal (joined)

        def url(self, obj):
            return url_for("proposals.show", proposal_id=obj.id)

        def is_public(self, obj):
            return obj.state == ProposalState.PUBLISHED and obj.collection.published

        def choices(self, region):
            return [tuple(row) for row in db.session.execute(
                select(Proposal.id, Proposal.title).join(ProposalCollection, ProposalCollection.id ==
                                                         Proposal.collection_id)
                .where(ProposalCollection.region_id == region.id, Proposal.state == ProposalState.PUBLISHED)
                .order_by(Proposal.title).limit(CHOICES_MAX)).all()]

    if not event.contains(Proposal, "after_delete", _forget_proposal):
        event.listen(Proposal, "after_delete", _forget_proposal)
    return ProposalLink()


def _forget_proposal(mapper, connection, target):
    forget_target(connection, "proposal", target.id)
