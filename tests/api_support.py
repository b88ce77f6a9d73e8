"""The core's API tests: the shipped client, checking every response for e-mail addresses."""

import re

from beteiligung.testing.api import ApiClient, count, error_of

EMAIL = re.compile(r"[a-z0-9._%+-]+@example\.org", re.IGNORECASE)

__all__ = ["Api", "count", "error_of"]


class Api(ApiClient):
    """No API response may contain an e-mail address (the users of these tests all have one at example.org)."""

    def open(self, method, url, user=None, headers=None, **kwargs):
        response = super().open(method, url, user=user, headers=headers, **kwargs)
        assert EMAIL.search(response.get_data(as_text=True)) is None, "an e-mail address in an API response"
        return response
