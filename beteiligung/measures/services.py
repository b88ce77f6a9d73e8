"""Measures: the rules, for pages, the API and the demo alike.

Writers check who may act (policy: the moderators of the process's region), validate, write, flush and
record an audit entry; the caller commits. Readers never write; each reads in a fixed number of queries
whatever the number of measures and links.
"""

import csv
import io
from collections import defaultdict
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..mail import absolute_url
from ..markup import clean_text, render_markdown
from ..policy import can_moderate, require_moderator, visible_where
from ..processes.models import Process
from ..processes.services import get_process, timeline
from ..timeutil import isoformat, utcnow
from .links import link_kinds
from .models import (
    DESCRIPTION_MAX,
    LINKS_MAX,
    OFFICE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    UPDATE_MAX,
    UPDATE_MIN,
    Measure,
    MeasureLink,
    MeasureStatus,
    MeasureUpdate,
)

STATUS_LABELS = {MeasureStatus.PLANNED: _l("Geplant"), MeasureStatus.IN_PROGRESS: _l("In Umsetzung"),
                 MeasureStatus.DONE: _l("Umgesetzt"), MeasureStatus.DEFERRED: _l("Zurückgestellt")}


def status_label(status):
    return str(STATUS_LABELS.get(status, status))


def _check():
    return _("Bitte prüfen Sie die markierten Angaben.")


# --- reading --------------------------------------------------------------------------------------

def _visible(query, viewer):
    """Only measures of processes the viewer may see: published ones, drafts for their region's moderators."""
    return query.where(visible_where(viewer, Process.published.is_(True), Process.region_id))


def measure_query(viewer=None, process_id=None, region=None):
    """Measures the viewer may see, by process and then in the order they were made."""
    query = select(Measure).join(Process, Process.id == Measure.process_id)
    if process_id is not None:
        query = query.where(Measure.process_id == process_id)
    if region is not None:
        query = query.where(Process.region_id == region.id)
    return _visible(query, viewer).order_by(Measure.process_id.desc(), Measure.id)


def get_measure(viewer, measure_id):
    """A measure of a process the viewer may see (else NotFound)."""
    measure = db.session.get(Measure, measure_id) if isinstance(measure_id, int) else None
    if measure is None:
        raise NotFound(_("Diese Maßnahme gibt es nicht."))
    try:
        get_process(viewer, measure.process_id)
    except NotFound:
        raise NotFound(_("Diese Maßnahme gibt es nicht.")) from None
    return measure


def measures_of(process):
    """The process's measures with their links and updates, in three queries."""
    return list(db.session.scalars(select(Measure).where(Measure.process_id == process.id)
                                   .options(selectinload(Measure.links), selectinload(Measure.updates))
                                   .order_by(Measure.id)))


def measure_list(process):
    """The process's measures for its page, in one query."""
    return list(db.session.scalars(select(Measure).where(Measure.process_id == process.id).order_by(Measure.id)))


class LinkEntry:
    """A link as pages and the JSON show it."""

    def __init__(self, link, kind, target):
        self.link, self.kind, self.target = link, kind, target
        self.title = kind.title(target)
        self.url = kind.url(target)
        self.label = str(kind.label)


def resolve_links(measures, viewer):
    """{measure id: [LinkEntry]}: one query per kind of input; the public sees only public inputs, and
    inputs that no longer exist (or whose plugin is not loaded) are left out."""
    kinds = link_kinds()
    wanted = defaultdict(set)
    for measure in measures:
        for link in measure.links:
            wanted[link.kind].add(link.target_id)
    moderators = {}
    targets = {}
    for key, ids in wanted.items():
        kind = kinds.get(key)
        if kind is not None:
            targets[key] = kind.load(sorted(ids))
    result = {}
    for measure in measures:
        region = measure.process.region
        if region.id not in moderators:
            moderators[region.id] = can_moderate(viewer, region)
        entries = []
        for link in measure.links:
            target = targets.get(link.kind, {}).get(link.target_id)
            if target is not None and (moderators[region.id] or kinds[link.kind].is_public(target)):
                entries.append(LinkEntry(link, kinds[link.kind], target))
        result[measure.id] = entries
    return result


def measures_from(wanted, viewer=None):
    """{(kind, target id): [(measure id, title, status, progress)]}: what became of these inputs ("Daraus
    wurde"; ``wanted``: {kind: ids}), in one query whatever the number of kinds and inputs; only measures of
    processes the viewer may see."""
    conditions = []
    for kind, ids in wanted.items():
        ids = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)})
        if ids:
            conditions.append((MeasureLink.kind == kind) & MeasureLink.target_id.in_(ids))
    if not conditions:
        return {}
    query = (select(MeasureLink.kind, MeasureLink.target_id, Measure.id, Measure.title, Measure.status,
                    Measure.progress)
             .join(Measure, Measure.id == MeasureLink.measure_id).join(Process, Process.id == Measure.process_id)
             .where(or_(*conditions)).order_by(Measure.id))
    found = defaultdict(list)
    for kind, target_id, *row in db.session.execute(_visible(query, viewer)).all():
        found[(kind, target_id)].append(tuple(row))
    return dict(found)


def status_counts(process_ids):
    """{process id: {status: count}} of these processes' measures, in one query."""
    if not process_ids:
        return {}
    counts = defaultdict(dict)
    for process_id, status, count in db.session.execute(
            select(Measure.process_id, Measure.status, func.count()).where(Measure.process_id.in_(process_ids))
            .group_by(Measure.process_id, Measure.status)).all():
        counts[process_id][status] = count
    return dict(counts)


def process_summaries(region, viewer, limit=10):
    """[(process, {status: count})] for the region page: the newest processes the viewer may see, each with
    its measures counted by status, in two queries."""
    from ..processes.services import process_query

    found = list(db.session.scalars(process_query(viewer, region).limit(limit)))
    counts = status_counts([process.id for process in found])
    return [(process, counts.get(process.id, {})) for process in found]


# --- writing --------------------------------------------------------------------------------------

def _progress(value, errors):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except (TypeError, ValueError):
            errors["progress"] = [_("Bitte geben Sie den Fortschritt als ganze Zahl von 0 bis 100 an.")]
            return None
    if not 0 <= value <= 100:
        errors["progress"] = [_("Der Fortschritt liegt zwischen 0 und 100 Prozent.")]
        return None
    return value


def _status(value, errors):
    if value not in {member.value for member in MeasureStatus}:
        errors["status"] = [_("Erlaubt: %(values)s.", values=", ".join(member.value for member in MeasureStatus))]
        return None
    return str(value)


def _clean(data, errors):
    clean = {}
    if "title" in data:
        clean["title"] = clean_text(data["title"] or "").strip()
        if not TITLE_MIN <= len(clean["title"]) <= TITLE_MAX:
            errors["title"] = [_("Der Titel muss 3 bis %(n)d Zeichen lang sein.", n=TITLE_MAX)]
    if "description" in data:
        clean["description"] = clean_text(data["description"] or "").strip()
        if len(clean["description"]) > DESCRIPTION_MAX:
            errors["description"] = [_("Höchstens %(n)d Zeichen.", n=DESCRIPTION_MAX)]
    if "office" in data:
        clean["office"] = clean_text(data["office"] or "").strip()
        if len(clean["office"]) > OFFICE_MAX:
            errors["office"] = [_("Höchstens %(n)d Zeichen.", n=OFFICE_MAX)]
    if "status" in data:
        clean["status"] = _status(data["status"], errors)
    if "progress" in data:
        clean["progress"] = _progress(data["progress"], errors)
    for key in ("starts_on", "ends_on"):
        if key in data:
            value = data[key]
            if value is not None and not isinstance(value, date):
                errors[key] = [_("Bitte geben Sie ein Datum an.")]
            elif value is not None and not 2000 <= value.year <= 2199:
                errors[key] = [_("Datum zwischen den Jahren 2000 und 2199 erwartet.")]
            clean[key] = value
    return clean


def _check_dates(starts_on, ends_on, errors):
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on and "ends_on" not in errors:
        errors["ends_on"] = [_("Das Ende darf nicht vor dem Beginn liegen.")]


def _targets(process, pairs, errors):
    """[(kind, target id, title)] for these (kind, id) pairs, each an input of the process's region."""
    kinds = link_kinds()
    pairs = list(dict.fromkeys((kind, target_id) for kind, target_id in pairs))
    if len(pairs) > LINKS_MAX:
        errors["links"] = [_("Höchstens %(n)d Verknüpfungen.", n=LINKS_MAX)]
        return []
    wanted = defaultdict(list)
    for kind, target_id in pairs:
        if kind not in kinds:
            errors.setdefault("links", []).append(_("Diese Art von Eingabe gibt es nicht: %(kind)s.", kind=kind))
        elif isinstance(target_id, bool) or not isinstance(target_id, int):
            errors.setdefault("links", []).append(_("Bitte geben Sie die Nummer der Eingabe an."))
        else:
            wanted[kind].append(target_id)
    found = {key: kinds[key].load(ids) for key, ids in wanted.items()}
    result = []
    for kind, target_id in pairs:
        target = found.get(kind, {}).get(target_id)
        if kind in wanted and (target is None or kinds[kind].region_id(target) != process.region_id):
            errors.setdefault("links", []).append(
                _("%(kind)s Nr. %(id)s gibt es in der Region dieses Prozesses nicht.", kind=kinds[kind].label,
                  id=target_id))
        elif target is not None:
            result.append((kind, target_id, kinds[kind].title(target)))
    return result


def create_measure(actor, process, title, description="", office="", status=MeasureStatus.PLANNED.value,
                   progress=0, starts_on=None, ends_on=None, links=()):
    """A new measure of the process, linked to the inputs it came from (``links``: (kind, id) pairs)."""
    require_moderator(actor, process.region)
    errors = {}
    clean = _clean({"title": title, "description": description, "office": office, "status": status,
                    "progress": progress, "starts_on": starts_on, "ends_on": ends_on}, errors)
    _check_dates(clean["starts_on"], clean["ends_on"], errors)
    targets = _targets(process, links or (), errors)
    if errors:
        raise Invalid(_check(), errors)
    measure = Measure(process_id=process.id, created_by_id=actor.id,
                      description_html=render_markdown(clean["description"]), **clean)
    db.session.add(measure)
    db.session.flush()
    for kind, target_id, _title in targets:
        db.session.add(MeasureLink(measure_id=measure.id, kind=kind, target_id=target_id))
    db.session.flush()
    record(actor, "measure.created", measure, process.region, title=measure.title, process=process.title,
           links=len(targets))
    return measure


def update_measure(actor, measure, **changes):
    """Change a measure's fields; ``links`` (when given) replaces its links."""
    process = measure.process
    require_moderator(actor, process.region)
    errors = {}
    links = changes.pop("links", None)
    clean = _clean(changes, errors)
    _check_dates(clean.get("starts_on", measure.starts_on), clean.get("ends_on", measure.ends_on), errors)
    targets = _targets(process, links, errors) if links is not None else None
    if errors:
        raise Invalid(_check(), errors)
    changed = sorted(key for key, value in clean.items() if getattr(measure, key) != value)
    for key, value in clean.items():
        setattr(measure, key, value)
    if "description" in clean:
        measure.description_html = render_markdown(measure.description)
    if targets is not None and _replace_links(measure, targets):
        changed.append("links")
    db.session.flush()
    if changed:
        record(actor, "measure.updated", measure, process.region, title=measure.title, fields=changed)
    return measure


def _replace_links(measure, targets):
    wanted = {(kind, target_id) for kind, target_id, _title in targets}
    present = {(link.kind, link.target_id): link for link in measure.links}
    for key, link in present.items():
        if key not in wanted:
            measure.links.remove(link)
    for kind, target_id in sorted(wanted - set(present)):
        measure.links.append(MeasureLink(kind=kind, target_id=target_id))
    return wanted != set(present)


def add_link(actor, measure, kind, target_id):
    """Link one more input to the measure (nothing changes if it is linked already)."""
    pairs = [(link.kind, link.target_id) for link in measure.links] + [(kind, target_id)]
    return update_measure(actor, measure, links=pairs)


def remove_link(actor, measure, link_id):
    link = next((link for link in measure.links if link.id == link_id), None)
    if link is None:
        raise NotFound(_("Diese Verknüpfung gibt es nicht."))
    pairs = [(other.kind, other.target_id) for other in measure.links if other.id != link_id]
    return update_measure(actor, measure, links=pairs)


def delete_measure(actor, measure):
    process = measure.process
    require_moderator(actor, process.region)
    record(actor, "measure.deleted", measure, process.region, title=measure.title, process=process.title)
    db.session.delete(measure)
    db.session.flush()


def add_update(actor, measure, body, status=None, progress=None):
    """A dated entry in the measure's log; a status or progress given becomes the measure's."""
    process = measure.process
    require_moderator(actor, process.region)
    errors = {}
    body = clean_text(body or "").strip()
    if not UPDATE_MIN <= len(body) <= UPDATE_MAX:
        errors["body"] = [_("Der Text muss 3 bis %(n)d Zeichen lang sein.", n=UPDATE_MAX)]
    status = _status(status, errors) if status is not None and status != "" else None
    progress = _progress(progress, errors) if progress is not None and progress != "" else None
    if errors:
        raise Invalid(_check(), errors)
    status = status if status is not None and status != measure.status else None
    progress = progress if progress is not None and progress != measure.progress else None
    update = MeasureUpdate(measure_id=measure.id, body=body, status=status, progress=progress, author_id=actor.id)
    if status is not None:
        measure.status = status
    if progress is not None:
        measure.progress = progress
    measure.updated_at = utcnow()
    db.session.add(update)
    db.session.flush()
    record(actor, "measure.progress", measure, process.region, title=measure.title, status=status,
           progress=progress)
    from ..notifications.fanout import emit, followers, link

    emit("measure_updated", followers(("process", process.id)),
         {"title": process.title, "measure": measure.title, "progress": measure.progress},
         link("measures.show", measure_id=measure.id), update.id, actor=actor)
    return update


# --- JSON and export ------------------------------------------------------------------------------

def link_to_json(entry):
    return {"id": entry.link.id, "kind": entry.link.kind, "target_id": entry.link.target_id, "title": entry.title,
            "url": absolute_url(entry.url)}


def update_to_json(update, staff=False):
    """An entry of the log; who wrote it only for the moderation (privacy: staff work)."""
    data = {"id": update.id, "body": update.body, "status": update.status, "progress": update.progress,
            "created_at": isoformat(update.created_at)}
    if staff:
        data["author"] = update.author.pseudonym if update.author is not None else None
    return data


def measure_to_json(measure, links, with_updates=True, staff=False):
    data = {
        "id": measure.id,
        "process_id": measure.process_id,
        "title": measure.title,
        "description": measure.description,
        "description_html": measure.description_html,
        "office": measure.office,
        "status": measure.status,
        "status_label": status_label(measure.status),
        "progress": measure.progress,
        "starts_on": measure.starts_on.isoformat() if measure.starts_on else None,
        "ends_on": measure.ends_on.isoformat() if measure.ends_on else None,
        "updated_at": isoformat(measure.updated_at),
        "url": url_for("measures.show", measure_id=measure.id, _external=True),
        "links": [link_to_json(entry) for entry in links],
    }
    if with_updates:
        data["updates"] = [update_to_json(update, staff) for update in measure.updates]
    return data


def export_process(process, viewer):
    """Everything about a process as one JSON-ready dict: its phases with their instruments and counts, its
    measures with their links and log."""
    from ..processes.schemas import process_to_json

    now = utcnow()
    rows = timeline(process, viewer, now)
    data = process_to_json(process, now, [phase for phase, _status, _entries in rows])
    data["exported_at"] = isoformat(now)
    data["phases"] = [{
        "number": number, "title": phase.title, "description": phase.description,
        "starts_at": isoformat(phase.starts_at), "ends_at": isoformat(phase.ends_at), "status": str(status),
        "instruments": [{"kind": entry.instrument.kind, "id": entry.instrument.target_id, "title": entry.title,
                         "status": entry.status, "opens_at": isoformat(entry.opens_at),
                         "closes_at": isoformat(entry.closes_at), "count": entry.count,
                         "url": absolute_url(entry.url)} for entry in entries],
    } for number, (phase, status, entries) in enumerate(rows, start=1)]
    measures = measures_of(process)
    links = resolve_links(measures, viewer)
    staff = can_moderate(viewer, process.region)
    data["measures"] = [measure_to_json(measure, links[measure.id], staff=staff) for measure in measures]
    return data


CSV_COLUMNS = ("record", "phase", "kind", "id", "title", "status", "progress", "count", "starts", "ends",
               "author", "text", "url")


def export_csv(data):
    """The export as CSV: one row per process, phase, instrument, measure, link and update (``record``)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)

    def row(**values):
        writer.writerow([_safe(values.get(column)) for column in CSV_COLUMNS])

    row(record="process", id=data["id"], title=data["title"], status=data["status"], text=data["summary"],
        url=data["url"])
    for phase in data["phases"]:
        row(record="phase", phase=phase["number"], title=phase["title"], status=phase["status"],
            starts=phase["starts_at"], ends=phase["ends_at"], text=phase["description"])
        for instrument in phase["instruments"]:
            row(record="instrument", phase=phase["number"], kind=instrument["kind"], id=instrument["id"],
                title=instrument["title"], status=instrument["status"], count=instrument["count"],
                starts=instrument["opens_at"], ends=instrument["closes_at"], url=instrument["url"])
    for measure in data["measures"]:
        row(record="measure", id=measure["id"], title=measure["title"], status=measure["status"],
            progress=measure["progress"], starts=measure["starts_on"], ends=measure["ends_on"],
            text=measure["office"], url=measure["url"])
        for link in measure["links"]:
            row(record="link", kind=link["kind"], id=link["target_id"], title=link["title"], url=link["url"])
        for update in measure["updates"]:
            row(record="update", id=update["id"], status=update["status"], progress=update["progress"],
                starts=update["created_at"], author=update.get("author"), text=update["body"])
    return out.getvalue()


def _safe(value):
    """A cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
