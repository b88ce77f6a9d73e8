"""The Gelsenkirchen pages in English: the plugin's catalogue, numbers in English notation, user content as German."""

from pathlib import Path

import beteiligung_gelsenkirchen
import pytest

from beteiligung.testing.language import german_left, outside_german, unmarked

pytestmark = pytest.mark.plugins("gelsenkirchen")

CATALOGUE = Path(beteiligung_gelsenkirchen.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
QUESTION = [{"type": "single_choice", "text": "Welche Daten brauchen Sie zuerst?", "required": True,
             "options": ["Baustellen", "Luftqualität", "Haushalt"]}]


@pytest.fixture
def data_set(client, db, api_headers, create_region, create_user, create_poll, enable_plugin):
    region = create_region(slug="gelsenkirchen", name="Gelsenkirchen")
    enable_plugin(region, "gelsenkirchen")
    poll = create_poll(region=region, questions=QUESTION, title="Offene Daten im Quartier")
    question = poll.questions[0]
    for _ in range(3):
        client.post(f"/api/v1/polls/{poll.id}/ballots", headers=api_headers(create_user()),
                    json={"answers": [{"question_id": question.id, "value": question.options[0].id}]})
    client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(create_user(role="moderator", regions=[region])))
    from beteiligung_gelsenkirchen.models import Dataset

    return db.session.query(Dataset).one()


def english(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    return html


def test_the_catalogue_is_compiled():
    assert CATALOGUE.with_suffix(".mo").exists(), "make translations compiles the plugins' catalogues"


def test_every_page_is_english_and_user_content_is_marked_german(client, data_set):
    pages = {
        "/gelsenkirchen/gelsenkirchen/": ["Participation in Gelsenkirchen in figures", "Visible comments",
                                          "Comments per month", "Open data from closed polls"],
        "/gelsenkirchen/gelsenkirchen/offene-daten/": ["Open data from participation – Gelsenkirchen",
                                                       "Download CSV", "Catalogue of all data sets"],
        f"/gelsenkirchen/gelsenkirchen/offene-daten/{data_set.id}": ["Preview (first rows)", "All data sets",
                                                                    "published on"],
        "/regionen/gelsenkirchen": ["Participation in figures", "Open data from closed polls"],
    }
    for url, phrases in pages.items():
        html = english(client, url)
        assert german_left(html, CATALOGUE) == [], url
        for word in ("Beteiligung in Zahlen", "Offene Daten aus", "herunterladen", "Gesamtzahlen", "Datensätze",
                     "veröffentlicht am", "Monat"):
            assert word not in outside_german(html), (url, word)
        for phrase in phrases:
            assert phrase in html, (url, phrase)
    for url in ("/gelsenkirchen/gelsenkirchen/offene-daten/",
                f"/gelsenkirchen/gelsenkirchen/offene-daten/{data_set.id}"):
        assert unmarked(english(client, url), "Ergebnisse: Offene Daten im Quartier") == [], url


def test_months_and_numbers_follow_the_locale(client, data_set):
    html = english(client, "/gelsenkirchen/gelsenkirchen/")
    assert "März" not in html and "Dez." not in html and "Okt." not in html
    assert "Month" in html
    german = client.get("/gelsenkirchen/gelsenkirchen/?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in german and "Beteiligung in Gelsenkirchen in Zahlen" in german
    assert 'lang="de"' not in german.replace('<html lang="de">', "")  # German pages need no marks
    assert "Veröffentlichte Beteiligungen" in german
