"""Measures (issue 12, points 7–8): what became of a process's inputs, their log, links back from the inputs'
pages, the process's export; pages and services with every refusal."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from beteiligung.errors import Invalid, NotAllowed
from beteiligung.measures import services
from beteiligung.measures.links import LinkKind, add_link_kind, link_kinds
from beteiligung.measures.models import Measure, MeasureLink, MeasureUpdate
from beteiligung.polls.models import Problem
from beteiligung.processes import services as processes
from beteiligung.testing.helpers import audit_entries, count_rows, fresh, text_of, writes_during


@pytest.fixture
def region(create_region):
    return create_region(slug="gelsenkirchen", name="Gelsenkirchen")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Gelsenkirchen")


@pytest.fixture
def process(db, moderator, region):
    process = processes.create_process(moderator, region, "Datenstrategie Gelsenkirchen", "Kurz.", "Text.",
                                       published=True)
    db.session.commit()
    return process


@pytest.fixture
def inputs(db, region, create_consultation, create_poll):
    consultation = create_consultation(region=region, title="Offene Daten im Rathaus")
    poll = create_poll(region=region, kind="problem_definition", phase="comparing",
                       problems=["Busse fahren zu selten", "Radwege fehlen"])
    db.session.commit()
    problems = db.session.scalars(select(Problem).where(Problem.poll_id == poll.id).order_by(Problem.id)).all()
    return {"consultation": consultation, "poll": poll, "problems": problems}


@pytest.fixture
def measure(db, moderator, process, inputs):
    measure = services.create_measure(moderator, process, "Busverbindung verdichten", "Der **Takt** wird dichter.",
                                      "Verkehrsbetriebe", "in_progress", 30, date(2026, 1, 1), date(2026, 12, 31),
                                      links=[("problem", inputs["problems"][0].id),
                                             ("consultation", inputs["consultation"].id)])
    db.session.commit()
    return measure


# --- services: the allowed path and each refusal --------------------------------------------------------

def test_a_moderator_creates_a_measure_with_links_and_an_audit_entry(db, measure, inputs):
    stored = fresh(db, Measure, measure.id)
    assert (stored.status, stored.progress, stored.office) == ("in_progress", 30, "Verkehrsbetriebe")
    assert "<strong>Takt</strong>" in stored.description_html
    assert sorted((link.kind, link.target_id) for link in stored.links) == sorted(
        [("problem", inputs["problems"][0].id), ("consultation", inputs["consultation"].id)])
    [entry] = audit_entries(db, "measure.created")
    assert entry.target_id == measure.id and entry.details["links"] == 2


def test_markdown_is_rendered_safely(db, moderator, process):
    measure = services.create_measure(moderator, process, "Sicher", "<script>alert(1)</script> [x](javascript:1)")
    assert "<script>" not in measure.description_html and 'href="javascript' not in measure.description_html
    assert "&lt;script&gt;" in measure.description_html


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_only_the_regions_moderators_may_write(db, request, process, measure, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.create_measure(user, process, "Nicht erlaubt")
    with pytest.raises(NotAllowed):
        services.update_measure(user, measure, progress=50)
    with pytest.raises(NotAllowed):
        services.add_update(user, measure, "Neuer Stand")
    with pytest.raises(NotAllowed):
        services.delete_measure(user, measure)
    db.session.rollback()
    assert count_rows(db, Measure) == 1 and count_rows(db, MeasureUpdate) == 0


@pytest.mark.parametrize("changes, field", [
    ({"progress": 101}, "progress"), ({"progress": -1}, "progress"), ({"progress": "viel"}, "progress"),
    ({"status": "fertig"}, "status"), ({"title": "ab"}, "title"),
    ({"starts_on": date(2026, 5, 2), "ends_on": date(2026, 5, 1)}, "ends_on"),
    ({"ends_on": date(2025, 1, 1)}, "ends_on"),  # before the stored start
    ({"starts_on": date(1900, 1, 1)}, "starts_on"),
])
def test_invalid_values_are_refused(db, moderator, measure, changes, field):
    with pytest.raises(Invalid) as refused:
        services.update_measure(moderator, measure, **changes)
    assert field in refused.value.fields
    db.session.rollback()
    assert fresh(db, Measure, measure.id).progress == 30


def test_links_must_name_an_existing_input_of_the_same_region(db, moderator, process, other_region, create_consultation,
                                                              measure):
    elsewhere = create_consultation(region=other_region, title="Anderswo")
    db.session.commit()
    for pairs in ([("consultation", elsewhere.id)], [("problem", 999_999)], [("nonsense", 1)], [("poll", "1")]):
        with pytest.raises(Invalid) as refused:
            services.create_measure(moderator, process, "Falsch verknüpft", links=pairs)
        assert "links" in refused.value.fields
        with pytest.raises(Invalid):
            services.update_measure(moderator, measure, links=pairs)
        db.session.rollback()
    assert count_rows(db, Measure) == 1 and count_rows(db, MeasureLink) == 2


def test_an_update_is_logged_and_sets_status_and_progress(db, moderator, measure):
    services.add_update(moderator, measure, "Der neue Fahrplan gilt.", "done", 100)
    services.add_update(moderator, measure, "Nur ein Hinweis.")
    db.session.commit()
    stored = fresh(db, Measure, measure.id)
    assert (stored.status, stored.progress) == ("done", 100)
    newest, first = stored.updates
    assert (first.status, first.progress, first.author_id) == ("done", 100, moderator.id)
    assert (newest.status, newest.progress) == (None, None)
    assert len(audit_entries(db, "measure.progress")) == 2
    with pytest.raises(Invalid) as refused:
        services.add_update(moderator, measure, "x", progress=300)
    assert set(refused.value.fields) == {"body", "progress"}


def test_deleting_an_input_removes_its_links(db, moderator, measure, inputs):
    assert count_rows(db, MeasureLink, MeasureLink.kind == "problem") == 1
    db.session.delete(inputs["problems"][0])
    db.session.commit()
    assert count_rows(db, MeasureLink, MeasureLink.kind == "problem") == 0
    assert count_rows(db, MeasureLink) == 1  # the consultation's link stays


def test_a_new_kind_of_input_plugs_in_with_one_registration(app, db, moderator, process, inputs):
    class Proposal(LinkKind):
        key = "proposal_test"
        label = "Vorschlag"
        model = type(inputs["consultation"])  # any model with region_id and title serves the test

        def url(self, obj):
            return f"/vorschlaege/{obj.id}"

    add_link_kind(app, Proposal())
    assert "proposal_test" in link_kinds()
    with pytest.raises(ValueError):
        add_link_kind(app, Proposal())
    measure = services.create_measure(moderator, process, "Aus einem Vorschlag",
                                      links=[("proposal_test", inputs["consultation"].id)])
    db.session.commit()
    entries = services.resolve_links([measure], None)[measure.id]
    target_id = inputs["consultation"].id
    assert [(entry.label, entry.url) for entry in entries] == [("Vorschlag", f"/vorschlaege/{target_id}")]


# --- pages --------------------------------------------------------------------------------------------

def test_the_process_page_shows_the_measures_with_progress(db, client, measure, process, moderator):
    for title in ("Problemdefinition", "Umsetzung"):
        processes.add_phase(moderator, process, title, "", None, None)
    db.session.commit()
    html = text_of(client.get(f"/prozesse/{process.id}"))
    assert "Busverbindung verdichten" in html
    assert '<progress value="30" max="100"' in html and "30 % umgesetzt" in html
    assert "In Umsetzung" in html and "Maßnahme anlegen" not in html
    # The last phase names the measures: they are what that phase holds.
    timeline = html[html.index('<ol class="timeline">'):html.index('id="massnahmen"')]
    last_phase = timeline[timeline.rindex('<li class="phase'):]
    assert '<a href="#massnahmen">1 Maßnahme setzt um, was im Prozess entstanden ist</a>' in last_phase


def test_the_measure_page_shows_links_and_log_without_the_author_to_the_public(db, client, auth, moderator, measure):
    services.add_update(moderator, measure, "Erste Busse fahren öfter.", progress=40)
    db.session.commit()
    html = text_of(client.get(f"/massnahmen/{measure.id}"))
    assert "Busse fahren zu selten" in html and "Offene Daten im Rathaus" in html
    assert "Erste Busse fahren öfter." in html and "40 % umgesetzt" in html
    assert "Moderation Gelsenkirchen" not in html and "Maßnahme bearbeiten" not in html
    auth.login(moderator)
    html = text_of(client.get(f"/massnahmen/{measure.id}"))
    assert "Moderation Gelsenkirchen" in html and "Maßnahme bearbeiten" in html


def test_inputs_pages_say_what_became_of_them(client, measure, inputs):
    html = text_of(client.get(f"/beteiligungen/{inputs['consultation'].id}"))
    assert "Daraus wurde:" in html and f"/massnahmen/{measure.id}" in html
    html = text_of(client.get(f"/umfragen/{inputs['poll'].id}"))
    assert "Daraus wurde:" in html and f"/massnahmen/{measure.id}" in html
    html = re.sub(r"\s+", " ", text_of(client.get(f"/umfragen/{inputs['poll'].id}/ergebnisse")))
    assert "Was aus den Problemen wurde" in html and f"/massnahmen/{measure.id}" in html
    assert html.count("Daraus wurde:") == 1  # the problem that became a measure; the other did not


def test_a_moderator_manages_measures_through_the_pages(db, client, auth, moderator, process, inputs):
    auth.login(moderator)
    assert client.get(f"/prozesse/{process.id}/massnahmen/neu").status_code == 200
    response = client.post(f"/prozesse/{process.id}/massnahmen/neu", data={
        "title": "WLAN in der Bücherei", "office": "Stadtbibliothek", "description": "", "status": "planned",
        "progress": "0", "starts_on": "2026-03-01", "ends_on": "2026-06-30"})
    assert response.status_code == 303
    measure = db.session.scalar(select(Measure).where(Measure.title == "WLAN in der Bücherei"))
    assert measure.ends_on == date(2026, 6, 30)
    problem = inputs["problems"][1]
    response = client.post(f"/massnahmen/{measure.id}/verknuepfungen", data={"link-target": f"problem:{problem.id}"})
    assert response.status_code == 303
    assert [(link.kind, link.target_id) for link in fresh(db, Measure, measure.id).links] == [("problem", problem.id)]
    response = client.post(f"/massnahmen/{measure.id}/stand", data={
        "update-body": "Router bestellt.", "update-status": "in_progress", "update-progress": "20"})
    assert response.status_code == 303
    assert (fresh(db, Measure, measure.id).status, fresh(db, Measure, measure.id).progress) == ("in_progress", 20)
    response = client.post(f"/massnahmen/{measure.id}/bearbeiten", data={
        "title": "WLAN in der Bücherei", "office": "Stadtbibliothek", "description": "", "status": "in_progress",
        "progress": "101", "starts_on": "", "ends_on": ""})
    assert response.status_code == 422
    response = client.post(f"/massnahmen/{measure.id}/bearbeiten", data={
        "title": "WLAN in der Bücherei", "office": "", "description": "", "status": "in_progress",
        "progress": "50", "starts_on": "2026-05-02", "ends_on": "2026-05-01"})
    assert response.status_code == 422 and "Das Ende darf nicht vor dem Beginn liegen." in text_of(response)
    link = fresh(db, Measure, measure.id).links[0]
    assert client.post(f"/massnahmen/{measure.id}/verknuepfungen/{link.id}/entfernen").status_code == 303
    assert client.post(f"/massnahmen/{measure.id}/loeschen").status_code == 303
    assert count_rows(db, Measure) == 0 and count_rows(db, MeasureUpdate) == 0


@pytest.mark.parametrize("who, status", [("citizen", 403), ("stranger", 403), (None, 302)])
def test_others_may_not_use_the_moderators_pages(client, auth, request, process, measure, who, status):
    if who:
        auth.login(request.getfixturevalue(who))
    assert client.get(f"/prozesse/{process.id}/massnahmen/neu").status_code == status
    assert client.post(f"/massnahmen/{measure.id}/stand", data={"update-body": "Nein"}).status_code == status
    assert client.post(f"/massnahmen/{measure.id}/loeschen").status_code == status


def test_measures_of_a_draft_process_are_hidden(db, client, auth, api, moderator, process, measure, citizen):
    processes.set_published(moderator, process, False)
    db.session.commit()
    for url in (f"/massnahmen/{measure.id}", f"/prozesse/{process.id}/export.json",
                f"/prozesse/{process.id}/export.csv", f"/api/v1/measures/{measure.id}",
                f"/api/v1/processes/{process.id}/export"):
        assert client.get(url).status_code == 404, url
    assert api.get("/api/v1/measures").get_json()["items"] == []
    assert api.get("/api/v1/measures", user=citizen).get_json()["items"] == []
    assert [m["id"] for m in api.get("/api/v1/measures", user=moderator).get_json()["items"]] == [measure.id]
    assert "Daraus wurde:" not in text_of(client.get(f"/beteiligungen/{measure.links[0].target_id}"))
    auth.login(moderator)
    assert client.get(f"/prozesse/{process.id}/export.json").status_code == 200


def test_unknown_ids_are_404(client):
    for url in ("/massnahmen/999999", "/massnahmen/99999999999999999999", "/prozesse/999999/export.json"):
        assert client.get(url).status_code == 404


# --- export ---------------------------------------------------------------------------------------------

def test_the_export_holds_phases_instruments_counts_measures_links_and_updates(db, client, moderator, process,
                                                                             measure, inputs):
    phase = processes.add_phase(moderator, process, "Bestandsaufnahme")
    processes.attach_instrument(moderator, phase, "poll", inputs["poll"].id, follows_phase_dates=False)
    services.add_update(moderator, measure, "=HYPERLINK(\"x\")", progress=35)
    db.session.commit()
    response = client.get(f"/prozesse/{process.id}/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["title"] == "Datenstrategie Gelsenkirchen"
    [exported_phase] = data["phases"]
    assert exported_phase["instruments"][0]["count"] == "2 Probleme"
    [exported] = data["measures"]
    assert exported["progress"] == 35 and {link["kind"] for link in exported["links"]} == {"problem", "consultation"}
    assert exported["updates"][0]["body"] == "=HYPERLINK(\"x\")" and "author" not in exported["updates"][0]
    response = client.get(f"/prozesse/{process.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [row["record"] for row in rows] == ["process", "phase", "instrument", "measure", "link", "link", "update"]
    assert rows[-1]["text"] == "'=HYPERLINK(\"x\")"  # never a formula in a spreadsheet
    assert client.get(f"/api/v1/processes/{process.id}/export").get_json()["measures"][0]["id"] == measure.id


# --- reads never write; one query for "Daraus wurde" ------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", "moderator"])
def test_no_get_writes(db, client, auth, moderator, process, measure, inputs, role):
    if role == "moderator":
        auth.login(moderator)
    urls = [f"/prozesse/{process.id}", f"/massnahmen/{measure.id}", f"/prozesse/{process.id}/export.json",
            f"/prozesse/{process.id}/export.csv", f"/api/v1/measures?process={process.id}",
            f"/api/v1/measures/{measure.id}", f"/api/v1/processes/{process.id}/export",
            f"/beteiligungen/{inputs['consultation'].id}", f"/umfragen/{inputs['poll'].id}",
            f"/massnahmen/{measure.id}/bearbeiten" if role == "moderator" else f"/massnahmen/{measure.id}"]
    with writes_during(db) as writes:
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert writes == []


def test_what_became_of_many_inputs_is_one_query(db, count_queries, moderator, process, inputs):
    for number in range(5):
        services.create_measure(moderator, process, f"Maßnahme {number}",
                                links=[("problem", problem.id) for problem in inputs["problems"]])
    db.session.commit()
    ids, poll_id = [problem.id for problem in inputs["problems"]], inputs["poll"].id
    with count_queries() as counter:
        found = services.measures_from({"problem": ids, "poll": [poll_id]})
    assert counter.count == 1
    assert [len(found[("problem", problem_id)]) for problem_id in ids] == [5, 5]
    assert ("poll", poll_id) not in found


def test_the_audit_log_reads_measure_acts_as_sentences(db, client, auth, create_user, moderator, measure):
    services.update_measure(moderator, measure, progress=60, office="Tiefbauamt")
    services.add_update(moderator, measure, "Weiter geht's.", "done", 100)
    services.delete_measure(moderator, measure)
    db.session.commit()
    auth.login(create_user(role="admin"))
    html = re.sub(r"\s+", " ", text_of(client.get("/verwaltung/protokoll")))
    assert ("Moderation Gelsenkirchen hat im Beteiligungsprozess „Datenstrategie Gelsenkirchen“ die Maßnahme "
            "„Busverbindung verdichten“ angelegt.") in html
    assert "hat die Maßnahme „Busverbindung verdichten“ geändert (Zuständige Stelle, Fortschritt)." in html
    assert "einen neuen Stand eingetragen (Umgesetzt, 100 %)." in html
    assert "hat die Maßnahme „Busverbindung verdichten“ des Beteiligungsprozesses" in html


def test_the_account_export_names_measure_work(db, moderator, measure):
    from beteiligung.accounts.services import export_data

    services.add_update(moderator, measure, "Stand eingetragen.")
    db.session.commit()
    staff = export_data(moderator)["staff_work"]
    assert staff["measures.created_by_id"][0]["id"] == measure.id
    assert staff["measure_updates.author_id"][0]["measure_id"] == measure.id


def test_the_region_page_sums_up_the_measures_of_its_processes(db, client, moderator, region, process, measure):
    services.create_measure(moderator, process, "Noch eine", status="planned")
    services.create_measure(moderator, process, "Und noch eine", status="planned")
    draft = processes.create_process(moderator, region, "Geheimer Entwurf")
    db.session.commit()
    html = re.sub(r"\s+", " ", text_of(client.get(f"/regionen/{region.slug}")))
    assert "Datenstrategie Gelsenkirchen</a> <span class=\"meta\">– Geplant: 2, In Umsetzung: 1</span>" in html
    assert draft.title not in html


def test_the_measure_pages_speak_english_on_request(client, measure, process):
    html = text_of(client.get(f"/massnahmen/{measure.id}?lang=en"))
    assert "Came from" in html and "30 % implemented" in html and "In progress" in html
    assert "Entstanden aus" not in html and "umgesetzt" not in html
    html = text_of(client.get(f"/prozesse/{process.id}?lang=en"))
    assert "What came of it: measures" in html


def test_the_demo_has_measures_at_different_stages_linked_to_its_inputs(runner, client, db):
    from beteiligung.demo.content import PROCESSES
    from beteiligung.processes.models import Process

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # a second load adds nothing
    measures = db.session.scalars(select(Measure)).all()
    wanted = [item for data in PROCESSES for item in data.get("measures", [])]
    assert len(measures) == len(wanted)
    assert {measure.status for measure in measures} == {"planned", "in_progress", "done", "deferred"}
    assert {measure.process_id for measure in measures} == set(db.session.scalars(select(Process.id)))
    assert count_rows(db, MeasureLink) == sum(len(item.get("links", [])) for item in wanted)  # every link found
    by_title = {measure.title: measure for measure in measures}
    for item in wanted:
        measure = by_title[item["title"]]
        assert (measure.status, measure.progress) == (item["status"], item["progress"])
        assert [update.body for update in reversed(measure.updates)] == [u["body"] for u in item.get("updates", [])]
    soest = by_title["Abendbusse in die Dörfer"]
    problem_id = next(link.target_id for link in soest.links if link.kind == "problem")
    poll_id = db.session.get(Problem, problem_id).poll_id
    html = text_of(client.get(f"/umfragen/{poll_id}"))
    assert "Daraus wurde:" in html and "Abendbusse in die Dörfer" in html


def test_proposals_are_inputs_too(db, client, moderator, process, region, other_region):
    models = pytest.importorskip("beteiligung.proposals.models")
    assert "proposal" in link_kinds()
    collection = models.ProposalCollection(region_id=region.id, title="Ideen für Gelsenkirchen", published=True)
    elsewhere = models.ProposalCollection(region_id=other_region.id, title="Ideen für Aachen", published=True)
    db.session.add_all([collection, elsewhere])
    db.session.flush()
    proposal = models.Proposal(collection_id=collection.id, title="Sitzbänke am Markt", body="Mehr Bänke.")
    foreign = models.Proposal(collection_id=elsewhere.id, title="Anderswo", body="Nicht hier.")
    db.session.add_all([proposal, foreign])
    db.session.commit()
    with pytest.raises(Invalid):
        services.create_measure(moderator, process, "Falsch", links=[("proposal", foreign.id)])
    db.session.rollback()
    measure = services.create_measure(moderator, process, "Neue Bänke", links=[("proposal", proposal.id)])
    db.session.commit()
    html = text_of(client.get(f"/massnahmen/{measure.id}"))
    assert "Sitzbänke am Markt" in html and f"/vorschlaege/{proposal.id}" in html
    db.session.delete(db.session.get(models.Proposal, proposal.id))
    db.session.commit()
    assert count_rows(db, MeasureLink) == 0


def test_deleting_the_account_keeps_the_measure_without_the_person(db, create_user, region, process, measure):
    from beteiligung.accounts.services import remove_account

    colleague = create_user(role="moderator", regions=[region], pseudonym="Kollegin")
    services.add_update(colleague, measure, "Ein Eintrag der Kollegin.")
    db.session.commit()
    remove_account(colleague)
    db.session.commit()
    [update] = fresh(db, Measure, measure.id).updates
    assert update.author_id is None and update.body == "Ein Eintrag der Kollegin."
