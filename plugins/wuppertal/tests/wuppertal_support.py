"""Helpers of the Wuppertal plugin's tests (imported by the test modules and conftest.py)."""

from sqlalchemy import func, select

UMMELDEN = {"type": "wuppertal.journey", "text": "Wohnsitz ummelden: Wie ist es Ihnen ergangen?", "required": True,
            "options": ["Informationen finden", "Termin buchen", "Termin im Bürgerbüro", "Bestätigung erhalten"]}


class Api:
    """The test client with a bearer token per user."""

    def __init__(self, client, api_headers):
        self.client, self.api_headers, self.tokens = client, api_headers, {}

    def open(self, method, url, user=None, **kwargs):
        headers = {}
        if user is not None:
            if user.id not in self.tokens:
                self.tokens[user.id] = self.api_headers(user)
            headers.update(self.tokens[user.id])
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)


def error_of(response, status):
    """The error object of a JSON error response, after checking status and shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] and error["message"] and isinstance(error["fields"], dict)
    return error


def count(db, model, *conditions):
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))
