"""Helpers and sample questions shared by the Aachen plugin's tests."""

from html.parser import HTMLParser

SKILLS = ["Dokumente gemeinsam online bearbeiten", "Videokonferenzen leiten",
          "Lernplattform der Schule nutzen (z. B. logineo NRW LMS)"]
OFFERS = ["Kurse der VHS Aachen", "Elternabende zu Medienerziehung", "Sprechstunde im Medienzentrum"]

SKILLS_MATRIX = {"type": "aachen.matrix", "text": "Wie sicher fühlen Sie sich bei diesen Tätigkeiten?",
                 "required": True, "options": SKILLS,
                 "settings": {"min": 1, "max": 5, "labels": {"1": "sehr unsicher", "5": "sehr sicher"}}}
OFFERS_MATRIX = {"type": "aachen.matrix", "text": "Wie hilfreich wären diese Angebote für Sie?",
                 "required": False, "options": OFFERS}
ROLE = {"type": "single_choice", "text": "In welcher Rolle beantworten Sie diese Umfrage?",
        "options": ["Schülerin/Schüler", "Eltern", "Lehrkraft", "Teilnehmende der Erwachsenenbildung"]}


class Api:
    """The test client for the JSON API, with a fresh token per user."""

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

    def ballot(self, poll, user, answers):
        """POST a ballot with answers {question: value}."""
        return self.post(f"/api/v1/polls/{poll.id}/ballots", user=user,
                         json={"answers": [{"question_id": q.id, "value": v} for q, v in answers.items()]})


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["message"] and isinstance(error["fields"], dict)
    return error


def ratings(question, *values):
    """The JSON value rating the question's items in order (None: item left out)."""
    return {str(option.id): value for option, value in zip(question.options, values, strict=True)
            if value is not None}


class FormFields(HTMLParser):
    """Inputs (attributes) and label targets of a page."""

    def __init__(self, html):
        super().__init__()
        self.inputs, self.label_for = [], set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
