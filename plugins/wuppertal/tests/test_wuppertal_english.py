"""Wuppertal's journey question, page and box in English: the plugin's catalogue, user content marked German."""

from pathlib import Path

import beteiligung_wuppertal
import pytest
from wuppertal_support import UMMELDEN

from beteiligung.testing.language import english_page, unmarked

pytestmark = pytest.mark.plugins("wuppertal")

CATALOGUE = Path(beteiligung_wuppertal.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
GERMAN_WORDS = ("Schritt", "Anmerkung", "Schwachstelle", "Durchschnitt", "nicht erlebt", "Bürgerreise",
                "Behördengang", "Teilnahme")


@pytest.fixture
def app_config():
    return {"POLL_MIN_GROUP_SIZE": 2}


@pytest.fixture
def poll(api, create_user, create_poll, world):
    poll = create_poll(region=world.wuppertal, questions=[UMMELDEN], title="Ummelden in Wuppertal",
                       results_visibility="live")
    question = poll.questions[0]
    for feelings in ((4, 1, 3, 5), (5, 2, 3, 4)):
        value = [{"touchpoint": option.id, "feeling": feeling}
                 for option, feeling in zip(question.options, feelings, strict=True)]
        response = api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                            json={"answers": [{"question_id": question.id, "value": value}]})
        assert response.status_code == 201, response.get_json()
    return poll


def english(client, url, status=200, **kwargs):
    return english_page(client, url, CATALOGUE, GERMAN_WORDS, status, **kwargs)


def test_the_form_results_page_and_box_are_english(client, auth, create_user, create_consultation, world, poll):
    auth.login(create_user())
    form = english(client, f"/umfragen/{poll.id}")
    assert "Step 1:" in form and "not experienced – no answer" in form
    for text in ("Termin buchen", "Wohnsitz ummelden: Wie ist es Ihnen ergangen?"):
        assert unmarked(form, text) == [], text

    results = english(client, f"/umfragen/{poll.id}/ergebnisse")
    assert "Weak points:" in results and "average 1.50" in results and "Share negative" in results
    assert unmarked(results, "Termin buchen") == []

    page = english(client, "/wuppertal/wuppertal/")
    assert "Citizen journeys in Wuppertal" in page and "2 participations" in page
    assert unmarked(page, "Ummelden in Wuppertal") == []
    assert "Citizen journeys" in english(client, "/regionen/wuppertal")

    consultation = create_consultation(region=world.wuppertal)
    box = english(client, f"/beteiligungen/{consultation.id}")
    assert "Tell us about your dealings with the administration" in box
