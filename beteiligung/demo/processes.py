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
from ..polls.models import Poll
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
        created += 1
    return created
