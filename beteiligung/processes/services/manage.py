"""Moderators' writes: processes (from templates too), their phases and header images."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...audit.services import record
from ...consultations.services import create_consultation
from ...errors import Conflict, Invalid
from ...extensions import db
from ...markup import clean_text, render_markdown
from ...policy import require_moderator
from ...polls.services import create_poll
from ...proposals.services import create_collection
from .. import images
from ..models import (
    BODY_MAX,
    IMAGE_ALT_MAX,
    PHASE_DESCRIPTION_MAX,
    PHASES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
    PhaseInstrument,
    Process,
    ProcessPhase,
)
from ..templates import templates_for
from .attach import follow_phase_dates
from .common import check_message as _check

# --- processes ------------------------------------------------------------------------------------

def _clean_process(data, errors):
    clean = {}
    if "title" in data:
        title = clean_text(data["title"] or "").strip()
        if not TITLE_MIN <= len(title) <= TITLE_MAX:
            errors["title"] = [_("Der Titel muss 3 bis %(n)d Zeichen lang sein.", n=TITLE_MAX)]
        clean["title"] = title
    if "summary" in data:
        clean["summary"] = clean_text(data["summary"] or "").strip()
        if len(clean["summary"]) > SUMMARY_MAX:
            errors["summary"] = [_("Höchstens %(n)d Zeichen.", n=SUMMARY_MAX)]
    if "body" in data:
        clean["body"] = clean_text(data["body"] or "")
        if len(clean["body"]) > BODY_MAX:
            errors["body"] = [_("Höchstens %(n)d Zeichen.", n=BODY_MAX)]
    return clean


def create_process(actor, region, title, summary="", body="", template=None, published=False):
    """A new process (a draft unless ``published``); from a template with its phases and instrument drafts."""
    require_moderator(actor, region)
    errors = {}
    chosen = None
    if template:
        chosen = templates_for(region).get(template)
        if chosen is None:
            errors["template"] = [_("Diese Vorlage gibt es in der Region nicht.")]
    if chosen is not None:
        summary = summary or chosen["summary"]
        body = body or chosen["body"]
    clean = _clean_process({"title": title, "summary": summary, "body": body}, errors)
    if errors:
        raise Invalid(_check(), errors)
    process = Process(region=region, created_by_id=actor.id, published=bool(published),
                      template=chosen["key"] if chosen else None, body_html=render_markdown(clean["body"]), **clean)
    db.session.add(process)
    db.session.flush()
    record(actor, "process.created", process, region, title=process.title, template=process.template)
    if chosen is not None:
        _apply_template(actor, process, chosen)
    if process.published:
        record(actor, "process.published", process, region)
    return process


def _apply_template(actor, process, template):
    """The template's phases, each with a draft of each of its instruments (through their own services)."""
    for position, definition in enumerate(template["phases"], start=1):
        phase = ProcessPhase(process=process, position=position, title=definition["title"],
                             description=definition["description"])
        db.session.add(phase)
        db.session.flush()
        for spec in definition["instruments"]:
            if spec["kind"] == "consultation":
                target = create_consultation(actor, process.region, spec["title"], spec["summary"], spec["body"])
            elif spec["kind"] == "proposal_collection":
                target = create_collection(actor, process.region, spec["title"], spec["body"], spec["categories"],
                                           premoderated=spec["premoderated"])
            elif "poll_template" in spec:
                target = create_poll(actor, process.region, {"template": spec["poll_template"]})
            else:
                target = create_poll(actor, process.region, dict(spec["poll"]))
            db.session.add(PhaseInstrument(phase=phase, kind=spec["kind"], target_id=target.id,
                                           follows_phase_dates=spec["follows_phase_dates"]))
    db.session.flush()


def update_process(actor, process, **changes):
    """Change title, summary or body; the body's HTML is rendered again."""
    require_moderator(actor, process.region)
    errors = {}
    clean = _clean_process(changes, errors)
    if errors:
        raise Invalid(_check(), errors)
    changed = sorted(key for key, value in clean.items() if getattr(process, key) != value)
    for key, value in clean.items():
        setattr(process, key, value)
    if "body" in clean:
        process.body_html = render_markdown(process.body)
    db.session.flush()
    if changed:
        record(actor, "process.updated", process, process.region, fields=changed)
    return process


def set_published(actor, process, published):
    require_moderator(actor, process.region)
    published = bool(published)
    if process.published != published:
        process.published = published
        db.session.flush()
        record(actor, "process.published" if published else "process.unpublished", process, process.region)
    return process


# --- phases ---------------------------------------------------------------------------------------

def _clean_phase(data, errors):
    clean = {}
    if "title" in data:
        clean["title"] = clean_text(data["title"] or "").strip()
        if not TITLE_MIN <= len(clean["title"]) <= TITLE_MAX:
            errors["title"] = [_("Der Titel muss 3 bis %(n)d Zeichen lang sein.", n=TITLE_MAX)]
    if "description" in data:
        clean["description"] = clean_text(data["description"] or "").strip()
        if len(clean["description"]) > PHASE_DESCRIPTION_MAX:
            errors["description"] = [_("Höchstens %(n)d Zeichen.", n=PHASE_DESCRIPTION_MAX)]
    for key in ("starts_at", "ends_at"):
        if key in data:
            clean[key] = data[key]
    return clean


def _check_dates(starts_at, ends_at, errors):
    if ends_at is not None and starts_at is None:
        errors["starts_at"] = [_("Eine Phase mit Ende braucht auch einen Beginn.")]
    elif starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("Das Ende muss nach dem Beginn liegen.")]


def _lock_order(process):
    """Changes of the phases' order of one process wait for each other (PostgreSQL: a row lock)."""
    db.session.execute(select(Process.id).where(Process.id == process.id).with_for_update())


def add_phase(actor, process, title, description="", starts_at=None, ends_at=None):
    """A new phase at the end of the process."""
    require_moderator(actor, process.region)
    _lock_order(process)
    errors = {}
    clean = _clean_phase({"title": title, "description": description, "starts_at": starts_at,
                          "ends_at": ends_at}, errors)
    _check_dates(starts_at, ends_at, errors)
    count, last = db.session.execute(select(func.count(), func.max(ProcessPhase.position))
                                     .where(ProcessPhase.process_id == process.id)).one()
    if count >= PHASES_MAX:
        errors.setdefault("title", []).append(_("Ein Prozess hat höchstens %(n)d Phasen.", n=PHASES_MAX))
    if errors:
        raise Invalid(_check(), errors)
    phase = ProcessPhase(process_id=process.id, position=(last or 0) + 1, **clean)
    try:
        db.session.add(phase)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Gleichzeitig wurde eine andere Phase angelegt. Bitte versuchen Sie es erneut.")) from None
    record(actor, "phase.created", phase, process.region, title=phase.title, process=process.title)
    return phase


def update_phase(actor, phase, **changes):
    """Change a phase; new dates go to the instruments that follow them, in the same transaction."""
    process = phase.process
    require_moderator(actor, process.region)
    errors = {}
    clean = _clean_phase(changes, errors)
    starts_at, ends_at = clean.get("starts_at", phase.starts_at), clean.get("ends_at", phase.ends_at)
    _check_dates(starts_at, ends_at, errors)
    if errors:
        raise Invalid(_check(), errors)
    changed = sorted(key for key, value in clean.items() if getattr(phase, key) != value)
    for key, value in clean.items():
        setattr(phase, key, value)
    followed = follow_phase_dates(phase) if {"starts_at", "ends_at"} & set(changed) else 0
    db.session.flush()
    if changed:
        record(actor, "phase.updated", phase, process.region, title=phase.title, fields=changed,
               instruments=followed)
    return phase


def delete_phase(actor, phase):
    """Delete a phase; its instruments leave the process (the consultations and polls stay)."""
    process = phase.process
    require_moderator(actor, process.region)
    record(actor, "phase.deleted", phase, process.region, title=phase.title, process=process.title)
    db.session.delete(phase)
    db.session.flush()


def move_phase(actor, phase, direction):
    """Swap the phase with its neighbour before (``"up"``) or after (``"down"``) it."""
    process = phase.process
    require_moderator(actor, process.region)
    if direction not in ("up", "down"):
        raise Invalid(_check(), {"direction": [_("Erlaubt: up, down.")]})
    _lock_order(process)
    db.session.refresh(phase)  # its position as it is now, after a move that ran before this one
    query = select(ProcessPhase).where(ProcessPhase.process_id == process.id)
    if direction == "up":
        query = query.where(ProcessPhase.position < phase.position).order_by(ProcessPhase.position.desc())
    else:
        query = query.where(ProcessPhase.position > phase.position).order_by(ProcessPhase.position)
    neighbour = db.session.scalars(query.limit(1)).first()
    if neighbour is None:
        raise Conflict(_("Die Phase steht schon am Anfang.") if direction == "up"
                       else _("Die Phase steht schon am Ende."))
    # UNIQUE(process_id, position): park one phase outside the range while the other takes its place.
    mine, theirs = phase.position, neighbour.position
    try:
        phase.position = -1
        db.session.flush()
        neighbour.position = mine
        db.session.flush()
        phase.position = theirs
        db.session.flush()
    except IntegrityError:  # another move of the same process at the same moment
        db.session.rollback()
        raise Conflict(_("Gleichzeitig wurde die Reihenfolge geändert. Bitte versuchen Sie es erneut.")) from None
    record(actor, "phase.moved", phase, process.region, title=phase.title, direction=direction)
    return phase


# --- header image ---------------------------------------------------------------------------------

def set_header_image(actor, process, data, alt, folder, limit_bytes=images.MAX_BYTES,
                     limit_pixels=images.MAX_PIXELS):
    """Check, re-encode and store a header image with its (required) alt text; returns the name of the
    file it replaces (for the caller to remove after the commit), or None."""
    require_moderator(actor, process.region)
    (encoded, extension, width, height), alt = images.checked(data, alt, IMAGE_ALT_MAX, limit_bytes, limit_pixels)
    previous = process.header_image
    process.header_image = images.write(folder, process.id, encoded, extension)
    process.header_image_alt, process.header_image_width, process.header_image_height = alt, width, height
    db.session.flush()
    record(actor, "process.image_set", process, process.region, alt=alt)
    return previous


def remove_header_image(actor, process):
    """Take the header image away; returns the file's name (for the caller to remove after the commit)."""
    require_moderator(actor, process.region)
    previous = process.header_image
    if previous is not None:
        process.header_image = process.header_image_alt = None
        process.header_image_width = process.header_image_height = None
        db.session.flush()
        record(actor, "process.image_removed", process, process.region)
    return previous
