"""Instruments in phases: attaching, detaching, and following the phase's dates."""

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ...audit.services import record
from ...errors import Conflict, Invalid
from ...extensions import db
from ...policy import require_moderator
from ...timeutil import utcnow
from ..instruments import instrument_kinds, kinds_for
from ..models import PhaseInstrument
from .common import check_message as _check


def follow_phase_dates(phase, instruments=None, now=None):
    """Copy the phase's dates to its instruments that follow them (only a phase with a start has dates to
    give); returns how many changed."""
    if phase.starts_at is None:
        return 0
    now = now or utcnow()
    kinds = instrument_kinds()
    changed = 0
    followers = [i for i in (phase.instruments if instruments is None else instruments) if i.follows_phase_dates]
    by_kind = {}
    for instrument in followers:
        by_kind.setdefault(instrument.kind, []).append(instrument.target_id)
    for key, ids in by_kind.items():
        kind = kinds.get(key)
        if kind is None:
            continue
        for target in kind.load(ids).values():
            changed += bool(kind.follow_dates(target, phase.starts_at, phase.ends_at, now))
    return changed


# --- instruments ----------------------------------------------------------------------------------

def attach_instrument(actor, phase, kind_key, target_id, follows_phase_dates=True):
    """Put a consultation or poll of the process's region into a phase; it follows the phase's dates
    (they are copied now) unless ``follows_phase_dates`` is false."""
    process = phase.process
    require_moderator(actor, process.region)
    kind = kinds_for(process.region).get(kind_key)
    if kind is None:
        raise Invalid(_check(), {"kind": [_("Diese Art von Instrument gibt es nicht.")]})
    target = kind.load([target_id]).get(target_id) if isinstance(target_id, int) else None
    if target is None or kind.region_id(target) != process.region_id:
        raise Invalid(_check(), {"target_id": [_("Das gibt es in der Region dieses Prozesses nicht.")]})
    if db.session.scalar(select(PhaseInstrument.id).where(PhaseInstrument.kind == kind_key,
                                                          PhaseInstrument.target_id == target_id)) is not None:
        raise Conflict(_("„%(title)s“ gehört schon zu einer Phase.", title=kind.title(target)))
    instrument = PhaseInstrument(phase_id=phase.id, kind=kind_key, target_id=target_id,
                                 follows_phase_dates=bool(follows_phase_dates))
    try:
        db.session.add(instrument)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("„%(title)s“ gehört schon zu einer Phase.", title=kind.title(target))) from None
    if instrument.follows_phase_dates and phase.starts_at is not None:
        kind.follow_dates(target, phase.starts_at, phase.ends_at, utcnow())
        db.session.flush()
    record(actor, "instrument.attached", phase, process.region, title=phase.title, kind=kind_key,
           instrument=kind.title(target), follows=instrument.follows_phase_dates)
    return instrument


def detach_instrument(actor, instrument):
    """Take an instrument out of its phase (the consultation or poll itself stays)."""
    phase = instrument.phase
    require_moderator(actor, phase.process.region)
    kind = instrument_kinds().get(instrument.kind)
    target = kind.load([instrument.target_id]).get(instrument.target_id) if kind else None
    record(actor, "instrument.detached", phase, phase.process.region, title=phase.title, kind=instrument.kind,
           instrument=kind.title(target) if target is not None else f"#{instrument.target_id}")
    db.session.delete(instrument)
    db.session.flush()


def forget_target(connection, kind, target_id):
    """A consultation or poll was deleted: it leaves its phase (ids may be used again on SQLite)."""
    connection.execute(delete(PhaseInstrument).where(PhaseInstrument.kind == kind,
                                                     PhaseInstrument.target_id == target_id))
