"""What the Soest plugin does with personal data, on the platform's privacy page (hook personal_data_categories).

The plugin has no table about accounts, so it neither exports nor deletes anything of its own: the contract
asks only that it says what it does.
"""

import pytest

from beteiligung.testing.contract import personal_data_problems

pytestmark = pytest.mark.plugins("soest")


def test_the_privacy_page_says_what_the_plugin_does_with_personal_data(client):
    html = client.get("/konto/datenschutz").get_data(as_text=True)

    assert 'id="daten-soest.contact_check"' in html and 'id="daten-soest.place_of_residence"' in html
    assert "Prüfung von Beiträgen auf Kontaktdaten (Kreis Soest)" in html
    assert "Dabei wird nichts gespeichert." in html
    assert "Ein Ort erscheint nur, wenn genug Menschen von dort geantwortet haben" in html


def test_the_plugins_categories_are_described_in_english(client):
    html = client.get("/konto/datenschutz?lang=en").get_data(as_text=True)

    assert "Checking comments for contact data (Kreis Soest)" in html
    assert "Place of residence in polls (Kreis Soest)" in html
    assert "Dabei wird nichts gespeichert" not in html


def test_the_export_has_no_section_of_the_plugin_and_describes_each_section(client, auth, create_user):
    auth.login(create_user())

    data = client.get("/konto/daten.json").get_json()

    assert not [key for key in data if key.startswith("soest.")]
    assert set(data["about"]) == set(data) - {"about"}
    assert "incomplete" not in data


def test_the_plugin_keeps_the_personal_data_contract(app):
    assert personal_data_problems(app, "soest") == []
