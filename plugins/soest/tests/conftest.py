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
def soest_api(client, api_headers):
    """client calls with a bearer token per user: soest_api("post", url, user, json=…)."""
    tokens = {}

    def call(method, url, user=None, **kwargs):
        headers = {}
        if user is not None:
            if user.id not in tokens:
                tokens[user.id] = api_headers(user)
            headers = tokens[user.id]
        return client.open(url, method=method.upper(), headers=headers, **kwargs)

    return call


@pytest.fixture
def soest_vote(soest_api, create_user):
    """soest_vote(poll, {question: value, …}) submits one ballot of a new citizen through the API."""

    def vote(poll, answers, user=None):
        body = {"answers": [{"question_id": question.id, "value": value} for question, value in answers.items()]}
        return soest_api("post", f"/api/v1/polls/{poll.id}/ballots", user or create_user(), json=body)

    return vote
