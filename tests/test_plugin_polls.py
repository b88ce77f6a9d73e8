"""Plugins and the poll engine: templates become polls, plugin question types, poll hooks — only where enabled."""

import pytest
from api_support import count, error_of
from flask_migrate import downgrade, upgrade
from sample_plugins import sample
from sqlalchemy import func, select

from beteiligung.plugins.registry import PluginRegistry
from beteiligung.plugins.services import disable_plugin, enable_plugin
from beteiligung.polls.models import Ballot, Poll, Problem
from beteiligung.testing.fixtures import plugin_entry_point

SAMPLE = plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin")
STARS = [{"type": "sample.stars", "text": "Wie gefällt Ihnen der Dorfbus?", "required": True}]


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [SAMPLE]}


@pytest.fixture(autouse=True)
def migrated(app):
    upgrade(revision="heads")
    yield
    downgrade(revision="sample@base")  # the sample plugin exists only here (see tests/test_plugins.py)


@pytest.fixture(autouse=True)
def clear_events():
    sample.EVENTS.clear()


@pytest.fixture
def regions(db, create_region):
    soest, aachen = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    enable_plugin(None, soest, "sample")
    db.session.commit()
    return soest, aachen


@pytest.fixture
def moderator(create_user, regions):
    return create_user(role="moderator", regions=list(regions))


def test_a_template_becomes_a_draft_poll_with_its_questions(api, regions, moderator):
    response = api.post("/api/v1/polls", user=moderator, json={"region": "soest", "template": "sample:mobilitaet"})
    assert response.status_code == 201, response.get_json()
    poll = response.get_json()
    assert poll["title"] == "Mobilität im Dorf" and poll["template"] == "sample:mobilitaet"
    assert poll["status"] == "draft"
    assert [q["type"] for q in poll["questions"]] == ["single_choice", "sample.stars"]
    assert [o["label"] for o in poll["questions"][0]["options"]] == ["Bus", "Rad", "Auto"]


def test_a_plugin_builds_template_questions_from_its_own_table(api, db, regions, moderator):
    soest, aachen = regions
    db.session.add_all([sample.SampleNote(region_id=soest.id, text="Rufbus"),
                        sample.SampleNote(region_id=soest.id, text="Radweg"),
                        sample.SampleNote(region_id=aachen.id, text="Anderswo")])
    db.session.commit()
    poll = api.post("/api/v1/polls", user=moderator, json={"region": "soest", "template": "sample:mobilitaet"})
    questions = poll.get_json()["questions"]
    assert [o["label"] for o in questions[-1]["options"]] == ["Rufbus", "Radweg"]


def test_a_failing_template_builder_is_a_clear_refusal(api, app, db, regions, moderator):
    def explode(key, template, region):
        raise RuntimeError("kaputt")

    app.extensions["beteiligung.plugins"].plugins["sample"].prepare_poll_template = explode
    error = error_of(api.post("/api/v1/polls", user=moderator,
                              json={"region": "soest", "template": "sample:mobilitaet"}), 422)
    assert "Vorlage" in error["fields"]["template"][0]
    assert count(db, Poll) == 0


def test_template_fields_can_be_overridden(api, regions, moderator):
    poll = api.post("/api/v1/polls", user=moderator, json={
        "region": "soest", "template": "sample:mobilitaet", "title": "Mobilität in Ense",
        "results_visibility": "live"}).get_json()
    assert poll["title"] == "Mobilität in Ense" and poll["results_visibility"] == "live"
    assert len(poll["questions"]) == 2


def test_a_problem_template_seeds_approved_problems(api, db, regions, moderator):
    poll = api.post("/api/v1/polls", user=moderator, json={"region": "soest", "template": "sample:probleme"}).get_json()
    assert poll["kind"] == "problem_definition"
    texts = sorted(p.text for p in db.session.query(Problem).filter_by(poll_id=poll["id"], status="approved"))
    assert texts == ["Der Bus fährt nur zweimal am Tag", "Es gibt keinen sicheren Radweg zur Schule"]


def test_templates_of_a_plugin_not_enabled_in_the_region_are_refused(api, db, regions, moderator):
    error = error_of(api.post("/api/v1/polls", user=moderator,
                              json={"region": "aachen", "template": "sample:mobilitaet"}), 422)
    assert "template" in error["fields"]
    assert count(db, Poll) == 0


def test_plugin_question_type_is_usable_only_where_enabled(api, db, regions, moderator):
    here = api.post("/api/v1/polls", user=moderator, json={"region": "soest", "title": "Dorfbus", "questions": STARS})
    assert here.status_code == 201
    there = error_of(api.post("/api/v1/polls", user=moderator,
                              json={"region": "aachen", "title": "Dorfbus", "questions": STARS}), 422)
    assert "questions.0" in there["fields"]
    assert count(db, Poll) == 1


def test_plugin_type_validates_answers_and_reports_results(api, db, regions, moderator, create_poll, create_user):
    soest, _aachen = regions
    poll = create_poll(region=soest, questions=STARS)
    question = poll.questions[0]
    refused = error_of(api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                                json={"answers": [{"question_id": question.id, "value": 4}]}), 422)
    assert refused["fields"] == {f"question_{question.id}": ["Bitte vergeben Sie 1 bis 3 Sterne."]}
    assert count(db, Ballot) == 0
    for stars in (1, 3, 3, 3, 2):
        assert api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                        json={"answers": [{"question_id": question.id, "value": stars}]}).status_code == 201
    result = api.get(f"/api/v1/polls/{poll.id}/results").get_json()["questions"][0]
    assert [s["count"] for s in result["stars"]] == [1, 1, 3]
    csv_text = api.get(f"/api/v1/polls/{poll.id}/results.csv").get_data(as_text=True)
    assert f'{question.id},Wie gefällt Ihnen der Dorfbus?,sample.stars,3 Sterne,count,3' in csv_text


def test_disabling_keeps_existing_polls_readable_but_removes_the_type_from_new_ones(
        api, db, client, regions, moderator, create_poll, create_user):
    soest, _aachen = regions
    poll = create_poll(region=soest, questions=STARS)
    for stars in (1, 2, 3, 3, 3):
        api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                 json={"answers": [{"question_id": poll.questions[0].id, "value": stars}]})
    disable_plugin(None, soest, "sample")
    db.session.commit()

    error_of(api.post("/api/v1/polls", user=moderator, json={"region": "soest", "title": "Neu", "questions": STARS}),
             422)
    assert api.get("/api/v1/poll-templates?region=soest").get_json()["items"] == []
    result = api.get(f"/api/v1/polls/{poll.id}/results").get_json()["questions"][0]
    assert [s["count"] for s in result["stars"]] == [1, 1, 3]
    page = client.get(f"/umfragen/{poll.id}/ergebnisse")
    assert page.status_code == 200 and "sample-stars" in page.get_data(as_text=True)


def test_plugin_question_renders_in_the_page_form(client, auth, regions, create_poll, create_user):
    soest, _aachen = regions
    poll = create_poll(region=soest, questions=STARS)
    auth.login(create_user())
    html = client.get(f"/umfragen/{poll.id}").get_data(as_text=True)
    assert f'name="q{poll.questions[0].id}"' in html and "3 Sterne" in html
    response = client.post(f"/umfragen/{poll.id}/teilnehmen", data={f"q{poll.questions[0].id}": "2"})
    assert response.status_code == 303


def test_poll_hooks_fire_only_for_enabled_regions(api, regions, moderator, create_poll, create_user):
    soest, aachen = regions
    here, there = create_poll(region=soest), create_poll(region=aachen)
    for poll in (here, there):
        question = poll.questions[0]
        api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                 json={"answers": [{"question_id": question.id, "value": question.options[0].id}]})
        api.post(f"/api/v1/polls/{poll.id}/close", user=moderator)
    assert [("ballot_submitted", "soest", here.id), ("poll_closed", "soest", here.id)] == sample.EVENTS


def test_poll_closed_fires_once_when_the_closing_date_passes(db, runner, regions, create_poll):
    from datetime import timedelta

    from beteiligung.timeutil import utcnow

    soest, _aachen = regions
    poll = create_poll(region=soest)
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "1 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    assert "0 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    assert [("poll_closed", "soest", poll.id)] == sample.EVENTS
    assert db.session.get(Poll, poll.id).state == "closed"


class NotAType:
    pass


def _refusal(app, **attributes):
    from beteiligung.plugin_api import Plugin

    cls = type("Refused", (Plugin,), {"core_version": ">=0.1", **attributes})
    registry = PluginRegistry(app, "0.1.0")

    class EntryPoint:
        name, value = "refused", "tests:Refused"

        def load(self):
            return cls

    registry.load([EntryPoint()])
    return registry.failed.get("refused", "")


def test_plugin_question_types_and_templates_are_checked_at_load(app):
    assert "keine Unterklasse" in _refusal(app, question_types={"odd": NotAType})
    assert "Kleinbuchstaben" in _refusal(app, question_types={"Odd-Name": sample.StarsType})
    assert "weder ein Kerntyp" in _refusal(app, poll_templates=(
        {"key": "t", "title": "Vorlage", "kind": "survey", "questions": [{"type": "other.type", "text": "Frage?"}]},))
    assert "Skala" in _refusal(app, poll_templates=(
        {"key": "t", "title": "Vorlage", "kind": "survey",
         "questions": [{"type": "scale", "text": "Frage?", "settings": {"min": 5, "max": 1}}]},))


# --- a template's values hold unless the moderator changes them (page and API, one rule) -------

def test_the_new_poll_page_shows_a_templates_values_before_it_is_sent(client, auth, regions, moderator):
    auth.login(moderator)
    html = client.get("/umfragen/neu").get_data(as_text=True)
    assert 'value="sample:probleme"' in html and 'name="vorlage"' in html
    html = client.get("/umfragen/neu?vorlage=sample:probleme").get_data(as_text=True)
    assert 'value="Was drückt im Dorf?"' in html and 'name="template" type="hidden" value="sample:probleme"' in html
    assert 'name="kind"' not in html  # the template decides the kind
    assert '<option selected value="after_close">' in html and '<option selected value="accounts">' in html
    soest, aachen = regions
    assert f'<option value="{aachen.id}">' not in html  # the template exists only where its plugin is enabled


def test_a_problem_template_sent_from_the_page_stays_a_problem_poll_with_its_problems(client, auth, db, regions,
                                                                                       moderator):
    soest, _aachen = regions
    auth.login(moderator)
    # What the form sends after showing the template's values; a stray "kind" does not turn it into a survey.
    response = client.post("/umfragen/neu", data={
        "region": str(soest.id), "template": "sample:probleme", "kind": "survey", "title": "Was drückt im Dorf?",
        "description": "", "consultation_id": "0", "audience": "both", "results_visibility": "live"})
    assert response.status_code == 303, response.get_data(as_text=True)
    poll = db.session.scalar(select(Poll))
    assert (poll.kind, poll.template, poll.audience, poll.results_visibility) == (
        "problem_definition", "sample:probleme", "both", "live")
    assert sorted(p.text for p in db.session.scalars(select(Problem).where(Problem.poll_id == poll.id))) == [
        "Der Bus fährt nur zweimal am Tag", "Es gibt keinen sicheren Radweg zur Schule"]


def test_an_unknown_template_on_the_new_poll_page_is_refused_and_nothing_is_stored(client, auth, db, regions,
                                                                                     moderator):
    auth.login(moderator)
    response = client.get("/umfragen/neu?vorlage=sample:gibt-es-nicht")
    assert response.status_code == 422 and "Diese Vorlage gibt es in Ihren Regionen nicht." in response.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(Poll.id))) == 0


def test_the_api_keeps_template_values_that_the_body_does_not_set(api, db, regions, moderator):
    response = api.post("/api/v1/polls", user=moderator, json={"region": "soest", "template": "sample:probleme"})
    assert response.status_code == 201
    poll = response.get_json()
    assert (poll["kind"], poll["audience"], poll["results_visibility"]) == (
        "problem_definition", "accounts", "after_close")
    assert db.session.scalar(select(func.count(Problem.id)).where(Problem.poll_id == poll["id"])) == 2
    response = api.post("/api/v1/polls", user=moderator, json={"region": "soest", "template": "sample:probleme",
                                                              "audience": "both", "description": "Eigener Text"})
    assert response.status_code == 201
    assert (response.get_json()["audience"], response.get_json()["description"]) == ("both", "Eigener Text")


def test_the_api_refuses_a_kind_that_contradicts_the_template(api, db, regions, moderator):
    response = api.post("/api/v1/polls", user=moderator,
                        json={"region": "soest", "template": "sample:probleme", "kind": "survey"})
    assert response.status_code == 422
    assert "kind" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Poll.id))) == 0
