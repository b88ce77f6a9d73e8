"""Disabling the plugin in Aachen removes the matrix type and the template from new polls there, while
existing polls with matrix questions stay answerable and their ballots and results stay readable."""

import csv
import io

import pytest
from aachen_support import OFFERS_MATRIX, ROLE, SKILLS, SKILLS_MATRIX, FormFields, error_of, ratings
from sqlalchemy import func, select

from beteiligung.plugin_api import Ballot, Poll

pytestmark = pytest.mark.plugins("aachen")

MATRIX_ONLY = {"region": "aachen", "title": "Medienkompetenz an der Gesamtschule", "questions": [SKILLS_MATRIX]}


def test_the_matrix_type_is_refused_in_a_region_without_the_plugin(api, db, regions, moderator):
    error = error_of(api.post("/api/v1/polls", user=moderator, json=dict(MATRIX_ONLY, region="soest")), 422)
    assert error["fields"]["questions.0"] == ["Den Fragetyp „aachen.matrix“ gibt es in dieser Region nicht."]
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


@pytest.fixture
def answered(api, regions, create_poll, create_user):
    """An open poll in Aachen with six ballots, made while the plugin was enabled there."""
    aachen, _soest = regions
    poll = create_poll(region=aachen, questions=[ROLE, SKILLS_MATRIX, OFFERS_MATRIX])
    role, skills, _offers = poll.questions
    for values in ((5, 4, 3), (4, 4, 3), (5, 3, 2), (3, 4, 4), (5, 5, 3), (4, 2, 3)):
        assert api.ballot(poll, create_user(), {role: role.options[0].id,
                                                skills: ratings(skills, *values)}).status_code == 201
    return poll


def test_after_disabling_new_polls_cannot_use_the_type_or_the_template(api, db, client, auth, regions, moderator,
                                                                        disable_plugin, create_poll):
    aachen, _soest = regions
    assert api.post("/api/v1/polls", user=moderator, json=MATRIX_ONLY).status_code == 201
    disable_plugin(aachen, "aachen")

    error = error_of(api.post("/api/v1/polls", user=moderator, json=MATRIX_ONLY), 422)
    assert error["fields"]["questions.0"] == ["Den Fragetyp „aachen.matrix“ gibt es in dieser Region nicht."]
    error = error_of(api.post("/api/v1/polls", user=moderator,
                              json={"region": "aachen", "template": "aachen:digitales_lernen"}), 422)
    assert "template" in error["fields"]
    assert api.get("/api/v1/poll-templates?region=aachen").get_json()["items"] == []
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 1

    draft = create_poll(region=aachen, status="draft", questions=[])
    auth.login(moderator)
    assert "aachen.matrix" not in client.get(f"/umfragen/{draft.id}/bearbeiten").get_data(as_text=True)
    response = client.post(f"/umfragen/{draft.id}/fragen", data={
        "question-type": "aachen.matrix", "question-text": "Wie hilfreich wären diese Angebote?",
        "question-options": "Kurse der VHS Aachen\nOnline-Selbstlernkurse"})
    assert response.status_code == 422
    db.session.refresh(draft)
    assert draft.questions == []


def test_after_disabling_results_csv_and_results_page_of_an_existing_poll_still_work(
        api, client, answered, disable_plugin, regions, moderator):
    aachen, _soest = regions
    disable_plugin(aachen, "aachen")
    _role, skills, _offers = answered.questions

    results = api.get(f"/api/v1/polls/{answered.id}/results", user=moderator)
    assert results.status_code == 200
    item = results.get_json()["questions"][1]
    assert item["type"] == "aachen.matrix" and item["answers"] == 6
    assert [option["mean"] for option in item["options"]] == [4.33, 3.67, 3.0]

    response = api.get(f"/api/v1/polls/{answered.id}/results.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [str(skills.id), skills.text, "aachen.matrix", SKILLS[0], "mean", "4.33"] in rows
    assert [str(skills.id), skills.text, "aachen.matrix", SKILLS[2], "count:3", "4"] in rows

    page = client.get(f"/umfragen/{answered.id}/ergebnisse")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mittelwerte: Wie sicher fühlen Sie sich bei diesen Tätigkeiten?" in html
    assert '<th scope="row">Videokonferenzen leiten</th>' in html and "<td>4,33</td>" in html


def test_after_disabling_an_existing_poll_stays_answerable(api, db, client, auth, answered, disable_plugin,
                                                           regions, create_user):
    aachen, _soest = regions
    disable_plugin(aachen, "aachen")
    role, skills, _offers = answered.questions

    assert api.ballot(answered, create_user(), {skills: ratings(skills, 1, 2, 3)}).status_code == 201
    refused = error_of(api.ballot(answered, create_user(), {skills: ratings(skills, 1, 9, 3)}), 422)
    assert refused["fields"] == {f"question_{skills.id}": [f"Die Bewertung für „{SKILLS[1]}“ muss zwischen 1 und 5 "
                                                           f"liegen."]}

    auth.login(create_user())
    html = client.get(f"/umfragen/{answered.id}").get_data(as_text=True)
    names = {field["name"] for field in FormFields(html).inputs}
    assert {f"q{skills.id}_{option.id}" for option in skills.options} <= names
    response = client.post(f"/umfragen/{answered.id}/teilnehmen",
                           data={f"q{skills.id}_{option.id}": "4" for option in skills.options})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 8


def test_enabling_again_brings_the_type_back(api, regions, moderator, disable_plugin, enable_plugin):
    aachen, _soest = regions
    disable_plugin(aachen, "aachen")
    error_of(api.post("/api/v1/polls", user=moderator, json=MATRIX_ONLY), 422)
    enable_plugin(aachen, "aachen")
    assert api.post("/api/v1/polls", user=moderator, json=MATRIX_ONLY).status_code == 201
