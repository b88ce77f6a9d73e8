"""The core's fixtures come from beteiligung.testing.fixtures, loaded as a pytest plugin."""

import pytest
from api_support import Api

from beteiligung.testing.helpers import at_once


@pytest.fixture
def api(client, api_headers):
    """The test client for the JSON API, with a token per user (``api.post(url, user=…, json=…)``)."""
    return Api(client, api_headers)


# A discussion in Soest with its people, shared by the comment tests (a test file may define its own).
@pytest.fixture
def consultation(create_region, create_consultation):
    return create_consultation(create_region(slug="soest", name="Soest"))


@pytest.fixture
def author(create_user):
    return create_user(pseudonym="Autorin Anna")


@pytest.fixture
def reader(create_user):
    return create_user(pseudonym="Leser Ludwig")


@pytest.fixture
def moderator(create_user, consultation):
    return create_user(role="moderator", regions=[consultation.region], pseudonym="Moderation Soest")


# Processes, proposals and measures (tests/test_processes.py, test_proposals.py, test_measures.py): another
# region with its moderator, and a citizen; each file names its own region and moderator.

@pytest.fixture
def other_region(create_region):
    return create_region(slug="aachen", name="Aachen")


@pytest.fixture
def stranger(create_user, other_region):
    """A moderator of another region."""
    return create_user(role="moderator", regions=[other_region], pseudonym="Moderation Aachen")


@pytest.fixture
def citizen(create_user):
    return create_user(pseudonym="Bürgerin Berta")


@pytest.fixture
def concurrent(app, db):
    """concurrent([(method, url, json, headers)]) -> [(status, json)]: each request from its own thread at the
    same moment (PostgreSQL; skipped on SQLite, which serialises every write). A test file may define its own."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (SQLite serialises every write)")

    def run(requests):
        return at_once(app, db, requests)

    return run
