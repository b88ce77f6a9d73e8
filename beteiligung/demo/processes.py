"""Demo participation processes (``data/processes.toml``): one per model region on the workshop path, made
with the same services as a moderator's, with past phases, a current one and phases to come.

The phases come from the process template named in the data; the demo's own consultations and polls
fill them (a template's drafts would add instruments that never ran). Creating a process from a
template, with its drafts, is what a moderator tries on *Neuen Beteiligungsprozess anlegen*.
"""

from datetime import timedelta

from sqlalchemy import select

from ..consultations.models import Consultation
from ..extensions import db
from ..measures import services as measure_services
from ..polls.models import Poll, Problem
from ..processes import services
from ..processes.models import Process
from ..processes.templates import process_templates
from ..timeutil import utcnow
from .content import PROCESSES

MODELS = {"consultation": Consultation, "poll": Poll}


def _day(value):
    return value.replace(hour=8, minute=0, second=0, microsecond=0)


def load_processes(regions, moderators):
    """Create the demo processes that do not exist yet (by region and title); returns how many."""
    created = 0
    current_start = _day(utcnow() - timedelta(days=7))
    for data in PROCESSES:
        region, moderator = regions[data["region"]], moderators[data["region"]]
        exists = db.session.scalar(select(Process.id).where(Process.region_id == region.id,
                                                            Process.title == data["title"]))
        if exists is not None:
            continue
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
        _load_measures(process, region, moderator, data.get("measures", []))
        created += 1
    return created


def _link_target(region, kind, title):
    """The id of the region's problem (by its text), consultation or poll (by title), or None."""
    if kind == "problem":
        return db.session.scalar(select(Problem.id).join(Poll, Poll.id == Problem.poll_id)
                                 .where(Poll.region_id == region.id, Problem.text == title))
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
            entry.created_at = utcnow() - timedelta(days=7 * (len(updates) - number))
        measure_services.update_measure(moderator, measure, status=item["status"], progress=item["progress"])
