"""Proposal collections as a kind of phase instrument (registered with the processes' registry)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..processes.instruments import InstrumentKind
from .models import ProposalCollection


class ProposalCollectionInstrument(InstrumentKind):
    key = "proposal_collection"
    label = _l("Vorschlagssammlung")
    model = ProposalCollection

    def url(self, obj):
        return url_for("proposals.collection", collection_id=obj.id)

    def status(self, obj, now):
        return str(obj.status_at(now))

    def counts(self, objects):
        from .services import published_counts

        counts = published_counts([obj.id for obj in objects])
        return {obj.id: ngettext("%(num)d Vorschlag", "%(num)d Vorschläge", counts.get(obj.id, 0))
                for obj in objects}

    def follow_dates(self, obj, starts_at, ends_at, now):
        if (obj.opens_at, obj.closes_at) == (starts_at, ends_at):
            return False
        obj.opens_at, obj.closes_at = starts_at, ends_at
        return True
