"""Helpers shared by the API tests: a client that checks every response for e-mail addresses."""

import re

from sqlalchemy import func, select

EMAIL = re.compile(r"[a-z0-9._%+-]+@example\.org", re.IGNORECASE)


class Api:
    """The test client with a token per user; every response is checked for e-mail addresses.

    No API response may contain an e-mail address (the users of these tests all have one at example.org).
    """

    def __init__(self, client, api_headers):
        self.client, self.api_headers = client, api_headers
        self.tokens = {}

    def open(self, method, url, user=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if user is not None:
            if user.id not in self.tokens:
                self.tokens[user.id] = self.api_headers(user)
            headers.update(self.tokens[user.id])
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        assert EMAIL.search(response.get_data(as_text=True)) is None, "an e-mail address in an API response"
        return response

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.open("DELETE", url, **kwargs)


def error_of(response, status):
    """The error object of a JSON error response, after checking the status and the contract's shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


def count(db, model, *conditions):
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))
