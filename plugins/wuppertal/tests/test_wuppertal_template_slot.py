"""The survey template "Das digitale Rathaus" and the invitation box on Wuppertal's consultation pages."""

import pytest
from wuppertal_support import UMMELDEN, count, error_of

from beteiligung.plugin_api import Poll, Question

pytestmark = pytest.mark.plugins("wuppertal")

POLLS = "/api/v1/polls"
TEMPLATE = "wuppertal:digitales_rathaus"
PLAIN = [{"type": "scale", "text": "Wie zufrieden sind Sie mit dem Bürgerbüro?"}]
BOX = "Erzählen Sie uns von Ihrem Behördengang"


# --- the survey template -------------------------------------------------------------------------

def test_the_template_is_offered_only_where_the_plugin_is_enabled(api, world):
    here = api.get("/api/v1/poll-templates?region=wuppertal").get_json()["items"]
    assert [item["key"] for item in here] == [TEMPLATE]
    assert api.get("/api/v1/poll-templates?region=soest").get_json()["items"] == []


def test_the_template_becomes_a_draft_with_two_journeys_and_the_core_questions(api, db, world):
    response = api.post(POLLS, user=world.moderator, json={"region": "wuppertal", "template": TEMPLATE})
    assert response.status_code == 201, response.get_json()
    poll = response.get_json()
    assert poll["status"] == "draft" and poll["template"] == TEMPLATE
    assert poll["title"] == "Das digitale Rathaus: Wie erleben Sie Ihre Behördengänge?"
    assert [q["type"] for q in poll["questions"]] == ["single_choice", "wuppertal.journey", "wuppertal.journey",
                                                      "ranking", "text"]
    contact, ummelden, parken, online, _text = poll["questions"]
    assert contact["allow_other"] is True and contact["required"] is True
    assert ummelden["text"].startswith("Wohnsitz ummelden")
    assert [o["label"] for o in ummelden["options"]][0] == "Informationen zur Ummeldung finden"
    assert len(ummelden["options"]) == 5 and len(parken["options"]) == 5
    assert parken["text"].startswith("Bewohnerparkausweis beantragen")
    assert ummelden["settings"]["labels"]["3"] == "neutral"
    assert online["settings"] == {"top": 3}


def test_a_poll_from_the_template_can_be_opened_answered_and_evaluated(api, world, create_user):
    poll = api.post(POLLS, user=world.moderator, json={"region": "wuppertal", "template": TEMPLATE}).get_json()
    assert api.post(f"{POLLS}/{poll['id']}/open", user=world.moderator).status_code == 200
    contact, ummelden, parken, online, text = poll["questions"]
    ids = [o["id"] for o in ummelden["options"]]
    answers = [{"question_id": contact["id"], "value": contact["options"][0]["id"]},
               {"question_id": ummelden["id"], "value": [{"touchpoint": ids[0], "feeling": 4},
                                                         {"touchpoint": ids[1], "feeling": 1,
                                                          "remark": "Online gab es keinen Termin."}]},
               {"question_id": online["id"], "value": [o["id"] for o in online["options"][:3]]},
               {"question_id": text["id"], "value": "Bitte mehr Termine am Samstag."}]
    response = api.post(f"{POLLS}/{poll['id']}/ballots", user=create_user(), json={"answers": answers})
    assert response.status_code == 201, response.get_json()
    results = api.get(f"{POLLS}/{poll['id']}/results", user=world.moderator).get_json()
    assert results["total_ballots"] == 1
    assert [q["answers"] for q in results["questions"]] == [1, 1, 0, 1, 1]


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_only_the_regions_moderators_create_polls_from_the_template(api, db, world, who):
    error = error_of(api.post(POLLS, user=getattr(world, who), json={"region": "wuppertal", "template": TEMPLATE}),
                     403)
    assert error["message"]
    assert count(db, Poll) == 0


def test_the_template_is_refused_elsewhere_and_after_disabling(api, db, world, disable_plugin, create_user):
    soest_moderator = world.stranger
    error = error_of(api.post(POLLS, user=soest_moderator, json={"region": "soest", "template": TEMPLATE}), 422)
    assert "template" in error["fields"]
    disable_plugin(world.wuppertal, "wuppertal")
    assert api.get("/api/v1/poll-templates?region=wuppertal").get_json()["items"] == []
    error = error_of(api.post(POLLS, user=world.moderator, json={"region": "wuppertal", "template": TEMPLATE}), 422)
    assert "template" in error["fields"]
    assert count(db, Poll) == 0


# --- the invitation box on consultation pages ----------------------------------------------------

def page(client, consultation):
    response = client.get(f"/beteiligungen/{consultation.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_wuppertal_consultation_page_invites_to_the_open_journey_poll(client, world, create_consultation,
                                                                         create_poll):
    consultation = create_consultation(region=world.wuppertal, title="Das Bürgerbüro der Zukunft")
    poll = create_poll(region=world.wuppertal, questions=[UMMELDEN],
                       title="Ummelden <script>alert(1)</script> & Co.")
    html = page(client, consultation)
    assert BOX in html and 'data-plugin="wuppertal"' in html
    assert f'href="/umfragen/{poll.id}"' in html
    assert "Ummelden &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co." in html and "<script>alert" not in html


def test_the_box_lists_at_most_three_open_journey_polls_newest_first(client, world, create_consultation,
                                                                     create_poll):
    consultation = create_consultation(region=world.wuppertal)
    polls = [create_poll(region=world.wuppertal, questions=[PLAIN[0], UMMELDEN], title=f"Bürgerreise {n}")
             for n in range(1, 5)]
    html = page(client, consultation)
    shown = [poll.id for poll in polls if f'href="/umfragen/{poll.id}"' in html]
    assert shown == [poll.id for poll in polls[1:]]


@pytest.mark.parametrize("status", ["closed", "draft"])
def test_no_box_without_an_open_journey_poll(client, world, create_consultation, create_poll, status):
    consultation = create_consultation(region=world.wuppertal)
    create_poll(region=world.wuppertal, questions=[UMMELDEN], status=status)
    create_poll(region=world.wuppertal, questions=PLAIN, title="Zufriedenheit mit dem Bürgerbüro")
    assert BOX not in page(client, consultation)


def test_no_box_in_another_region(client, world, create_consultation, create_poll, enable_plugin):
    create_poll(region=world.wuppertal, questions=[UMMELDEN])
    soest_consultation = create_consultation(region=world.soest, title="Mobilstationen im Kreis Soest")
    assert BOX not in page(client, soest_consultation)
    # enabled there too: still only that region's own journey polls count
    enable_plugin(world.soest, "wuppertal")
    assert BOX not in page(client, soest_consultation)


def test_no_box_after_disabling(client, world, create_consultation, create_poll, disable_plugin):
    consultation = create_consultation(region=world.wuppertal)
    create_poll(region=world.wuppertal, questions=[UMMELDEN])
    assert BOX in page(client, consultation)
    disable_plugin(world.wuppertal, "wuppertal")
    assert BOX not in page(client, consultation)


def test_the_box_costs_the_same_queries_for_one_or_many_polls(client, db, world, create_consultation,
                                                              create_poll, count_queries):
    consultation = create_consultation(region=world.wuppertal)
    create_poll(region=world.wuppertal, questions=[UMMELDEN], title="Erste Bürgerreise")
    with count_queries() as one:
        assert "Erste Bürgerreise" in page(client, consultation)
    for n in range(6):
        create_poll(region=world.wuppertal, questions=[UMMELDEN, dict(UMMELDEN, text=f"Weitere Reise {n}?")],
                    title=f"Bürgerreise {n}")
    with count_queries() as many:
        html = page(client, consultation)
    assert "Bürgerreise 5" in html and "Erste Bürgerreise" not in html
    assert many.count == one.count
    assert len([statement for statement in many.statements if "poll_questions" in statement]) == 1
    assert count(db, Question, Question.type == "wuppertal.journey") == 13
