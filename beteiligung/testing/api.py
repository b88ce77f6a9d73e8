"""Helpers for tests of the JSON API, shipped with the core for plugins' tests too.

``api`` (a pytest fixture in beteiligung.testing.fixtures) is an ``ApiClient``:
``api.post(url, user=citizen, json={…})`` sends a fresh bearer token of that user.
"""

from .helpers import count_rows


class ApiClient:
    """The test client with a bearer token per user (``user=``) and the usual verbs."""

    def __init__(self, client, api_headers):
        self.client, self.api_headers = client, api_headers
        self.tokens = {}

    def open(self, method, url, user=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if user is not None:
            if user.id not in self.tokens:
                self.tokens[user.id] = self.api_headers(user)
            headers.update(self.tokens[user.id])
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.open("DELETE", url, **kwargs)

    def ballot(self, poll, user, answers):
        """POST a ballot with answers ``{question: value}``."""
        return self.post(f"/api/v1/polls/{poll.id}/ballots", user=user,
                         json={"answers": [{"question_id": q.id, "value": v} for q, v in answers.items()]})


def error_of(response, status):
    """The error object of a JSON error response, after checking the status and the contract's shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


count = count_rows  # the number of rows of a model (matching the conditions)
