"""Proposal collections: citizens submit proposals, support them; the moderation releases, hides, merges
and answers them with a status. A collection is a kind of phase instrument of a process."""


def init_proposals(app):
    """The instrument kind and the pages (the API routes join the API blueprint in beteiligung.api)."""
    from ..processes.instruments import add_kind
    from .instrument import ProposalCollectionInstrument
    from .views import bp

    add_kind(app, ProposalCollectionInstrument())
    app.register_blueprint(bp)
