"""Demo participation processes (``data/processes.toml``): one per model region on the workshop path, made
with the same services as a moderator's, with past phases, a current one and phases to come.

The phases come from the process template named in the data; the demo's own consultations and polls
fill them (a template's drafts would add instruments that never ran). Creating a process from a
template, with its drafts, is what a moderator tries on *Neuen Beteiligungsprozess anlegen*.

Each process has a proposal collection in one of its phases (open until the phase ends), with the demo
citizens' proposals, supports and the moderation's answers, all made with the proposals' services. It is
loaded before the measures (they link proposals by title); a database loaded before the collections
existed gets them, and the measures' links to them, on the next load.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update as sql_update

from ..accounts.models import User
from ..consultations.models import Consultation
from ..extensions import db
from ..measures import services as measure_services
from ..measures.models import Measure
from ..polls.models import Poll, Problem
from ..processes import services
from ..processes.models import Process, ProcessPhase
from ..processes.templates import process_templates
from ..proposals import services as proposal_services
from ..proposals.models import Proposal, ProposalCollection, ProposalStatus, ProposalSupport
from ..timeutil import utcnow
from .content import CITIZENS, PROCESSES

MODELS = {"consultation": Consultation, "poll": Poll}


def _day(value):
    return value.replace(hour=8, minute=0, second=0, microsecond=0)


def load_processes(regions, moderators):
    """Create the demo processes that do not exist yet (by region and title), and the proposal collection
    of each process that has none yet (by region and title); returns how many processes were created."""
    created = 0
    citizens = {c["key"]: db.session.scalar(select(User).where(User.email == c["email"])) for c in CITIZENS}
    for data in PROCESSES:
        region, moderator = regions[data["region"]], moderators[data["region"]]
        process = db.session.scalar(select(Process).where(Process.region_id == region.id,
                                                          Process.title == data["title"]))
        new = process is None
        if new:
            process = _create_process(data, region, moderator)
            created += 1
        collection_added = "collection" in data and _load_collection(process, region, moderator, data["collection"],
                                                                     citizens)
        if new:
            _load_measures(process, region, moderator, data.get("measures", []))
        elif collection_added:
            _link_proposals(process, region, moderator, data.get("measures", []))
    return created


def _create_process(data, region, moderator):
    """The process with its phases (the current one began a week ago) and the demo instruments attached."""
    current_start = _day(utcnow() - timedelta(days=7))
    process = services.create_process(moderator, region, data["title"], data["summary"], data["body"],
                                      published=True)
    process.template = data["template"]  # the path its phases follow
    definitions = process_templates()[data["template"]]["phases"]
    length = timedelta(days=data["phase_days"])
    phases = []
    for number, definition in enumerate(definitions, start=1):
        starts_at = current_start + (number - data["current"]) * length
        ends_at = None if number == len(definitions) else starts_at + length
        phases.append(services.add_phase(moderator, process, definition["title"], definition["description"],
                                         starts_at, ends_at))
    for item in data.get("attach", []):
        model = MODELS[item["kind"]]
        target = db.session.scalar(select(model).where(model.region_id == region.id,
                                                       model.title == item["title"]))
        if target is not None and services.phase_of(item["kind"], target.id) is None:
            services.attach_instrument(moderator, phases[item["phase"] - 1], item["kind"], target.id,
                                       follows_phase_dates=False)
    return process


def _load_collection(process, region, moderator, data, citizens):
    """The process's proposal collection, unless the region has one of that title; returns whether it was
    made. The proposals are submitted and supported while it is open, then answered, and dated back by
    their ``days``."""
    exists = db.session.scalar(select(ProposalCollection.id).where(ProposalCollection.region_id == region.id,
                                                                   ProposalCollection.title == data["title"]))
    if exists is not None:
        return False
    now = utcnow()
    phases = db.session.scalars(select(ProcessPhase).where(ProcessPhase.process_id == process.id)
                                .order_by(ProcessPhase.position)).all()
    phase = phases[data["phase"] - 1]
    # Its own dates: open since the process began, until its phase ends (so open now where that phase is
    # current); the proposals are older than the phase.
    opens_at = phases[0].starts_at or now - timedelta(days=60)
    collection = proposal_services.create_collection(moderator, region, data["title"], data.get("description", ""),
                                                     data.get("categories", ()), published=True,
                                                     opens_at=min(opens_at, now - timedelta(days=1)))
    collection.created_at = collection.opens_at
    for item in data.get("proposals", []):
        proposal = proposal_services.submit_proposal(citizens[item["author"]], collection, item["title"], item["body"],
                                                     item.get("category"), item.get("place"))
        created_at = now - timedelta(days=item["days"], hours=len(item["title"]) % 9)
        for key in item.get("supporters", []):
            proposal_services.support(citizens[key], proposal)
        # Supported in the weeks after it was submitted.
        supports = db.session.scalars(select(ProposalSupport.id).where(ProposalSupport.proposal_id == proposal.id)
                                      .order_by(ProposalSupport.id)).all()
        if supports:
            db.session.execute(sql_update(ProposalSupport), [
                {"id": support_id, "created_at": created_at + (now - created_at) * number / (2 * len(supports))}
                for number, support_id in enumerate(supports, start=1)])
        _comment(proposal, item.get("comments", []), citizens, moderator, created_at)
        if item.get("status", ProposalStatus.SUBMITTED) != ProposalStatus.SUBMITTED:
            proposal_services.set_status(moderator, proposal, item["status"], item.get("answer", ""))
            proposal.answered_at = now - timedelta(days=item["days"] // 2, hours=3)
        proposal.created_at = proposal.updated_at = created_at
    collection.closes_at = phase.ends_at
    services.attach_instrument(moderator, phase, "proposal_collection", collection.id, follows_phase_dates=False)
    db.session.flush()
    return True


def _comment(proposal, items, citizens, moderator, since, parent=None):
    """The proposal's discussion, written through the comments' service (as on the page), dated after ``since``."""
    from ..comments.services import create_comment

    for number, item in enumerate(items, start=1):
        official = bool(item.get("moderator"))
        comment = create_comment(moderator if official else citizens[item["author"]], proposal, item["body"],
                                 parent=parent, official=official)
        comment.created_at = since + timedelta(hours=6 * number + (3 if parent is not None else 0))
        _comment(proposal, item.get("replies", []), citizens, moderator, comment.created_at, comment)


def _link_proposals(process, region, moderator, items):
    """A process loaded before its collection: its measures get the links to proposals the data names."""
    for item in items:
        wanted = [(link["kind"], target_id) for link in item.get("links", []) if link["kind"] == "proposal"
                  and (target_id := _link_target(region, "proposal", link["title"])) is not None]
        measure = db.session.scalar(select(Measure).where(Measure.process_id == process.id,
                                                          Measure.title == item["title"]))
        if measure is None:
            continue
        for kind, target_id in wanted:
            measure_services.add_link(moderator, measure, kind, target_id)


def _link_target(region, kind, title):
    """The id of the region's problem (by its text), consultation, poll or proposal (by title), or None."""
    if kind == "problem":
        return db.session.scalar(select(Problem.id).join(Poll, Poll.id == Problem.poll_id)
                                 .where(Poll.region_id == region.id, Problem.text == title))
    if kind == "proposal":
        return db.session.scalar(select(Proposal.id).join(ProposalCollection,
                                                          ProposalCollection.id == Proposal.collection_id)
                                 .where(ProposalCollection.region_id == region.id, Proposal.title == title)
                                 .order_by(Proposal.id).limit(1))
    model = MODELS[kind]
    return db.session.scalar(select(model.id).where(model.region_id == region.id, model.title == title))


def _load_measures(process, region, moderator, items):
    """The process's measures, made with the moderators' services: links, then the log (dated back a week
    per entry), then the state the data names."""
    today = utcnow().date()
    for item in items:
        links = [(link["kind"], target_id) for link in item.get("links", [])
                 if (target_id := _link_target(region, link["kind"], link["title"])) is not None]
        updates = item.get("updates", [])
        measure = measure_services.create_measure(
            moderator, process, item["title"], item.get("description", ""), item.get("office", ""),
            "planned" if updates else item["status"], 0 if updates else item["progress"],
            today + timedelta(days=item["starts"]) if "starts" in item else None,
            today + timedelta(days=item["ends"]) if "ends" in item else None, links=links)
        for number, update in enumerate(updates, start=1):
            entry = measure_services.add_update(moderator, measure, update["body"], update.get("status"),
                                                update.get("progress"))
            entry.created_at = utcnow() - timedelta(days=update.get("days", 7 * (len(updates) - number)))
        if updates:  # the measure was set up a week before its first log entry
            measure.created_at = min(entry.created_at for entry in measure.updates) - timedelta(days=7)
        measure_services.update_measure(moderator, measure, status=item["status"], progress=item["progress"])
