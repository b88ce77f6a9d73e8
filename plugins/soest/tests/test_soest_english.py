"""The Soest pages and parts of core pages in English: the plugin's catalogue, user content marked German."""

from pathlib import Path

import beteiligung_soest
import pytest
from test_soest_by_place import QUESTIONS, fill

from beteiligung.testing.language import english_page, unmarked

pytestmark = pytest.mark.plugins("soest")

CATALOGUE = Path(beteiligung_soest.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
GERMAN_WORDS = ("Wohnort", "Antworten", "Mittelwert", "Orte mit weniger", "bitte wählen", "Stadt oder Gemeinde",
                "Umfragen nach", "Teilnahmen", "zusammengefasst")


def english(client, url, status=200, **kwargs):
    return english_page(client, url, CATALOGUE, GERMAN_WORDS, status, **kwargs)


@pytest.fixture
def poll(soest_vote, create_poll, soest_regions):
    poll = create_poll(region=soest_regions[0], questions=QUESTIONS, title="Unterwegs im Kreis Soest")
    fill(soest_vote, poll)
    return poll


def test_the_plugin_pages_are_english(client, poll):
    by_place = english(client, f"/soest/soest/umfragen/{poll.id}/nach-ort")
    assert "Answers by place of residence:" in by_place and "Respondents" in by_place
    assert "13 places with fewer than 3 answers are not shown." in by_place
    assert '<td>2.50</td>' in by_place and "2,50" not in by_place  # numbers in English notation
    for text in ("Unterwegs im Kreis Soest", "Lippstadt", "Wie zufrieden sind Sie mit dem Busangebot?"):
        assert unmarked(by_place, text) == [], text

    overview = english(client, "/soest/soest/nach-ort/")
    assert "Polls by place of residence – Kreis Soest" in overview and "9 participations" in overview
    assert unmarked(overview, "Unterwegs im Kreis Soest") == []
    assert "Polls by place of residence" in english(client, "/regionen/soest")


def test_the_question_and_its_results_are_english_in_core_pages(client, auth, create_user, poll):
    auth.login(create_user())
    form = english(client, f"/umfragen/{poll.id}")
    assert "Town or municipality" in form and "– please choose –" in form
    assert unmarked(form, "In welcher Stadt oder Gemeinde wohnen Sie?") == []
    assert unmarked(form, "Lippstadt") == []
    results = english(client, f"/umfragen/{poll.id}/ergebnisse")
    assert "Break the answers down by place of residence" in results
    assert "other places (combined)" in results


def test_the_contact_refusal_is_english(client, auth, create_user, create_consultation, soest_regions):
    consultation = create_consultation(region=soest_regions[0])
    auth.login(create_user())
    response = client.post(f"/beteiligungen/{consultation.id}/beitraege?lang=en",
                           data={"body": "Rufen Sie mich an: 02921 123456"})
    assert "Your comment seems to contain a phone number." in response.get_data(as_text=True)

