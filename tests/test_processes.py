"""Participation processes: phases with dates, instruments that follow them, templates, pages and their refusals."""

import io
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from beteiligung.consultations.models import Consultation
from beteiligung.polls.models import Poll
from beteiligung.polls.services import delete_poll
from beteiligung.processes import services
from beteiligung.processes.models import PhaseInstrument, Process, ProcessPhase
from beteiligung.testing.helpers import (
    audit_entries,
    count_rows,
    duplicate_ids,
    elements,
    fresh,
    text_of,
    writes_during,
)
from beteiligung.timeutil import utcnow


@pytest.fixture
def region(create_region):
    return create_region(slug="gelsenkirchen", name="Gelsenkirchen")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Gelsenkirchen")


@pytest.fixture
def make_process(db, moderator, region):
    def make(title="Datenstrategie Gelsenkirchen", published=True, phases=(), template=None):
        process = services.create_process(moderator, region, title, "Kurz gesagt.", "### Worum es geht\n\nDaten.",
                                          template=template, published=published)
        for phase_title, starts_at, ends_at in phases:
            services.add_phase(moderator, process, phase_title, "", starts_at, ends_at)
        db.session.commit()
        return process

    return make


def days(n):
    return utcnow().replace(microsecond=0) + timedelta(days=n)


def phase_titles(db, process):
    return [phase.title for phase in db.session.scalars(
        select(ProcessPhase).where(ProcessPhase.process_id == process.id).order_by(ProcessPhase.position))]


# --- status, derived from the dates ---------------------------------------------------------------------

def test_phase_and_process_status_follow_the_dates(db, make_process):
    process = make_process(phases=[("Bestandsaufnahme", days(-20), days(-10)), ("Vision", days(-10), days(5)),
                                   ("Umsetzung", days(5), None)])
    first, second, third = fresh(db, Process, process.id).phases
    now = utcnow()
    assert [first.status_at(now), second.status_at(now), third.status_at(now)] == ["past", "current", "upcoming"]
    assert process.status_at(now) == "running"
    assert process.status_at(days(-30)) == "upcoming"
    assert process.status_at(days(400)) == "running"  # the last phase has no end
    third.ends_at = days(30)
    assert process.status_at(days(31)) == "finished"


def test_a_process_without_dated_phases_is_upcoming(db, make_process):
    process = make_process(phases=[("Ohne Termin", None, None)])
    assert process.status == "upcoming"
    assert make_process(title="Ganz leer").status == "upcoming"


def test_reading_process_pages_writes_nothing(app, db, client, auth, make_process, moderator, citizen,
                                              create_consultation, region):
    process = make_process(phases=[("Vergangen", days(-10), days(-5)), ("Jetzt", days(-5), days(5))])
    phase = fresh(db, Process, process.id).phases[1]
    services.attach_instrument(moderator, phase, "consultation", create_consultation(region).id)
    db.session.commit()
    instrument = db.session.scalars(select(PhaseInstrument)).one()
    urls = [f"/regionen/{region.slug}/prozesse", f"/prozesse/{process.id}", f"/regionen/{region.slug}",
            f"/regionen/{region.slug}/prozesse/neu", f"/prozesse/{process.id}/bearbeiten",
            f"/prozesse/{process.id}/phasen/neu", f"/prozesse/{process.id}/phasen/{phase.id}"]
    assert instrument.phase_id == phase.id
    for user in (None, citizen, moderator):
        if user is not None:
            assert auth.login(user).status_code == 303
        with writes_during(db) as writes:
            statuses = {url: client.get(url).status_code for url in urls}
        assert writes == [], (user, writes[:1])
        assert all(status < 500 for status in statuses.values()), statuses
    assert statuses[f"/prozesse/{process.id}/phasen/{phase.id}"] == 200


# --- public pages ---------------------------------------------------------------------------------------

def test_the_public_list_shows_published_processes_only(client, db, make_process, region):
    make_process(title="Öffentlicher Prozess")
    make_process(title="Geheimer Entwurf", published=False)
    response = client.get(f"/regionen/{region.slug}/prozesse")
    assert response.status_code == 200
    html = text_of(response)
    assert "Öffentlicher Prozess" in html and "Geheimer Entwurf" not in html
    assert "1 Beteiligungsprozess" in html


def test_the_list_is_paginated(app, client, db, make_process, region):
    app.config["PROCESSES_PER_PAGE"] = 2
    for n in range(3):
        make_process(title=f"Prozess Nummer {n}")
    url = f"/regionen/{region.slug}/prozesse"
    first, second = client.get(url), client.get(url + "?page=2")
    assert "Prozess Nummer 2" in text_of(first) and "Prozess Nummer 0" not in text_of(first)
    assert "Prozess Nummer 0" in text_of(second) and "Seite 2 von 2" in text_of(second)


def test_unknown_region_is_404(client, auth, db, moderator):
    assert client.get("/regionen/nirgendwo/prozesse").status_code == 404
    auth.login(moderator)
    assert client.get("/regionen/nirgendwo/prozesse/neu").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "citizen", "stranger"])
def test_a_draft_is_404_to_all_but_its_moderators(client, auth, db, make_process, citizen, stranger, who):
    process = make_process(published=False)
    if who != "anonymous":
        auth.login({"citizen": citizen, "stranger": stranger}[who])
    assert client.get(f"/prozesse/{process.id}").status_code == 404


def test_the_moderator_sees_the_draft(client, auth, db, make_process, moderator):
    process = make_process(title="Mein Entwurf", published=False)
    auth.login(moderator)
    response = client.get(f"/prozesse/{process.id}")
    assert response.status_code == 200
    assert "Mein Entwurf" in text_of(response) and "Entwurf" in text_of(response)


def test_the_process_page_shows_the_timeline_and_what_is_open(client, db, make_process, moderator, region,
                                                              create_consultation, create_poll):
    process = make_process(phases=[("Bestandsaufnahme", days(-20), days(-10)), ("Vision", days(-10), days(5)),
                                   ("Umsetzung", days(5), None)])
    past, current, _future = fresh(db, Process, process.id).phases
    survey = create_poll(region=region, status="closed", title="Was gibt es schon?")
    vision = create_consultation(region, title="Unsere Vision")
    services.attach_instrument(moderator, past, "poll", survey.id, follows_phase_dates=False)
    services.attach_instrument(moderator, current, "consultation", vision.id)
    db.session.commit()
    html = re.sub(r"\s+", " ", text_of(client.get(f"/prozesse/{process.id}")))
    # The consultation follows its phase: open until the phase ends.
    assert fresh(db, Consultation, vision.id).closes_at == fresh(db, ProcessPhase, current.id).ends_at
    assert re.search(r'aria-current="step">\s*<h3[^>]*>Vision</h3>', html)
    assert "Jetzt offen" in html and "Unsere Vision</a> (Beteiligung) – offen bis" in html
    assert "Ergebnis dieser Phase" in html and "Was gibt es schon?" in html and "0 Teilnahmen" in html
    assert "Läuft" in html and "Termin noch offen" not in html
    assert duplicate_ids(html) == []


def test_the_public_does_not_see_draft_instruments(client, db, make_process, moderator, region,
                                                   create_consultation, create_poll):
    process = make_process(phases=[("Vision", days(-1), days(5))])
    phase = fresh(db, Process, process.id).phases[0]
    services.attach_instrument(moderator, phase, "consultation",
                               create_consultation(region, status="draft", title="Noch geheim").id)
    services.attach_instrument(moderator, phase, "poll",
                               create_poll(region=region, status="open", title="Schon offen").id, False)
    db.session.commit()
    html = text_of(client.get(f"/prozesse/{process.id}"))
    assert "Schon offen" in html and "Noch geheim" not in html


def test_the_process_page_costs_the_same_queries_for_many_phases_and_instruments(
        client, db, count_queries, make_process, moderator, region, create_consultation, create_poll):
    def build(n, title):
        process = make_process(title=title, phases=[(f"Phase {i}", days(i - 2), days(i - 1)) for i in range(n)])
        for i, phase in enumerate(fresh(db, Process, process.id).phases):
            services.attach_instrument(moderator, phase, "consultation",
                                       create_consultation(region, title=f"Beteiligung {title} {i}").id)
            services.attach_instrument(moderator, phase, "poll", create_poll(
                region=region, title=f"Umfrage {title} {i}", kind="problem_definition" if i % 2 else "survey").id)
        db.session.commit()
        return process

    small, large = build(2, "klein"), build(7, "groß")
    counts = []
    for process in (small, large):
        client.get(f"/prozesse/{process.id}")  # warm up
        with count_queries() as counter:
            assert client.get(f"/prozesse/{process.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_the_region_page_links_its_processes(client, db, region):
    html = text_of(client.get(f"/regionen/{region.slug}"))
    assert f'href="/regionen/{region.slug}/prozesse"' in html


# --- creating and editing (moderators) --------------------------------------------------------------

def test_a_moderator_creates_an_empty_process(client, auth, db, moderator, region):
    auth.login(moderator)
    form = client.get(f"/regionen/{region.slug}/prozesse/neu")
    assert form.status_code == 200
    labels = {attrs.get("for") for _tag, attrs in elements(text_of(form), "label")}
    assert {"template", "title", "summary", "body"} <= labels
    response = client.post(f"/regionen/{region.slug}/prozesse/neu",
                           data={"title": "Digitale Verwaltung", "summary": "Kurz.", "body": "**Fett**",
                                 "template": ""})
    assert response.status_code == 303
    process = db.session.scalars(select(Process)).one()
    assert response.headers["Location"].endswith(f"/prozesse/{process.id}/bearbeiten")
    assert (process.published, process.template, process.phases) == (False, None, [])
    assert process.body_html.strip() == "<p><strong>Fett</strong></p>"
    assert "als Entwurf angelegt" in text_of(client.get(response.headers["Location"]))
    assert [entry.details["title"] for entry in audit_entries(db, "process.created")] == ["Digitale Verwaltung"]


@pytest.mark.parametrize("who", ["citizen", "stranger"])
def test_others_may_not_create_a_process(client, auth, db, region, citizen, stranger, who):
    auth.login({"citizen": citizen, "stranger": stranger}[who])
    assert client.get(f"/regionen/{region.slug}/prozesse/neu").status_code == 403
    response = client.post(f"/regionen/{region.slug}/prozesse/neu", data={"title": "Übernahme"})
    assert response.status_code == 403
    assert count_rows(db, Process) == 0


def test_anonymous_is_sent_to_log_in(client, db, region):
    response = client.post(f"/regionen/{region.slug}/prozesse/neu", data={"title": "Anonym"})
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]


def test_a_short_title_is_refused_with_a_message(client, auth, db, moderator, region):
    auth.login(moderator)
    response = client.post(f"/regionen/{region.slug}/prozesse/neu", data={"title": "X"})
    assert response.status_code == 422
    assert count_rows(db, Process) == 0


def test_an_unknown_template_is_refused(client, auth, db, moderator, region):
    auth.login(moderator)
    response = client.post(f"/regionen/{region.slug}/prozesse/neu",
                           data={"title": "Mit Vorlage", "template": "gibtsnicht"})
    assert response.status_code == 422
    assert count_rows(db, Process) == 0


def test_others_may_not_edit_or_publish(client, auth, db, make_process, citizen, stranger):
    process = make_process(published=True)
    for user in (citizen, stranger):
        auth.login(user)
        assert client.get(f"/prozesse/{process.id}/bearbeiten").status_code == 403
        assert client.post(f"/prozesse/{process.id}/bearbeiten", data={"title": "Gekapert"}).status_code == 403
        assert client.post(f"/prozesse/{process.id}/veroeffentlichen", data={"published": "0"}).status_code == 403
        assert client.post(f"/prozesse/{process.id}/phasen/neu", data={"title": "Fremde Phase"}).status_code == 403
        auth.logout()
    stored = fresh(db, Process, process.id)
    assert (stored.title, stored.published, stored.phases) == ("Datenstrategie Gelsenkirchen", True, [])


def test_edit_and_publish(client, auth, db, make_process, moderator):
    process = make_process(published=False)
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/bearbeiten",
                           data={"title": "Neue Datenstrategie", "summary": "Neu.", "body": "### Titel"})
    assert response.status_code == 303
    assert fresh(db, Process, process.id).body_html.strip() == "<h3>Titel</h3>"
    response = client.post(f"/prozesse/{process.id}/veroeffentlichen", data={"published": "1"})
    assert response.status_code == 303
    assert "jetzt veröffentlicht" in text_of(client.get(response.headers["Location"]))
    assert fresh(db, Process, process.id).published is True
    assert client.post(f"/prozesse/{process.id}/veroeffentlichen", data={"published": "0"}).status_code == 303
    assert fresh(db, Process, process.id).published is False
    assert [e.details["fields"] for e in audit_entries(db, "process.updated")] == [["body", "summary", "title"]]
    assert len(audit_entries(db, "process.published")) == 1 and len(audit_entries(db, "process.unpublished")) == 1


# --- phases ---------------------------------------------------------------------------------------------

def test_a_moderator_adds_a_phase_with_dates(client, auth, db, make_process, moderator):
    process = make_process()
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/phasen/neu", data={
        "title": "Bestandsaufnahme", "description": "Was gibt es?", "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-03-31T18:00"})
    assert response.status_code == 303
    phase = fresh(db, Process, process.id).phases[0]
    # Local time (Europe/Berlin, winter: UTC+1) is stored as UTC.
    assert (phase.title, phase.starts_at.hour, phase.ends_at.hour, phase.position) == ("Bestandsaufnahme", 8, 16, 1)
    assert len(audit_entries(db, "phase.created")) == 1


@pytest.mark.parametrize(("starts_at", "ends_at", "field"), [
    ("2030-03-31T09:00", "2030-03-01T09:00", "ends_at"),
    ("2030-03-01T09:00", "2030-03-01T09:00", "ends_at"),
    ("", "2030-03-01T09:00", "starts_at"),
])
def test_bad_phase_dates_are_refused(client, auth, db, make_process, moderator, starts_at, ends_at, field):
    process = make_process()
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/phasen/neu",
                           data={"title": "Falsch datiert", "starts_at": starts_at, "ends_at": ends_at})
    assert response.status_code == 422
    assert f'id="{field}-error"' in text_of(response)
    assert count_rows(db, ProcessPhase) == 0


def test_a_malformed_date_is_refused_without_500(client, auth, db, make_process, moderator):
    process = make_process()
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/phasen/neu", data={"title": "Datum", "starts_at": "morgen"})
    assert response.status_code == 422


def test_phases_move_up_and_down_and_not_past_the_ends(client, auth, db, make_process, moderator):
    process = make_process(phases=[("Eins", None, None), ("Zwei", None, None), ("Drei", None, None)])
    one, two, three = fresh(db, Process, process.id).phases
    auth.login(moderator)
    assert client.post(f"/prozesse/{process.id}/phasen/{three.id}/verschieben",
                       data={"direction": "up"}).status_code == 303
    assert phase_titles(db, process) == ["Eins", "Drei", "Zwei"]
    assert client.post(f"/prozesse/{process.id}/phasen/{one.id}/verschieben",
                       data={"direction": "down"}).status_code == 303
    assert phase_titles(db, process) == ["Drei", "Eins", "Zwei"]
    first = client.post(f"/prozesse/{process.id}/phasen/{three.id}/verschieben", data={"direction": "up"})
    last = client.post(f"/prozesse/{process.id}/phasen/{two.id}/verschieben", data={"direction": "down"})
    assert (first.status_code, last.status_code) == (409, 409)
    assert "schon am Anfang" in text_of(first) and "schon am Ende" in text_of(last)
    assert client.post(f"/prozesse/{process.id}/phasen/{two.id}/verschieben",
                       data={"direction": "seitwärts"}).status_code == 422
    assert phase_titles(db, process) == ["Drei", "Eins", "Zwei"]
    assert [e.details["direction"] for e in audit_entries(db, "phase.moved")] == ["up", "down"]


def test_a_refused_move_from_the_page_goes_back_with_a_message(client, auth, db, make_process, moderator):
    process = make_process(phases=[("Eins", None, None), ("Zwei", None, None)])
    one = fresh(db, Process, process.id).phases[0]
    auth.login(moderator)
    page = f"/prozesse/{process.id}/bearbeiten"
    response = client.post(f"/prozesse/{process.id}/phasen/{one.id}/verschieben", data={"direction": "up"},
                           headers={"Referer": page})
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    assert "schon am Anfang" in text_of(client.get(page))


def test_a_phase_of_another_process_is_404(client, auth, db, make_process, moderator):
    process = make_process(phases=[("Eins", None, None)])
    other = make_process(title="Anderer Prozess", phases=[("Fremd", None, None)])
    foreign = fresh(db, Process, other.id).phases[0]
    auth.login(moderator)
    assert client.get(f"/prozesse/{process.id}/phasen/{foreign.id}").status_code == 404
    assert client.post(f"/prozesse/{process.id}/phasen/{foreign.id}/loeschen").status_code == 404
    assert client.get(f"/prozesse/{process.id}/phasen/99999999999").status_code == 404


def test_deleting_a_phase_keeps_its_instruments_targets(client, auth, db, make_process, moderator, region,
                                                        create_consultation):
    process = make_process(phases=[("Eins", None, None), ("Zwei", None, None)])
    one = fresh(db, Process, process.id).phases[0]
    consultation = create_consultation(region)
    services.attach_instrument(moderator, one, "consultation", consultation.id)
    db.session.commit()
    auth.login(moderator)
    assert client.post(f"/prozesse/{process.id}/phasen/{one.id}/loeschen").status_code == 303
    assert phase_titles(db, process) == ["Zwei"]
    assert count_rows(db, PhaseInstrument) == 0 and fresh(db, Consultation, consultation.id) is not None
    # The gap left behind does not stop a new phase.
    assert client.post(f"/prozesse/{process.id}/phasen/neu", data={"title": "Drei"}).status_code == 303
    assert phase_titles(db, process) == ["Zwei", "Drei"]
    assert audit_entries(db, "phase.deleted")[0].details["title"] == "Eins"


# --- instruments ----------------------------------------------------------------------------------------

def test_a_moderator_attaches_a_consultation_from_the_page(client, auth, db, make_process, moderator, region,
                                                          create_consultation):
    process = make_process(phases=[("Vision", days(1), days(20))])
    phase = fresh(db, Process, process.id).phases[0]
    consultation = create_consultation(region, title="Vision 2035")
    auth.login(moderator)
    page = text_of(client.get(f"/prozesse/{process.id}/phasen/{phase.id}"))
    assert f'value="consultation:{consultation.id}"' in page
    response = client.post(f"/prozesse/{process.id}/phasen/{phase.id}/instrumente",
                           data={"attach-instrument": f"consultation:{consultation.id}",
                                 "attach-follows_phase_dates": "y"})
    assert response.status_code == 303
    instrument = db.session.scalars(select(PhaseInstrument)).one()
    assert (instrument.kind, instrument.target_id, instrument.follows_phase_dates) == (
        "consultation", consultation.id, True)
    stored, dated = fresh(db, Consultation, consultation.id), fresh(db, ProcessPhase, phase.id)
    assert (stored.opens_at, stored.closes_at) == (dated.starts_at, dated.ends_at)
    page = text_of(client.get(f"/prozesse/{process.id}/phasen/{phase.id}"))
    assert "Vision 2035" in page and f'value="consultation:{consultation.id}"' not in page
    assert audit_entries(db, "instrument.attached")[0].details["instrument"] == "Vision 2035"


def test_an_instrument_of_another_region_is_refused(client, auth, db, make_process, moderator, other_region,
                                                    create_consultation, create_poll):
    process = make_process(phases=[("Vision", None, None)])
    phase = fresh(db, Process, process.id).phases[0]
    foreign = create_poll(region=other_region)
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/phasen/{phase.id}/instrumente",
                           data={"attach-instrument": f"poll:{foreign.id}"})
    assert response.status_code == 422
    for value in ("umfrage:1", "poll:abc", "poll:", "", f"poll:{foreign.id + 1000}"):
        response = client.post(f"/prozesse/{process.id}/phasen/{phase.id}/instrumente",
                               data={"attach-instrument": value})
        assert response.status_code == 422, value
    assert count_rows(db, PhaseInstrument) == 0


def test_an_instrument_is_in_one_phase_only(client, auth, db, make_process, moderator, region, create_poll):
    process = make_process(phases=[("Eins", None, None)])
    other = make_process(title="Zweiter Prozess", phases=[("Anderswo", None, None)])
    phase, elsewhere = fresh(db, Process, process.id).phases[0], fresh(db, Process, other.id).phases[0]
    poll = create_poll(region=region, title="Nur einmal")
    services.attach_instrument(moderator, elsewhere, "poll", poll.id)
    db.session.commit()
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/phasen/{phase.id}/instrumente",
                           data={"attach-instrument": f"poll:{poll.id}"})
    assert response.status_code == 409
    assert "gehört schon zu einer Phase" in text_of(response)
    assert count_rows(db, PhaseInstrument) == 1


def test_detaching_keeps_the_poll(client, auth, db, make_process, moderator, region, create_poll, citizen):
    process = make_process(phases=[("Eins", None, None)])
    phase = fresh(db, Process, process.id).phases[0]
    poll = create_poll(region=region)
    instrument = services.attach_instrument(moderator, phase, "poll", poll.id)
    db.session.commit()
    auth.login(citizen)
    assert client.post(f"/prozesse/{process.id}/instrumente/{instrument.id}/entfernen").status_code == 403
    auth.logout()
    auth.login(moderator)
    assert client.post(f"/prozesse/{process.id}/instrumente/{instrument.id}/entfernen").status_code == 303
    assert count_rows(db, PhaseInstrument) == 0 and fresh(db, Poll, poll.id) is not None
    assert len(audit_entries(db, "instrument.detached")) == 1


def test_a_deleted_poll_leaves_its_phase(db, make_process, moderator, region, create_poll):
    process = make_process(phases=[("Eins", None, None)])
    poll = create_poll(region=region, status="draft")
    services.attach_instrument(moderator, fresh(db, Process, process.id).phases[0], "poll", poll.id)
    db.session.commit()
    delete_poll(moderator, poll)
    db.session.commit()
    assert count_rows(db, PhaseInstrument) == 0


# --- following the phase's dates ----------------------------------------------------------------------

def test_changing_a_phase_moves_the_instruments_that_follow_it(client, auth, db, make_process, moderator, region,
                                                               create_consultation, create_poll):
    process = make_process(phases=[("Vision", days(10), days(20))])
    phase = fresh(db, Process, process.id).phases[0]
    follower = create_consultation(region, title="Folgt")
    own = create_consultation(region, title="Eigene Daten")
    own_dates = days(3), days(4)
    own.opens_at, own.closes_at = own_dates
    poll = create_poll(region=region, status="draft", title="Umfrage folgt")
    problem_poll = create_poll(region=region, status="draft", kind="problem_definition", title="Probleme folgen")
    closed = create_poll(region=region, status="closed", title="Schon beendet")
    db.session.commit()
    for kind, target, follows in (("consultation", follower, True), ("consultation", own, False),
                                  ("poll", poll, True), ("poll", problem_poll, True), ("poll", closed, True)):
        services.attach_instrument(moderator, phase, kind, target.id, follows)
    db.session.commit()
    auth.login(moderator)
    response = client.post(f"/prozesse/{process.id}/phasen/{phase.id}", data={
        "title": "Vision", "starts_at": "2031-06-01T10:00", "ends_at": "2031-06-30T10:00"})
    assert response.status_code == 303
    stored = fresh(db, ProcessPhase, phase.id)
    expected = (stored.starts_at, stored.ends_at)
    assert expected[0].year == 2031
    assert (fresh(db, Consultation, follower.id).opens_at, fresh(db, Consultation, follower.id).closes_at) == expected
    assert (fresh(db, Poll, poll.id).opens_at, fresh(db, Poll, poll.id).closes_at) == expected
    assert (fresh(db, Poll, problem_poll.id).opens_at, fresh(db, Poll, problem_poll.id).closes_at) == expected
    assert (fresh(db, Consultation, own.id).opens_at, fresh(db, Consultation, own.id).closes_at) == own_dates
    assert fresh(db, Poll, closed.id).closes_at is None and fresh(db, Poll, closed.id).state == "closed"
    entry = audit_entries(db, "phase.updated")[0]
    assert entry.details["fields"] == ["ends_at", "starts_at"] and entry.details["instruments"] == 3


def test_an_open_poll_keeps_its_start_and_takes_the_end(db, make_process, moderator, region, create_poll):
    process = make_process(phases=[("Jetzt", days(-1), days(5))])
    phase = fresh(db, Process, process.id).phases[0]
    poll = create_poll(region=region, status="open")
    started = poll.opens_at
    services.attach_instrument(moderator, phase, "poll", poll.id)
    end = days(9)
    services.update_phase(moderator, phase, ends_at=end)
    db.session.commit()
    stored = fresh(db, Poll, poll.id)
    assert (stored.opens_at, stored.closes_at, stored.state) == (started, end, "open")


def test_a_phase_without_dates_leaves_its_instruments_alone(db, make_process, moderator, region,
                                                           create_consultation):
    process = make_process(phases=[("Ohne Termin", None, None)])
    phase = fresh(db, Process, process.id).phases[0]
    consultation = create_consultation(region)
    before = (consultation.opens_at, consultation.closes_at)
    services.attach_instrument(moderator, phase, "consultation", consultation.id)
    services.update_phase(moderator, phase, title="Immer noch ohne Termin")
    db.session.commit()
    stored = fresh(db, Consultation, consultation.id)
    assert (stored.opens_at, stored.closes_at) == before


# --- templates ------------------------------------------------------------------------------------------

def test_the_smart_city_template_creates_phases_and_drafts(client, auth, db, moderator, region):
    auth.login(moderator)
    page = text_of(client.get(f"/regionen/{region.slug}/prozesse/neu"))
    assert "Smart-City-Strategie" in page and "Citizen Journey" in page
    response = client.post(f"/regionen/{region.slug}/prozesse/neu",
                           data={"title": "Smart City Gelsenkirchen", "template": "smart_city"})
    assert response.status_code == 303
    process = db.session.scalars(select(Process)).one()
    assert phase_titles(db, process) == ["Bestandsaufnahme", "Handlungsfelder und Ziele", "Vision",
                                         "Problemdefinition", "Projektplanung", "Umsetzung"]
    assert process.template == "smart_city" and process.summary and process.body_html
    rows = services.phases_of(process)
    assert all(instruments for _phase, instruments in rows)
    kinds = [[instrument.kind for instrument in instruments] for _phase, instruments in rows]
    assert kinds == [["poll"], ["poll"], ["consultation"], ["poll"], ["consultation", "proposal_collection"],
                     ["poll"]]
    polls = db.session.scalars(select(Poll).order_by(Poll.id)).all()
    assert [poll.kind for poll in polls] == ["survey", "survey", "problem_definition", "survey"]
    assert all(poll.status == "draft" and poll.region_id == region.id for poll in polls)
    assert len(polls[0].questions) == 3
    consultations = db.session.scalars(select(Consultation)).all()
    assert [c.published for c in consultations] == [False, False]
    assert [s.title for s in consultations[0].sections][:1] == ["Leitbild"]
    assert len(audit_entries(db, "poll.create")) == 4 and len(audit_entries(db, "consultation.created")) == 2
    assert audit_entries(db, "process.created")[0].details["template"] == "smart_city"
    # Project planning collects the citizens' project ideas: a draft collection with the fields of action.
    from beteiligung.proposals.models import ProposalCollection

    [collection] = db.session.scalars(select(ProposalCollection)).all()
    assert (collection.title, collection.published, collection.region_id) == ("Ihre Projektideen", False, region.id)
    assert "Mobilität" in collection.categories and collection.description_html
    assert len(audit_entries(db, "proposal_collection.created")) == 1


def test_the_citizen_journey_template(db, moderator, region):
    process = services.create_process(moderator, region, "Citizen Journey Soest", template="citizen_journey")
    db.session.commit()
    assert phase_titles(db, process) == ["Erfahrungen sammeln", "Auswertung", "Maßnahmen"]
    assert [[i.kind for i in instruments] for _p, instruments in services.phases_of(process)] == [
        ["poll"], ["poll"], ["consultation", "proposal_collection"]]


def test_a_failing_template_leaves_nothing_behind(db, moderator, stranger, region):
    from beteiligung.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.create_process(stranger, region, "Nicht meine Region", template="smart_city")
    db.session.rollback()
    assert count_rows(db, Process) == 0 and count_rows(db, Poll) == 0


def test_audit_entries_of_processes_read_as_sentences(client, auth, db, make_process, moderator, region,
                                                      create_user, create_consultation, tmp_path):
    admin = create_user(role="admin")
    process = make_process(phases=[("Eins", None, None), ("Zwei", None, None)])
    one, two = fresh(db, Process, process.id).phases
    consultation = create_consultation(region, title="Vision 2035")
    instrument = services.attach_instrument(moderator, one, "consultation", consultation.id)
    services.update_phase(moderator, one, starts_at=days(1), ends_at=days(2))
    services.move_phase(moderator, two, "up")
    services.detach_instrument(moderator, instrument)
    services.delete_phase(moderator, two)
    services.set_published(moderator, process, False)
    services.set_header_image(moderator, process, image_bytes(), "Ein Marktplatz", str(tmp_path))
    services.remove_header_image(moderator, process)
    db.session.commit()
    auth.login(admin)
    html = re.sub(r"\s+", " ", text_of(client.get("/verwaltung/protokoll")))
    actor = "Moderation Gelsenkirchen"
    for sentence in (
            f"{actor} hat den Beteiligungsprozess „Datenstrategie Gelsenkirchen“ angelegt.",
            f"{actor} hat den Beteiligungsprozess „Datenstrategie Gelsenkirchen“ veröffentlicht.",
            f"{actor} hat dem Beteiligungsprozess „Datenstrategie Gelsenkirchen“ die Phase „Eins“ hinzugefügt.",
            f"{actor} hat „Vision 2035“ (Beteiligung) der Phase „Eins“ zugeordnet.",
            f"{actor} hat die Phase „Eins“ geändert (Ende, Beginn); 1 Beteiligungen oder Umfragen haben die neuen "
            "Daten übernommen.",
            f"{actor} hat die Phase „Zwei“ nach oben verschoben.",
            f"{actor} hat „Vision 2035“ (Beteiligung) aus der Phase „Eins“ genommen.",
            f"{actor} hat die Phase „Zwei“ des Beteiligungsprozesses „Datenstrategie Gelsenkirchen“ gelöscht.",
            f"{actor} hat die Veröffentlichung des Beteiligungsprozesses „Datenstrategie Gelsenkirchen“ "
            "zurückgenommen.",
            f"{actor} hat ein Titelbild für den Beteiligungsprozess „Datenstrategie Gelsenkirchen“ hochgeladen "
            "(„Ein Marktplatz“).",
            f"{actor} hat das Titelbild des Beteiligungsprozesses „Datenstrategie Gelsenkirchen“ entfernt."):
        assert sentence in html, sentence
    assert "phase.moved" not in html and "process.created" not in html


def test_the_plugin_facade_finds_public_processes_and_phases(db, make_process, moderator, region, create_poll,
                                                             create_consultation):
    from beteiligung import plugin_api

    public = make_process(title="Öffentlich", phases=[("Eins", None, None)])
    make_process(title="Entwurf", published=False)
    assert [p.title for p in db.session.scalars(plugin_api.processes_query(region))] == ["Öffentlich"]
    poll, loose = create_poll(region=region), create_consultation(region)
    services.attach_instrument(moderator, fresh(db, Process, public.id).phases[0], "poll", poll.id)
    db.session.commit()
    phase = plugin_api.phase_of(poll)
    assert (phase.title, phase.process.title) == ("Eins", "Öffentlich")
    assert plugin_api.phase_of(loose) is None
    with pytest.raises(ValueError):
        plugin_api.phase_of(region)


# --- header image -----------------------------------------------------------------------------------

def image_bytes(fmt="PNG", size=(64, 32), mode="RGB", **options):
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 0).save(out, fmt, **options)
    return out.getvalue()


def upload(client, process, data, alt="Ein Marktplatz mit Bäumen", filename="bild.png"):
    return client.post(f"/prozesse/{process.id}/bild", content_type="multipart/form-data",
                       data={"bild-image": (io.BytesIO(data), filename), "bild-alt": alt})


def test_a_header_image_is_reencoded_without_metadata_and_served(app, client, auth, db, make_process, moderator):
    from PIL import Image

    process = make_process()
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS
    auth.login(moderator)
    response = upload(client, process, image_bytes("JPEG", exif=exif.tobytes()), filename="foto.jpg")
    assert response.status_code == 303
    stored = fresh(db, Process, process.id)
    assert stored.header_image.endswith(".jpg") and (stored.header_image_width, stored.header_image_height) == (64, 32)
    assert stored.header_image_alt == "Ein Marktplatz mit Bäumen"
    path = os.path.join(app.instance_path, "uploads", "processes", stored.header_image)
    with Image.open(path) as saved:
        assert saved.format == "JPEG" and not saved.getexif()
    auth.logout()
    served = client.get(f"/prozesse/{process.id}/bild/{stored.header_image}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert client.get(f"/prozesse/{process.id}/bild/anderes.jpg").status_code == 404
    html = text_of(client.get(f"/prozesse/{process.id}"))
    assert 'alt="Ein Marktplatz mit Bäumen" width="64" height="32"' in html
    assert len(audit_entries(db, "process.image_set")) == 1


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"Das ist kein Bild, auch wenn es so heisst.", "bild.png", "kein lesbares Bild"),
    (b"", "leer.png", "Bitte wählen Sie eine Bilddatei aus."),
    ("gif", "animation.gif", "JPEG, PNG oder WebP"),
    ("bomb", "bombe.png", "zu viele Bildpunkte"),
])
def test_what_is_not_a_fitting_image_is_refused_with_a_message(client, auth, db, make_process, moderator, data,
                                                               filename, message):
    if data == "gif":
        data = image_bytes("GIF")
    elif data == "bomb":
        data = image_bytes("PNG", size=(8000, 8000), mode="1")  # 64 million pixels in a few kilobytes
        assert len(data) < 100_000
    process = make_process()
    auth.login(moderator)
    response = upload(client, process, data, filename=filename)
    assert response.status_code == 422
    assert message in text_of(response)
    assert fresh(db, Process, process.id).header_image is None


def test_the_alt_text_is_required(client, auth, db, make_process, moderator):
    process = make_process()
    auth.login(moderator)
    response = upload(client, process, image_bytes(), alt="")
    assert response.status_code == 422 and 'id="bild-alt-error"' in text_of(response)
    assert fresh(db, Process, process.id).header_image is None


def test_oversized_images_are_refused(app, client, auth, db, make_process, moderator):
    app.config["PROCESS_IMAGE_MAX_BYTES"] = 2000
    process = make_process()
    auth.login(moderator)
    big = image_bytes("PNG", size=(200, 200), mode="RGB", compress_level=0)
    response = upload(client, process, big)
    assert response.status_code == 422 and "Das Bild ist zu groß" in text_of(response)
    # Far beyond the limit, the request itself is refused before it is read.
    assert upload(client, process, b"0" * 600_000).status_code == 413
    assert fresh(db, Process, process.id).header_image is None


def test_replacing_and_removing_the_image_removes_the_old_files(app, client, auth, db, make_process, moderator,
                                                                citizen):
    process = make_process(published=False)
    auth.login(moderator)
    assert upload(client, process, image_bytes()).status_code == 303
    first = fresh(db, Process, process.id).header_image
    assert upload(client, process, image_bytes("WEBP"), filename="neu.webp").status_code == 303
    second = fresh(db, Process, process.id).header_image
    folder = os.path.join(app.instance_path, "uploads", "processes")
    assert second.endswith(".webp") and os.listdir(folder) == [second]
    auth.logout()
    assert client.get(f"/prozesse/{process.id}/bild/{second}").status_code == 404  # a draft's image too
    auth.login(citizen)
    assert upload(client, process, image_bytes()).status_code == 404
    auth.logout()
    auth.login(moderator)
    assert client.post(f"/prozesse/{process.id}/bild/entfernen").status_code == 303
    assert fresh(db, Process, process.id).header_image is None and os.listdir(folder) == []
    assert first != second and len(audit_entries(db, "process.image_removed")) == 1


# --- demo data ------------------------------------------------------------------------------------------

def test_the_demo_has_one_living_process_per_region(runner, client, db):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert "0 Beteiligungsprozesse und 0 Projekte im Projektschaufenster neu angelegt." in again.output
    processes = db.session.scalars(select(Process).order_by(Process.id)).all()
    assert [p.region.slug for p in processes] == ["gelsenkirchen", "aachen", "paderborn", "soest", "wuppertal"]
    assert [p.template for p in processes] == ["smart_city"] * 3 + ["citizen_journey", "smart_city"]
    now = utcnow()
    for process in processes:
        assert process.published and process.status_at(now) == "running"
        statuses = [phase.status_at(now) for phase in process.phases]
        assert statuses.count("current") == 1 and statuses[0] in ("past", "current"), (process.title, statuses)
        html = text_of(client.get(f"/prozesse/{process.id}"))
        assert "Jetzt offen" in html and 'aria-current="step"' in html
        assert "Gerade ist nichts zum Mitmachen geöffnet." not in html, process.title
    soest = processes[3]
    html = text_of(client.get(f"/prozesse/{soest.id}"))
    assert "Ergebnis dieser Phase" in html and "Mobilstationen und Radwege zwischen den Ortschaften" in html


def test_the_pages_speak_english_too_and_label_every_field(client, auth, db, make_process, moderator):
    process = make_process(phases=[("Jetzt", days(-1), days(3))])
    phase = fresh(db, Process, process.id).phases[0]
    html = text_of(client.get(f"/prozesse/{process.id}?lang=en"))
    assert "Open now" in html and "Timeline" in html and "Current phase" in html and "Jetzt offen" not in html
    auth.login(moderator)
    for url in (f"/prozesse/{process.id}/bearbeiten", f"/prozesse/{process.id}/phasen/{phase.id}",
                f"/prozesse/{process.id}/phasen/neu", f"/regionen/{process.region.slug}/prozesse/neu"):
        page = text_of(client.get(url))
        labels = {attrs.get("for") for _tag, attrs in elements(page, "label")}
        fields = [attrs for tag, attrs in elements(page) if tag in ("input", "textarea", "select")
                  and attrs.get("type") not in ("hidden", "submit")]
        assert fields and all(attrs.get("id") in labels for attrs in fields), (url, fields)
        assert duplicate_ids(page) == [], url
