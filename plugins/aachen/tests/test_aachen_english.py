"""The Aachen matrix question and page in English: the plugin's catalogue, user content marked German."""

from pathlib import Path

import beteiligung_aachen
import pytest
from aachen_support import OFFERS_MATRIX, SKILLS, SKILLS_MATRIX, ratings

from beteiligung.testing.language import english_page, unmarked

pytestmark = pytest.mark.plugins("aachen")

CATALOGUE = Path(beteiligung_aachen.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
GERMAN_WORDS = ("Eintrag", "Bewertungen", "Mittelwert", "keine Angabe", "Skala von", "Bitte bewerten",
                "Matrixfragen", "Teilnahme")


@pytest.fixture
def app_config():
    return {"POLL_MIN_GROUP_SIZE": 2}


@pytest.fixture
def poll(api, create_user, create_poll, regions):
    poll = create_poll(region=regions[0], questions=[SKILLS_MATRIX, OFFERS_MATRIX], title="Digital lernen in Aachen",
                       results_visibility="live")
    for values in ((5, 4, 3), (4, 4, 2)):
        response = api.ballot(poll, create_user(), {poll.questions[0]: ratings(poll.questions[0], *values)})
        assert response.status_code == 201, response.get_json()
    return poll


def english(client, url, status=200, **kwargs):
    return english_page(client, url, CATALOGUE, GERMAN_WORDS, status, **kwargs)


def test_the_form_results_and_page_are_english(client, auth, create_user, poll):
    auth.login(create_user())
    form = english(client, f"/umfragen/{poll.id}")
    assert "Please rate every item on the scale from 1 (" in form and "no answer" in form
    for text in (SKILLS[1], "sehr unsicher", "Wie sicher fühlen Sie sich bei diesen Tätigkeiten?"):
        assert unmarked(form, text) == [], text

    results = english(client, f"/umfragen/{poll.id}/ergebnisse")
    assert "the bars show the average per item" in results and "<td>4.50</td>" in results
    assert unmarked(results, SKILLS[0]) == []

    page = english(client, "/aachen/aachen/")
    assert "Digital learning in Aachen" in page and "2 participations" in page
    assert unmarked(page, "Digital lernen in Aachen") == []
    assert "Polls on digital learning" in english(client, "/regionen/aachen")


def test_a_refused_matrix_answer_is_english(client, auth, create_user, poll):
    auth.login(create_user())
    question = poll.questions[0]
    first = question.options[0].id
    refused = client.post(f"/umfragen/{poll.id}/teilnehmen?lang=en", data={f"q{question.id}_{first}": "4"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Please rate all items. Missing:" in html
