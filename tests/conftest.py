"""The core's fixtures come from beteiligung.testing.fixtures, loaded as a pytest plugin."""

import pytest
from api_support import Api


@pytest.fixture
def api(client, api_headers):
    """The test client for the JSON API, with a token per user (``api.post(url, user=…, json=…)``)."""
    return Api(client, api_headers)
