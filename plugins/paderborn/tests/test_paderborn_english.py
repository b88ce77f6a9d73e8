"""The Paderborn pages in English: the plugin's catalogue of texts, user content (the services) marked German."""

from pathlib import Path

import beteiligung_paderborn
import pytest

from beteiligung.testing.language import english_page, unmarked

pytestmark = pytest.mark.plugins("paderborn")

CATALOGUE = Path(beteiligung_paderborn.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
BASE = "/paderborn/paderborn/dienste"
GERMAN_WORDS = ("Online-Dienste in", "Fachbereich", "Online seit", "hinzufügen", "Katalog", "Speichern",
                "Bitte geben Sie", "Höchstens", "Berechtigung")


def english(client, url, status=200, **kwargs):
    return english_page(client, url, CATALOGUE, GERMAN_WORDS, status, **kwargs)


def test_public_and_moderator_pages_are_english(client, auth, regions, moderator, add_service):
    add_service(regions[0], "Wunschkennzeichen reservieren", department="Straßenverkehrsamt",
                description="Ein freies PB-Kennzeichen aussuchen.")
    catalogue = english(client, f"{BASE}/")
    assert "Online services in Paderborn" in catalogue and "Online since" in catalogue
    assert "1 online service, sorted by name" in catalogue
    for text in ("Wunschkennzeichen reservieren", "Straßenverkehrsamt", "Ein freies PB-Kennzeichen aussuchen."):
        assert unmarked(catalogue, text) == [], text

    auth.login(moderator)
    manage = english(client, f"{BASE}/verwaltung")
    assert "Manage the catalogue of online services" in manage and "Disable" in manage
    assert unmarked(manage, "Wunschkennzeichen reservieren") == []
    form = english(client, f"{BASE}/neu")
    assert "Name of the online service" in form and "Save" in form


def test_refusals_and_confirmations_are_english(client, auth, regions, moderator):
    auth.login(moderator)
    refused = english(client, f"{BASE}/neu", status=422, method="POST",
                      data={"name": "", "department": "Bürgerbüro", "online_since": "2099-01-01",
                            "url": "ftp://example.org", "description": ""})
    assert "Please enter the name of the service." in refused
    assert "Please check the highlighted fields." in refused  # the core's translation of the same text
    saved = client.post(f"{BASE}/neu?lang=en", data={"name": "Sperrmüll anmelden", "department": "Abfallberatung",
                                                     "online_since": "2018-01-15", "url": "https://example.org/a"},
                        follow_redirects=True).get_data(as_text=True)
    assert "The online service “Sperrmüll anmelden” has been saved." in saved


def test_the_forbidden_page_and_the_region_page_are_english(client, auth, regions, create_user):
    auth.login(create_user())
    english(client, f"{BASE}/verwaltung", status=403)
    region_page = english(client, "/regionen/paderborn")
    assert '<a href="/paderborn/paderborn/dienste/">Online services in Paderborn</a>' in region_page
