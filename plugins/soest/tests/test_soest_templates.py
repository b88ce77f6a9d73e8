"""The two templates of Kreis Soest: the problem collection on rural mobility and the place survey."""

import pytest
from beteiligung_soest.content import ELSEWHERE, MOBILITY_PROBLEMS, PLACES

pytestmark = pytest.mark.plugins("soest")


def template_keys(soest_api, region):
    return [item["key"] for item in soest_api("get", f"/api/v1/poll-templates?region={region}").get_json()["items"]]


def test_the_templates_are_offered_only_where_the_plugin_is_enabled(soest_api, soest_regions):
    assert template_keys(soest_api, "soest") == ["soest:mobilitaet", "soest:ortsbefragung"]
    assert template_keys(soest_api, "aachen") == []


def test_the_mobility_template_seeds_a_problem_collection(soest_api, soest_moderator):
    created = soest_api("post", "/api/v1/polls", soest_moderator,
                        json={"region": "soest", "template": "soest:mobilitaet"})
    assert created.status_code == 201, created.get_json()
    poll = created.get_json()
    assert poll["kind"] == "problem_definition" and poll["status"] == "draft"
    assert poll["title"] == "Mobilität auf dem Land: Was muss sich zuerst ändern?"
    assert poll["audience"] == "both" and poll["results_visibility"] == "live"
    assert "Nahverkehrsplan" in poll["description"]

    problems = soest_api("get", f"/api/v1/polls/{poll['id']}/problems?per_page=50", soest_moderator).get_json()
    texts = [problem["text"] for problem in problems["items"]]
    assert sorted(texts) == sorted(MOBILITY_PROBLEMS)
    assert {problem["status"] for problem in problems["items"]} == {"approved"}
    assert any("Soest und Bad Sassendorf" in text for text in texts)
    assert any("am Vortag gebucht" in text for text in texts)


def test_the_seeded_problems_are_as_long_as_citizens_own(soest_regions):
    assert 10 <= len(MOBILITY_PROBLEMS) <= 14
    assert all(10 <= len(text) <= 500 for text in MOBILITY_PROBLEMS)
    assert len(set(MOBILITY_PROBLEMS)) == len(MOBILITY_PROBLEMS)


def test_the_place_survey_lists_all_fourteen_places_and_asks_about_mobility(soest_api, soest_moderator):
    poll = soest_api("post", "/api/v1/polls", soest_moderator,
                     json={"region": "soest", "template": "soest:ortsbefragung"}).get_json()
    assert poll["title"] == "Unterwegs im Kreis Soest" and poll["kind"] == "survey"
    assert [q["type"] for q in poll["questions"]] == ["soest.district", "single_choice", "multiple_choice", "scale",
                                                     "text"]
    district = poll["questions"][0]
    assert district["required"] is True
    assert [o["label"] for o in district["options"]] == [*PLACES, ELSEWHERE]
    assert len(PLACES) == 14 and "Wickede (Ruhr)" in PLACES and "Möhnesee" in PLACES
    assert poll["questions"][2]["settings"] == {"min": 1, "max": 3}
    opened = soest_api("post", f"/api/v1/polls/{poll['id']}/open", soest_moderator)
    assert opened.status_code == 200 and opened.get_json()["status"] == "open"


def test_templates_are_refused_in_other_regions_and_after_disabling(soest_api, soest_regions, create_user,
                                                                    disable_plugin):
    soest, aachen = soest_regions
    moderator = create_user(role="moderator", regions=[soest, aachen])
    there = soest_api("post", "/api/v1/polls", moderator, json={"region": "aachen", "template": "soest:mobilitaet"})
    assert there.status_code == 422 and "template" in there.get_json()["error"]["fields"]

    disable_plugin(soest, "soest")
    assert template_keys(soest_api, "soest") == []
    later = soest_api("post", "/api/v1/polls", moderator, json={"region": "soest", "template": "soest:ortsbefragung"})
    assert later.status_code == 422
    assert soest_api("get", "/api/v1/polls?region=soest", moderator).get_json()["total"] == 0
