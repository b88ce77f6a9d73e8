"""The measures' JSON API: lists, single measures, moderators' writes with every refusal, the process export."""

import pytest
from sqlalchemy import select

from beteiligung.measures.models import Measure, MeasureUpdate
from beteiligung.polls.models import Problem
from beteiligung.processes import services as processes
from beteiligung.testing.api import error_of
from beteiligung.testing.helpers import count_rows, fresh


@pytest.fixture
def world(db, create_region, create_user, create_consultation, create_poll):
    region, other = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    moderator = create_user(role="moderator", regions=[region], pseudonym="Moderation Soest")
    stranger = create_user(role="moderator", regions=[other], pseudonym="Moderation Aachen")
    citizen = create_user(pseudonym="Anna")
    process = processes.create_process(moderator, region, "Mobilität Soest", published=True)
    draft = processes.create_process(moderator, region, "Noch geheim")
    poll = create_poll(region=region, kind="problem_definition", phase="comparing", problems=["Busse fahren selten"])
    elsewhere = create_consultation(region=other, title="Anderswo")
    db.session.commit()
    problem = db.session.scalar(select(Problem).where(Problem.poll_id == poll.id))
    return {"moderator": moderator, "stranger": stranger, "citizen": citizen, "process": process, "draft": draft,
            "problem": problem, "poll": poll, "elsewhere": elsewhere}


def create(api, world, user=None, **fields):
    body = {"process_id": world["process"].id, "title": "Bus im Halbstundentakt", "office": "Verkehrsbetriebe",
            "status": "in_progress", "progress": 20, "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "links": [{"kind": "problem", "target_id": world["problem"].id}], **fields}
    return api.post("/api/v1/measures", user=user or world["moderator"], json=body)


def test_a_moderator_creates_reads_changes_logs_and_deletes(api, db, world):
    response = create(api, world)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert (data["status"], data["status_label"], data["progress"], data["ends_on"]) == (
        "in_progress", "In Umsetzung", 20, "2026-12-31")
    assert [(link["kind"], link["title"]) for link in data["links"]] == [("problem", "Busse fahren selten")]
    measure_id = data["id"]
    assert api.get(f"/api/v1/measures/{measure_id}").get_json()["title"] == "Bus im Halbstundentakt"
    listed = api.get(f"/api/v1/measures?process={world['process'].id}").get_json()
    assert [item["id"] for item in listed["items"]] == [measure_id] and listed["total"] == 1
    assert api.get("/api/v1/measures?region=soest").get_json()["total"] == 1
    assert api.get("/api/v1/measures?region=aachen").get_json()["total"] == 0
    patched = api.patch(f"/api/v1/measures/{measure_id}", user=world["moderator"],
                        json={"progress": 60, "links": [{"kind": "poll", "target_id": world["poll"].id}]})
    assert patched.status_code == 200
    assert (patched.get_json()["progress"], [link["kind"] for link in patched.get_json()["links"]]) == (60, ["poll"])
    logged = api.post(f"/api/v1/measures/{measure_id}/updates", user=world["moderator"],
                      json={"body": "Fahrplan steht.", "status": "done", "progress": 100})
    assert logged.status_code == 201
    update = logged.get_json()["updates"][0]
    assert (update["status"], update["progress"], update["author"]) == ("done", 100, "Moderation Soest")
    assert "author" not in api.get(f"/api/v1/measures/{measure_id}").get_json()["updates"][0]
    assert api.delete(f"/api/v1/measures/{measure_id}", user=world["moderator"]).status_code == 204
    assert count_rows(db, Measure) == 0 and count_rows(db, MeasureUpdate) == 0


@pytest.mark.parametrize("who, status", [("citizen", 403), ("stranger", 403), (None, 401)])
def test_others_may_not_write(api, db, world, who, status):
    user = world[who] if who else None
    measure_id = create(api, world).get_json()["id"]
    body = {"process_id": world["process"].id, "title": "Nicht erlaubt"}
    error_of(api.post("/api/v1/measures", user=user, json=body), status)
    error_of(api.patch(f"/api/v1/measures/{measure_id}", user=user, json={"progress": 90}), status)
    error_of(api.post(f"/api/v1/measures/{measure_id}/updates", user=user, json={"body": "Nein"}), status)
    error_of(api.delete(f"/api/v1/measures/{measure_id}", user=user), status)
    assert fresh(db, Measure, measure_id).progress == 20 and count_rows(db, MeasureUpdate) == 0


@pytest.mark.parametrize("fields, field", [
    ({"progress": 101}, "progress"), ({"progress": -5}, "progress"), ({"status": "fertig"}, "status"),
    ({"starts_on": "2026-05-02", "ends_on": "2026-05-01"}, "ends_on"), ({"ends_on": "morgen"}, "ends_on"),
    ({"title": ""}, "title"),
])
def test_invalid_fields_are_422(api, db, world, fields, field):
    assert field in error_of(create(api, world, **fields), 422)["fields"]
    assert count_rows(db, Measure) == 0


def test_links_to_another_regions_or_a_missing_input_are_422(api, db, world):
    for link in ({"kind": "consultation", "target_id": world["elsewhere"].id}, {"kind": "problem", "target_id": 99999},
                 {"kind": "unbekannt", "target_id": 1}):
        assert "links" in error_of(create(api, world, links=[link]), 422)["fields"]
    assert count_rows(db, Measure) == 0


def test_measures_and_the_export_of_a_draft_process_are_hidden(api, db, world):
    response = create(api, world, process_id=world["draft"].id)
    assert response.status_code == 201
    measure_id = response.get_json()["id"]
    for user in (None, world["citizen"], world["stranger"]):
        error_of(api.get(f"/api/v1/measures/{measure_id}", user=user), 404)
        error_of(api.get(f"/api/v1/processes/{world['draft'].id}/export", user=user), 404)
        assert api.get("/api/v1/measures", user=user).get_json()["total"] == 0
    error_of(create(api, world, user=world["stranger"], process_id=world["draft"].id), 404)
    assert api.get(f"/api/v1/measures/{measure_id}", user=world["moderator"]).status_code == 200
    export = api.get(f"/api/v1/processes/{world['draft'].id}/export", user=world["moderator"]).get_json()
    assert [m["id"] for m in export["measures"]] == [measure_id]


def test_bad_list_arguments(api, world):
    assert error_of(api.get("/api/v1/measures?region=nirgendwo"), 422)["fields"] == {"region": ["Unbekannte Region."]}
    assert "process" in error_of(api.get("/api/v1/measures?process=abc"), 422)["fields"]
    error_of(api.get("/api/v1/measures?page="), 400)
    error_of(api.get("/api/v1/measures/99999"), 404)
