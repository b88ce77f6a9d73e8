"""Issue 12, point 10: the dates of phases and polls as iCalendar (RFC 5545), new processes as Atom (RFC 4287)."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest

from beteiligung.discovery.feeds import Event, calendar, fold, ical_text
from beteiligung.processes import services as processes
from beteiligung.timeutil import utcnow

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def region(create_region):
    return create_region(slug="soest", name="Soest")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Soest")


def days(n):
    return utcnow().replace(microsecond=0) + timedelta(days=n)


@pytest.fixture
def make_process(db, moderator, region):
    def make(title="Datenstrategie Soest", published=True, phases=(), summary="Kurz gesagt."):
        process = processes.create_process(moderator, region, title, summary, "Text.", published=published)
        for phase_title, description, starts_at, ends_at in phases:
            processes.add_phase(moderator, process, phase_title, description, starts_at, ends_at)
        db.session.commit()
        return process

    return make


def unfold(text):
    """The content lines of an iCalendar text (RFC 5545 3.1: CRLF followed by a space continues a line)."""
    assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def events(text):
    """The VEVENTs as dicts of property name -> value."""
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return found


# --- the writer ---------------------------------------------------------------------------------------------

def test_text_values_are_escaped():
    assert ical_text("a,b;c\\d\ne\r\nf\rg") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert ical_text("bell\x07") == "bell"


def test_long_lines_are_folded_at_75_octets_never_inside_a_character():
    line = "SUMMARY:" + "Bürgerbeteiligung Straßenbäume " * 10
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert fold("SHORT:x") == "SHORT:x"


def test_a_calendar_has_the_required_properties():
    start = datetime(2026, 3, 1, 9, 30)
    text = calendar("Termine", [Event("phase-1@example.org", datetime(2026, 1, 1), start, start + timedelta(days=2),
                                      "Vision, Ziele; Wege", "Mehrzeilig\nText", "https://example.org/prozesse/1")])
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    (event,) = events(text)
    assert event["UID"] == "phase-1@example.org"
    assert event["DTSTAMP"] == "20260101T000000Z"
    assert event["DTSTART"] == "20260301T093000Z" and event["DTEND"] == "20260303T093000Z"
    assert event["SUMMARY"] == "Vision\\, Ziele\\; Wege"
    assert event["DESCRIPTION"] == "Mehrzeilig\\nText"


# --- the calendars ----------------------------------------------------------------------------------------------

def test_the_region_calendar_has_the_published_phases_and_polls(client, db, region, make_process, create_poll,
                                                                create_region):
    process = make_process(title="Radverkehr, Soest", phases=[
        ("Bestandsaufnahme", "Was gibt es?", days(-10), days(-2)), ("Vision", "", days(1), None),
        ("Ohne Termin", "", None, None)])
    make_process(title="Entwurf", published=False, phases=[("Geheime Phase", "", days(1), days(3))])
    poll = create_poll(region=region, title="Umfrage zum Radverkehr")
    poll.opens_at, poll.closes_at = days(-1), days(6)
    create_poll(region=region, title="Entwurfsumfrage", status="draft").opens_at = days(20)
    create_poll(region=create_region(slug="aachen"), title="Anderswo")
    db.session.commit()

    response = client.get("/regionen/soest/termine.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    found = events(text)
    summaries = sorted(event["SUMMARY"] for event in found)
    assert summaries == ["Radverkehr\\, Soest: Bestandsaufnahme", "Radverkehr\\, Soest: Vision",
                         "Umfrage zum Radverkehr"]
    first = next(event for event in found if event["SUMMARY"].endswith("Bestandsaufnahme"))
    phase = process.phases[0]
    assert first["UID"] == f"phase-{phase.id}@localhost"
    assert first["DTSTART"] == phase.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert first["DTEND"] == phase.ends_at.strftime("%Y%m%dT%H%M%SZ")
    assert first["URL"] == f"http://localhost/prozesse/{process.id}"
    assert first["DESCRIPTION"] == "Was gibt es?"
    assert all(re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"]) for event in found)
    assert len({event["UID"] for event in found}) == len(found)
    assert "DTEND" not in next(event for event in found if event["SUMMARY"].endswith("Vision"))
    poll_event = next(event for event in found if event["SUMMARY"] == "Umfrage zum Radverkehr")
    assert poll_event["UID"] == f"poll-{poll.id}@localhost"
    assert poll_event["DTEND"] == poll.closes_at.strftime("%Y%m%dT%H%M%SZ")


def test_the_process_calendar_has_its_phases_and_its_polls(app, client, db, region, moderator, make_process,
                                                           create_poll):
    app.config["ICAL_UID_DOMAIN"] = "beteiligung.example"  # UIDs independent of the host name asked
    process = make_process(phases=[("Ideen", "", days(1), days(8))])
    other = make_process(title="Anderer Prozess", phases=[("Fremde Phase", "", days(1), days(2))])
    poll = create_poll(region=region, title="Ideenumfrage")
    poll.opens_at = days(1)
    create_poll(region=region, title="Nicht im Prozess").opens_at = days(1)
    db.session.commit()
    processes.attach_instrument(moderator, process.phases[0], "poll", poll.id, follows_phase_dates=False)
    db.session.commit()

    response = client.get(f"/prozesse/{process.id}/termine.ics")
    assert response.status_code == 200
    found = events(response.get_data(as_text=True))
    assert sorted(event["SUMMARY"] for event in found) == ["Datenstrategie Soest: Ideen", "Ideenumfrage"]
    assert sorted(event["UID"] for event in found) == [f"phase-{process.phases[0].id}@beteiligung.example",
                                                       f"poll-{poll.id}@beteiligung.example"]
    assert other.id != process.id


def test_calendars_of_drafts_and_unknown_things_are_404(client, db, make_process, auth, moderator):
    draft = make_process(published=False, phases=[("Geheim", "", days(1), days(2))])
    assert client.get(f"/prozesse/{draft.id}/termine.ics").status_code == 404
    auth.login(moderator)  # the feeds are public: a moderator's session changes nothing
    assert client.get(f"/prozesse/{draft.id}/termine.ics").status_code == 404
    assert client.get("/prozesse/999999/termine.ics").status_code == 404
    assert client.get("/regionen/nirgendwo/termine.ics").status_code == 404
    assert client.get("/regionen/nirgendwo/neu.atom").status_code == 404


# --- Atom --------------------------------------------------------------------------------------------------------

def test_the_atom_feed_lists_new_published_processes(client, db, region, make_process, moderator):
    older = make_process(title="Erster Prozess")
    newer = make_process(title="Zweiter Prozess & <Co>", summary="Mit Sonderzeichen: <b>fett</b> & \x01")
    make_process(title="Entwurf", published=False)
    withdrawn = make_process(title="Zurückgezogen")
    processes.set_published(moderator, withdrawn, False)
    older.created_at = older.created_at - timedelta(days=1)
    db.session.commit()

    response = client.get("/regionen/soest/neu.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 (the app's own answer)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "http://localhost/regionen/soest/neu.atom"
    assert "Soest" in feed.findtext(f"{ATOM}title")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", feed.findtext(f"{ATOM}updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": "http://localhost/regionen/soest/neu.atom", "alternate": "http://localhost/regionen/soest"}
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Zweiter Prozess & <Co>", "Erster Prozess"]
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == f"http://localhost/prozesse/{newer.id}"
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost/prozesse/{newer.id}"
    assert first.findtext(f"{ATOM}summary") == "Mit Sonderzeichen: <b>fett</b> &"
    assert first.find(f"{ATOM}summary").get("type") == "text"
    for tag in ("published", "updated"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first.findtext(f"{ATOM}{tag}"))
    assert b"<b>" not in response.data  # markup in the text is escaped, not passed on


def test_an_empty_region_has_a_valid_empty_feed(client, db, region):
    feed = ET.fromstring(client.get("/regionen/soest/neu.atom").data)  # noqa: S314 (the app's own answer)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated")
    assert events(client.get("/regionen/soest/termine.ics").get_data(as_text=True)) == []


def test_the_pages_link_to_the_feeds(client, db, region, make_process):
    process = make_process()
    html = client.get("/regionen/soest").get_data(as_text=True)
    assert 'href="/regionen/soest/termine.ics"' in html and 'href="/regionen/soest/neu.atom"' in html
    html = client.get(f"/prozesse/{process.id}").get_data(as_text=True)
    assert f'href="/prozesse/{process.id}/termine.ics"' in html


def test_the_atom_feed_has_new_published_proposals_too(client, db, region, make_process, create_user):
    from beteiligung.proposals.models import Proposal, ProposalCollection

    author = create_user(pseudonym="Vorschlagende")
    public = ProposalCollection(region=region, title="Ideen", published=True)
    draft = ProposalCollection(region=region, title="Entwurf", published=False)
    process = make_process(title="Ein Prozess")
    shown = Proposal(collection=public, author=author, title="Mehr Schatten", body="Bäume pflanzen.")
    db.session.add_all([shown, Proposal(collection=public, author=author, title="Versteckt", body="x", state="hidden"),
                        Proposal(collection=public, author=author, title="Wartet", body="x", state="pending"),
                        Proposal(collection=draft, author=author, title="Im Entwurf", body="x")])
    db.session.commit()

    feed = ET.fromstring(client.get("/regionen/soest/neu.atom").data)  # noqa: S314 (the app's own answer)
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in feed.findall(f"{ATOM}entry")}
    assert set(entries) == {"Vorschlag: Mehr Schatten", "Ein Prozess"}
    assert entries["Vorschlag: Mehr Schatten"].findtext(f"{ATOM}id") == f"http://localhost/vorschlaege/{shown.id}"
    assert entries["Ein Prozess"].findtext(f"{ATOM}id") == f"http://localhost/prozesse/{process.id}"
