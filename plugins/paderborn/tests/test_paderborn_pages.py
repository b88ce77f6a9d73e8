"""The catalogue pages: public list, moderators' forms, access rules and validation."""

import re
from datetime import date, timedelta

import pytest
from beteiligung_paderborn.models import OnlineService
from sqlalchemy import func, select

pytestmark = pytest.mark.plugins("paderborn")

BASE = "/paderborn/paderborn/dienste"
VALID = {"name": "Sperrmüll anmelden", "department": "Abfallberatung (ASP)", "online_since": "2018-01-15",
         "url": "https://www.paderborn.de/asp/sperrmuell",
         "description": "Abholtermin für Sperrmüll und Elektrogroßgeräte anmelden."}


def count(db):
    return db.session.scalar(select(func.count()).select_from(OnlineService))


def test_public_list_shows_the_active_services_of_the_region(client, regions, add_service):
    paderborn, soest = regions
    add_service(paderborn, "Wunschkennzeichen reservieren", department="Straßenverkehrsamt",
                online_since=date(2016, 9, 1), url="https://www.paderborn.de/buergerservice/wunschkennzeichen",
                description="Ein freies PB-Kennzeichen aussuchen.")
    add_service(paderborn, "Hundesteuer an- und abmelden", department="Steueramt")
    add_service(paderborn, "Faxformular Gewerbe", active=False)
    add_service(soest, "Dorfbus bestellen")

    page = client.get(f"{BASE}/")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert html.count("<h1>") == 1 and "Online-Dienste in Paderborn" in html
    assert '<a href="https://www.paderborn.de/buergerservice/wunschkennzeichen" rel="external noopener">' \
           "Wunschkennzeichen reservieren</a>" in html
    assert "Straßenverkehrsamt" in html and '<time datetime="2016-09-01">01.09.2016</time>' in html
    assert "Ein freies PB-Kennzeichen aussuchen." in html
    assert html.index("Hundesteuer") < html.index("Wunschkennzeichen")  # by name
    assert "Faxformular Gewerbe" not in html and "Dorfbus" not in html
    assert "Online-Dienst hinzufügen" not in html  # not for the public


def test_an_empty_catalogue_says_so(client, regions):
    html = client.get(f"{BASE}/").get_data(as_text=True)

    assert "Im Katalog von Paderborn sind noch keine Online-Dienste eingetragen." in html


def test_long_catalogues_are_paginated_by_twenty(client, regions, add_service):
    for number in range(1, 26):
        add_service(regions[0], f"Online-Dienst {number:02d}")

    first = client.get(f"{BASE}/").get_data(as_text=True)
    second = client.get(f"{BASE}/?page=2").get_data(as_text=True)

    assert first.count("<tr>") == 21  # header + 20
    assert "Online-Dienst 20" in first and "Online-Dienst 21" not in first
    assert "Seite 1 von 2" in first and f'href="{BASE}/?page=2" rel="next"' in first
    assert second.count("<tr>") == 6 and "Online-Dienst 25" in second and 'rel="prev"' in second
    assert "Online-Dienst 25" in client.get(f"{BASE}/?page=99").get_data(as_text=True)  # the last page
    assert "Online-Dienst 01" in client.get(f"{BASE}/?page=x%27").get_data(as_text=True)


def test_the_public_list_costs_the_same_queries_for_any_size(client, regions, add_service, count_queries):
    add_service(regions[0], "Termin im Bürgerbüro buchen")
    client.get(f"{BASE}/")
    with count_queries() as few:
        client.get(f"{BASE}/")
    for number in range(15):
        add_service(regions[0], f"Online-Dienst {number:02d}")
    with count_queries() as many:
        client.get(f"{BASE}/")

    assert many.count == few.count


def test_moderators_see_the_links_to_keep_the_catalogue(client, auth, regions, moderator):
    auth.login(moderator)

    html = client.get(f"{BASE}/").get_data(as_text=True)

    assert f'href="{BASE}/neu"' in html and f'href="{BASE}/verwaltung"' in html


def test_the_add_form_labels_every_field(client, auth, regions, moderator):
    auth.login(moderator)

    html = client.get(f"{BASE}/neu").get_data(as_text=True)

    assert html.count("<h1>") == 1 and "Online-Dienst hinzufügen" in html
    for name in ("name", "department", "online_since", "url", "description"):
        assert f'<label for="{name}">' in html
        assert f'id="{name}"' in html
    assert 'type="date"' in html and "style=" not in html and "<script" not in html


def test_a_moderator_adds_a_service(client, auth, db, regions, moderator):
    auth.login(moderator)

    response = client.post(f"{BASE}/neu", data={**VALID, "name": "  Sperrmüll   anmelden "})

    assert response.status_code == 303 and response.location == f"{BASE}/verwaltung"
    service = db.session.scalar(select(OnlineService))
    assert (service.region_id, service.name, service.department, service.online_since, service.url, service.active) \
        == (regions[0].id, "Sperrmüll anmelden", "Abfallberatung (ASP)", date(2018, 1, 15),
            "https://www.paderborn.de/asp/sperrmuell", True)
    assert service.created_at is not None and service.updated_at is not None
    managed = client.get(f"{BASE}/verwaltung").get_data(as_text=True)
    assert "Der Online-Dienst „Sperrmüll anmelden“ wurde gespeichert." in managed
    assert "Sperrmüll anmelden" in client.get(f"{BASE}/").get_data(as_text=True)


def test_control_characters_are_removed_before_storing(client, auth, db, regions, moderator):
    auth.login(moderator)

    response = client.post(f"{BASE}/neu", data={**VALID, "name": "Sperrmüll\x00 an\x07melden",
                                                "description": "Abholung\x00 anmelden.\r\nAuch Altholz."})

    assert response.status_code == 303
    service = db.session.scalar(select(OnlineService))
    assert (service.name, service.description) == ("Sperrmüll anmelden", "Abholung anmelden.\nAuch Altholz.")


def test_a_german_date_is_accepted_too(client, auth, db, regions, moderator):
    auth.login(moderator)

    response = client.post(f"{BASE}/neu", data={**VALID, "online_since": "01.03.2021"})

    assert response.status_code == 303
    assert db.session.scalar(select(OnlineService.online_since)) == date(2021, 3, 1)


FUTURE = (date.today() + timedelta(days=40)).isoformat()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url", "javascript:alert(1)", "die mit https:// oder http:// beginnt"),
    ("url", "ftp://ftp.paderborn.de/antrag.pdf", "die mit https:// oder http:// beginnt"),
    ("url", "www.paderborn.de/sperrmuell", "die mit https:// oder http:// beginnt"),
    ("url", "https://", "die mit https:// oder http:// beginnt"),
    ("url", "https://www.paderborn.de/a b", "die mit https:// oder http:// beginnt"),
    ("url", "https://[::1", "die mit https:// oder http:// beginnt"),
    ("url", "https://www.paderborn.de/" + "x" * 500, "höchstens 500 Zeichen"),
    ("url", "", "Bitte geben Sie die Internetadresse des Dienstes an."),
    ("name", "", "Bitte geben Sie den Namen des Dienstes an."),
    ("name", "   ", "Bitte geben Sie den Namen des Dienstes an."),
    ("name", "ab", "3 bis 200 Zeichen"),
    ("name", "x" * 201, "Höchstens 200 Zeichen."),
    ("department", "", "Bitte nennen Sie den zuständigen Fachbereich oder das Amt."),
    ("online_since", "", "Bitte geben Sie an, seit wann der Dienst online ist."),
    ("online_since", "31.02.2021", "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."),
    ("online_since", "gestern", "Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."),
    ("online_since", FUTURE, "Das Datum darf nicht in der Zukunft liegen."),
    ("online_since", "1989-12-31", "Das Datum darf nicht vor dem 01.01.1990 liegen."),
    ("description", "x" * 1001, "Höchstens 1000 Zeichen."),
])
def test_invalid_input_is_refused_next_to_its_field(client, auth, db, regions, moderator, field, value, message):
    auth.login(moderator)

    response = client.post(f"{BASE}/neu", data={**VALID, field: value})
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1).replace("&#34;", '"')
    assert f'id="{field}"' in html and 'aria-invalid="true"' in html
    assert 'value="Abfallberatung (ASP)"' in html or field == "department"  # the other values are kept
    assert count(db) == 0


def test_a_name_is_taken_once_per_region_only(client, auth, db, regions, moderator, add_service):
    paderborn, soest = regions
    add_service(paderborn, "Sperrmüll anmelden", active=False)
    add_service(soest, "Wunschkennzeichen reservieren")
    auth.login(moderator)

    taken = client.post(f"{BASE}/neu", data={**VALID, "name": "SPERRMÜLL anmelden"})
    other_region = client.post(f"{BASE}/neu", data={**VALID, "name": "Wunschkennzeichen reservieren"})

    assert taken.status_code == 422
    assert "Diesen Dienst gibt es im Katalog schon (auch deaktivierte Dienste zählen)." in taken.get_data(as_text=True)
    assert other_region.status_code == 303
    assert count(db) == 3


def test_a_moderator_edits_a_service(client, auth, db, regions, moderator, add_service):
    service = add_service(regions[0], "Sperrmül anmelden", url="http://www.paderborn.de/alt")
    auth.login(moderator)

    form = client.get(f"{BASE}/{service.id}/bearbeiten").get_data(as_text=True)
    response = client.post(f"{BASE}/{service.id}/bearbeiten", data=VALID)

    assert 'value="Sperrmül anmelden"' in form and 'value="2020-03-02"' in form
    assert response.status_code == 303 and response.location == f"{BASE}/verwaltung"
    db.session.refresh(service)
    assert (service.name, service.url, service.online_since) == ("Sperrmüll anmelden",
                                                                 "https://www.paderborn.de/asp/sperrmuell",
                                                                 date(2018, 1, 15))
    assert "wurde gespeichert" in client.get(f"{BASE}/verwaltung").get_data(as_text=True)
    # keeping its own name is no clash
    assert client.post(f"{BASE}/{service.id}/bearbeiten", data=VALID).status_code == 303


def test_a_refused_edit_changes_nothing(client, auth, db, regions, moderator, add_service):
    service = add_service(regions[0], "Sperrmüll anmelden", url="https://www.paderborn.de/asp/sperrmuell")
    add_service(regions[0], "Mängelmelder")
    auth.login(moderator)

    bad_url = client.post(f"{BASE}/{service.id}/bearbeiten", data={**VALID, "url": "javascript:alert(1)"})
    clash = client.post(f"{BASE}/{service.id}/bearbeiten", data={**VALID, "name": "Mängelmelder"})

    assert bad_url.status_code == 422 and clash.status_code == 422
    assert "Online-Dienst bearbeiten" in clash.get_data(as_text=True)
    db.session.refresh(service)
    assert (service.name, service.url) == ("Sperrmüll anmelden", "https://www.paderborn.de/asp/sperrmuell")


def test_deactivating_hides_a_service_and_reactivating_shows_it_again(client, auth, db, regions, moderator,
                                                                      add_service):
    service = add_service(regions[0], "Fundsachen suchen")
    auth.login(moderator)

    off = client.post(f"{BASE}/{service.id}/deaktivieren")
    managed = client.get(f"{BASE}/verwaltung").get_data(as_text=True)

    assert off.status_code == 303 and off.location == f"{BASE}/verwaltung"
    assert "Gespeichert: „Fundsachen suchen“ wird nicht mehr öffentlich angezeigt." in managed
    assert "deaktiviert" in managed and "Wieder aktivieren" in managed
    assert "Fundsachen suchen" not in client.get(f"{BASE}/").get_data(as_text=True)

    on = client.post(f"{BASE}/{service.id}/reaktivieren")

    assert on.status_code == 303
    assert "Gespeichert: „Fundsachen suchen“ wird wieder öffentlich angezeigt." in \
        client.get(f"{BASE}/verwaltung").get_data(as_text=True)
    db.session.refresh(service)
    assert service.active is True
    assert "Fundsachen suchen" in client.get(f"{BASE}/").get_data(as_text=True)


def test_a_service_of_another_region_is_not_found_here(client, auth, regions, create_user, enable_plugin,
                                                      add_service):
    paderborn, soest = regions
    enable_plugin(soest, "paderborn")
    theirs = add_service(soest, "Dorfbus bestellen")
    auth.login(create_user(role="moderator", regions=[paderborn, soest]))

    assert client.get(f"{BASE}/{theirs.id}/bearbeiten").status_code == 404
    assert client.post(f"{BASE}/{theirs.id}/deaktivieren").status_code == 404
    assert client.get(f"{BASE}/999999/bearbeiten").status_code == 404
    assert client.get(f"/paderborn/soest/dienste/{theirs.id}/bearbeiten").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, db, regions, add_service):
    service = add_service(regions[0], "Fundsachen suchen")

    for method, url in (("get", "/neu"), ("post", "/neu"), ("get", "/verwaltung"),
                        ("get", f"/{service.id}/bearbeiten"), ("post", f"/{service.id}/deaktivieren")):
        response = getattr(client, method)(BASE + url, data=VALID if method == "post" else None)
        assert response.status_code == 302, url
        assert response.location.startswith("/konto/anmelden?next="), url
    db.session.refresh(service)
    assert service.active is True and count(db) == 1


@pytest.mark.parametrize("who", ["citizen", "moderator of Soest"])
def test_citizens_and_other_moderators_get_a_clear_refusal(client, auth, db, regions, create_user, add_service, who):
    paderborn, soest = regions
    service = add_service(paderborn, "Fundsachen suchen")
    user = create_user() if who == "citizen" else create_user(role="moderator", regions=[soest])
    auth.login(user)

    for method, url in (("get", "/neu"), ("post", "/neu"), ("get", "/verwaltung"),
                        ("get", f"/{service.id}/bearbeiten"), ("post", f"/{service.id}/bearbeiten"),
                        ("post", f"/{service.id}/deaktivieren")):
        response = getattr(client, method)(BASE + url, data=VALID if method == "post" else None)
        html = " ".join(response.get_data(as_text=True).split())
        assert response.status_code == 403, url
        assert "Den Katalog der Online-Dienste von Paderborn pflegen nur die Moderatorinnen und Moderatoren " \
               "dieser Region." in html
    db.session.refresh(service)
    assert (service.name, service.active, count(db)) == ("Fundsachen suchen", True, 1)
    assert "Online-Dienst hinzufügen" not in client.get(f"{BASE}/").get_data(as_text=True)


def test_administrators_may_keep_the_catalogue(client, auth, db, regions, create_user):
    auth.login(create_user(role="admin"))

    assert client.post(f"{BASE}/neu", data=VALID).status_code == 303
    assert count(db) == 1


def test_pages_exist_only_where_the_plugin_is_enabled(client, auth, regions, moderator, disable_plugin,
                                                    add_service):
    paderborn, soest = regions
    add_service(paderborn, "Fundsachen suchen")
    assert client.get("/paderborn/soest/dienste/").status_code == 404
    assert client.get("/paderborn/nirgendwo/dienste/").status_code == 404

    disable_plugin(paderborn, "paderborn")
    auth.login(moderator)

    for url in ("/", "/neu", "/verwaltung"):
        assert client.get(BASE + url).status_code == 404, url
    assert client.post(f"{BASE}/neu", data=VALID).status_code == 404


def test_the_regions_page_links_the_catalogue_where_enabled(client, regions, disable_plugin):
    html = client.get("/regionen").get_data(as_text=True)

    assert f'<a href="{BASE}/">Online-Dienste in Paderborn</a>' in html
    assert "Online-Dienste in Soest" not in html

    disable_plugin(regions[0], "paderborn")

    assert "Online-Dienste in Paderborn" not in client.get("/regionen").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_carry_a_csrf_token_and_refuse_posts_without_it(client, auth, db, regions, moderator, add_service):
    service = add_service(regions[0], "Fundsachen suchen")
    login_page = client.get("/konto/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', login_page)
    client.post("/konto/anmelden", data={"email": moderator.email, "password": "richtig-geheim-42",
                                         "csrf_token": token.group(1)})

    form = client.get(f"{BASE}/neu").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)

    assert client.post(f"{BASE}/neu", data=VALID).status_code == 400
    assert client.post(f"{BASE}/{service.id}/deaktivieren").status_code == 400
    assert count(db) == 1
    assert client.post(f"{BASE}/neu", data={**VALID, "csrf_token": token}).status_code == 303
    managed = client.get(f"{BASE}/verwaltung").get_data(as_text=True)
    assert 'name="csrf_token"' in managed
    assert count(db) == 2


def test_every_problem_of_a_form_is_shown_at_once(client, auth, db, regions, moderator):
    auth.login(moderator)

    response = client.post(f"{BASE}/neu", data={**VALID, "name": "", "url": "javascript:alert(1)",
                                                "online_since": FUTURE})
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'id="name-error"' in html and 'id="url-error"' in html and 'id="online_since-error"' in html
    assert 'id="department-error"' not in html
    assert count(db) == 0
