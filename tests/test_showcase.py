"""Projektschaufenster (issue 15, part 3): the overview across regions, a project's page, the moderators' forms
with every refusal, materials checked by their content, the CSV export, the contact person's consent, drafts,
and the demo projects."""

import csv
import io
import os
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from beteiligung.errors import Invalid, NotAllowed, NotFound
from beteiligung.measures import services as measures
from beteiligung.processes import services as processes
from beteiligung.showcase import materials, services
from beteiligung.showcase.models import ShowcaseLink, ShowcaseMaterial, ShowcaseProject
from beteiligung.testing.helpers import audit_entries, count_rows, fresh, text_of, writes_during

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size=(8, 8)):
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def region(create_region):
    return create_region(slug="gelsenkirchen", name="Gelsenkirchen")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Gelsenkirchen")


def make_project(moderator, region, title="Urbane Datenplattform", published=True, consent=True, **extra):
    values = dict(description="Die **Plattform** bündelt Daten.", status="running",
                  office="Stabsstelle Digitalisierung",
                  contact_name="Miriam Kowalski", contact_email="miriam.kowalski@stadt-ge.de",
                  contact_phone="0209 169-4711", contact_consent=consent, published=published)
    values.update(extra)
    return services.create_project(moderator, region, title, "Offene Daten aus Verkehr und Umwelt für alle.",
                                   date(2021, 1, 1), date(2025, 12, 31), **values)


@pytest.fixture
def project(db, moderator, region):
    project = make_project(moderator, region)
    db.session.commit()
    return project


def form_data(**changes):
    data = {"title": "Stadtteil-Dashboard Bismarck", "summary": "Luftqualität und Lärm im Stadtteil, offen gezeigt.",
            "description": "Zwanzig *Sensoren*.", "status": "planned", "starts_on": "2026-01-01",
            "ends_on": "2027-06-30", "office": "Referat Umwelt", "contact_name": "Jonas Peters",
            "contact_email": "jonas.peters@stadt-ge.de", "contact_phone": "0209 169-1234", "published": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- services: the allowed path and each refusal ---------------------------------------------------------

def test_a_moderator_creates_a_project_with_markdown_and_an_audit_entry(db, project):
    stored = fresh(db, ShowcaseProject, project.id)
    assert (stored.status, stored.office, stored.published) == ("running", "Stabsstelle Digitalisierung", True)
    assert "<strong>Plattform</strong>" in stored.description_html
    [entry] = audit_entries(db, "showcase.created")
    assert entry.target_id == project.id


def test_markdown_is_rendered_safely(db, moderator, region):
    project = make_project(moderator, region, description="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in project.description_html and "href=\"javascript" not in project.description_html


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_only_the_regions_moderators_may_write(db, request, project, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        make_project(user, project.region, title="Fremdes Projekt")
    with pytest.raises(NotAllowed):
        services.update_project(user, project, title="Übernommen")
    with pytest.raises(NotAllowed):
        services.add_link(user, project, "Link", "https://example.net/")
    with pytest.raises(NotAllowed):
        services.delete_project(user, project)
    assert fresh(db, ShowcaseProject, project.id).title == "Urbane Datenplattform"


def test_an_admin_may_maintain_every_regions_projects(db, create_user, region):
    admin = create_user(role="admin")
    project = make_project(admin, region, title="Vom Admin angelegt")
    assert project.region_id == region.id


@pytest.mark.parametrize("changes, field", [
    ({"title": "ab"}, "title"),
    ({"summary": "kurz"}, "summary"),
    ({"status": "paused"}, "status"),
    ({"ends_on": date(2020, 12, 31)}, "ends_on"),
    ({"starts_on": date(1999, 1, 1)}, "starts_on"),
    ({"starts_on": "2021-01-01"}, "starts_on"),
    ({"contact_email": "keine-adresse"}, "contact_email"),
    ({"contact_phone": "ruf mich an"}, "contact_phone"),
    ({"contact_consent": True, "contact_name": ""}, "contact_name"),
    ({"contact_consent": True, "contact_email": "", "contact_phone": ""}, "contact_email"),
    ({"description": "x" * 20_001}, "description"),
])
def test_invalid_fields_are_refused_with_german_messages(db, project, moderator, changes, field):
    with pytest.raises(Invalid) as refused:
        services.update_project(moderator, project, **changes)
    assert field in refused.value.fields
    db.session.rollback()
    assert fresh(db, ShowcaseProject, project.id).title == "Urbane Datenplattform"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.net/", "https://", "kein link",
                                 "https://example.net/" + "a" * 2000, "data:text/html,hallo"])
def test_links_must_be_http_or_https(db, project, moderator, url):
    with pytest.raises(Invalid) as refused:
        services.add_link(moderator, project, "Ein Link", url)
    assert "url" in refused.value.fields
    db.session.rollback()
    assert count_rows(db, ShowcaseLink) == 0


def test_processes_and_measures_of_the_same_region_are_related_others_refused(db, project, moderator, stranger,
                                                                           other_region):
    process = processes.create_process(moderator, project.region, "Datenstrategie", "Kurz.", "Text.",
                                       published=True)
    measure = measures.create_measure(moderator, process, "Open-Data-Portal")
    foreign = processes.create_process(stranger, other_region, "Digitale Schule", "Kurz.", "Text.", published=True)
    foreign_measure = measures.create_measure(stranger, foreign, "WLAN für alle")
    db.session.commit()
    services.relate(moderator, project, "process", process.id)
    services.relate(moderator, project, "measure", measure.id)
    services.relate(moderator, project, "process", process.id)  # a second time changes nothing
    db.session.commit()
    stored = fresh(db, ShowcaseProject, project.id)
    assert [p.id for p in stored.processes] == [process.id] and [m.id for m in stored.measures] == [measure.id]
    for kind, target_id in (("process", foreign.id), ("measure", foreign_measure.id), ("process", 999_999),
                            ("poll", process.id)):
        with pytest.raises(Invalid):
            services.relate(moderator, stored, kind, target_id)
        db.session.rollback()
    services.unrelate(moderator, stored, "process", process.id)
    db.session.commit()
    assert fresh(db, ShowcaseProject, project.id).processes == []
    with pytest.raises(NotFound):
        services.unrelate(moderator, fresh(db, ShowcaseProject, project.id), "process", process.id)


# --- pages ---------------------------------------------------------------------------------------------------

@pytest.fixture
def many(db, moderator, region, stranger, other_region):
    """Projects of two regions, one draft of each."""
    make_project(moderator, region, title="Urbane Datenplattform", status="running")
    make_project(moderator, region, title="Sensoren im Stadtteil", status="completed", consent=False)
    make_project(moderator, region, title="Geheimer Entwurf Gelsenkirchen", published=False)
    make_project(stranger, other_region, title="Lernort Stadtbibliothek", status="planned")
    make_project(stranger, other_region, title="Entwurf Aachen", published=False)
    db.session.commit()


def test_the_overview_shows_published_projects_of_all_regions(client, many):
    page = text_of(client.get("/projektschaufenster"))
    assert "Urbane Datenplattform" in page and "Lernort Stadtbibliothek" in page and "Sensoren im Stadtteil" in page
    assert "Entwurf" not in page
    assert 'class="card-grid"' in page and 'class="badge running"' in page and "in Umsetzung" in page
    assert "Gelsenkirchen" in page and "Aachen" in page and "Förderung" in page


def test_the_overview_filters_by_region_status_and_text(client, many):
    page = text_of(client.get("/projektschaufenster?region=aachen"))
    assert "Lernort Stadtbibliothek" in page and "Urbane Datenplattform" not in page
    page = text_of(client.get("/projektschaufenster?status=completed"))
    assert "Sensoren im Stadtteil" in page and "Urbane Datenplattform" not in page
    page = text_of(client.get("/projektschaufenster?q=sensoren"))
    assert "Sensoren im Stadtteil" in page and "Lernort" not in page
    page = text_of(client.get("/projektschaufenster?q=Umwelt%25"))  # a % is a character, not a wildcard
    assert "Keine Projekte gefunden." in page


@pytest.mark.parametrize("query", ["region=nirgendwo", "status=paused", "q=" + "x" * 5000, "page=abc",
                                   "page=99999999999999999999", "region=%00", "q=%00%ff"])
def test_odd_filters_never_fail(client, many, query):
    assert client.get(f"/projektschaufenster?{query}").status_code == 200
    assert client.get(f"/projektschaufenster.csv?{query}").status_code == 200


def test_the_overview_is_paginated(app, client, db, moderator, region):
    for number in range(14):
        make_project(moderator, region, title=f"Projekt Nummer {number:02d}")
    db.session.commit()
    first, second = text_of(client.get("/projektschaufenster")), text_of(client.get("/projektschaufenster?page=2"))
    assert first.count('<li class="card">') == 12 and second.count('<li class="card">') == 2
    assert "Seite 1 von 2" in first and 'rel="next"' in first


def test_drafts_are_seen_only_by_the_regions_moderators(client, auth, many, moderator, stranger, citizen, db):
    draft = db.session.scalar(select(ShowcaseProject).where(ShowcaseProject.title == "Geheimer Entwurf Gelsenkirchen"))
    assert client.get(f"/projektschaufenster/{draft.id}").status_code == 404
    for user in (citizen, stranger):
        auth.login(user)
        assert client.get(f"/projektschaufenster/{draft.id}").status_code == 404
        assert "Geheimer Entwurf" not in text_of(client.get("/projektschaufenster"))
        auth.logout()
    auth.login(moderator)
    assert client.get(f"/projektschaufenster/{draft.id}").status_code == 200
    page = text_of(client.get("/projektschaufenster"))
    assert "Geheimer Entwurf Gelsenkirchen" in page and "Entwurf Aachen" not in page


def test_the_project_page_shows_the_contact_only_with_consent(client, auth, db, moderator, region):
    shown = make_project(moderator, region, title="Mit Einverständnis")
    hidden = make_project(moderator, region, title="Ohne Einverständnis", consent=False,
                          contact_name="Jonas Geheim", contact_email="jonas.geheim@stadt-ge.de",
                          contact_phone="0209 555-1")
    db.session.commit()
    page = text_of(client.get(f"/projektschaufenster/{shown.id}"))
    assert "Miriam Kowalski" in page and "mailto:miriam.kowalski@stadt-ge.de" in page and "0209 169-4711" in page
    page = text_of(client.get(f"/projektschaufenster/{hidden.id}"))
    assert "Jonas Geheim" not in page and "jonas.geheim" not in page and "555-1" not in page
    auth.login(moderator)  # the moderation sees it, marked as not published
    page = text_of(client.get(f"/projektschaufenster/{hidden.id}"))
    assert "Jonas Geheim" in page and "nicht veröffentlicht" in page


def test_a_moderator_creates_a_project_through_the_form(client, auth, db, moderator, region):
    auth.login(moderator)
    page = text_of(client.get("/projektschaufenster/neu?region=gelsenkirchen"))
    assert 'for="contact_consent"' in page and 'name="starts_on"' in page
    response = client.post("/projektschaufenster/neu", data=form_data(region="gelsenkirchen"))
    assert response.status_code == 303
    project = db.session.scalar(select(ShowcaseProject))
    assert response.headers["Location"].endswith(f"/projektschaufenster/{project.id}")
    assert (project.title, project.region_id, project.contact_consent, project.published) == (
        "Stadtteil-Dashboard Bismarck", region.id, False, True)
    assert "Das Projekt wurde angelegt." in text_of(client.get(response.headers["Location"]))


def test_the_form_refuses_an_end_before_the_start_and_keeps_nothing(client, auth, db, moderator):
    auth.login(moderator)
    response = client.post("/projektschaufenster/neu",
                           data=form_data(region="gelsenkirchen", starts_on="2026-01-01", ends_on="2025-01-01"))
    assert response.status_code == 422
    assert "Das Ende der Förderung darf nicht vor ihrem Beginn liegen." in text_of(response)
    assert count_rows(db, ShowcaseProject) == 0


def test_the_form_refuses_another_region(client, auth, db, moderator, other_region):
    auth.login(moderator)
    response = client.post("/projektschaufenster/neu", data=form_data(region="aachen"))
    assert response.status_code == 422 and count_rows(db, ShowcaseProject) == 0


@pytest.mark.parametrize("who, status", [("citizen", 403), ("stranger", 403)])
def test_who_may_not_maintain_a_project_gets_403(client, auth, request, project, who, status):
    auth.login(request.getfixturevalue(who))
    for method, url, data in (("get", f"/projektschaufenster/{project.id}/bearbeiten", None),
                              ("post", f"/projektschaufenster/{project.id}/bearbeiten", form_data()),
                              ("get", f"/projektschaufenster/{project.id}/loeschen", None),
                              ("post", f"/projektschaufenster/{project.id}/loeschen", {}),
                              ("post", f"/projektschaufenster/{project.id}/links",
                               {"link-title": "X", "link-url": "https://example.net/"}),
                              ("post", f"/projektschaufenster/{project.id}/materialien", {"material-title": "X"})):
        assert getattr(client, method)(url, data=data).status_code == status, url
    # a moderator of another region may create projects there, a citizen nowhere
    assert client.get("/projektschaufenster/neu").status_code == (403 if who == "citizen" else 200)
    assert fresh(request.getfixturevalue("db"), ShowcaseProject, project.id).title == "Urbane Datenplattform"


def test_anonymous_visitors_are_sent_to_the_login(client, project):
    for url in (f"/projektschaufenster/{project.id}/bearbeiten", "/projektschaufenster/neu",
                f"/projektschaufenster/{project.id}/loeschen"):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    assert client.post(f"/projektschaufenster/{project.id}/loeschen").status_code == 302


def test_a_moderator_edits_a_project(client, auth, db, project, moderator):
    auth.login(moderator)
    assert 'value="Urbane Datenplattform"' in text_of(client.get(f"/projektschaufenster/{project.id}/bearbeiten"))
    response = client.post(f"/projektschaufenster/{project.id}/bearbeiten",
                           data=form_data(title="Urbane Datenplattform 2.0", status="completed"))
    assert response.status_code == 303
    stored = fresh(db, ShowcaseProject, project.id)
    assert (stored.title, stored.status, stored.region_id) == ("Urbane Datenplattform 2.0", "completed",
                                                                project.region_id)
    assert audit_entries(db, "showcase.updated")


def test_links_are_added_and_removed_through_the_page(client, auth, db, project, moderator):
    auth.login(moderator)
    response = client.post(f"/projektschaufenster/{project.id}/links",
                           data={"link-title": "Offene Daten", "link-url": "https://opendata.stadt-ge.de/"})
    assert response.status_code == 303
    [link_id] = [link.id for link in fresh(db, ShowcaseProject, project.id).links]
    assert 'href="https://opendata.stadt-ge.de/"' in text_of(client.get(f"/projektschaufenster/{project.id}"))
    response = client.post(f"/projektschaufenster/{project.id}/links",
                           data={"link-title": "Böse", "link-url": "javascript:alert(1)"},
                           headers={"Referer": f"/projektschaufenster/{project.id}"})
    assert response.status_code == 303 and count_rows(db, ShowcaseLink) == 1
    assert "http://" in text_of(client.get(response.headers["Location"]))
    assert client.post(f"/projektschaufenster/{project.id}/links/{link_id}/entfernen").status_code == 303
    assert count_rows(db, ShowcaseLink) == 0
    assert client.post(f"/projektschaufenster/{project.id}/links/{link_id}/entfernen").status_code == 404


def test_processes_and_measures_are_related_through_the_page(client, auth, db, project, moderator, region):
    process = processes.create_process(moderator, region, "Datenstrategie Gelsenkirchen", "Kurz.", "Text.",
                                       published=True)
    measure = measures.create_measure(moderator, process, "Open-Data-Portal der Stadt")
    draft = processes.create_process(moderator, region, "Interner Entwurf", "Kurz.", "Text.")
    db.session.commit()
    auth.login(moderator)
    page = text_of(client.get(f"/projektschaufenster/{project.id}"))
    assert f'value="process:{process.id}"' in page and f'value="measure:{measure.id}"' in page
    for target in (f"process:{process.id}", f"measure:{measure.id}", f"process:{draft.id}"):
        assert client.post(f"/projektschaufenster/{project.id}/bezuege", data={"bezug-target": target}
                           ).status_code == 303
    assert client.post(f"/projektschaufenster/{project.id}/bezuege", data={"bezug-target": "process:abc"}
                       ).status_code == 422
    auth.logout()
    page = text_of(client.get(f"/projektschaufenster/{project.id}"))
    assert "Datenstrategie Gelsenkirchen" in page and "Open-Data-Portal der Stadt" in page
    assert "Interner Entwurf" not in page  # a draft process stays hidden from the public
    auth.login(moderator)
    assert client.post(f"/projektschaufenster/{project.id}/bezuege/measure/{measure.id}/entfernen"
                       ).status_code == 303
    assert [m.id for m in fresh(db, ShowcaseProject, project.id).measures] == []


def test_delete_asks_first_and_removes_the_materials_files(app, client, auth, db, project, moderator):
    material = materials.add_material(moderator, project, "Steckbrief", PDF)
    db.session.commit()
    path = os.path.join(app.instance_path, "uploads", "showcase", material.file_name)
    assert os.path.isfile(path)
    auth.login(moderator)
    page = text_of(client.get(f"/projektschaufenster/{project.id}/loeschen"))
    assert "endgültig" in page and count_rows(db, ShowcaseProject) == 1
    response = client.post(f"/projektschaufenster/{project.id}/loeschen")
    assert response.status_code == 303 and response.headers["Location"].endswith("/projektschaufenster")
    assert count_rows(db, ShowcaseProject) == 0 and count_rows(db, ShowcaseMaterial) == 0
    assert not os.path.exists(path)
    assert audit_entries(db, "showcase.deleted")


# --- materials ------------------------------------------------------------------------------------------------

def upload(client, project, data, title="Projektsteckbrief", filename="steckbrief.pdf"):
    return client.post(f"/projektschaufenster/{project.id}/materialien",
                       data={"material-title": title, "material-file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_a_pdf_is_stored_and_served_as_an_attachment(app, client, auth, db, project, moderator):
    auth.login(moderator)
    assert upload(client, project, PDF).status_code == 303
    [material] = fresh(db, ShowcaseProject, project.id).materials
    assert (material.media_type, material.size) == ("application/pdf", len(PDF))
    assert material.file_name.endswith(".pdf") and "steckbrief" not in material.file_name
    auth.logout()
    page = text_of(client.get(f"/projektschaufenster/{project.id}"))
    url = f"/projektschaufenster/{project.id}/materialien/{material.id}/{material.file_name}"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/projektschaufenster/{project.id}/materialien/{material.id}/anders.pdf").status_code == 404


def test_an_image_is_reencoded_and_served_as_an_image(client, auth, db, project, moderator):
    auth.login(moderator)
    assert upload(client, project, png_bytes(), title="Standortkarte", filename="karte.pdf").status_code == 303
    [material] = fresh(db, ShowcaseProject, project.id).materials
    assert material.media_type == "image/png" and material.file_name.endswith(".png")  # by content, not name
    response = client.get(f"/projektschaufenster/{project.id}/materialien/{material.id}/{material.file_name}")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.data)).size == (8, 8)


@pytest.mark.parametrize("data, message", [
    (b"<html><script>alert(1)</script></html>", "PDF-Dokument oder ein Bild"),
    (b"MZ\x90\x00 ein Programm", "PDF-Dokument oder ein Bild"),
    (b"\x89PNG\r\n\x1a\n kaputt", "kein lesbares Bild"),
    (b"", "Bitte wählen Sie eine Datei aus."),
])
def test_what_is_no_pdf_or_image_is_refused_and_nothing_stored(app, client, auth, db, project, moderator, data,
                                                                message):
    auth.login(moderator)
    response = upload(client, project, data, filename="steckbrief.pdf")
    assert response.status_code == 422 and message in text_of(response)
    assert count_rows(db, ShowcaseMaterial) == 0
    folder = os.path.join(app.instance_path, "uploads", "showcase")
    assert not os.path.isdir(folder) or os.listdir(folder) == []


@pytest.mark.parametrize("app_config", [{"SHOWCASE_MATERIAL_MAX_BYTES": 1000}])
def test_an_oversized_material_is_refused_with_a_clear_message(app, client, auth, db, project, moderator):
    auth.login(moderator)
    response = upload(client, project, PDF + b"x" * 2000)
    assert response.status_code == 422 and "Die Datei ist zu groß" in text_of(response)
    assert count_rows(db, ShowcaseMaterial) == 0
    assert upload(client, project, PDF).status_code == 303  # within the limit


def test_a_material_is_removed_with_its_file(app, client, auth, db, project, moderator):
    material = materials.add_material(moderator, project, "Steckbrief", PDF)
    db.session.commit()
    path = os.path.join(app.instance_path, "uploads", "showcase", material.file_name)
    url = f"/projektschaufenster/{project.id}/materialien/{material.id}/entfernen"
    auth.login(moderator)
    response = client.post(url)
    assert response.status_code == 303 and not os.path.exists(path) and count_rows(db, ShowcaseMaterial) == 0
    assert client.post(url).status_code == 404


def test_materials_of_drafts_are_not_served_to_the_public(client, db, moderator, region):
    draft = make_project(moderator, region, title="Entwurf mit Material", published=False)
    material = materials.add_material(moderator, draft, "Steckbrief", PDF)
    db.session.commit()
    assert client.get(f"/projektschaufenster/{draft.id}/materialien/{material.id}/{material.file_name}"
                      ).status_code == 404


# --- CSV ------------------------------------------------------------------------------------------------------

def read_csv(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(text_of(response))))


def test_the_csv_has_one_row_per_project_and_contacts_only_with_consent(client, many):
    rows = read_csv(client.get("/projektschaufenster.csv"))
    assert sorted(row["title"] for row in rows) == ["Lernort Stadtbibliothek", "Sensoren im Stadtteil",
                                                    "Urbane Datenplattform"]
    by_title = {row["title"]: row for row in rows}
    assert by_title["Urbane Datenplattform"]["contact_email"] == "miriam.kowalski@stadt-ge.de"
    assert by_title["Urbane Datenplattform"]["contact_name"] == "Miriam Kowalski"
    assert (by_title["Sensoren im Stadtteil"]["contact_name"], by_title["Sensoren im Stadtteil"]["contact_email"],
            by_title["Sensoren im Stadtteil"]["contact_phone"]) == ("", "", "")
    assert by_title["Lernort Stadtbibliothek"]["region"] == "aachen"


def test_the_csv_takes_the_overviews_filters(client, many):
    assert [row["title"] for row in read_csv(client.get("/projektschaufenster.csv?region=aachen"))] == [
        "Lernort Stadtbibliothek"]
    assert [row["title"] for row in read_csv(client.get("/projektschaufenster.csv?status=completed&q=sensor"))] == [
        "Sensoren im Stadtteil"]


def test_the_csv_neutralises_spreadsheet_formulas(client, db, moderator, region):
    make_project(moderator, region, title="=HYPERLINK(\"http://boese.example\")", office="@SUM(A1)")
    db.session.commit()
    [row] = read_csv(client.get("/projektschaufenster.csv"))
    assert row["title"].startswith("'=") and row["office"].startswith("'@")


# --- reads never write, the demo -------------------------------------------------------------------------------

def test_reading_pages_writes_nothing(client, auth, db, project, moderator):
    material = materials.add_material(moderator, project, "Steckbrief", PDF)
    db.session.commit()
    urls = ["/projektschaufenster", "/projektschaufenster.csv", f"/projektschaufenster/{project.id}",
            f"/projektschaufenster/{project.id}/materialien/{material.id}/{material.file_name}",
            "/api/v1/showcase/projects", f"/api/v1/showcase/projects/{project.id}"]
    auth.login(moderator)
    urls += [f"/projektschaufenster/{project.id}/bearbeiten", f"/projektschaufenster/{project.id}/loeschen",
             "/projektschaufenster/neu"]
    with writes_during(db) as writes:
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert writes == []


def test_the_demo_loads_three_projects_per_region_once(app, db, create_user):
    from beteiligung.demo.showcase import PROJECTS, demo_pdf, load_showcase
    from beteiligung.regions.models import Region

    slugs = ["gelsenkirchen", "aachen", "paderborn", "soest", "wuppertal"]
    regions = {}
    for slug in slugs:
        regions[slug] = Region(slug=slug, name=slug.title(), theme="", description="")
        db.session.add(regions[slug])
    db.session.commit()
    moderators = {slug: create_user(role="moderator", regions=[regions[slug]]) for slug in slugs}
    assert load_showcase(regions, moderators) == len(PROJECTS)
    db.session.commit()
    assert load_showcase(regions, moderators) == 0
    for slug in slugs:
        projects = db.session.scalars(select(ShowcaseProject).where(ShowcaseProject.region_id == regions[slug].id)
                                      ).all()
        assert len(projects) >= 3
        assert {p.status for p in projects} >= {"planned", "running"} or len({p.status for p in projects}) >= 2
        assert any(p.materials for p in projects) and any(p.links for p in projects)
        assert any(p.contact_consent for p in projects)
    assert any(not p.contact_consent and p.contact_name for p in db.session.scalars(select(ShowcaseProject)))
    assert demo_pdf("Titel", "Zeile").startswith(b"%PDF-") and demo_pdf("a", "b").rstrip().endswith(b"%%EOF")


def test_the_pages_are_in_english_too(client, many, db):
    project = db.session.scalar(select(ShowcaseProject).where(ShowcaseProject.title == "Urbane Datenplattform"))
    page = text_of(client.get("/projektschaufenster?lang=en"))
    assert "<h1>Project showcase</h1>" in page and "being implemented" in page and "3 projects" in page
    page = text_of(client.get(f"/projektschaufenster/{project.id}"))
    assert "Funding period" in page and "Contact person" in page and "Materials" in page


def test_processes_and_measures_know_their_visible_projects(db, project, moderator, region, citizen):
    process = processes.create_process(moderator, region, "Datenstrategie", "Kurz.", "Text.", published=True)
    measure = measures.create_measure(moderator, process, "Open-Data-Portal")
    draft = make_project(moderator, region, title="Entwurf dazu", published=False)
    for item in (project, draft):
        services.relate(moderator, item, "process", process.id)
        services.relate(moderator, item, "measure", measure.id)
    db.session.commit()
    assert services.projects_related_to("process", process.id, citizen) == [(project.id, project.title)]
    assert services.projects_related_to("measure", measure.id, None) == [(project.id, project.title)]
    assert [title for _id, title in services.projects_related_to("process", process.id, moderator)] == [
        "Entwurf dazu", "Urbane Datenplattform"]
    assert services.projects_related_to("poll", process.id, moderator) == []
