"""JSON API: consultations — listing, reading, creating and changing, with every role's permissions."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from api_support import count, error_of
from sqlalchemy import select

from beteiligung.audit.models import AuditEntry
from beteiligung.consultations.models import Consultation, Section
from beteiligung.timeutil import utcnow

TOO_BIG_ID = 10**20
SHAPE = {"id", "region", "title", "summary", "status", "opens_at", "closes_at", "sections", "comment_count", "url"}


@pytest.fixture
def world(create_region, create_user):
    """Two regions, a moderator of each, a citizen and an administrator."""
    home, other = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    return {
        "home": home,
        "other": other,
        "moderator": create_user(role="moderator", regions=[home], pseudonym="Moderation Soest"),
        "stranger": create_user(role="moderator", regions=[other], pseudonym="Moderation Aachen"),
        "citizen": create_user(pseudonym="Bürgerin"),
        "admin": create_user(role="admin", pseudonym="Administration"),
    }


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.get_json()["items"]}


def new_consultation(home, **fields):
    return {"region": home.slug, "title": "Digitale Mobilitätsstationen im Kreis", "summary": "Kurz.",
            "body": "Worum es geht.\n\n## Standorte\n\nAn Bahnhöfen.\n\n## Finanzierung\n\nAus Fördermitteln.",
            **fields}


class Tags(HTMLParser):
    """The elements and attributes of an HTML fragment, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.names, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.attributes.extend(attrs)


# --- GET /api/v1/consultations -----------------------------------------------------------------------


@pytest.mark.parametrize("viewer", [None, "citizen"])
def test_list_shows_only_published_consultations_to_the_public(api, world, create_consultation, viewer):
    published = {create_consultation(region=world["home"], status=status).id
                 for status in ("open", "closed", "upcoming")}
    create_consultation(region=world["home"], status="draft")

    response = api.get("/api/v1/consultations", user=world[viewer] if viewer else None)

    assert ids(response) == published
    assert response.get_json()["total"] == 3


def test_list_shows_moderators_the_drafts_of_their_own_regions_only(api, world, create_consultation):
    published = create_consultation(region=world["other"]).id
    own_draft = create_consultation(region=world["home"], status="draft").id
    create_consultation(region=world["other"], status="draft")

    assert ids(api.get("/api/v1/consultations", user=world["moderator"])) == {published, own_draft}
    assert ids(api.get("/api/v1/consultations?status=draft", user=world["moderator"])) == {own_draft}


def test_list_shows_administrators_every_draft(api, world, create_consultation):
    drafts = {create_consultation(region=world[key], status="draft").id for key in ("home", "other")}

    assert ids(api.get("/api/v1/consultations?status=draft", user=world["admin"])) == drafts


def test_list_for_anonymous_never_contains_drafts_even_when_asked(api, world, create_consultation):
    create_consultation(region=world["home"], status="draft")

    response = api.get("/api/v1/consultations?status=draft")

    assert ids(response) == set()
    assert response.get_json()["total"] == 0


def test_list_filters_by_region_and_status(api, world, create_consultation):
    home_open = create_consultation(region=world["home"], status="open").id
    home_closed = create_consultation(region=world["home"], status="closed").id
    home_upcoming = create_consultation(region=world["home"], status="upcoming").id
    other_open = create_consultation(region=world["other"], status="open").id

    assert ids(api.get("/api/v1/consultations?region=soest")) == {home_open, home_closed, home_upcoming}
    assert ids(api.get("/api/v1/consultations?status=open")) == {home_open, other_open}
    assert ids(api.get("/api/v1/consultations?status=closed")) == {home_closed}
    assert ids(api.get("/api/v1/consultations?status=upcoming")) == {home_upcoming}
    assert ids(api.get("/api/v1/consultations?region=aachen&status=open")) == {other_open}
    assert ids(api.get("/api/v1/consultations?region=aachen&status=closed")) == set()


def test_list_items_carry_the_consultation_shape(api, world, create_consultation):
    consultation = create_consultation(region=world["home"])

    data = api.get("/api/v1/consultations").get_json()

    assert set(data) == {"items", "page", "per_page", "total"}
    item = data["items"][0]
    assert set(item) >= SHAPE
    assert item["id"] == consultation.id
    assert item["region"] == "soest"
    assert item["status"] == "open"
    assert [s["title"] for s in item["sections"]] == ["Standorte", "Kosten"]


def test_list_is_paginated(api, world, create_consultation):
    for _ in range(3):
        create_consultation(region=world["home"])

    data = api.get("/api/v1/consultations?per_page=2&page=2").get_json()

    assert (data["page"], data["per_page"], data["total"]) == (2, 2, 3)
    assert len(data["items"]) == 1


def test_list_with_unknown_region_is_invalid(api, world, create_consultation):
    create_consultation(region=world["home"])

    error = error_of(api.get("/api/v1/consultations?region=atlantis"), 422)

    assert error["code"] == "invalid"
    assert "region" in error["fields"]


@pytest.mark.parametrize("status", ["offen", "OPEN", "hidden", "open'--"])
def test_list_with_unknown_status_is_invalid(api, world, create_consultation, status):
    create_consultation(region=world["home"])

    error = error_of(api.get("/api/v1/consultations", query_string={"status": status}), 422)

    assert error["code"] == "invalid"
    assert "status" in error["fields"]


# --- GET /api/v1/consultations/{id} ------------------------------------------------------------------


def test_consultation_carries_the_contract_shape(api, world, create_consultation):
    consultation = create_consultation(region=world["home"])

    response = api.get(f"/api/v1/consultations/{consultation.id}")

    assert response.status_code == 200
    data = response.get_json()
    assert set(data) >= SHAPE
    assert data["id"] == consultation.id
    assert data["region"] == "soest"
    assert data["title"] == "Mehr Bänke am Marktplatz"
    assert data["summary"] == "Kurz gesagt."
    assert data["status"] == "open"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["opens_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["closes_at"])
    assert data["opens_at"] < data["closes_at"]
    assert data["comment_count"] == 0
    assert data["url"].endswith(f"/beteiligungen/{consultation.id}")
    assert [(s["title"], s["anchor"]) for s in data["sections"]] == [("Standorte", "abschnitt-standorte"),
                                                                         ("Kosten", "abschnitt-kosten")]
    assert all(isinstance(s["id"], int) and "<p>" in s["body_html"] for s in data["sections"])


@pytest.mark.parametrize("viewer", [None, "citizen", "stranger"])
def test_draft_is_unknown_to_everyone_but_its_moderators(api, world, create_consultation, viewer):
    draft = create_consultation(region=world["home"], status="draft")

    response = api.get(f"/api/v1/consultations/{draft.id}", user=world[viewer] if viewer else None)

    assert error_of(response, 404)["code"] == "not_found"
    assert draft.title not in response.get_data(as_text=True)


@pytest.mark.parametrize("viewer", ["moderator", "admin"])
def test_draft_is_shown_to_its_moderators(api, world, create_consultation, viewer):
    draft = create_consultation(region=world["home"], status="draft")

    response = api.get(f"/api/v1/consultations/{draft.id}", user=world[viewer])

    assert response.status_code == 200
    assert response.get_json()["status"] == "draft"
    assert response.get_json()["id"] == draft.id


def test_unknown_consultation_is_not_found(api, world):
    assert error_of(api.get("/api/v1/consultations/987654"), 404)["code"] == "not_found"


def test_consultation_id_beyond_the_integer_range_is_not_found(api, world):
    assert error_of(api.get(f"/api/v1/consultations/{TOO_BIG_ID}"), 404)["code"] == "not_found"


# --- POST /api/v1/consultations ----------------------------------------------------------------------


def test_moderator_creates_a_draft_in_their_region(api, db, world):
    response = api.post("/api/v1/consultations", user=world["moderator"], json=new_consultation(world["home"]))

    assert response.status_code == 201
    data = response.get_json()
    assert set(data) >= SHAPE
    assert data["region"] == "soest"
    assert data["title"] == "Digitale Mobilitätsstationen im Kreis"
    assert data["status"] == "draft"  # "published" defaults to false
    assert data["comment_count"] == 0
    assert data["url"].endswith(f"/beteiligungen/{data['id']}")
    stored = db.session.get(Consultation, data["id"])
    assert stored.region_id == world["home"].id
    assert stored.published is False
    assert stored.created_by_id == world["moderator"].id
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == stored.id)) == \
        "consultation.created"
    # A draft stays invisible to the public.
    assert api.get(f"/api/v1/consultations/{data['id']}").status_code == 404


def test_published_consultation_with_dates_is_created_with_utc_dates(api, world):
    body = new_consultation(world["home"], published=True, opens_at="2030-05-01T10:00:00+02:00",
                            closes_at="2030-06-01T18:00:00+02:00")

    response = api.post("/api/v1/consultations", user=world["moderator"], json=body)

    assert response.status_code == 201
    data = response.get_json()
    assert data["status"] == "upcoming"
    assert data["opens_at"] == "2030-05-01T08:00:00Z"
    assert data["closes_at"] == "2030-06-01T16:00:00Z"
    assert api.get(f"/api/v1/consultations/{data['id']}").status_code == 200


def test_published_consultation_without_dates_is_open(api, world):
    response = api.post("/api/v1/consultations", user=world["moderator"],
                        json=new_consultation(world["home"], published=True))

    assert response.status_code == 201
    assert response.get_json()["status"] == "open"
    assert response.get_json()["opens_at"] is None


def test_administrator_creates_in_any_region(api, db, world):
    response = api.post("/api/v1/consultations", user=world["admin"], json=new_consultation(world["other"]))

    assert response.status_code == 201
    assert response.get_json()["region"] == "aachen"
    assert db.session.get(Consultation, response.get_json()["id"]).created_by_id == world["admin"].id


@pytest.mark.parametrize("actor", ["citizen", "stranger"])
def test_create_is_forbidden_outside_ones_regions(api, db, world, actor):
    response = api.post("/api/v1/consultations", user=world[actor], json=new_consultation(world["home"]))

    assert error_of(response, 403)["code"] == "forbidden"
    assert count(db, Consultation) == 0
    assert count(db, AuditEntry) == 0


def test_create_without_token_is_unauthorized(api, db, world):
    response = api.post("/api/v1/consultations", json=new_consultation(world["home"]))

    assert error_of(response, 401)["code"] == "unauthorized"
    assert count(db, Consultation) == 0


@pytest.mark.parametrize("changes, field", [
    ({"title": None}, "title"),
    ({"title": ""}, "title"),
    ({"title": "ab"}, "title"),
    ({"title": "   \t  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 12345}, "title"),
    ({"title": ["Liste"]}, "title"),
    ({"region": None}, "region"),
    ({"region": 7}, "region"),
    ({"region": "atlantis"}, "region"),
    ({"summary": {"text": "Objekt"}}, "summary"),
    ({"summary": "s" * 1001}, "summary"),
    ({"body": 3.14}, "body"),
    ({"body": "x" * 100_001}, "body"),
    ({"published": "vielleicht"}, "published"),
    ({"opens_at": "morgen früh"}, "opens_at"),
    ({"closes_at": 1714550400}, "closes_at"),
    ({"opens_at": "2030-06-01T10:00:00+02:00", "closes_at": "2030-05-01T10:00:00+02:00"}, "closes_at"),
    ({"opens_at": "2030-06-01T10:00:00+02:00", "closes_at": "2030-06-01T10:00:00+02:00"}, "closes_at"),
])
def test_create_with_invalid_fields_is_refused_and_stores_nothing(api, db, world, changes, field):
    body = {key: value for key, value in new_consultation(world["home"], **changes).items() if value is not None}

    error = error_of(api.post("/api/v1/consultations", user=world["moderator"], json=body), 422)

    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert count(db, Consultation) == 0
    assert count(db, Section) == 0


@pytest.mark.parametrize("dates", [{"opens_at": "0001-01-01T00:00:00+02:00"},
                                   {"opens_at": "0001-01-01T00:00:00"},
                                   {"closes_at": "9999-12-31T23:59:59-05:00"}])
def test_create_with_dates_out_of_range_is_invalid(api, db, world, dates):
    error = error_of(api.post("/api/v1/consultations", user=world["moderator"],
                              json=new_consultation(world["home"], **dates)), 422)

    assert set(dates) <= set(error["fields"])
    assert count(db, Consultation) == 0


@pytest.mark.parametrize("data", ["kein json", "[1, 2]", "null"])
def test_create_with_a_body_that_is_no_json_object_is_malformed(api, db, world, data):
    response = api.post("/api/v1/consultations", user=world["moderator"], data=data, content_type="application/json")

    assert error_of(response, 400)["code"] == "bad_request"
    assert count(db, Consultation) == 0


def test_sections_are_derived_from_level_two_headings(api, db, world):
    body = ("Einleitung mit **Betonung**.\n\n## Standorte\n\nAn Bahnhöfen.\n\n### Unterpunkt\n\nKein Abschnitt.\n\n"
            "```\n## Im Code\n```\n\n## Kosten & Nutzen\n\nFördermittel.\n\n## Standorte\n\nNoch einmal.")

    response = api.post("/api/v1/consultations", user=world["moderator"],
                        json=new_consultation(world["home"], body=body))

    assert response.status_code == 201
    data = response.get_json()
    assert [(s["title"], s["anchor"]) for s in data["sections"]] == [
        ("Standorte", "abschnitt-standorte"), ("Kosten & Nutzen", "abschnitt-kosten-nutzen"),
        ("Standorte", "abschnitt-standorte-2")]
    assert "<strong>Betonung</strong>" in data["intro_html"]
    assert "Kein Abschnitt" in data["sections"][0]["body_html"]
    assert "Im Code" in data["sections"][0]["body_html"]
    assert data["body"] == body
    assert count(db, Section) == 3


def test_script_in_the_body_never_appears_unescaped(api, world):
    body = ('<script>alert("intro")</script> <img src=x onerror=alert(1)>\n\n[Klick](javascript:alert(1))\n\n'
            '## Standorte\n\n<script>alert("abschnitt")</script>\n\n<a href="javascript:alert(2)">Link</a>\n\n'
            '<iframe src="https://example.com"></iframe> <svg onload=alert(3)>')

    response = api.post("/api/v1/consultations", user=world["moderator"],
                        json=new_consultation(world["home"], body=body, published=True))

    assert response.status_code == 201
    data = api.get(f"/api/v1/consultations/{response.get_json()['id']}").get_json()
    for html in [data["intro_html"]] + [s["body_html"] for s in data["sections"]]:
        tags = Tags()
        tags.feed(html)
        assert not tags.names & {"script", "img", "iframe", "svg"}, html
        for name, value in tags.attributes:
            assert not name.startswith("on"), html
            assert not (value or "").strip().lower().startswith("javascript:"), html
    assert "&lt;script&gt;" in data["intro_html"]  # shown as text, not dropped silently nor run
    assert data["sections"][0]["title"] == "Standorte"


def test_control_characters_and_sql_in_texts_are_stored_as_plain_text(api, db, world):
    title = "Radwege'); DROP TABLE consultations; --"
    response = api.post("/api/v1/consultations", user=world["moderator"],
                        json=new_consultation(world["home"], title=title, summary="Kurz\x00 und\x07 knapp."))

    assert response.status_code == 201
    stored = db.session.get(Consultation, response.get_json()["id"])
    assert stored.title == title
    assert stored.summary == "Kurz und knapp."
    assert count(db, Consultation) == 1


# --- PATCH /api/v1/consultations/{id} ----------------------------------------------------------------


def test_moderator_edits_title_and_body(api, db, world, create_consultation):
    consultation = create_consultation(region=world["home"])

    response = api.patch(f"/api/v1/consultations/{consultation.id}", user=world["moderator"],
                         json={"title": "Mehr Bänke und Bäume", "body": "Neu.\n\n## Kosten\n\nWeniger."})

    assert response.status_code == 200
    data = response.get_json()
    assert data["title"] == "Mehr Bänke und Bäume"
    assert [s["title"] for s in data["sections"]] == ["Kosten"]
    stored = db.session.get(Consultation, consultation.id)
    assert stored.title == "Mehr Bänke und Bäume"
    assert [s.title for s in stored.sections] == ["Kosten"]


def test_moderator_publishes_and_unpublishes_a_draft(api, world, create_consultation):
    draft = create_consultation(region=world["home"], status="draft")
    url = f"/api/v1/consultations/{draft.id}"

    published = api.patch(url, user=world["moderator"], json={"published": True})
    public_after_publish = api.get(url)
    unpublished = api.patch(url, user=world["moderator"], json={"published": False})

    assert published.status_code == 200 and published.get_json()["status"] == "open"
    assert public_after_publish.status_code == 200
    assert unpublished.status_code == 200 and unpublished.get_json()["status"] == "draft"
    assert api.get(url).status_code == 404


def test_moderator_closes_a_consultation_by_date(api, world, create_consultation):
    consultation = create_consultation(region=world["home"])
    yesterday = (utcnow() - timedelta(days=1)).isoformat() + "+00:00"

    response = api.patch(f"/api/v1/consultations/{consultation.id}", user=world["moderator"],
                         json={"closes_at": yesterday})

    assert response.status_code == 200
    assert response.get_json()["status"] == "closed"


@pytest.mark.parametrize("actor", ["citizen", "stranger"])
def test_patch_is_forbidden_to_others(api, db, world, create_consultation, actor):
    consultation = create_consultation(region=world["home"])

    response = api.patch(f"/api/v1/consultations/{consultation.id}", user=world[actor],
                         json={"title": "Übernommen", "published": False})

    assert error_of(response, 403)["code"] == "forbidden"
    stored = db.session.get(Consultation, consultation.id)
    assert (stored.title, stored.published) == ("Mehr Bänke am Marktplatz", True)


@pytest.mark.parametrize("actor", ["citizen", "stranger"])
def test_patch_of_a_draft_by_others_finds_nothing(api, db, world, create_consultation, actor):
    draft = create_consultation(region=world["home"], status="draft")

    response = api.patch(f"/api/v1/consultations/{draft.id}", user=world[actor], json={"published": True})

    assert error_of(response, 404)["code"] == "not_found"
    assert db.session.get(Consultation, draft.id).published is False


def test_patch_without_token_is_unauthorized(api, db, world, create_consultation):
    consultation = create_consultation(region=world["home"])

    response = api.patch(f"/api/v1/consultations/{consultation.id}", json={"title": "Anonym geändert"})

    assert error_of(response, 401)["code"] == "unauthorized"
    assert db.session.get(Consultation, consultation.id).title == "Mehr Bänke am Marktplatz"


@pytest.mark.parametrize("body, field", [
    ({"title": "ab"}, "title"),
    ({"title": None}, "title"),
    ({"published": "vielleicht"}, "published"),
    ({"closes_at": "2000-01-01T00:00:00+00:00"}, "closes_at"),
])
def test_invalid_patch_changes_nothing(api, db, world, create_consultation, body, field):
    consultation = create_consultation(region=world["home"])
    before = (consultation.title, consultation.closes_at, consultation.published)

    error = error_of(api.patch(f"/api/v1/consultations/{consultation.id}", user=world["moderator"], json=body), 422)

    assert field in error["fields"]
    stored = db.session.get(Consultation, consultation.id)
    assert (stored.title, stored.closes_at, stored.published) == before


def test_patch_with_a_date_out_of_range_changes_nothing(api, db, world, create_consultation):
    consultation = create_consultation(region=world["home"])
    closes_at = consultation.closes_at

    error = error_of(api.patch(f"/api/v1/consultations/{consultation.id}", user=world["moderator"],
                               json={"closes_at": "9999-12-31T23:59:59-05:00"}), 422)

    assert "closes_at" in error["fields"]
    assert db.session.get(Consultation, consultation.id).closes_at == closes_at


def test_empty_patch_is_invalid(api, world, create_consultation):
    consultation = create_consultation(region=world["home"])

    assert error_of(api.patch(f"/api/v1/consultations/{consultation.id}", user=world["moderator"], json={}),
                    422)["code"] == "invalid"
