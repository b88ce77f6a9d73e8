"""The page /soest/<region>/umfragen/<id>/nach-ort: answers per place, small places withheld, one query."""

import pytest
from beteiligung_soest.content import ELSEWHERE, PLACES
from beteiligung_soest.district import breakdown

pytestmark = pytest.mark.plugins("soest")

QUESTIONS = [
    {"type": "soest.district", "text": "In welcher Stadt oder Gemeinde wohnen Sie?", "required": True,
     "options": [*PLACES, ELSEWHERE]},
    {"type": "single_choice", "text": "Wie legen Sie die meisten Ihrer Alltagswege zurück?",
     "options": ["Mit dem Auto", "Mit Bus oder Bahn", "Mit dem Fahrrad"], "allow_other": True},
    {"type": "multiple_choice", "text": "Was würde Ihnen am meisten helfen?",
     "options": ["Busse auch am Abend", "Sichere Radwege", "Mobilstation im Ort"]},
    {"type": "scale", "text": "Wie zufrieden sind Sie mit dem Busangebot?", "settings": {"min": 1, "max": 5}},
    {"type": "text", "text": "Welche Verbindung fehlt Ihnen am meisten?"},
]


def option(question, label):
    return next(o.id for o in question.options if o.label == label)


@pytest.fixture
def survey(create_poll, soest_regions):
    def create(**kwargs):
        return create_poll(region=soest_regions[0], questions=QUESTIONS, title="Unterwegs im Kreis Soest", **kwargs)

    return create


def answer(poll, place, way=None, helps=(), rating=None, remark=None):
    district, mode, wishes, scale, text = poll.questions
    answers = {district: option(district, place)}
    if way is not None:
        answers[mode] = {"other": way[1]} if isinstance(way, tuple) else option(mode, way)
    if helps:
        answers[wishes] = [option(wishes, label) for label in helps]
    if rating is not None:
        answers[scale] = rating
    if remark:
        answers[text] = remark
    return answers


def fill(soest_vote, poll):
    """Soest 3, Lippstadt 4 and Werl 2 participants (limit: 3)."""
    ballots = [
        answer(poll, "Soest", "Mit dem Auto", ["Busse auch am Abend", "Sichere Radwege"], 2),
        answer(poll, "Soest", "Mit Bus oder Bahn", ["Sichere Radwege"], 4, "Abends nach Bad Sassendorf"),
        answer(poll, "Soest", "Mit dem Fahrrad", ["Sichere Radwege", "Mobilstation im Ort"]),
        answer(poll, "Lippstadt", "Mit dem Auto", ["Busse auch am Abend"], 1),
        answer(poll, "Lippstadt", "Mit dem Auto", ["Busse auch am Abend"], 2),
        answer(poll, "Lippstadt", ("other", "Mitfahrbank"), ["Sichere Radwege"], 2),
        answer(poll, "Lippstadt", "Mit dem Auto", rating=5),
        answer(poll, "Werl", "Mit Bus oder Bahn", ["Mobilstation im Ort"], 5),
        answer(poll, "Werl", "Mit Bus oder Bahn", ["Mobilstation im Ort"], 5),
    ]
    for ballot in ballots:
        assert soest_vote(poll, ballot).status_code == 201


def test_the_breakdown_counts_per_place_and_withholds_small_groups(app, soest_vote, survey):
    assert app.config["POLL_MIN_GROUP_SIZE"] == 3
    poll = survey()
    fill(soest_vote, poll)
    mode, wishes, scale = breakdown(poll, poll.questions[0])

    assert mode["question"].type == "single_choice" and mode["columns"][-1] == "Sonstiges"
    assert [(row["place"], row["respondents"], [c["count"] for c in row["counts"]]) for row in mode["rows"]] == [
        ("Lippstadt", 4, [3, 0, 0, 1]), ("Soest", 3, [1, 1, 1, 0])]
    assert mode["rows"][0]["counts"][0]["share"] == 0.75
    assert mode["hidden"] == 13  # Werl (2) and every place nobody named

    assert [(row["place"], row["respondents"], [c["count"] for c in row["counts"]]) for row in wishes["rows"]] == [
        ("Lippstadt", 3, [2, 1, 0]), ("Soest", 3, [1, 3, 1])]

    # Only two people from Soest rated the buses: Soest is withheld for this question alone.
    assert scale["scale"] is True
    assert [(row["place"], row["respondents"], row["mean"]) for row in scale["rows"]] == [("Lippstadt", 4, 2.5)]


def test_the_page_shows_the_tables_without_small_places(client, soest_vote, survey):
    poll = survey()
    fill(soest_vote, poll)
    response = client.get(f"/soest/soest/umfragen/{poll.id}/nach-ort")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1>") == 1 and "Antworten nach Wohnort: Unterwegs im Kreis Soest" in html
    assert '<th scope="row">Lippstadt</th><td>4</td><td>3 (75 %)</td>' in html
    assert '<th scope="row">Soest</th><td>3</td><td>1 (33 %)</td>' in html
    assert '<th scope="row">Lippstadt</th><td>4</td><td>2,50</td>' in html
    assert "<svg" in html
    assert "Werl" not in html
    assert "Welche Verbindung fehlt" not in html  # free text is not broken down
    assert "13 Orte mit weniger als 3 Antworten werden nicht gezeigt." in html
    assert "Mitfahrbank" not in html


def test_the_page_takes_a_constant_number_of_queries(client, soest_vote, survey, count_queries, create_user):
    poll = survey()
    fill(soest_vote, poll)
    with count_queries() as few:
        assert client.get(f"/soest/soest/umfragen/{poll.id}/nach-ort").status_code == 200
    for place in ("Ense", "Ense", "Ense", "Welver", "Welver", "Welver", "Soest", "Geseke", "Geseke", "Geseke"):
        assert soest_vote(poll, answer(poll, place, "Mit dem Fahrrad", ["Sichere Radwege"], 3)).status_code == 201
    with count_queries() as many:
        html = client.get(f"/soest/soest/umfragen/{poll.id}/nach-ort").get_data(as_text=True)
    assert '<th scope="row">Welver</th>' in html and '<th scope="row">Geseke</th>' in html
    assert many.count == few.count
    assert sum("ballot_answers" in statement for statement in many.statements) == 1


def test_the_page_exists_only_for_district_surveys_of_the_region_where_the_plugin_is_on(
        client, soest_regions, create_poll, survey):
    soest, aachen = soest_regions
    here = survey()
    elsewhere = create_poll(region=aachen, questions=[{"type": "scale", "text": "Wie zufrieden sind Sie?"}])
    without_place = create_poll(region=soest, questions=QUESTIONS[1:])

    assert client.get(f"/soest/soest/umfragen/{here.id}/nach-ort").status_code == 200
    assert client.get(f"/soest/aachen/umfragen/{here.id}/nach-ort").status_code == 404
    assert client.get(f"/soest/soest/umfragen/{elsewhere.id}/nach-ort").status_code == 404
    assert client.get(f"/soest/soest/umfragen/{here.id + 1000}/nach-ort").status_code == 404
    refused = client.get(f"/soest/soest/umfragen/{without_place.id}/nach-ort")
    assert refused.status_code == 404
    assert "fragt nicht nach dem Wohnort" in refused.get_data(as_text=True)


def test_drafts_are_only_for_the_regions_moderators(client, auth, survey, soest_moderator, create_user):
    poll = survey(status="draft")
    url = f"/soest/soest/umfragen/{poll.id}/nach-ort"
    assert client.get(url).status_code == 404
    auth.login(create_user())
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(soest_moderator)
    assert client.get(url).status_code == 200


def test_results_after_closing_are_refused_until_the_poll_ends(client, auth, survey, soest_regions, soest_moderator,
                                                               create_user):
    running = survey(results_visibility="after_close")
    closed = survey(results_visibility="after_close", status="closed")
    url = f"/soest/soest/umfragen/{running.id}/nach-ort"

    refused = client.get(url)
    assert refused.status_code == 403
    assert "werden nach dem Ende der Umfrage veröffentlicht" in refused.get_data(as_text=True)
    assert client.get(f"/soest/soest/umfragen/{closed.id}/nach-ort").status_code == 200

    auth.login(create_user(role="moderator", regions=[soest_regions[1]]))  # moderates Aachen only
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login(soest_moderator)
    assert client.get(url).status_code == 200
    auth.logout()
    auth.login(create_user(role="admin"))
    assert client.get(url).status_code == 200


def test_results_for_moderators_stay_with_the_moderators(client, auth, survey, soest_moderator, create_user):
    poll = survey(results_visibility="moderators", status="closed")
    url = f"/soest/soest/umfragen/{poll.id}/nach-ort"
    auth.login(create_user())
    refused = client.get(url)
    assert refused.status_code == 403
    assert "sehen nur die Moderatorinnen und Moderatoren" in refused.get_data(as_text=True)
    auth.logout()
    auth.login(soest_moderator)
    assert client.get(url).status_code == 200


def test_an_empty_poll_says_so_instead_of_showing_numbers(client, survey):
    poll = survey()
    html = client.get(f"/soest/soest/umfragen/{poll.id}/nach-ort").get_data(as_text=True)
    assert html.count("Aus keinem Ort haben mindestens 3 Personen diese Frage beantwortet.") == 3


def test_a_survey_from_the_template_is_broken_down_by_place_once_it_is_closed(
        db, client, soest_api, soest_vote, soest_moderator):
    from beteiligung.plugin_api import Poll

    created = soest_api("post", "/api/v1/polls", soest_moderator,
                        json={"region": "soest", "template": "soest:ortsbefragung"}).get_json()
    assert soest_api("post", f"/api/v1/polls/{created['id']}/open", soest_moderator).status_code == 200
    poll = db.session.get(Poll, created["id"])
    district, mode = poll.questions[:2]
    for place, way in [("Welver", "Mit Bus oder Bahn")] * 3 + [("Ense", "Mit dem eigenen Auto")] * 3 + [
            ("Rüthen", "Zu Fuß")]:
        assert soest_vote(poll, {district: option(district, place), mode: option(mode, way)}).status_code == 201

    url = f"/soest/soest/umfragen/{poll.id}/nach-ort"
    assert client.get(url).status_code == 403  # the template publishes results after the end
    assert soest_api("post", f"/api/v1/polls/{poll.id}/close", soest_moderator).status_code == 200
    html = client.get(url).get_data(as_text=True)
    assert '<th scope="row">Ense</th><td>3</td><td>3 (100 %)</td>' in html
    assert '<th scope="row">Welver</th><td>3</td><td>0 (0 %)</td><td>0 (0 %)</td><td>3 (100 %)</td>' in html
    assert "Rüthen" not in html
