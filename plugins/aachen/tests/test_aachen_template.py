"""The survey template aachen:digitales_lernen and the matrix type on the moderators' pages."""

import pytest
from aachen_support import error_of
from sqlalchemy import func, select

from beteiligung.plugin_api import Poll

pytestmark = pytest.mark.plugins("aachen")

KEY = "aachen:digitales_lernen"
TITLE = "Digitales Lernen in Aachen: Geräte, Fähigkeiten, Angebote"


def test_the_template_is_offered_only_where_the_plugin_is_enabled(api, regions):
    here = api.get("/api/v1/poll-templates?region=aachen").get_json()["items"]
    assert [(item["key"], item["title"]) for item in here] == [(KEY, TITLE)]
    assert api.get("/api/v1/poll-templates?region=soest").get_json()["items"] == []


def test_the_template_becomes_a_draft_with_two_matrix_questions(api, regions, moderator):
    response = api.post("/api/v1/polls", user=moderator, json={"region": "aachen", "template": KEY})
    assert response.status_code == 201, response.get_json()
    poll = response.get_json()
    assert (poll["title"], poll["template"], poll["status"], poll["audience"]) == (TITLE, KEY, "draft", "both")
    types = [question["type"] for question in poll["questions"]]
    assert types == ["single_choice", "multiple_choice", "aachen.matrix", "aachen.matrix", "ranking", "scale", "text"]
    role, devices, skills, offers = poll["questions"][:4]
    assert [o["label"] for o in role["options"]] == ["Schülerin/Schüler", "Eltern", "Lehrkraft",
                                                     "Teilnehmende der Erwachsenenbildung"]
    assert "Tablet" in [o["label"] for o in devices["options"]]
    assert [o["label"] for o in skills["options"]] == [
        "Dokumente gemeinsam online bearbeiten", "Videokonferenzen leiten",
        "Lernplattform der Schule nutzen (z. B. logineo NRW LMS)", "Informationen im Internet prüfen",
        "KI-Werkzeuge sinnvoll einsetzen"]
    assert skills["required"] and skills["settings"]["labels"] == {"1": "sehr unsicher", "5": "sehr sicher"}
    assert [o["label"] for o in offers["options"]] == ["Kurse der VHS Aachen", "Elternabende zu Medienerziehung",
                                                       "Sprechstunde im Medienzentrum", "Online-Selbstlernkurse"]
    assert not offers["required"] and offers["settings"]["max"] == 5


def test_the_template_is_refused_where_the_plugin_is_not_enabled(api, db, regions, moderator):
    error = error_of(api.post("/api/v1/polls", user=moderator, json={"region": "soest", "template": KEY}), 422)
    assert error["fields"]["template"] == ["Diese Vorlage gibt es in der Region nicht."]
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


def test_a_survey_from_the_template_can_be_answered_completely(api, regions, moderator, create_user):
    poll = api.post("/api/v1/polls", user=moderator, json={"region": "aachen", "template": KEY,
                                                            "results_visibility": "live"}).get_json()
    assert api.post(f"/api/v1/polls/{poll['id']}/open", user=moderator).status_code == 200
    role, devices, skills, offers, ranking, scale, text = poll["questions"]
    for person in range(5):
        answers = [
            {"question_id": role["id"], "value": role["options"][person % 4]["id"]},
            {"question_id": devices["id"], "value": [devices["options"][2]["id"], devices["options"][3]["id"]]},
            {"question_id": skills["id"], "value": {str(o["id"]): 1 + (i + person) % 5
                                                    for i, o in enumerate(skills["options"])}},
            {"question_id": offers["id"], "value": {str(offers["options"][0]["id"]): 5}},
            {"question_id": ranking["id"], "value": [o["id"] for o in ranking["options"][:3]]},
            {"question_id": scale["id"], "value": 3},
            {"question_id": text["id"], "value": "Mehr Leihgeräte für Familien mit mehreren Kindern, bitte."},
        ]
        response = api.post(f"/api/v1/polls/{poll['id']}/ballots", user=create_user(), json={"answers": answers})
        assert response.status_code == 201, response.get_json()
    results = api.get(f"/api/v1/polls/{poll['id']}/results").get_json()["questions"]
    assert [item["mean"] for item in results[2]["options"]] == [3.0] * 5
    assert results[3]["options"][0]["mean"] == 5.0 and results[3]["options"][1]["withheld"]


def test_moderators_see_the_template_on_the_new_poll_page_only_for_their_enabled_regions(
        client, auth, regions, create_user):
    aachen, soest = regions
    auth.login(create_user(role="moderator", regions=[aachen]))
    assert f'value="{KEY}"' in client.get("/umfragen/neu").get_data(as_text=True)
    auth.logout()
    auth.login(create_user(role="moderator", regions=[soest]))
    assert f'value="{KEY}"' not in client.get("/umfragen/neu").get_data(as_text=True)


def test_the_new_poll_page_creates_a_draft_from_the_template(client, auth, db, regions, moderator):
    aachen, _soest = regions
    auth.login(moderator)
    response = client.post("/umfragen/neu", data={"region": str(aachen.id), "template": KEY, "kind": "survey",
                                                  "title": "", "description": "", "consultation_id": "0",
                                                  "audience": "both", "results_visibility": "after_close"})
    assert response.status_code == 303, response.get_data(as_text=True)
    poll = db.session.scalar(select(Poll))
    assert poll.template == KEY and sum(q.type == "aachen.matrix" for q in poll.questions) == 2


# --- the poll edit page: the type list comes from the core's available_types ------------------

def test_the_edit_page_offers_the_matrix_type_in_aachen_but_not_in_soest(client, auth, regions, moderator,
                                                                          create_poll):
    aachen, soest = regions
    auth.login(moderator)
    here = create_poll(region=aachen, status="draft", questions=[])
    there = create_poll(region=soest, status="draft", questions=[])
    assert '<option value="aachen.matrix">Matrixfrage</option>' in client.get(
        f"/umfragen/{here.id}/bearbeiten").get_data(as_text=True)
    assert "aachen.matrix" not in client.get(f"/umfragen/{there.id}/bearbeiten").get_data(as_text=True)


def test_a_matrix_question_added_on_the_edit_page_takes_the_scale_fields(client, auth, db, regions, moderator,
                                                                        create_poll):
    aachen, _soest = regions
    poll = create_poll(region=aachen, status="draft", questions=[])
    auth.login(moderator)
    response = client.post(f"/umfragen/{poll.id}/fragen", data={
        "question-type": "aachen.matrix", "question-text": "Wie hilfreich wären diese Angebote für Sie?",
        "question-options": "Kurse der VHS Aachen\nSprechstunde im Medienzentrum\nOnline-Selbstlernkurse",
        # The page's generic scale fields reach a plugin type's settings; its clean_definition checks them.
        "question-minimum": "0", "question-maximum": "10", "question-low_label": "gar nicht",
        "question-high_label": "sehr", "question-required": "y"})
    assert response.status_code == 303
    db.session.refresh(poll)
    question = poll.questions[0]
    assert question.type == "aachen.matrix" and question.required
    assert question.settings["min"] == 0 and question.settings["max"] == 10
    assert question.settings["labels"] == {"0": "gar nicht", "10": "sehr"}
    assert [option.label for option in question.options] == ["Kurse der VHS Aachen", "Sprechstunde im Medienzentrum",
                                                             "Online-Selbstlernkurse"]
    page = client.get(f"/umfragen/{poll.id}/bearbeiten").get_data(as_text=True)
    assert "Wie hilfreich wären diese Angebote für Sie?" in page and "(Matrixfrage, Pflicht)" in page


def test_a_matrix_question_added_on_the_edit_page_without_scale_gets_the_default(client, auth, db, regions,
                                                                                moderator, create_poll):
    aachen, _soest = regions
    poll = create_poll(region=aachen, status="draft", questions=[])
    auth.login(moderator)
    client.post(f"/umfragen/{poll.id}/fragen", data={
        "question-type": "aachen.matrix", "question-text": "Wie hilfreich wären diese Angebote für Sie?",
        "question-options": "Kurse der VHS Aachen\nOnline-Selbstlernkurse"})
    db.session.refresh(poll)
    assert poll.questions[0].settings == {"min": 1, "max": 5,
                                          "labels": {"1": "trifft gar nicht zu", "5": "trifft voll zu"}}


def test_a_matrix_question_with_one_item_is_refused_on_the_edit_page(client, auth, db, regions, moderator,
                                                                     create_poll):
    aachen, _soest = regions
    poll = create_poll(region=aachen, status="draft", questions=[])
    auth.login(moderator)
    response = client.post(f"/umfragen/{poll.id}/fragen", data={
        "question-type": "aachen.matrix", "question-text": "Wie hilfreich wären diese Angebote für Sie?",
        "question-options": "Kurse der VHS Aachen"})
    assert response.status_code == 422
    assert "2 bis 15 Antwortmöglichkeiten" in response.get_data(as_text=True)
    db.session.refresh(poll)
    assert poll.questions == []


def test_citizens_and_other_regions_moderators_cannot_add_matrix_questions(client, auth, api, db, regions,
                                                                         create_user, create_poll):
    aachen, soest = regions
    poll = create_poll(region=aachen, status="draft", questions=[])
    data = {"question-type": "aachen.matrix", "question-text": "Wie hilfreich wären diese Angebote?",
            "question-options": "Kurse der VHS Aachen\nOnline-Selbstlernkurse"}
    auth.login(create_user())
    assert client.post(f"/umfragen/{poll.id}/fragen", data=data).status_code == 404  # drafts are hidden
    outsider = create_user(role="moderator", regions=[soest])
    auth.logout()
    auth.login(outsider)
    assert client.post(f"/umfragen/{poll.id}/fragen", data=data).status_code == 404
    error = error_of(api.post("/api/v1/polls", user=create_user(), json={
        "region": "aachen", "title": "Digitales Lernen", "template": KEY}), 403)
    assert error["code"] == "forbidden"
    db.session.refresh(poll)
    assert poll.questions == []
