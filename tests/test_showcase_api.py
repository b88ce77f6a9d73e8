"""The Projektschaufenster's JSON API (issue 15, part 3): lists with filters and pages, one project, the contact
person only with consent, drafts only for the region's moderators, errors in the API's shape, the OpenAPI
document."""

from datetime import date

import pytest
from api_support import error_of

from beteiligung.measures import services as measures
from beteiligung.processes import services as processes
from beteiligung.showcase import materials, services

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def region(create_region):
    return create_region(slug="paderborn", name="Paderborn")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Paderborn")


def make(moderator, region, title, status="running", published=True, consent=True, starts=2021):
    return services.create_project(
        moderator, region, title, f"{title}: eine kurze Beschreibung des Projekts.", date(starts, 1, 1),
        date(starts + 3, 12, 31), status=status, office="Amt für Digitalisierung", contact_name="Katharina Vogt",
        contact_email="k.vogt@paderborn.de", contact_phone="05251 88-1234", contact_consent=consent,
        published=published)


@pytest.fixture
def world(db, moderator, region, stranger, other_region):
    portal = make(moderator, region, "Bürgerportal Paderborn")
    services.add_link(moderator, portal, "Zum Portal", "https://portal.paderborn.de/")
    materials.add_material(moderator, portal, "Leitfaden", PDF)
    process = processes.create_process(moderator, region, "Das Paderborner Serviceportal", "Kurz.", "Text.",
                                       published=True)
    measure = measures.create_measure(moderator, process, "Wohnsitz ummelden online")
    draft_process = processes.create_process(moderator, region, "Noch geheim", "Kurz.", "Text.")
    for kind, target in (("process", process), ("measure", measure), ("process", draft_process)):
        services.relate(moderator, portal, kind, target.id)
    quiet = make(moderator, region, "Digitaler Bauantrag", status="completed", consent=False, starts=2020)
    draft = make(moderator, region, "Chatbot (Entwurf)", status="planned", published=False, starts=2026)
    school = make(stranger, other_region, "Lernplattform Aachen", starts=2022)
    db.session.commit()
    return {"portal": portal, "quiet": quiet, "draft": draft, "school": school, "process": process,
            "measure": measure, "draft_process": draft_process}


def titles(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.get_json()["items"]]


def test_the_list_shows_published_projects_of_all_regions_paginated(api, world):
    response = api.get("/api/v1/showcase/projects")
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 3)
    assert titles(response) == ["Lernplattform Aachen", "Bürgerportal Paderborn", "Digitaler Bauantrag"]
    response = api.get("/api/v1/showcase/projects?per_page=2&page=2")
    assert titles(response) == ["Digitaler Bauantrag"] and response.get_json()["total"] == 3


@pytest.mark.parametrize("query, expected", [
    ("region=aachen", ["Lernplattform Aachen"]),
    ("status=completed", ["Digitaler Bauantrag"]),
    ("q=portal", ["Bürgerportal Paderborn"]),
    ("q=BAUANTRAG&region=paderborn", ["Digitaler Bauantrag"]),
    ("status=&region=&q=", ["Lernplattform Aachen", "Bürgerportal Paderborn", "Digitaler Bauantrag"]),
    ("q=_", []),
])
def test_the_list_filters(api, world, query, expected):
    assert titles(api.get(f"/api/v1/showcase/projects?{query}")) == expected


def test_one_project_with_links_materials_and_related_inputs(api, world):
    portal = world["portal"]
    data = api.get(f"/api/v1/showcase/projects/{portal.id}").get_json()
    assert (data["region"], data["status"], data["status_label"], data["starts_on"], data["ends_on"]) == (
        "paderborn", "running", "in Umsetzung", "2021-01-01", "2024-12-31")
    assert data["contact"] == {"name": "Katharina Vogt", "email": "k.vogt@paderborn.de", "phone": "05251 88-1234"}
    assert data["links"] == [{"id": data["links"][0]["id"], "title": "Zum Portal", "url": "https://portal.paderborn.de/"}]
    [material] = data["materials"]
    assert material["media_type"] == "application/pdf" and material["url"].startswith("http")
    assert [p["title"] for p in data["processes"]] == ["Das Paderborner Serviceportal"]  # not the draft process
    assert [m["title"] for m in data["measures"]] == ["Wohnsitz ummelden online"]
    assert data["url"].endswith(f"/projektschaufenster/{portal.id}")


def test_the_contact_is_null_without_consent_in_list_and_detail(api, world):
    quiet = world["quiet"]
    assert api.get(f"/api/v1/showcase/projects/{quiet.id}").get_json()["contact"] is None
    items = api.get("/api/v1/showcase/projects?status=completed").get_json()["items"]
    assert items[0]["contact"] is None
    items = api.get("/api/v1/showcase/projects").get_json()["items"]
    assert {item["title"]: item["contact"] is not None for item in items} == {
        "Lernplattform Aachen": True, "Bürgerportal Paderborn": True, "Digitaler Bauantrag": False}
    assert "05251 88-1234" not in api.get(f"/api/v1/showcase/projects/{quiet.id}").get_data(as_text=True)


def test_drafts_only_for_the_regions_moderators(api, world, moderator, stranger, citizen):
    draft = world["draft"]
    for user in (None, citizen, stranger):
        error_of(api.get(f"/api/v1/showcase/projects/{draft.id}", user=user), 404)
        assert "Chatbot (Entwurf)" not in titles(api.get("/api/v1/showcase/projects", user=user))
    assert api.get(f"/api/v1/showcase/projects/{draft.id}", user=moderator).get_json()["published"] is False
    assert "Chatbot (Entwurf)" in titles(api.get("/api/v1/showcase/projects", user=moderator))
    data = api.get(f"/api/v1/showcase/projects/{world['portal'].id}", user=moderator).get_json()
    assert "Noch geheim" in [p["title"] for p in data["processes"]]  # the moderation sees its draft process


@pytest.mark.parametrize("query, status, field", [
    ("region=nirgendwo", 422, "region"),
    ("status=paused", 422, "status"),
    ("q=" + "x" * 201, 422, "q"),
    ("page=0", 400, "page"),
    ("page=abc", 400, "page"),
    ("per_page=101", 422, "per_page"),
])
def test_bad_filters_get_the_apis_json_errors(api, world, query, status, field):
    error = error_of(api.get(f"/api/v1/showcase/projects?{query}"), status)
    assert field in error["fields"]


def test_unknown_ids_and_methods_get_json_errors(api, world):
    error_of(api.get("/api/v1/showcase/projects/999999"), 404)
    error_of(api.get("/api/v1/showcase/projects/99999999999999"), 404)
    error_of(api.get("/api/v1/showcase/projects/abc"), 404)
    response = api.post("/api/v1/showcase/projects", json={})
    error_of(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_bad_token_is_refused(api, world):
    error_of(api.get("/api/v1/showcase/projects", headers={"Authorization": "Bearer falsch"}), 401)


def test_the_openapi_document_describes_the_showcase(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    listing = spec["paths"]["/showcase/projects"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"region", "status", "q", "page", "per_page"} <= names
    status = next(p for p in listing["parameters"] if p["name"] == "status")
    assert status["schema"]["enum"] == ["", "planned", "running", "completed"]
    assert "get" in spec["paths"]["/showcase/projects/{id}"]


def test_the_list_reads_in_a_fixed_number_of_queries(api, db, count_queries, moderator, region):
    def queries():
        with count_queries() as counted:
            assert api.get("/api/v1/showcase/projects").status_code == 200
        return counted.count

    make(moderator, region, "Erstes Projekt")
    db.session.commit()
    few = queries()
    for number in range(6):
        project = make(moderator, region, f"Projekt {number}")
        services.add_link(moderator, project, "Link", "https://example.net/")
        materials.add_material(moderator, project, "Datei", PDF)
    db.session.commit()
    assert queries() == few
