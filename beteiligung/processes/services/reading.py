"""Reading processes: who sees what, phases with their instruments, the timeline (never writes)."""

from flask_babel import gettext as _
from sqlalchemy import select

from ...errors import NotFound
from ...extensions import db
from ...policy import can_moderate, visible_where
from ...timeutil import utcnow
from ..instruments import kinds_for
from ..models import PhaseInstrument, Process, ProcessPhase


def process_query(viewer=None, region=None):
    """Processes the viewer may see, newest first: published ones, and drafts of regions they moderate."""
    query = select(Process)
    if region is not None:
        query = query.where(Process.region_id == region.id)
    query = query.where(visible_where(viewer, Process.published.is_(True), Process.region_id))
    return query.order_by(Process.created_at.desc(), Process.id.desc())


def get_process(viewer, process_id):
    """A process the viewer may see; drafts only for moderators of its region (else NotFound)."""
    process = db.session.get(Process, process_id)
    if process is None or (not process.published and not can_moderate(viewer, process.region)):
        raise NotFound(_("Diesen Beteiligungsprozess gibt es nicht oder er ist nicht veröffentlicht."))
    return process


def get_phase(process, phase_id):
    phase = db.session.get(ProcessPhase, phase_id)
    if phase is None or phase.process_id != process.id:
        raise NotFound(_("Diese Phase gibt es in dem Prozess nicht."))
    return phase


def get_instrument(process, instrument_id):
    instrument = db.session.get(PhaseInstrument, instrument_id)
    if instrument is None or instrument.phase.process_id != process.id:
        raise NotFound(_("Dieses Instrument gibt es in dem Prozess nicht."))
    return instrument


def phases_of(process):
    """The phases, each with its instruments, in two queries whatever their number."""
    phases = db.session.scalars(select(ProcessPhase).where(ProcessPhase.process_id == process.id)
                                .order_by(ProcessPhase.position)).all()
    instruments = db.session.scalars(select(PhaseInstrument).where(
        PhaseInstrument.phase_id.in_([phase.id for phase in phases])).order_by(PhaseInstrument.id)).all() \
        if phases else []
    by_phase = {phase.id: [] for phase in phases}
    for instrument in instruments:
        by_phase[instrument.phase_id].append(instrument)
    return [(phase, by_phase[phase.id]) for phase in phases]


class Entry:
    """An instrument as the timeline shows it."""

    def __init__(self, instrument, kind, target, now, count):
        self.instrument, self.kind, self.target = instrument, kind, target
        self.title = kind.title(target)
        self.url = kind.url(target)
        self.status = kind.status(target, now)
        self.opens_at, self.closes_at = kind.dates(target)
        self.count = count
        self.label = str(kind.label)


def timeline(process, viewer, now=None):
    """[(phase, status, [Entry])] for the process page: one query per kind of instrument, whatever
    the number of phases and instruments. The public sees only public instruments."""
    now = now or utcnow()
    moderator = can_moderate(viewer, process.region)
    phases = phases_of(process)
    kinds = kinds_for(process.region)  # a plugin's kind only where the plugin is enabled
    wanted = {}
    for _phase, instruments in phases:
        for instrument in instruments:
            wanted.setdefault(instrument.kind, set()).add(instrument.target_id)
    targets, counts = {}, {}
    for key, ids in wanted.items():
        kind = kinds.get(key)
        if kind is None:
            continue  # a kind whose plugin is not loaded
        loaded = kind.load(sorted(ids))
        visible = {i: obj for i, obj in loaded.items() if moderator or kind.is_public(obj, now)}
        targets[key] = visible
        counts[key] = kind.counts(list(visible.values()))
    result = []
    for phase, instruments in phases:
        entries = [Entry(instrument, kinds[instrument.kind], targets[instrument.kind][instrument.target_id], now,
                         counts[instrument.kind].get(instrument.target_id))
                   for instrument in instruments
                   if instrument.target_id in targets.get(instrument.kind, {})]
        result.append((phase, phase.status_at(now), entries))
    return result


def attachable(process, phase):
    """{kind key: [(id, title)]} of the region's consultations, polls … that are in no phase yet (kinds of
    plugins enabled in the region included)."""
    kinds = kinds_for(process.region)
    used = {(kind, target) for kind, target in db.session.execute(
        select(PhaseInstrument.kind, PhaseInstrument.target_id)).all()}
    return {key: [(i, title) for i, title in db.session.execute(kind.choices_query(process.region)).all()
                  if (key, i) not in used]
            for key, kind in kinds.items()}


def phase_of(kind, target_id):
    """The phase an instrument (kind and id) belongs to, or None."""
    return db.session.scalar(select(ProcessPhase).join(PhaseInstrument).where(
        PhaseInstrument.kind == kind, PhaseInstrument.target_id == target_id))
