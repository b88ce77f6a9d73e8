"""The proposals' API: lists, submitting, supporting, status; every refusal; 50 parallel supports count once."""

from datetime import timedelta

import pytest
from api_support import error_of
from sqlalchemy import select

from beteiligung.proposals import services
from beteiligung.proposals.models import Proposal, ProposalSupport
from beteiligung.testing.helpers import at_once, count_rows, fresh
from beteiligung.timeutil import utcnow


@pytest.fixture
def region(create_region):
    return create_region(slug="herne", name="Herne")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Herne")


@pytest.fixture
def stranger(create_user, create_region):
    return create_user(role="moderator", regions=[create_region(slug="dueren", name="Düren")])


@pytest.fixture
def citizen(create_user):
    return create_user(pseudonym="Carla")


@pytest.fixture
def collection(db, moderator, region):
    collection = services.create_collection(moderator, region, "Ideen für Herne", "", ["Kultur", "Sport"],
                                            published=True)
    db.session.commit()
    return collection


@pytest.fixture
def proposal(db, collection, citizen):
    proposal = services.submit_proposal(citizen, collection, "Freibad öffnen", "Das Freibad länger öffnen.")
    db.session.commit()
    return proposal


def body(**changes):
    return {"title": "Mehr Kultur", "body": "Ein Straßenfest im Sommer.", "category": "Kultur", "place": None,
            **changes}


def test_create_get_and_list(api, db, collection, citizen, create_user):
    response = api.post("/api/v1/proposals", user=citizen, json=body(collection_id=collection.id))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["title"], created["category"], created["state"], created["status"], created["support_count"],
            created["author"], created["supported"]) == (
        "Mehr Kultur", "Kultur", "published", "submitted", 0, "Carla", False)
    got = api.get(f"/api/v1/proposals/{created['id']}").get_json()
    assert got["body_html"] == "<p>Ein Straßenfest im Sommer.</p>\n" and "supported" not in got
    listed = api.get(f"/api/v1/proposals?collection={collection.id}&sort=supported&category=Kultur").get_json()
    assert [item["id"] for item in listed["items"]] == [created["id"]] and listed["total"] == 1
    assert api.get("/api/v1/proposals?region=herne&status=accepted").get_json()["total"] == 0
    assert api.get("/api/v1/proposals?sort=random&seed=12").get_json()["total"] == 1


def test_support_and_withdraw(api, db, proposal, create_user):
    supporter = create_user()
    response = api.post(f"/api/v1/proposals/{proposal.id}/support", user=supporter)
    assert response.status_code == 201 and response.get_json()["support_count"] == 1
    assert response.get_json()["supported"] is True
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/support", user=supporter), 409)
    assert fresh(db, Proposal, proposal.id).support_count == 1
    response = api.delete(f"/api/v1/proposals/{proposal.id}/support", user=supporter)
    assert response.status_code == 200 and response.get_json()["support_count"] == 0
    error_of(api.delete(f"/api/v1/proposals/{proposal.id}/support", user=supporter), 409)
    assert count_rows(db, ProposalSupport) == 0


def test_refusals(api, db, collection, proposal, citizen, create_user, stranger, moderator):
    unconfirmed = create_user()
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    error_of(api.post("/api/v1/proposals", json=body(collection_id=collection.id)), 401)
    error_of(api.post("/api/v1/proposals", user=unconfirmed, json=body(collection_id=collection.id)), 403)
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/support"), 401)
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/support", user=unconfirmed), 403)
    fields = error_of(api.post("/api/v1/proposals", user=citizen, json=body(collection_id=collection.id,
                                                                             title="", category="Oper")), 422)["fields"]
    assert "title" in fields
    assert "category" in error_of(api.post("/api/v1/proposals", user=citizen, json=body(
        collection_id=collection.id, category="Oper")), 422)["fields"]
    error_of(api.post("/api/v1/proposals", user=citizen, json=body(collection_id=collection.id,
                                                                    body="x" * 20_000)), 422)
    error_of(api.post("/api/v1/proposals", user=citizen, json=body(collection_id=999_999)), 404)
    error_of(api.post("/api/v1/proposals", user=citizen, data="kein json", content_type="application/json"), 400)
    response = api.post("/api/v1/proposals", user=citizen, json=body(collection_id=collection.id, body="x" * 70_000))
    assert response.status_code == 413
    error_of(api.get("/api/v1/proposals?collection=abc"), 400)
    error_of(api.get("/api/v1/proposals?sort=best"), 422)
    error_of(api.get("/api/v1/proposals?region=nirgendwo"), 422)
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/status", user=stranger, json={"status": "accepted"}), 403)
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/status", user=citizen, json={"status": "accepted"}), 403)
    fields = error_of(api.post(f"/api/v1/proposals/{proposal.id}/status", user=moderator,
                               json={"status": "rejected"}), 422)["fields"]
    assert list(fields) == ["answer"]
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/status", user=moderator, json={"status": "gut"}), 422)
    assert fresh(db, Proposal, proposal.id).status == "submitted"
    collection.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    error_of(api.post("/api/v1/proposals", user=citizen, json=body(collection_id=collection.id)), 409)
    error_of(api.post(f"/api/v1/proposals/{proposal.id}/support", user=create_user()), 409)
    assert count_rows(db, Proposal) == 1


def test_status_by_the_moderation(api, db, proposal, moderator):
    response = api.post(f"/api/v1/proposals/{proposal.id}/status", user=moderator,
                        json={"status": "implemented", "answer": "Seit Mai offen."})
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["answer"]) == ("implemented", "Seit Mai offen.")


def test_hidden_and_pending_proposals_leak_through_no_api_answer(api, db, proposal, moderator, collection, citizen):
    services.hide_proposal(moderator, proposal, "Werbung")
    collection.premoderated = True
    pending = services.submit_proposal(citizen, collection, "Wartet noch", "Wartet auf die Freigabe.")
    db.session.commit()
    for item in (proposal, pending):
        error_of(api.get(f"/api/v1/proposals/{item.id}"), 404)
    assert api.get(f"/api/v1/proposals?collection={collection.id}").get_json()["total"] == 0
    assert api.get("/api/v1/proposals").get_json()["items"] == []
    assert api.get(f"/api/v1/proposals/{pending.id}", user=citizen).get_json()["state"] == "pending"
    assert api.get(f"/api/v1/proposals/{proposal.id}", user=moderator).get_json()["state"] == "hidden"


def test_openapi_names_the_proposal_operations(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/proposals"]) == {"get", "post"}
    assert set(paths["/proposals/{id}/support"]) == {"post", "delete"}
    assert "post" in paths["/proposals/{id}/status"] and "get" in paths["/proposals/{id}"]


def test_fifty_parallel_supports_of_one_account_count_once(app, db, proposal, create_user, api_headers):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (SQLite serialises every write)")
    headers = api_headers(create_user())
    url = f"/api/v1/proposals/{proposal.id}/support"
    statuses = [status for status, _body in at_once(app, db, [("POST", url, None, headers)] * 50)]
    assert sorted(statuses) == [201] + [409] * 49
    db.session.expire_all()
    assert fresh(db, Proposal, proposal.id).support_count == 1
    assert len(db.session.scalars(select(ProposalSupport).where(ProposalSupport.proposal_id == proposal.id)).all()) == 1
