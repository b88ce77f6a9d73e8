"""JSON API of processes: lists and timelines for everyone, writes for the region's moderators, each refusal."""

from datetime import timedelta

import pytest
from api_support import count, error_of

from beteiligung.consultations.models import Consultation
from beteiligung.polls.models import Poll
from beteiligung.processes import services
from beteiligung.processes.models import PhaseInstrument, Process, ProcessPhase
from beteiligung.testing.helpers import at_once, audit_entries, fresh
from beteiligung.timeutil import utcnow

SHAPE = {"id", "region", "title", "summary", "status", "published", "template", "created_at", "url"}
PHASE_SHAPE = {"id", "process_id", "number", "title", "description", "starts_at", "ends_at", "status", "instruments"}


@pytest.fixture
def world(create_region, create_user):
    home, other = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    return {
        "home": home, "other": other,
        "moderator": create_user(role="moderator", regions=[home], pseudonym="Moderation Soest"),
        "stranger": create_user(role="moderator", regions=[other], pseudonym="Moderation Aachen"),
        "citizen": create_user(pseudonym="Bürgerin"),
    }


@pytest.fixture
def process(db, world):
    process = services.create_process(world["moderator"], world["home"], "Mobilität auf dem Land", published=True)
    services.add_phase(world["moderator"], process, "Erfahrungen sammeln", "", utcnow() - timedelta(days=3),
                       utcnow() + timedelta(days=3))
    services.add_phase(world["moderator"], process, "Maßnahmen")
    db.session.commit()
    return process


def test_the_list_shows_published_processes_and_drafts_to_their_moderators(api, db, world, process):
    draft = services.create_process(world["moderator"], world["home"], "Noch im Entwurf")
    db.session.commit()
    public = api.get("/api/v1/processes?region=soest")
    assert public.status_code == 200
    body = public.get_json()
    assert [item["id"] for item in body["items"]] == [process.id] and body["total"] == 1
    assert set(body["items"][0]) >= SHAPE and body["items"][0]["status"] == "running"
    assert body["items"][0]["url"].endswith(f"/prozesse/{process.id}")
    for user in (world["citizen"], world["stranger"]):
        assert [i["id"] for i in api.get("/api/v1/processes", user=user).get_json()["items"]] == [process.id]
    mine = api.get("/api/v1/processes", user=world["moderator"]).get_json()["items"]
    assert [item["id"] for item in mine] == [draft.id, process.id]
    assert api.get("/api/v1/processes?region=soest&per_page=1&page=2").get_json()["items"] == []
    assert error_of(api.get("/api/v1/processes?region=nirgendwo"), 422)["fields"] == {"region": ["Unbekannte Region."]}
    error_of(api.get("/api/v1/processes?page=null"), 400)


def test_a_process_and_its_phases(api, db, world, process, create_consultation):
    consultation = create_consultation(world["home"], title="Busse im Takt")
    first = fresh(db, Process, process.id).phases[0]
    services.attach_instrument(world["moderator"], first, "consultation", consultation.id)
    db.session.commit()
    body = api.get(f"/api/v1/processes/{process.id}").get_json()
    assert SHAPE | {"body", "body_html", "phases"} <= set(body)
    assert [(p["number"], p["title"], p["status"]) for p in body["phases"]] == [
        (1, "Erfahrungen sammeln", "current"), (2, "Maßnahmen", "upcoming")]
    assert set(body["phases"][0]) >= PHASE_SHAPE
    instrument = body["phases"][0]["instruments"][0]
    assert (instrument["kind"], instrument["target_id"], instrument["title"], instrument["status"]) == (
        "consultation", consultation.id, "Busse im Takt", "open")
    assert instrument["closes_at"] == body["phases"][0]["ends_at"]
    phases = api.get(f"/api/v1/processes/{process.id}/phases?per_page=1&page=2").get_json()
    assert (phases["total"], [p["title"] for p in phases["items"]]) == (2, ["Maßnahmen"])
    error_of(api.get("/api/v1/processes/999999"), 404)
    error_of(api.get(f"/api/v1/processes/{10**20}"), 404)


def test_a_draft_is_404_to_everyone_but_its_moderators(api, db, world):
    draft = services.create_process(world["moderator"], world["home"], "Geheim")
    phase = services.add_phase(world["moderator"], draft, "Phase")
    db.session.commit()
    for user in (None, world["citizen"], world["stranger"]):
        error_of(api.get(f"/api/v1/processes/{draft.id}", user=user), 404)
        error_of(api.get(f"/api/v1/processes/{draft.id}/phases", user=user), 404)
    error_of(api.patch(f"/api/v1/phases/{phase.id}", user=world["stranger"], json={"title": "Fremd"}), 404)
    assert api.get(f"/api/v1/processes/{draft.id}", user=world["moderator"]).status_code == 200


def test_a_moderator_creates_a_process_from_a_template(api, db, world):
    response = api.post("/api/v1/processes", user=world["moderator"],
                        json={"region": "soest", "title": "Citizen Journey Soest", "template": "citizen_journey"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["template"], body["published"], body["status"]) == ("citizen_journey", False, "upcoming")
    assert [p["title"] for p in body["phases"]] == ["Erfahrungen sammeln", "Auswertung", "Maßnahmen"]
    assert [len(p["instruments"]) for p in body["phases"]] == [1, 1, 2]
    assert count(db, Poll) == 2 and count(db, Consultation) == 1


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("citizen", 403), ("stranger", 403)])
def test_others_may_not_create(api, db, world, who, status):
    user = None if who == "anonymous" else world[who]
    error_of(api.post("/api/v1/processes", user=user, json={"region": "soest", "title": "Übernahme"}), status)
    assert count(db, Process) == 0


@pytest.mark.parametrize(("body", "field"), [
    ({"region": "soest"}, "title"),
    ({"region": "soest", "title": "X"}, "title"),
    ({"region": "nirgendwo", "title": "Gute Idee"}, "region"),
    ({"region": "soest", "title": "Gute Idee", "template": "gibtsnicht"}, "template"),
    ({"region": "soest", "title": "Gute Idee", "published": "vielleicht"}, "published"),
])
def test_invalid_bodies_are_422(api, db, world, body, field):
    assert field in error_of(api.post("/api/v1/processes", user=world["moderator"], json=body), 422)["fields"]
    assert count(db, Process) == 0


def test_a_body_that_is_not_an_object_is_400(api, db, world):
    error_of(api.post("/api/v1/processes", user=world["moderator"], json=["soest"]), 400)


def test_patch_and_publish(api, db, world):
    draft = services.create_process(world["moderator"], world["home"], "Entwurf")
    db.session.commit()
    error_of(api.patch(f"/api/v1/processes/{draft.id}", user=world["moderator"], json={}), 422)
    response = api.patch(f"/api/v1/processes/{draft.id}", user=world["moderator"],
                         json={"title": "Veröffentlicht", "published": True})
    assert response.status_code == 200 and response.get_json()["published"] is True
    assert fresh(db, Process, draft.id).title == "Veröffentlicht"
    assert len(audit_entries(db, "process.published")) == 1
    error_of(api.patch(f"/api/v1/processes/{draft.id}", user=world["citizen"], json={"title": "Gekapert"}), 403)


def test_phases_are_added_changed_moved_and_deleted(api, db, world, process, create_poll):
    poll = create_poll(region=world["home"], status="draft")
    url = f"/api/v1/processes/{process.id}/phases"
    created = api.post(url, user=world["moderator"], json={
        "title": "Auswertung", "starts_at": "2031-05-01T10:00:00+02:00", "ends_at": "2031-05-31T10:00:00+02:00"})
    assert created.status_code == 201, created.get_data(as_text=True)
    phase = created.get_json()
    assert (phase["number"], phase["starts_at"], phase["ends_at"]) == (
        3, "2031-05-01T08:00:00Z", "2031-05-31T08:00:00Z")
    attached = api.post(f"/api/v1/phases/{phase['id']}/instruments", user=world["moderator"],
                        json={"kind": "poll", "target_id": poll.id})
    assert attached.status_code == 201
    assert fresh(db, Poll, poll.id).opens_at == fresh(db, ProcessPhase, phase["id"]).starts_at
    changed = api.patch(f"/api/v1/phases/{phase['id']}", user=world["moderator"],
                        json={"ends_at": "2031-06-30T10:00:00+02:00", "move": "up"})
    assert changed.status_code == 200
    assert (changed.get_json()["number"], changed.get_json()["instruments"][0]["closes_at"]) == (
        2, "2031-06-30T08:00:00Z")
    assert error_of(api.patch(f"/api/v1/phases/{phase['id']}", user=world["moderator"],
                              json={"ends_at": "2030-01-01T00:00:00Z"}), 422)["fields"].keys() == {"ends_at"}
    assert error_of(api.patch(f"/api/v1/phases/{phase['id']}", user=world["moderator"],
                              json={"starts_at": "1900-01-01T00:00:00Z"}), 422)["fields"].keys() == {"starts_at"}
    first = fresh(db, Process, process.id).phases[0]
    error_of(api.patch(f"/api/v1/phases/{first.id}", user=world["moderator"], json={"move": "up"}), 409)
    error_of(api.patch(f"/api/v1/phases/{first.id}", user=world["moderator"], json={"move": "links"}), 422)
    assert api.delete(f"/api/v1/phases/{phase['id']}", user=world["moderator"]).status_code == 204
    assert count(db, PhaseInstrument) == 0 and fresh(db, Poll, poll.id) is not None
    error_of(api.delete(f"/api/v1/phases/{first.id}", user=world["citizen"]), 403)
    error_of(api.post(url, user=world["stranger"], json={"title": "Fremde Phase"}), 403)
    error_of(api.post(url, user=world["moderator"], json={"title": "Ohne Beginn", "ends_at": "2031-01-01T00:00:00Z"}),
             422)


def test_attaching_refuses_other_regions_second_phases_and_unknown_kinds(api, db, world, process, create_poll):
    first, second = fresh(db, Process, process.id).phases
    foreign, mine = create_poll(region=world["other"]), create_poll(region=world["home"])
    url = f"/api/v1/phases/{first.id}/instruments"
    fields = error_of(api.post(url, user=world["moderator"], json={"kind": "poll", "target_id": foreign.id}),
                      422)["fields"]
    assert fields.keys() == {"target_id"}
    error_of(api.post(url, user=world["moderator"], json={"kind": "proposal_collection", "target_id": mine.id}), 422)
    error_of(api.post(url, user=world["moderator"], json={"kind": "poll", "target_id": 0}), 422)
    error_of(api.post(url, user=world["stranger"], json={"kind": "poll", "target_id": mine.id}), 403)
    assert api.post(url, user=world["moderator"], json={"kind": "poll", "target_id": mine.id,
                                                        "follows_phase_dates": False}).status_code == 201
    error_of(api.post(f"/api/v1/phases/{second.id}/instruments", user=world["moderator"],
                      json={"kind": "poll", "target_id": mine.id}), 409)
    assert count(db, PhaseInstrument) == 1
    # With its own dates, the poll kept them.
    assert fresh(db, Poll, mine.id).opens_at is None


def test_reading_the_api_writes_nothing(api, db, world, process, count_queries):
    with count_queries() as counter:
        for url in ("/api/v1/processes", f"/api/v1/processes/{process.id}", f"/api/v1/processes/{process.id}/phases"):
            assert api.get(url).status_code == 200
    writes = [s for s in counter.statements if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


@pytest.fixture
def concurrent(app, db, api_headers, world):
    """concurrent([(method, url, json)]): the moderator's requests, each from its own thread at one moment."""

    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (SQLite serialises every write)")
    headers = api_headers(world["moderator"])

    def run(requests):
        return [status for status, _body in at_once(app, db, [(*request, headers) for request in requests])]

    return run


def test_concurrent_new_phases_and_attachments_keep_the_rules(concurrent, db, world, process, create_poll):
    """Positions stay unique and an instrument lands in one phase only, under real concurrent requests."""
    poll = create_poll(region=world["home"])
    first, second = fresh(db, Process, process.id).phases
    requests = [("POST", f"/api/v1/processes/{process.id}/phases", {"title": f"Phase {i}"}) for i in range(6)]
    requests += [("POST", f"/api/v1/phases/{phase.id}/instruments", {"kind": "poll", "target_id": poll.id})
                 for phase in (first, second, first, second)]
    results = concurrent(requests)
    phases, attachments = results[:6], results[6:]
    assert set(phases) <= {201, 409} and set(attachments) <= {201, 409}
    assert attachments.count(201) == 1 and count(db, PhaseInstrument) == 1
    positions = [p.position for p in fresh(db, Process, process.id).phases]
    assert len(positions) == 2 + phases.count(201) and len(set(positions)) == len(positions)


def test_concurrent_moves_keep_every_phase_in_one_place(concurrent, db, world, process):
    for title in ("Drei", "Vier", "Fünf"):
        services.add_phase(world["moderator"], process, title)
    db.session.commit()
    ids = [phase.id for phase in fresh(db, Process, process.id).phases]
    results = concurrent([("PATCH", f"/api/v1/phases/{phase_id}", {"move": direction})
                          for phase_id in ids[1:4] for direction in ("up", "down")])
    assert set(results) <= {200, 409}
    phases = fresh(db, Process, process.id).phases
    assert sorted(phase.id for phase in phases) == sorted(ids)
    assert len({phase.position for phase in phases}) == 5
    assert len(audit_entries(db, "phase.moved")) == results.count(200)
