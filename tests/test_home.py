"""The home page (open now, ending soon, dates, figures, what became of it), the region choice kept in a cookie,
the archive of closed items, and the region page with its figures, dashboard and contact."""

import re
from datetime import timedelta

import pytest

from beteiligung.home import services as home
from beteiligung.measures import services as measures
from beteiligung.processes import services as processes
from beteiligung.proposals import services as proposals
from beteiligung.regions.services import update_region
from beteiligung.timeutil import utcnow


@pytest.fixture
def soest(create_region):
    return create_region(slug="soest", name="Soest", theme="Digitale Region")


@pytest.fixture
def aachen(create_region):
    return create_region(slug="aachen", name="Aachen", theme="Digitales Lernen")


@pytest.fixture
def soest_moderator(create_user, soest):
    return create_user(role="moderator", regions=[soest], pseudonym="Moderation Soest")


def _dated(db, consultation, opens, closes):
    now = utcnow()
    consultation.opens_at = now + opens if opens is not None else None
    consultation.closes_at = now + closes if closes is not None else None
    db.session.commit()
    return consultation


def _finished_and_running(db, moderator, region, finished_title):
    """A published process whose only phase ended a month ago, and "Laufender Prozess" in its current phase."""
    now = utcnow()
    done = processes.create_process(moderator, region, finished_title, published=True)
    processes.add_phase(moderator, done, "Alles", starts_at=now - timedelta(days=90), ends_at=now - timedelta(days=30))
    running = processes.create_process(moderator, region, "Laufender Prozess", published=True)
    processes.add_phase(moderator, running, "Jetzt", starts_at=now - timedelta(days=5),
                        ends_at=now + timedelta(days=30))
    db.session.commit()


def _text(response):
    return response.get_data(as_text=True)


def _section(html, heading_id):
    """The HTML of one <section aria-labelledby=…> of the page."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"section {heading_id} missing"
    return match.group(1)


# --- the home page --------------------------------------------------------------------------------

def test_the_home_page_shows_what_is_open_across_regions_and_not_what_is_closed(client, db, soest, aachen,
                                                                                create_consultation, create_poll):
    create_consultation(soest, title="Dorfläden digital")
    create_consultation(aachen, title="Lernorte in der Stadtbibliothek")
    create_consultation(soest, status="closed", title="Vergangene Befragung zur Börde")
    create_consultation(soest, status="draft", title="Geheimer Entwurf")
    create_poll(aachen, title="Umfrage zum WLAN in Schulen")
    response = client.get("/")
    html = _text(response)
    assert response.status_code == 200
    open_now = _section(html, "jetzt-mitmachen")
    assert "Dorfläden digital" in open_now and "Lernorte in der Stadtbibliothek" in open_now
    assert "Umfrage zum WLAN in Schulen" in open_now
    assert "Vergangene Befragung zur Börde" not in open_now
    assert "Geheimer Entwurf" not in html
    assert 'role="search"' in html and 'name="q"' in html
    assert 'href="/regionen/soest"' in html and 'href="/regionen/aachen"' in html


def test_what_ends_in_the_next_14_days_is_listed_with_the_days_left(client, db, soest, create_consultation):
    soon = _dated(db, create_consultation(soest, title="Endet bald"), -timedelta(days=5), timedelta(days=3, hours=2))
    _dated(db, create_consultation(soest, title="Endet spät"), -timedelta(days=5), timedelta(days=40))
    html = _text(client.get("/"))
    ending = _section(html, "endet-bald")
    assert "Endet bald" in ending and "noch 3 Tage" in ending
    assert "Endet spät" not in ending
    assert f'href="/beteiligungen/{soon.id}"' in ending


def test_upcoming_dates_list_what_opens_and_phases_that_begin(client, db, soest, soest_moderator,
                                                              create_consultation):
    _dated(db, create_consultation(soest, title="Beginnt nächste Woche"), timedelta(days=7), timedelta(days=30))
    process = processes.create_process(soest_moderator, soest, "Smart Region Soest", published=True)
    now = utcnow()
    processes.add_phase(soest_moderator, process, "Bestandsaufnahme", starts_at=now - timedelta(days=10),
                        ends_at=now + timedelta(days=10))
    processes.add_phase(soest_moderator, process, "Vision", starts_at=now + timedelta(days=10),
                        ends_at=now + timedelta(days=40))
    db.session.commit()
    html = _text(client.get("/"))
    dates = _section(html, "termine")
    assert "Beginnt nächste Woche" in dates
    assert "Phase „Vision“ beginnt" in dates
    assert dates.index("Beginnt nächste Woche") < dates.index("Vision")  # by date
    open_now = _section(html, "jetzt-mitmachen")
    assert "Smart Region Soest" in open_now and "Bestandsaufnahme" in open_now  # the current phase


def test_the_figures_count_this_months_contributions(client, db, soest, create_consultation, create_comment,
                                                      create_user):
    consultation = create_consultation(soest)
    anna, bernd = create_user(pseudonym="Anna"), create_user(pseudonym="Bernd")
    create_comment(consultation, anna)
    create_comment(consultation, anna)
    create_comment(consultation, bernd)
    figures = _section(_text(client.get("/")), "zahlen")
    values = dict((label, value) for value, label in re.findall(
        r'<span class="figure-value">([^<]+)</span><span class="figure-label">([^<]+)</span>', figures))
    assert values["Beiträge, Stimmen und Vorschläge in diesem Monat"] == "3"
    assert values["Menschen haben diesen Monat mitgemacht"] == "2"
    assert values["offene Angebote zum Mitmachen"] == "1"


def test_what_became_of_it_shows_measures_results_and_answers(client, db, soest, soest_moderator, create_poll,
                                                              create_user):
    process = processes.create_process(soest_moderator, soest, "Smart Region Soest", published=True)
    measure = measures.create_measure(soest_moderator, process, "Mitfahrbänke aufstellen", status="in_progress",
                                      progress=10)
    measures.add_update(soest_moderator, measure, "Die ersten fünf Bänke stehen.", progress=45)
    create_poll(soest, status="closed", title="Umfrage zum Bürgerbus", results_visibility="after_close")
    create_poll(soest, status="closed", title="Interne Auswertung", results_visibility="moderators")
    collection = proposals.create_collection(soest_moderator, soest, "Ideen für die Dörfer", published=True)
    author = create_user(pseudonym="Dora")
    idea = proposals.submit_proposal(author, collection, "Dorf-WLAN am Gemeindehaus", "Freies WLAN für alle.")
    proposals.set_status(soest_moderator, idea, "accepted", "Wir prüfen den Standort im Frühjahr.")
    db.session.commit()
    became = _section(_text(client.get("/")), "ergebnisse")
    assert "Mitfahrbänke aufstellen" in became and "Die ersten fünf Bänke stehen." in became
    assert 'value="45"' in became
    assert "Umfrage zum Bürgerbus" in became
    assert "Interne Auswertung" not in became  # results only the moderation sees
    assert "Dorf-WLAN am Gemeindehaus" in became and "Wir prüfen den Standort" in became


def test_a_draft_process_and_its_measures_stay_off_the_home_page(client, db, soest, soest_moderator):
    process = processes.create_process(soest_moderator, soest, "Noch nicht veröffentlicht", published=False)
    measures.create_measure(soest_moderator, process, "Geheime Maßnahme")
    measure = measures.create_measure(soest_moderator, process, "Geheime Maßnahme mit Stand")
    measures.add_update(soest_moderator, measure, "Geheimer Stand", progress=20)
    db.session.commit()
    html = _text(client.get("/"))
    assert "Geheim" not in html and "Noch nicht veröffentlicht" not in html


def test_the_home_page_with_nothing_open_says_so(client, db, soest):
    html = _text(client.get("/"))
    assert "Gerade ist nichts offen." in html
    assert "In den nächsten 14 Tagen endet nichts." in html


def test_old_links_to_the_consultation_list_are_redirected(client, soest):
    response = client.get("/?region=soest&status=closed")
    assert response.status_code == 301
    assert response.headers["Location"] == "/beteiligungen/?region=soest&status=closed"
    assert client.get("/?lang=en").status_code == 200  # the language switch stays on the home page


def test_the_home_page_reads_a_fixed_number_of_queries(client, db, soest, aachen, create_consultation,
                                                       create_poll, count_queries):
    for index in range(3):
        create_consultation(soest, title=f"Beteiligung {index}")
        create_poll(aachen, title=f"Umfrage {index}")
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for index in range(3, 9):
        create_consultation(soest, title=f"Beteiligung {index}")
        create_poll(aachen, title=f"Umfrage {index}")
    with count_queries() as more:
        client.get("/")
    assert more.count == few.count


# --- the region choice --------------------------------------------------------------------------

def test_a_visitor_keeps_a_region_in_a_cookie_and_sees_it_first(client, db, soest, aachen, create_consultation):
    create_consultation(soest, title="Dorfläden digital")
    create_consultation(aachen, title="Lernorte in der Stadtbibliothek")
    response = client.post("/region-merken", data={"region": "aachen"})
    assert response.status_code == 303
    cookie = client.get_cookie("region")
    assert cookie is not None and cookie.value == "aachen" and cookie.http_only
    html = _text(client.get("/"))
    mine = _section(html, "meine-region")
    assert "In Ihrer Region: Aachen" in mine
    assert "Lernorte in der Stadtbibliothek" in mine and "Dorfläden digital" not in mine
    assert "Die Startseite zeigt jetzt zuerst die Region Aachen." in html
    assert '<option value="aachen" selected>' in html

    client.post("/region-merken", data={"forget": "1"})
    assert client.get_cookie("region") is None
    assert 'aria-labelledby="meine-region"' not in _text(client.get("/"))


def test_an_unknown_region_is_refused_with_a_message_and_no_cookie(client, soest):
    response = client.post("/region-merken", data={"region": "atlantis"}, follow_redirects=True)
    assert "Bitte wählen Sie eine Region aus der Liste." in _text(response)
    assert client.get_cookie("region") is None


def test_a_cookie_of_a_deleted_region_is_ignored(client, soest):
    client.set_cookie("region", "gibt-es-nicht")
    response = client.get("/")
    assert response.status_code == 200
    assert 'aria-labelledby="meine-region"' not in _text(response)


def test_the_region_choice_needs_the_forms_token(app, soest):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/region-merken", data={"region": "soest"})
    assert response.status_code in (303, 400)
    assert client.get_cookie("region") is None


# --- the archive ------------------------------------------------------------------------------------

def test_the_archive_lists_closed_items_by_kind_region_and_year(client, db, soest, aachen, create_consultation,
                                                                create_poll):
    old = create_consultation(soest, status="closed", title="Befragung zur Börde")
    create_consultation(aachen, status="closed", title="Lernen im Quartier")
    create_consultation(soest, title="Noch offen")
    create_poll(soest, status="closed", title="Bürgerbus-Umfrage")
    html = _text(client.get("/archiv"))
    assert "Befragung zur Börde" in html and "Lernen im Quartier" in html
    assert "Noch offen" not in html and "Bürgerbus-Umfrage" not in html
    html = _text(client.get("/archiv?region=soest"))
    assert "Befragung zur Börde" in html and "Lernen im Quartier" not in html
    assert "Bürgerbus-Umfrage" in _text(client.get("/archiv?art=umfragen"))
    year = old.closes_at.year
    assert "Befragung zur Börde" in _text(client.get(f"/archiv?jahr={year}"))
    assert "Befragung zur Börde" not in _text(client.get(f"/archiv?jahr={year - 3}"))


def test_finished_processes_are_in_the_archive_and_running_ones_are_not(client, db, soest, soest_moderator):
    _finished_and_running(db, soest_moderator, soest, "Abgeschlossener Prozess")
    html = _text(client.get("/archiv?art=prozesse"))
    assert "Abgeschlossener Prozess" in html and "Laufender Prozess" not in html


@pytest.mark.parametrize("query", ["art=unbekannt", "jahr=abc", "jahr=99999", "page=abc", "page=-3",
                                   "art=%00", "jahr=2026&art=prozesse&page=999"])
def test_malformed_archive_filters_never_fail(client, soest, query):
    assert client.get(f"/archiv?{query}").status_code == 200


def test_an_unknown_region_in_the_archive_is_not_found(client, soest):
    assert client.get("/archiv?region=atlantis").status_code == 404


def test_the_archive_is_paginated(client, db, soest, create_consultation):
    for index in range(23):
        create_consultation(soest, status="closed", title=f"Alte Beteiligung {index:02d}")
    first, second = _text(client.get("/archiv")), _text(client.get("/archiv?page=2"))
    assert first.count("Alte Beteiligung") == 20 and second.count("Alte Beteiligung") == 3
    assert "23 Einträge gefunden" in first


# --- the region page ------------------------------------------------------------------------------

def test_the_region_page_shows_open_items_dashboard_and_contact(client, db, soest, aachen, create_consultation,
                                                                create_comment, create_user):
    consultation = create_consultation(soest, title="Dorfläden digital")
    create_consultation(aachen, title="Lernorte")
    create_comment(consultation, create_user(pseudonym="Anna"))
    update_region(None, soest, {"contact_name": "Team Beteiligung Soest", "contact_email": "Team@Soest.example.org",
                                "contact_phone": "02921 30-1234"})
    db.session.commit()
    html = _text(client.get("/regionen/soest"))
    assert "Dorfläden digital" in _section(html, "mitmachen") and "Lernorte" not in html
    history = _section(html, "verlauf")
    assert history.count("<svg") == 2 and "Beiträge je Monat" in history
    assert history.count('<tr><th scope="row">') == 18  # 18 months in the table
    contact = _section(html, "kontakt")
    assert "Team Beteiligung Soest" in contact and 'href="mailto:team@soest.example.org"' in contact
    assert 'href="tel:0292130-1234"' in contact
    assert "Digitale Region" in html


def test_a_region_without_contact_says_how_to_reach_the_moderation(client, soest):
    contact = _section(_text(client.get("/regionen/soest")), "kontakt")
    assert "noch keinen Kontakt angegeben" in contact


def test_region_administrators_set_the_contact_and_bad_values_are_refused(client, db, auth, create_user, soest):
    from beteiligung.extensions import db as database
    from beteiligung.regions.services import add_region_admin

    admin = create_user(pseudonym="Verwaltung Soest")
    add_region_admin(None, soest, admin)
    database.session.commit()
    auth.login(admin)
    form = {"name": "Soest", "theme": "Digitale Region", "description": "", "contact_name": "Team Soest",
            "contact_email": "kein-mail", "contact_phone": "abc"}
    response = client.post("/regionen/soest/verwaltung", data=form)
    assert response.status_code == 422
    assert "Ungültige E-Mail-Adresse." in _text(response)
    db.session.refresh(soest)
    assert soest.contact_email == "" and soest.contact_name == ""  # nothing stored from the refused form
    form.update(contact_email="team@soest.example.org", contact_phone="+49 2921 30-0")
    response = client.post("/regionen/soest/verwaltung", data=form)
    assert response.status_code == 303
    db.session.refresh(soest)
    assert (soest.contact_name, soest.contact_email, soest.contact_phone) == (
        "Team Soest", "team@soest.example.org", "+49 2921 30-0")
    settings = _text(client.get("/regionen/soest/verwaltung"))
    assert '<datalist id="programme-themes">' in settings and '<option value="Digitales Rathaus">' in settings


def test_others_may_not_set_a_regions_contact(client, db, auth, create_user, soest):
    auth.login(create_user(pseudonym="Bürgerin"))
    response = client.post("/regionen/soest/verwaltung", data={"name": "Soest", "contact_name": "Fremd"})
    assert response.status_code == 403
    db.session.refresh(soest)
    assert soest.contact_name == ""


def test_the_api_shows_the_regions_contact(api, db, soest):
    update_region(None, soest, {"contact_email": "team@soest.example.org"})
    db.session.commit()
    data = api.get("/api/v1/regions").json
    region = next(item for item in data["items"] if item["slug"] == "soest")
    assert region["contact"] == {"name": "", "email": "team@soest.example.org", "phone": ""}


def test_the_region_page_splits_running_and_finished_processes(client, db, soest, soest_moderator):
    _finished_and_running(db, soest_moderator, soest, "Fertiger Prozess")
    section = _section(_text(client.get("/regionen/soest")), "prozesse")
    assert section.index("Laufende und kommende Prozesse") < section.index("Laufender Prozess") \
        < section.index("Abgeschlossene Prozesse") < section.index("Fertiger Prozess")


def test_open_items_list_is_shared_by_home_and_region(app, db, soest, aachen, create_consultation):
    create_consultation(soest, title="A")
    create_consultation(aachen, title="B")
    with app.test_request_context():
        everything = {item.title for item in home.open_items(None)}
        in_soest = {item.title for item in home.open_items(None, soest)}
    assert everything == {"A", "B"} and in_soest == {"A"}


def test_the_front_mixes_the_kinds_of_open_items(app, db, soest, create_consultation, create_poll):
    for index in range(6):
        create_consultation(soest, title=f"Beteiligung {index}")
    for index in range(4):
        create_poll(soest, title=f"Umfrage {index}")
    with app.test_request_context():
        items = home.open_items(None)
        front = home.varied(items, 5)
    kinds = [item.kind for item in front]
    assert kinds.count("consultation") == 3 and kinds.count("poll") == 2
    assert [item for item in items if item in front] == front  # still in the order of their end
    with app.test_request_context():
        assert len(home.varied(home.open_items(None), 9)) == 9  # filled up when one kind has more


def test_the_region_page_reads_a_fixed_number_of_queries(client, db, soest, soest_moderator, create_consultation,
                                                         create_user, count_queries):
    process = processes.create_process(soest_moderator, soest, "Smart Region Soest", published=True)
    collection = proposals.create_collection(soest_moderator, soest, "Ideen", published=True)
    db.session.commit()

    def add(index):
        create_consultation(soest, title=f"Beteiligung {index}")
        measure = measures.create_measure(soest_moderator, process, f"Maßnahme {index}")
        measures.add_update(soest_moderator, measure, f"Stand {index}", progress=10 * index)
        idea = proposals.submit_proposal(create_user(pseudonym=f"Person {index}"), collection, f"Idee {index}",
                                         "Beschreibung der Idee.")
        proposals.set_status(soest_moderator, idea, "accepted", "Machen wir.")
        db.session.commit()

    add(1)
    client.get("/regionen/soest")
    client.get("/")
    with count_queries() as few_region:
        client.get("/regionen/soest")
    with count_queries() as few_home:
        client.get("/")
    for index in range(2, 6):
        add(index)
    client.get("/regionen/soest")  # the mails of the new answers go out after a request (no Redis here)
    client.get("/")
    with count_queries() as more_region:
        client.get("/regionen/soest")
    with count_queries() as more_home:
        client.get("/")
    assert more_region.count == few_region.count, "\n".join(more_region.statements[-40:])
    assert more_home.count == few_home.count


def test_de_span_on_a_constant_follows_the_language_of_each_request(app):
    # Compiled once (as a shared or cached template is), rendered in German and then in English.
    from flask_babel import refresh

    template = app.jinja_env.from_string('<p>{{ "Wie gut sind unsere Online-Dienste?"|de_span }}</p>')
    with app.test_request_context("/"):
        refresh()
        german = template.render()
    with app.test_request_context("/?lang=en"):
        refresh()
        english = template.render()
    assert german == "<p>Wie gut sind unsere Online-Dienste?</p>"
    assert english == '<p><span lang="de">Wie gut sind unsere Online-Dienste?</span></p>'


def test_the_figure_of_open_offers_counts_past_the_lists_limit(client, db, soest, soest_moderator,
                                                              create_consultation):
    for index in range(home.PER_KIND + 3):
        create_consultation(soest, title=f"Beteiligung {index}")
    now = utcnow()
    process = processes.create_process(soest_moderator, soest, "Smart Region Soest", published=True)
    for title in ("Erste", "Zweite"):  # two current phases: the process counts once
        processes.add_phase(soest_moderator, process, title, starts_at=now - timedelta(days=2),
                            ends_at=now + timedelta(days=20))
    db.session.commit()
    html = _text(client.get("/"))
    figures = dict((label, value) for value, label in re.findall(
        r'<span class="figure-value">([^<]+)</span><span class="figure-label">([^<]+)</span>',
        _section(html, "zahlen")))
    assert figures["offene Angebote zum Mitmachen"] == str(home.PER_KIND + 4)
    assert f"Insgesamt sind {home.PER_KIND + 4} Angebote offen." in html
