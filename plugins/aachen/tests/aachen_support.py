"""Helpers and sample questions shared by the Aachen plugin's tests."""

from html.parser import HTMLParser

from beteiligung.testing.api import error_of  # noqa: F401 - the tests import it from here

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
