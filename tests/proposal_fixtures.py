"""Fixtures the proposal tests share (test_proposals, test_proposal_comments, test_proposal_images): a region of
their own (Bochum) with its moderator, a neighbour, and an open published collection. A test file imports the
ones it uses (``from proposal_fixtures import collection, …  # noqa: F401``)."""

import pytest

from beteiligung.proposals import services


@pytest.fixture
def region(create_region):
    return create_region(slug="bochum", name="Bochum")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Bochum")


@pytest.fixture
def neighbour(create_user):
    return create_user(pseudonym="Nachbar Nils")


@pytest.fixture
def make_collection(db, moderator, region):
    def make(title="Ideen für den Stadtpark", premoderated=False, published=True, categories=("Grün", "Verkehr"),
             opens_at=None, closes_at=None):
        collection = services.create_collection(moderator, region, title, "Was **fehlt** im Park?", categories,
                                                premoderated, published, opens_at, closes_at)
        db.session.commit()
        return collection

    return make


@pytest.fixture
def collection(make_collection):
    return make_collection()
