"""The Smart-City workshop path of issue 12, from the pages alone, in a real browser.

A region moderator creates a process from the "Smart-City-Strategie" template, dates its phases so
that a proposal collection is open now, and publishes it; a citizen proposes, another supports; the
moderator answers with "angenommen" and reports a measure with its progress; the citizen follows the
notification to the proposal, sees what became of it, and the process page shows the timeline with
its current phase and the measure with its progress.

Each person starts on the home page and goes on by links (clicked) and forms (filled and sent with
the keyboard; date fields, whose segments take the Tab key themselves, are filled directly). The only
direct writes are the two citizens' accounts. What each step wrote is read back from the database, and
every page on the way passes the page checks (axe, width, labels): once per page and person, and again
after each form was sent.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from test_journeys import (
    WIDE,
    _fresh_citizen,
    _log_in,
    assert_page_ok,
    choose_option,
    press_and_wait,
    tab_to,
    type_into,
)

REGION = "paderborn"  # its demo is only read here; what the journey makes is new and titled uniquely
PROCESS_TITLE = "Smart-City-Werkstatt: der ganze Weg im Browser"
COLLECTION_TITLE = "Ihre Ideen für die Smart-City-Werkstatt"
PROPOSAL_TITLE = "Sensoren melden freie Parkplätze am Bahnhof"
MEASURE_TITLE = "Parkleitsystem am Hauptbahnhof"
ANSWER = "Das nehmen wir in die Projektplanung auf: siehe Maßnahme „Parkleitsystem am Hauptbahnhof“."
CURRENT_PHASE = "Problemdefinition"  # the phase that holds the proposal collection
# Days from today to each phase's start and end: three are over, the collection's runs, two are to come.
PHASE_DAYS = {"Bestandsaufnahme": (-70, -50), "Handlungsfelder und Ziele": (-50, -30), "Vision": (-30, -10),
              CURRENT_PHASE: (-10, 20), "Projektplanung": (20, 50), "Umsetzung": (50, 400)}


class Journey:
    """Follows links and runs the page checks on every page reached (once per page and person)."""

    def __init__(self, axe_source):
        self.axe_source = axe_source
        self.checked = set()

    def check(self, page, again=False):
        key = (id(page.context), urlsplit(page.url).path)
        if again or key not in self.checked:
            assert_page_ok(page, self.axe_source)
            self.checked.add(key)

    def go(self, page, selector):
        """Click the one link matching selector, wait for the page it leads to, and check that page."""
        target = page.locator(selector)
        assert target.count() == 1, f"{selector}: {target.count()} elements on {page.url}"
        with page.expect_navigation():
            target.click()
        self.check(page)

    def send(self, page, selector):
        """Send a form by keyboard (its button, Enter): the answer says it succeeded and passes the checks."""
        press_and_wait(page, selector)
        assert page.locator(".flash.success").count() == 1, f"no success message on {page.url}: " + \
            " | ".join(page.locator(".flash, .field-error").all_inner_texts())
        self.check(page, again=True)

    def to_region(self, page):
        """From any page, by the header's "Regionen": the region's page."""
        self.go(page, "header a[href='/regionen']")
        self.go(page, f"main h2 a[href='/regionen/{REGION}']")

    def to_process(self, page, process_id, edit=False):
        """From any page, by links: the region, its processes, the process (with ``edit``: its edit page)."""
        self.to_region(page)
        self.go(page, f"main a[href='/regionen/{REGION}/prozesse']")
        self.go(page, f"main article.card h2 a[href='/prozesse/{process_id}']")
        if edit:
            self.go(page, f"main a[href='/prozesse/{process_id}/bearbeiten']")


def _local(days, hour=9):
    """A datetime-local value (Europe/Berlin, as the forms take it) ``days`` from today."""
    from beteiligung.timeutil import to_local, utcnow

    moment = to_local(utcnow()).replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _scalar(live_server, query):
    from beteiligung.extensions import db

    return live_server.query(lambda: db.session.scalar(query))


def _row(live_server, query):
    from beteiligung.extensions import db

    return live_server.query(lambda: db.session.execute(query).first())


def _rows(live_server, query):
    from beteiligung.extensions import db

    return live_server.query(lambda: [tuple(row) for row in db.session.execute(query).all()])


def test_workshop_path(live_server, open_page, axe_source):
    from beteiligung.accounts.models import User
    from beteiligung.comments.models import Comment
    from beteiligung.measures.models import Measure, MeasureLink, MeasureUpdate
    from beteiligung.notifications.models import Notification
    from beteiligung.processes.models import PhaseInstrument, Process, ProcessPhase
    from beteiligung.proposals.models import Proposal, ProposalCollection, ProposalSupport

    journey = Journey(axe_source)

    # --- 1. The moderator creates the process from the template, dates its phases, publishes it ------
    moderator = open_page(f"moderator-{REGION}", viewport=WIDE)
    moderator.goto("/")
    journey.check(moderator)
    journey.to_region(moderator)
    journey.go(moderator, f"main a[href='/regionen/{REGION}/prozesse']")
    journey.go(moderator, f"main a[href='/regionen/{REGION}/prozesse/neu']")
    choose_option(moderator, "#template", "smart_city")
    type_into(moderator, "#title", PROCESS_TITLE)
    journey.send(moderator, "main form.stack button[type=submit]")

    process_id = _scalar(live_server, select(Process.id).where(Process.title == PROCESS_TITLE))
    assert process_id is not None, "the process was not created"
    assert urlsplit(moderator.url).path == f"/prozesse/{process_id}/bearbeiten"
    assert _row(live_server, select(Process.template, Process.published).where(Process.id == process_id)) == \
        ("smart_city", False)
    phases = dict(_rows(live_server, select(ProcessPhase.title, ProcessPhase.id).where(
        ProcessPhase.process_id == process_id)))
    assert set(phases) == set(PHASE_DAYS), f"the template's six phases were not made: {sorted(phases)}"

    # The template has no proposal collection: the page of the phase that will hold it leads to a new one.
    journey.go(moderator, f"#phasen a[href='/prozesse/{process_id}/phasen/{phases[CURRENT_PHASE]}']")
    journey.go(moderator, f"main a[href='/regionen/{REGION}/vorschlagssammlungen/neu']")
    type_into(moderator, "#title", COLLECTION_TITLE)
    type_into(moderator, "#description", "Was sollte die Smart City zuerst angehen? Schlagen Sie es vor.")
    type_into(moderator, "#categories", "Mobilität\nVerwaltung")
    tab_to(moderator, "#published")
    moderator.keyboard.press("Space")
    assert moderator.locator("#published").is_checked()
    journey.send(moderator, "main form.stack button[type=submit]")
    collection_id = _scalar(live_server, select(ProposalCollection.id).where(
        ProposalCollection.title == COLLECTION_TITLE))
    assert collection_id is not None, "the collection was not created"
    assert urlsplit(moderator.url).path == f"/vorschlagssammlungen/{collection_id}"

    # Back to the process by links; dates for every phase; the collection into the current phase.
    journey.to_process(moderator, process_id, edit=True)
    for title, (start, end) in PHASE_DAYS.items():
        journey.go(moderator, f"#phasen a[href='/prozesse/{process_id}/phasen/{phases[title]}']")
        moderator.fill("#starts_at", _local(start))
        moderator.fill("#ends_at", _local(end, hour=18))
        journey.send(moderator, "main > form.stack button[type=submit]")
        if title == CURRENT_PHASE:
            choose_option(moderator, "#attach-instrument", f"proposal_collection:{collection_id}")
            assert moderator.locator("#attach-follows_phase_dates").is_checked()
            journey.send(moderator, "form[action$='/instrumente'] button[type=submit]")
            assert moderator.locator(f"section a[href='/vorschlagssammlungen/{collection_id}']").count() == 1
        journey.go(moderator, f"main p.meta a[href='/prozesse/{process_id}/bearbeiten']")

    def phase_statuses():
        from beteiligung.extensions import db

        return {phase.title: str(phase.status) for phase in db.session.scalars(
            select(ProcessPhase).where(ProcessPhase.process_id == process_id))}

    assert live_server.query(phase_statuses) == {
        "Bestandsaufnahme": "past", "Handlungsfelder und Ziele": "past", "Vision": "past",
        CURRENT_PHASE: "current", "Projektplanung": "upcoming", "Umsetzung": "upcoming"}
    assert _scalar(live_server, select(PhaseInstrument.phase_id).where(
        PhaseInstrument.kind == "proposal_collection", PhaseInstrument.target_id == collection_id)) == \
        phases[CURRENT_PHASE]

    def collection_status():
        from beteiligung.extensions import db

        return str(db.session.get(ProposalCollection, collection_id).status)

    assert live_server.query(collection_status) == "open"

    journey.send(moderator, "form[action$='/veroeffentlichen'] button[name=published][value='1']")
    assert _scalar(live_server, select(Process.published).where(Process.id == process_id)) is True

    # --- 2. A citizen proposes, another supports ---------------------------------------------------------
    author_email, author_password = _fresh_citizen(live_server)
    author = open_page()
    _log_in(author, author_email, author_password)
    journey.to_process(author, process_id)
    journey.go(author, f"#jetzt-offen + ul a[href='/vorschlagssammlungen/{collection_id}']")
    type_into(author, "#title", PROPOSAL_TITLE)
    type_into(author, "#body", "Am Bahnhof sucht man lange. Sensoren könnten freie Plätze in einer App und auf "
                               "Anzeigetafeln melden.")
    choose_option(author, "#category", "Mobilität")
    type_into(author, "#place", "Hauptbahnhof")
    journey.send(author, f"form[action='/vorschlagssammlungen/{collection_id}/vorschlaege'] button[type=submit]")
    author_id = _scalar(live_server, select(User.id).where(User.email == author_email))
    proposal = _row(live_server, select(Proposal.id, Proposal.state, Proposal.category, Proposal.place).where(
        Proposal.title == PROPOSAL_TITLE, Proposal.author_id == author_id, Proposal.collection_id == collection_id))
    assert proposal is not None, "the proposal was not stored"
    proposal_id, state, category, place = proposal
    assert (state, category, place) == ("published", "Mobilität", "Hauptbahnhof")
    assert urlsplit(author.url).path == f"/vorschlaege/{proposal_id}"

    supporter_email, supporter_password = _fresh_citizen(live_server)
    supporter = open_page()
    _log_in(supporter, supporter_email, supporter_password)
    journey.to_process(supporter, process_id)
    journey.go(supporter, f"#jetzt-offen + ul a[href='/vorschlagssammlungen/{collection_id}']")
    journey.go(supporter, f"main a[href='/vorschlaege/{proposal_id}']")
    journey.send(supporter, f"form[action='/vorschlaege/{proposal_id}/unterstuetzen'] button[type=submit]")
    supporter_id = _scalar(live_server, select(User.id).where(User.email == supporter_email))
    assert _scalar(live_server, select(func.count()).select_from(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal_id, ProposalSupport.user_id == supporter_id)) == 1
    assert _scalar(live_server, select(Proposal.support_count).where(Proposal.id == proposal_id)) == 1
    assert supporter.locator(f"form[action='/vorschlaege/{proposal_id}/zuruecknehmen']").count() == 1

    # The supporter discusses the proposal below it, with the same comments as a consultation's.
    type_into(supporter, "#body-neu", "Gute Idee – bitte auch die Fahrradstellplätze am Bahnhof zählen.")
    journey.send(supporter, f"form[action='/vorschlaege/{proposal_id}/beitraege'] button[type=submit]")
    comment = _row(live_server, select(Comment.id, Comment.proposal_id, Comment.consultation_id).where(
        Comment.author_id == supporter_id))
    assert comment is not None and tuple(comment[1:]) == (proposal_id, None), "the comment was not stored"
    assert urlsplit(supporter.url).fragment == f"beitrag-{comment[0]}"
    assert supporter.locator(f"#beitrag-{comment[0]}").count() == 1
    assert _scalar(live_server, select(Proposal.comment_count).where(Proposal.id == proposal_id)) == 1

    # --- 3. The moderator answers "angenommen" and reports a measure with its progress ------------------
    journey.to_process(moderator, process_id)
    journey.go(moderator, f"ol.timeline a[href='/vorschlagssammlungen/{collection_id}']")
    journey.go(moderator, f"main a[href='/vorschlaege/{proposal_id}']")
    choose_option(moderator, "#status-status", "accepted")
    assert moderator.locator("#status-status option:checked").inner_text() == "angenommen"
    type_into(moderator, "#status-answer", ANSWER)
    journey.send(moderator, f"form[action='/vorschlaege/{proposal_id}/status'] button[type=submit]")
    assert _row(live_server, select(Proposal.status, Proposal.answer).where(Proposal.id == proposal_id)) == \
        ("accepted", ANSWER)

    # A measure is the process's (measures have no phase): it runs with the last phase, "Umsetzung".
    journey.to_process(moderator, process_id)
    journey.go(moderator, f"section[aria-labelledby=massnahmen] a[href='/prozesse/{process_id}/massnahmen/neu']")
    type_into(moderator, "#title", MEASURE_TITLE)
    type_into(moderator, "#office", "Stabsstelle Digitalisierung")
    type_into(moderator, "#description", "Sensoren und Anzeigetafeln an den Parkplätzen rund um den Bahnhof.")
    choose_option(moderator, "#status", "in_progress")
    type_into(moderator, "#progress", "20")
    moderator.fill("#starts_on", _local(0)[:10])
    moderator.fill("#ends_on", _local(PHASE_DAYS["Umsetzung"][1])[:10])
    journey.send(moderator, "main form.stack button[type=submit]")
    measure_id = _scalar(live_server, select(Measure.id).where(Measure.process_id == process_id,
                                                               Measure.title == MEASURE_TITLE))
    assert measure_id is not None, "the measure was not stored"
    assert urlsplit(moderator.url).path == f"/massnahmen/{measure_id}"
    assert _row(live_server, select(Measure.status, Measure.progress).where(Measure.id == measure_id)) == \
        ("in_progress", 20)

    choose_option(moderator, "#link-target", f"proposal:{proposal_id}")
    journey.send(moderator, f"form[action='/massnahmen/{measure_id}/verknuepfungen'] button[type=submit]")
    assert moderator.locator(f"#herkunft ~ ul a[href='/vorschlaege/{proposal_id}']").count() == 1
    type_into(moderator, "#update-body", "Die Sensoren sind bestellt; die ersten zehn Plätze sind ausgestattet.")
    type_into(moderator, "#update-progress", "40")
    journey.send(moderator, f"form[action='/massnahmen/{measure_id}/stand'] button[type=submit]")
    assert _row(live_server, select(Measure.status, Measure.progress).where(Measure.id == measure_id)) == \
        ("in_progress", 40)
    assert _rows(live_server, select(MeasureLink.kind, MeasureLink.target_id).where(
        MeasureLink.measure_id == measure_id)) == [("proposal", proposal_id)]
    assert _scalar(live_server, select(func.count()).select_from(MeasureUpdate).where(
        MeasureUpdate.measure_id == measure_id, MeasureUpdate.progress == 40)) == 1

    # --- 4. The citizen follows what became of the proposal ---------------------------------------------
    notified = None
    for _ in range(50):  # notifications are fanned out right after the response, in the server's thread
        notified = _scalar(live_server, select(Notification.id).where(
            Notification.user_id == author_id, Notification.kind == "proposal_status"))
        if notified:
            break
        author.wait_for_timeout(100)
    assert notified, "the author was not notified of the new status"
    journey.go(author, "header a[href='/benachrichtigungen']")
    journey.go(author, f"#n{notified} a[href$='/vorschlaege/{proposal_id}']")
    assert urlsplit(author.url).path == f"/vorschlaege/{proposal_id}"
    answered = author.locator("section[aria-labelledby=status-antwort]")
    assert author.locator("#status-antwort").inner_text() == "Status: angenommen"
    assert answered.locator(".prose.official").inner_text().strip() == ANSWER
    became = answered.locator(".became")
    assert "Daraus wurde" in became.inner_text()
    assert "40 % umgesetzt" in became.inner_text()
    journey.go(author, f"section[aria-labelledby=status-antwort] .became a[href='/massnahmen/{measure_id}']")
    assert author.locator("h1").inner_text() == MEASURE_TITLE
    assert author.locator(f"#herkunft ~ ul a[href='/vorschlaege/{proposal_id}']").count() == 1
    assert author.locator("dl.facts progress").get_attribute("value") == "40"

    journey.go(author, f"main p.meta a[href='/prozesse/{process_id}#massnahmen']")
    current = author.locator("ol.timeline > li[aria-current=step]")
    assert current.count() == 1, "the timeline marks no (or more than one) current phase"
    assert current.locator("h3").inner_text() == CURRENT_PHASE
    assert current.locator(f"a[href='/vorschlagssammlungen/{collection_id}']").count() == 1
    assert author.locator("ol.timeline > li.phase.past").count() == 3
    assert author.locator("ol.timeline > li.phase.upcoming").count() == 2
    listed = author.locator("section[aria-labelledby=massnahmen] ul.measures > li")
    assert listed.count() == 1
    assert listed.locator(f"a[href='/massnahmen/{measure_id}']").inner_text() == MEASURE_TITLE
    assert listed.locator("progress").get_attribute("value") == "40"
    assert "40 % umgesetzt" in listed.inner_text()
