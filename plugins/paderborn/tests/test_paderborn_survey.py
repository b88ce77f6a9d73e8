"""The survey template whose questions are generated from the region's catalogue."""

import pytest
from beteiligung_paderborn import SURVEY
from beteiligung_paderborn.services import survey_questions

pytestmark = pytest.mark.plugins("paderborn")

KEY = "paderborn:online_dienste"
FIXED = ["Welche unserer Online-Dienste würden Sie anderen Kommunen zur Nachnutzung empfehlen – und welcher Dienst "
         "fehlt Ihnen noch?", "Wie haben Sie von unseren Online-Diensten erfahren?"]


def rating(name):
    return f"Wie zufrieden sind Sie mit dem Online-Dienst „{name}“?"


def create_from_template(client, api_headers, user, region="paderborn"):
    return client.post("/api/v1/polls", headers=api_headers(user), json={"region": region, "template": KEY})


def test_the_template_is_offered_only_where_the_plugin_is_enabled(client, regions):
    paderborn = client.get("/api/v1/poll-templates?region=paderborn").get_json()["items"]
    soest = client.get("/api/v1/poll-templates?region=soest").get_json()["items"]

    assert [t["key"] for t in paderborn] == [KEY]
    assert paderborn[0]["title"] == "Wie gut sind unsere Online-Dienste?"
    # as registered it is a complete survey of its own: the fixed questions
    assert [q["text"] for q in paderborn[0]["questions"]] == FIXED
    assert soest == []


@pytest.fixture
def soest_moderator(create_user, regions):
    return create_user(role="moderator", regions=[regions[1]])


def test_the_poll_asks_about_the_active_services_of_its_own_region(client, api_headers, regions, moderator,
                                                                   soest_moderator, add_service, enable_plugin):
    paderborn, soest = regions
    enable_plugin(soest, "paderborn")
    add_service(paderborn, "Wunschkennzeichen reservieren", department="Straßenverkehrsamt")
    add_service(paderborn, "Anwohnerparkausweis online beantragen", department="Ordnungsamt")
    add_service(paderborn, "Sperrmüll anmelden", department="Abfallberatung (ASP)")
    add_service(paderborn, "Faxabruf Formulare", active=False)
    add_service(soest, "Dorfbus bestellen")

    response = create_from_template(client, api_headers, moderator)
    poll = response.get_json()
    questions = poll["questions"]
    names = ["Anwohnerparkausweis online beantragen", "Sperrmüll anmelden", "Wunschkennzeichen reservieren"]

    assert response.status_code == 201, poll
    assert poll["status"] == "draft" and poll["title"] == "Wie gut sind unsere Online-Dienste?"
    assert poll["description"].startswith("Paderborn bietet viele Verwaltungsleistungen online an.")
    assert [q["text"] for q in questions] == ["Welche dieser Online-Dienste haben Sie schon genutzt?",
                                              *[rating(name) for name in names], *FIXED]
    used = questions[0]
    assert used["type"] == "multiple_choice" and not used["required"]
    assert [o["label"] for o in used["options"]] == [*names, "Noch keinen dieser Dienste"]
    for question in questions[1:4]:
        assert question["type"] == "scale" and question["required"] is False
        assert question["settings"] == {"min": 1, "max": 5,
                                        "labels": {"1": "sehr unzufrieden", "5": "sehr zufrieden"}}
    assert questions[-1]["type"] == "single_choice" and len(questions[-1]["options"]) == 5
    assert questions[-1]["allow_other"] is True
    assert questions[-2]["type"] == "text"
    everything = str(poll)
    assert "Dorfbus" not in everything and "Faxabruf" not in everything

    there = create_from_template(client, api_headers, soest_moderator, region="soest").get_json()
    assert [q["text"] for q in there["questions"]] == ["Welche dieser Online-Dienste haben Sie schon genutzt?",
                                                       rating("Dorfbus bestellen"), *FIXED]
    assert "Wunschkennzeichen" not in str(there)


def test_generated_questions_name_the_department_in_their_help_text(regions, add_service):
    add_service(regions[0], "Hundesteuer an- und abmelden", department="Steueramt")

    questions = survey_questions(regions[0])

    assert questions[1]["help_text"].startswith("Zuständig: Steueramt.")
    assert survey_questions(regions[1]) == []


def test_the_department_reaches_the_poll_as_help_text(client, api_headers, regions, moderator, add_service):
    add_service(regions[0], "Hundesteuer an- und abmelden", department="Steueramt")

    questions = create_from_template(client, api_headers, moderator).get_json()["questions"]

    assert questions[1]["help_text"] == ("Zuständig: Steueramt. Bitte bewerten Sie nur Dienste, die Sie selbst "
                                         "genutzt haben.")
    assert questions[0]["help_text"] == ""


def test_at_most_twenty_services_are_asked_about_first_by_name(client, api_headers, regions, moderator, add_service):
    for number in range(25, 0, -1):
        add_service(regions[0], f"Online-Dienst {number:02d}")

    questions = create_from_template(client, api_headers, moderator).get_json()["questions"]

    ratings = [q["text"] for q in questions if q["type"] == "scale"]
    assert ratings == [rating(f"Online-Dienst {number:02d}") for number in range(1, 21)]
    assert len(questions[0]["options"]) == 21
    assert len(questions) == 1 + 20 + 2


def test_an_empty_catalogue_gives_the_fixed_questions_only(client, api_headers, regions, moderator):
    response = create_from_template(client, api_headers, moderator)
    poll = response.get_json()

    assert response.status_code == 201
    assert [q["text"] for q in poll["questions"]] == FIXED
    assert poll["description"].startswith("Paderborn bietet viele Verwaltungsleistungen online an.")


def test_a_single_service_still_makes_a_valid_choice_question(client, api_headers, regions, moderator, add_service):
    add_service(regions[0], "Mängelmelder", department="Straßen- und Brückenbauamt")

    questions = create_from_template(client, api_headers, moderator).get_json()["questions"]

    assert [o["label"] for o in questions[0]["options"]] == ["Mängelmelder", "Noch keinen dieser Dienste"]
    assert len(questions) == 4


def test_the_generated_poll_is_answered_and_counted(client, db, api_headers, regions, moderator, create_user,
                                                    add_service, auth):
    add_service(regions[0], "Sperrmüll anmelden")
    add_service(regions[0], "Termin im Bürgerbüro buchen")
    poll = create_from_template(client, api_headers, moderator).get_json()
    used, sperrmuell, termin, remark, heard = poll["questions"]
    assert client.post(f"/api/v1/polls/{poll['id']}/open", headers=api_headers(moderator)).status_code == 200

    citizen = create_user()
    ballot = client.post(f"/api/v1/polls/{poll['id']}/ballots", headers=api_headers(citizen), json={"answers": [
        {"question_id": used["id"], "value": [used["options"][0]["id"]]},
        {"question_id": sperrmuell["id"], "value": 4},
        {"question_id": remark["id"], "value": "Der Sperrmüll-Dienst sollte auch in Höxter kommen."},
        {"question_id": heard["id"], "value": heard["options"][0]["id"]},
    ]})
    refused = client.post(f"/api/v1/polls/{poll['id']}/ballots", headers=api_headers(create_user()),
                          json={"answers": [{"question_id": sperrmuell["id"], "value": 6}]})

    assert ballot.status_code == 201, ballot.get_json()
    assert refused.status_code == 422
    assert f"question_{sperrmuell['id']}" in refused.get_json()["error"]["fields"]
    results = client.get(f"/api/v1/polls/{poll['id']}/results", headers=api_headers(moderator)).get_json()
    assert results["total_ballots"] == 1

    # the page form of a generated poll: every rating labelled, answerable without JavaScript
    auth.login(create_user())
    page = client.get(f"/umfragen/{poll['id']}").get_data(as_text=True)
    assert rating("Termin im Bürgerbüro buchen") in page
    assert f'<label for="q{termin["id"]}-5">5 – sehr zufrieden</label>' in page
    assert f'<p class="hint" id="q{termin["id"]}-hint">Zuständig: Bürgerbüro.' in page
    answered = client.post(f"/umfragen/{poll['id']}/teilnehmen", data={f"q{termin['id']}": "2"})
    assert answered.status_code == 303


def test_disabling_hides_the_template_but_keeps_its_polls(client, api_headers, regions, moderator, add_service,
                                                         create_user, disable_plugin):
    add_service(regions[0], "Sperrmüll anmelden")
    poll = create_from_template(client, api_headers, moderator).get_json()
    client.post(f"/api/v1/polls/{poll['id']}/open", headers=api_headers(moderator))
    client.post(f"/api/v1/polls/{poll['id']}/ballots", headers=api_headers(create_user()),
                json={"answers": [{"question_id": poll["questions"][1]["id"], "value": 5}]})

    disable_plugin(regions[0], "paderborn")

    assert client.get("/api/v1/poll-templates?region=paderborn").get_json()["items"] == []
    refused = create_from_template(client, api_headers, moderator)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["template"] == ["Diese Vorlage gibt es in der Region nicht."]
    kept = client.get(f"/api/v1/polls/{poll['id']}/results", headers=api_headers(moderator))
    assert kept.status_code == 200 and kept.get_json()["total_ballots"] == 1
    assert client.get(f"/umfragen/{poll['id']}").status_code == 200


def test_another_region_without_the_plugin_cannot_use_the_template(client, api_headers, regions, soest_moderator):
    refused = create_from_template(client, api_headers, soest_moderator, region="soest")

    assert refused.status_code == 422
    assert "template" in refused.get_json()["error"]["fields"]


def test_the_registered_template_stays_as_it_was(client, api_headers, regions, moderator, add_service):
    add_service(regions[0], "Sperrmüll anmelden")
    create_from_template(client, api_headers, moderator)

    listed = client.get("/api/v1/poll-templates?region=paderborn").get_json()["items"][0]

    assert [q["text"] for q in listed["questions"]] == FIXED
    assert [q["text"] for q in SURVEY["questions"]] == FIXED
