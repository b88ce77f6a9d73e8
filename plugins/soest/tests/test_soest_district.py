"""The question type soest.district: definitions, answers, results with the small-group rule per place."""

import pytest
from beteiligung_soest.content import ELSEWHERE, PLACES

pytestmark = pytest.mark.plugins("soest")

DISTRICT = {"type": "soest.district", "text": "In welcher Stadt oder Gemeinde wohnen Sie?", "required": True,
            "options": [*PLACES, ELSEWHERE]}
SATISFACTION = {"type": "scale", "text": "Wie zufrieden sind Sie mit dem Busangebot an Ihrem Wohnort?",
                "settings": {"min": 1, "max": 5}}


def option(question, label):
    return next(o.id for o in question.options if o.label == label)


def create_survey(soest_api, user, region="soest", questions=None):
    return soest_api("post", "/api/v1/polls", user, json={
        "region": region, "title": "Busverkehr in den Ortsteilen", "questions": questions or [DISTRICT]})


# --- definitions ------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "message"), [
    ({"options": []}, "Diese Frage braucht 2 bis 40 Antwortmöglichkeiten."),
    ({"options": ["Soest"]}, "Diese Frage braucht 2 bis 40 Antwortmöglichkeiten."),
    ({"settings": {"min": 1}}, "Eine Wohnort-Frage hat keine Einstellungen: Die Orte sind ihre Antwortmöglichkeiten."),
    ({"options": ["Soest", "SOEST", "Werl"]},
     "Jeder Ort darf nur einmal vorkommen, auch nicht in anderer Schreibweise."),
    ({"options": ["Soest", "Werl", "Weitere Orte (zusammengefasst)"]}, "„weitere Orte (zusammengefasst)“ ist der "
     "Auswertung vorbehalten; bitte nennen Sie die Antwortmöglichkeit anders, etwa „anderswo“."),
    ({"options": ["Soest", "Lippstadt-" + "Bad Waldliesborn" * 6]}, "Ein Ortsname hat höchstens 100 Zeichen."),
    ({"allow_other": True}, "Eine eigene Antwort („Sonstiges“) gibt es nur bei Auswahlfragen."),
])
def test_a_district_question_needs_distinct_places_and_no_settings(soest_api, soest_moderator, changes, message):
    response = create_survey(soest_api, soest_moderator, questions=[dict(DISTRICT, **changes)])
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["questions.0"] == [message]
    assert soest_api("get", "/api/v1/polls?region=soest", soest_moderator).get_json()["total"] == 0


def test_the_type_is_usable_only_where_the_plugin_is_enabled(soest_api, soest_regions, create_user, disable_plugin):
    soest, aachen = soest_regions
    moderator = create_user(role="moderator", regions=[soest, aachen])
    here = create_survey(soest_api, moderator)
    assert here.status_code == 201
    assert [o["label"] for o in here.get_json()["questions"][0]["options"]][-1] == "anderswo"
    there = create_survey(soest_api, moderator, region="aachen")
    assert there.status_code == 422
    assert "soest.district" in there.get_json()["error"]["fields"]["questions.0"][0]

    disable_plugin(soest, "soest")
    assert create_survey(soest_api, moderator).status_code == 422


# --- answers ----------------------------------------------------------------------------------

JUNK = ["Soest", "12", 1.5, True, False, -1, 0, 10**40, [1], {"id": 1}, [[{"x": None}]], {"other": "Hamm"}]


@pytest.mark.parametrize("value", JUNK)
def test_anything_but_a_place_of_the_question_is_refused(soest_api, soest_vote, soest_regions, create_poll, value):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT])
    district = poll.questions[0]
    response = soest_vote(poll, {district: value})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        f"question_{district.id}": ["Bitte wählen Sie Ihren Wohnort aus der Liste."]}
    assert soest_api("get", f"/api/v1/polls/{poll.id}").get_json()["total_ballots"] == 0


def test_a_place_of_another_question_is_refused(soest_vote, soest_regions, create_poll):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT, dict(DISTRICT, text="Wo arbeiten Sie?")])
    home, work = poll.questions
    response = soest_vote(poll, {home: option(work, "Lippstadt")})
    assert response.status_code == 422
    assert f"question_{home.id}" in response.get_json()["error"]["fields"]


def test_the_district_question_is_required_when_marked_so(soest_vote, soest_regions, create_poll):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT, SATISFACTION])
    district, scale = poll.questions
    response = soest_vote(poll, {scale: 4})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {f"question_{district.id}": ["Bitte beantworten Sie diese Frage."]}


def test_junk_from_the_page_form_never_breaks_the_type(app, soest_regions, create_poll):
    from werkzeug.datastructures import MultiDict

    poll = create_poll(region=soest_regions[0], questions=[DISTRICT])
    district = poll.questions[0]
    qtype = app.extensions["beteiligung.question_types"].get("soest.district")
    for raw in ["", "abc", "99999999999999999999", "-3", "٣", "1.5", " 7"]:
        value = qtype.from_form(district, MultiDict({f"q{district.id}": raw}))
        if value is not None:
            with pytest.raises(ValueError, match="Wohnort"):
                qtype.parse(district, value)
    assert qtype.from_form(district, MultiDict()) is None


# --- results ----------------------------------------------------------------------------------

def vote_places(soest_vote, poll, places):
    district = poll.questions[0]
    for label, times in places.items():
        for _i in range(times):
            assert soest_vote(poll, {district: option(district, label)}).status_code == 201


def district_result(soest_api, poll):
    return soest_api("get", f"/api/v1/polls/{poll.id}/results").get_json()["questions"][0]


def test_places_below_the_limit_are_withheld_and_a_small_remainder_takes_the_smallest_place_along(
        app, soest_api, soest_vote, soest_regions, create_poll):
    assert app.config["POLL_MIN_GROUP_SIZE"] == 3
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT])
    vote_places(soest_vote, poll, {"Soest": 4, "Lippstadt": 3, "Werl": 1, "Ense": 1})

    result = district_result(soest_api, poll)
    assert result["answers"] == 9 and result["withheld"] is False
    # Werl and Ense (2 together) could be worked out as 9 - 4 - 3: Lippstadt joins them.
    assert [(p["label"], p["count"]) for p in result["places"]] == [("Soest", 4)]
    assert result["places"][0]["share"] == round(4 / 9, 4)
    assert result["combined"] == {"label": "weitere Orte (zusammengefasst)", "count": 5, "share": round(5 / 9, 4)}
    assert result["places_below_limit"] == 14
    assert "Werl" not in str(result) and "Ense" not in str(result) and "Lippstadt" not in str(result)


def test_small_places_are_shown_together_once_their_sum_reaches_the_limit(
        soest_api, soest_vote, soest_regions, create_poll):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT])
    vote_places(soest_vote, poll, {"Soest": 3, "Werl": 2, "Ense": 1, "anderswo": 1})

    result = district_result(soest_api, poll)
    assert [(p["label"], p["count"]) for p in result["places"]] == [("Soest", 3)]
    assert result["combined"] == {"label": "weitere Orte (zusammengefasst)", "count": 4, "share": round(4 / 7, 4)}

    csv_text = soest_api("get", f"/api/v1/polls/{poll.id}/results.csv").get_data(as_text=True)
    district_id = poll.questions[0].id
    assert f"{district_id},In welcher Stadt oder Gemeinde wohnen Sie?,soest.district,Soest,count,3" in csv_text
    assert "soest.district,weitere Orte (zusammengefasst),count,4" in csv_text
    assert "Werl" not in csv_text and "anderswo" not in csv_text


def test_the_whole_question_is_withheld_below_the_limit(soest_api, soest_vote, soest_regions, create_poll):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT])
    vote_places(soest_vote, poll, {"Rüthen": 2})
    result = district_result(soest_api, poll)
    assert result["withheld"] is True and "places" not in result


def test_the_results_page_shows_chart_table_and_the_link_to_the_breakdown(
        client, soest_vote, soest_regions, create_poll):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT])
    vote_places(soest_vote, poll, {"Geseke": 3, "Erwitte": 3, "Anröchte": 2})

    html = client.get(f"/umfragen/{poll.id}/ergebnisse").get_data(as_text=True)
    assert '<svg' in html and 'class="soest-district"' in html
    # Anröchte's 2 would follow from 8 - 3 - 3: the smaller-named of the two 3s is combined with it.
    assert "<td>Geseke</td><td>3</td>" in html and "<td>Erwitte</td>" not in html
    assert "Anröchte" not in html
    assert "weitere Orte (zusammengefasst)" in html
    assert f'href="/soest/soest/umfragen/{poll.id}/nach-ort"' in html


def test_after_disabling_existing_polls_stay_answerable_and_readable(
        client, soest_api, soest_vote, soest_regions, create_poll, disable_plugin):
    soest = soest_regions[0]
    poll = create_poll(region=soest, questions=[DISTRICT])
    vote_places(soest_vote, poll, {"Warstein": 2})
    disable_plugin(soest, "soest")
    vote_places(soest_vote, poll, {"Warstein": 1, "Möhnesee": 3})

    result = district_result(soest_api, poll)
    assert [(p["label"], p["count"]) for p in result["places"]] == [("Möhnesee", 3), ("Warstein", 3)]
    html = client.get(f"/umfragen/{poll.id}/ergebnisse").get_data(as_text=True)
    assert "<td>Möhnesee</td><td>3</td>" in html
    assert "nach-ort" not in html  # the breakdown page exists only where the plugin is enabled
    assert client.get(f"/soest/soest/umfragen/{poll.id}/nach-ort").status_code == 404


# --- the page form ----------------------------------------------------------------------------

def test_the_form_offers_the_places_with_a_label_and_keeps_a_refused_choice(
        client, auth, soest_regions, create_poll, create_user):
    poll = create_poll(region=soest_regions[0], questions=[DISTRICT, dict(SATISFACTION, required=True)])
    district, scale = poll.questions
    auth.login(create_user())
    html = client.get(f"/umfragen/{poll.id}").get_data(as_text=True)
    assert f'<label for="q{district.id}">Stadt oder Gemeinde</label>' in html
    assert f'<select id="q{district.id}" name="q{district.id}"' in html
    assert "<legend>In welcher Stadt oder Gemeinde wohnen Sie?" in html
    assert html.count("<option value=") == 16  # 15 places and "bitte wählen"
    assert ">Wickede (Ruhr)</option>" in html

    lippetal = option(district, "Lippetal")
    refused = client.post(f"/umfragen/{poll.id}/teilnehmen", data={f"q{district.id}": str(lippetal)})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'<option value="{lippetal}" selected>Lippetal</option>' in page
    junk = client.post(f"/umfragen/{poll.id}/teilnehmen", data={f"q{district.id}": "Lippetal", f"q{scale.id}": "3"})
    assert junk.status_code == 422
    assert "Bitte wählen Sie Ihren Wohnort aus der Liste." in junk.get_data(as_text=True)

    done = client.post(f"/umfragen/{poll.id}/teilnehmen", data={f"q{district.id}": str(lippetal), f"q{scale.id}": "2"})
    assert done.status_code == 303
    assert client.get(f"/umfragen/{poll.id}").get_data(as_text=True).count("bereits teilgenommen") == 1
