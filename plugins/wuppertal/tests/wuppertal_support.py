"""Helpers of the Wuppertal plugin's tests (imported by the test modules and conftest.py)."""

from beteiligung.testing.api import count, error_of  # noqa: F401 - the tests import them from here

UMMELDEN = {"type": "wuppertal.journey", "text": "Wohnsitz ummelden: Wie ist es Ihnen ergangen?", "required": True,
            "options": ["Informationen finden", "Termin buchen", "Termin im Bürgerbüro", "Bestätigung erhalten"]}
