"""Shared set-up of the Soest plugin's tests: the district with the plugin on, a neighbour without it."""

import pytest

MIN_GROUP = 3  # POLL_MIN_GROUP_SIZE in these tests: groups need only a few ballots


@pytest.fixture
def app_config():
    return {"POLL_MIN_GROUP_SIZE": MIN_GROUP}


@pytest.fixture
def soest_regions(create_region, enable_plugin):
    soest = create_region(slug="soest", name="Kreis Soest", theme="Die digitale Region")
    aachen = create_region(slug="aachen", name="StädteRegion Aachen")
    enable_plugin(soest, "soest")
    return soest, aachen


@pytest.fixture
def soest_moderator(create_user, soest_regions):
    return create_user(role="moderator", regions=[soest_regions[0]])


@pytest.fixture
def soest_api(api):
    """The core's API client as a call: soest_api("post", url, user, json=…)."""

    def call(method, url, user=None, **kwargs):
        return api.open(method.upper(), url, user=user, **kwargs)

    return call


@pytest.fixture
def soest_vote(api, create_user):
    """soest_vote(poll, {question: value, …}) submits one ballot of a new citizen through the API."""

    def vote(poll, answers, user=None):
        return api.ballot(poll, user or create_user(), answers)

    return vote
