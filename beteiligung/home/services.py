"""What the home page, the region pages and the archive show: what one can take part in now, what ends soon,
upcoming dates, live figures and what became of earlier input. Reading only, a fixed number of queries
whatever the size of the platform (each list is limited in SQL).

Four kinds of things to take part in: processes (with their current phase), consultations, polls and proposal
collections. A process runs while one of its phases is current; the others are open by their dates
(``DatedPublication``, polls by their status rule).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, extract, func, or_, select

from ..consultations.models import Consultation, ConsultationStatus
from ..consultations.services import consultation_query
from ..extensions import db
from ..measures.models import Measure, MeasureUpdate
from ..measures.services import _visible as visible_measures
from ..polls.models import Poll, PollStatus
from ..polls.services import poll_query
from ..processes.models import Process, ProcessPhase
from ..processes.services import process_query
from ..proposals.models import Proposal, ProposalCollection, ProposalStatus
from ..proposals.services import collection_query, proposal_query
from ..timeutil import utcnow

#: "ends soon": the next this many days
ENDING_DAYS = 14
#: how many items of each kind the lists read at most (the page shows fewer)
PER_KIND = 12

KIND_LABELS = {"process": _l("Beteiligungsprozess"), "consultation": _l("Beteiligung"), "poll": _l("Umfrage"),
               "collection": _l("Vorschlagssammlung")}
#: the archive's kinds (URL value → label), in the order of its tabs
ARCHIVE_KINDS = {"beteiligungen": _l("Beteiligungen"), "umfragen": _l("Umfragen"),
                 "vorschlagssammlungen": _l("Vorschlagssammlungen"), "prozesse": _l("Beteiligungsprozesse")}


@dataclass
class Item:
    """Something one can take part in (or could), as the lists show it."""

    kind: str
    id: int
    title: str
    summary: str
    url: str
    region: object
    status: str
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    #: a process's current phase (its title), a poll's kind …
    detail: str = ""

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    def ends_within(self, now, days=ENDING_DAYS):
        return self.closes_at is not None and now <= self.closes_at < now + timedelta(days=days)


@dataclass
class Date:
    """An upcoming date: something opens, or a phase of a process begins."""

    at: datetime
    text: str
    title: str
    url: str
    region: object


@dataclass
class Overview:
    open_items: list = field(default_factory=list)
    ending: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    #: how many things are open in all (``open_items`` holds at most PER_KIND of each kind)
    total: int = 0


def dated_condition(model, status, now):
    """SQL for ``DatedPublication.status_at(now) == status`` of a model with published, opens_at, closes_at."""
    published = model.published.is_(True)
    opened = or_(model.opens_at.is_(None), model.opens_at <= now)
    if status == ConsultationStatus.OPEN:
        return and_(published, opened, or_(model.closes_at.is_(None), model.closes_at > now))
    if status == ConsultationStatus.UPCOMING:
        return and_(published, model.opens_at > now)
    if status == ConsultationStatus.CLOSED:
        return and_(published, opened, model.closes_at <= now)
    return model.published.is_(False)


def _soonest_first(column):
    """Order: the soonest end first, open-ended ones last (the same on SQLite and PostgreSQL)."""
    return (column.is_(None), column)


def _consultation_item(consultation):
    return Item("consultation", consultation.id, consultation.title, consultation.summary,
                url_for("consultations.show", consultation_id=consultation.id), consultation.region,
                consultation.status, consultation.opens_at, consultation.closes_at)


def _poll_item(poll):
    from ..templating import POLL_KIND_LABELS

    return Item("poll", poll.id, poll.title, poll.description, url_for("polls.show", poll_id=poll.id), poll.region,
                poll.status, poll.opens_at, poll.closes_at, detail=str(POLL_KIND_LABELS.get(poll.kind, poll.kind)))


def _collection_item(collection):
    return Item("collection", collection.id, collection.title, "",
                url_for("proposals.collection", collection_id=collection.id), collection.region,
                collection.status, collection.opens_at, collection.closes_at)


def _running(viewer, region, now, *columns):
    """A select of ``columns`` over the processes the viewer may see, joined with their current phases."""
    processes = process_query(viewer, region).subquery()
    return (select(*columns).join(processes, processes.c.id == Process.id)
            .join(ProcessPhase, ProcessPhase.process_id == Process.id)
            .where(ProcessPhase.starts_at <= now, or_(ProcessPhase.ends_at.is_(None), ProcessPhase.ends_at > now)))


def _open_queries(viewer, region, now):
    """{kind: select of what is open now} for consultations, polls and collections, in no order."""
    return {
        "consultation": consultation_query(viewer, region, ConsultationStatus.OPEN).order_by(None),
        "poll": poll_query(viewer, region, PollStatus.OPEN).order_by(None),
        "collection": collection_query(viewer, region).where(
            dated_condition(ProposalCollection, ConsultationStatus.OPEN, now)).order_by(None),
    }


def _running_phases(now, region=None, viewer=None):
    """(process, its current phase) of the running processes the viewer may see, the soonest phase end first."""
    rows = db.session.execute(_running(viewer, region, now, Process, ProcessPhase).order_by(
        *_soonest_first(ProcessPhase.ends_at), ProcessPhase.position).limit(PER_KIND)).all()
    seen, found = set(), []
    for process, phase in rows:
        if process.id not in seen:
            seen.add(process.id)
            found.append((process, phase))
    return found


def open_count(viewer, region=None, now=None):
    """How many things are open now (a running process counted once), in one query: the lists read at most
    PER_KIND of each kind, so their length is no count."""
    now = now or utcnow()
    counts = [_running(viewer, region, now, func.count(func.distinct(Process.id))).scalar_subquery()]
    counts += [select(func.count()).select_from(query.subquery()).scalar_subquery()
               for query in _open_queries(viewer, region, now).values()]
    return sum(int(value or 0) for value in db.session.execute(select(*counts)).one())


def _process_item(process, phase):
    return Item("process", process.id, process.title, process.summary,
                url_for("processes.show", process_id=process.id), process.region, "running",
                phase.starts_at, phase.ends_at, detail=phase.title)


def open_items(viewer, region=None, now=None):
    """Everything open now (of a region, or of all), the soonest end first, open-ended ones last."""
    now = now or utcnow()
    items = [_process_item(process, phase) for process, phase in _running_phases(now, region, viewer)]
    queries = _open_queries(viewer, region, now)
    for kind, model, make in (("consultation", Consultation, _consultation_item), ("poll", Poll, _poll_item),
                              ("collection", ProposalCollection, _collection_item)):
        query = queries[kind].order_by(*_soonest_first(model.closes_at), model.id.desc()).limit(PER_KIND)
        items += [make(obj) for obj in db.session.scalars(query)]
    far = datetime.max
    return sorted(items, key=lambda item: (item.closes_at or far, item.kind, -item.id))


def varied(items, limit, per_kind=3):
    """The first ``limit`` items in their order, at most ``per_kind`` of each kind while others are left (so that
    the front shows processes, consultations, polls and collections alike); then the rest in order."""
    chosen, counts, rest = [], {}, []
    for item in items:
        if counts.get(item.kind, 0) < per_kind:
            chosen.append(item)
            counts[item.kind] = counts.get(item.kind, 0) + 1
        else:
            rest.append(item)
    chosen += rest
    order = {id(item): index for index, item in enumerate(items)}
    return sorted(chosen[:limit], key=lambda item: order[id(item)])


def upcoming_dates(viewer, region=None, now=None, limit=8):
    """The next dates: consultations and collections that open, phases of processes that begin."""
    now = now or utcnow()
    dates = []
    for consultation in db.session.scalars(consultation_query(viewer, region, ConsultationStatus.UPCOMING)
                                           .order_by(None).order_by(Consultation.opens_at).limit(limit)):
        dates.append(Date(consultation.opens_at, _l("Beteiligung beginnt"), consultation.title,
                          url_for("consultations.show", consultation_id=consultation.id), consultation.region))
    for collection in db.session.scalars(collection_query(viewer, region).where(
            dated_condition(ProposalCollection, ConsultationStatus.UPCOMING, now))
            .order_by(None).order_by(ProposalCollection.opens_at).limit(limit)):
        dates.append(Date(collection.opens_at, _l("Vorschlagssammlung beginnt"), collection.title,
                          url_for("proposals.collection", collection_id=collection.id), collection.region))
    processes = process_query(viewer, region).subquery()
    for process, phase in db.session.execute(
            select(Process, ProcessPhase).join(processes, processes.c.id == Process.id)
            .join(ProcessPhase, ProcessPhase.process_id == Process.id)
            .where(ProcessPhase.starts_at > now).order_by(ProcessPhase.starts_at).limit(limit)):
        dates.append(Date(phase.starts_at, _l("Phase „%(phase)s“ beginnt", phase=phase.title), process.title,
                          url_for("processes.show", process_id=process.id), process.region))
    return sorted(dates, key=lambda date: date.at)[:limit]


def overview(viewer, region=None, now=None):
    """Open items, those ending in the next ENDING_DAYS days, and the upcoming dates."""
    now = now or utcnow()
    items = open_items(viewer, region, now)
    return Overview(open_items=items, ending=[item for item in items if item.ends_within(now)],
                    dates=upcoming_dates(viewer, region, now), total=open_count(viewer, region, now))


# --- what became of it ----------------------------------------------------------------------------

@dataclass
class Outcome:
    """A result or a step of a measure: what became of earlier input."""

    kind: str  # "measure", "poll", "proposal"
    at: datetime
    title: str
    text: str
    url: str
    region: object
    progress: int | None = None
    #: the status's label, and the class of its badge (the design system's status badges)
    status: str = ""
    badge: str = ""


#: a measure's or a proposal's status → the badge that shows it
OUTCOME_BADGES = {"planned": "planned", "in_progress": "running", "done": "completed", "deferred": "closed",
                  "accepted": "accepted", "rejected": "rejected", "implemented": "completed"}


def outcomes(viewer, region=None, limit=6, now=None):
    """The latest results and measures: steps of measures, closed polls with public results, answered proposals."""
    from ..measures.services import status_label as measure_status
    from ..proposals.services import status_label as proposal_status

    now = now or utcnow()
    found = []
    updates = visible_measures(select(MeasureUpdate, Measure, Process)
                               .join(Measure, Measure.id == MeasureUpdate.measure_id)
                               .join(Process, Process.id == Measure.process_id), viewer)
    if region is not None:
        updates = updates.where(Process.region_id == region.id)
    for update, measure, process in db.session.execute(updates.order_by(MeasureUpdate.created_at.desc(),
                                                                        MeasureUpdate.id.desc()).limit(limit)):
        status = update.status or measure.status
        found.append(Outcome("measure", update.created_at, measure.title, update.body,
                             url_for("measures.show", measure_id=measure.id), process.region,
                             progress=update.progress if update.progress is not None else measure.progress,
                             status=str(measure_status(status)), badge=OUTCOME_BADGES.get(status, "")))
    polls = poll_query(viewer, region, PollStatus.CLOSED).order_by(None).order_by(
        Poll.closes_at.desc(), Poll.id.desc()).where(Poll.results_visibility != "moderators").limit(limit)
    for poll in db.session.scalars(polls):
        found.append(Outcome("poll", poll.closes_at or poll.created_at, poll.title,
                             _l("Die Umfrage ist beendet; die Ergebnisse sind veröffentlicht."),
                             url_for("polls.results", poll_id=poll.id), poll.region))
    answered = proposal_query(viewer, region=region).where(
        Proposal.answered_at.is_not(None),
        Proposal.status.in_([ProposalStatus.ACCEPTED.value, ProposalStatus.IMPLEMENTED.value,
                             ProposalStatus.REJECTED.value])).order_by(None).order_by(
        Proposal.answered_at.desc(), Proposal.id.desc()).limit(limit)
    for proposal in db.session.scalars(answered):
        found.append(Outcome("proposal", proposal.answered_at, proposal.title, proposal.answer,
                             url_for("proposals.show", proposal_id=proposal.id), proposal.collection.region,
                             status=str(proposal_status(proposal.status)),
                             badge=OUTCOME_BADGES.get(proposal.status, "")))
    found.sort(key=lambda outcome: outcome.at or now, reverse=True)
    return found[:limit]


# --- the archive ----------------------------------------------------------------------------------

def archive_query(kind, viewer, region=None, year=None, now=None):
    """The closed items of one kind (ARCHIVE_KINDS), the latest end first; ``year``: ended in that year."""
    now = now or utcnow()
    if kind == "umfragen":
        query, end = poll_query(viewer, region, PollStatus.CLOSED), Poll.closes_at
    elif kind == "vorschlagssammlungen":
        query = collection_query(viewer, region).where(
            dated_condition(ProposalCollection, ConsultationStatus.CLOSED, now))
        end = ProposalCollection.closes_at
    elif kind == "prozesse":
        # Finished: it has phases, and none of them is current or to come.
        ongoing = select(ProcessPhase.id).where(ProcessPhase.process_id == Process.id, or_(
            ProcessPhase.starts_at.is_(None), ProcessPhase.starts_at > now, ProcessPhase.ends_at.is_(None),
            ProcessPhase.ends_at > now))
        last_end = select(func.max(ProcessPhase.ends_at)).where(
            ProcessPhase.process_id == Process.id).scalar_subquery()
        query = process_query(viewer, region).where(
            exists().where(ProcessPhase.process_id == Process.id), ~exists(ongoing))
        end = last_end
    else:
        query, end = consultation_query(viewer, region, ConsultationStatus.CLOSED), Consultation.closes_at
    if year is not None:
        query = query.where(extract("year", end) == year)
    model = query.column_descriptions[0]["entity"]
    return query.order_by(None).order_by(end.desc(), model.id.desc())


def archive_item(kind, obj):
    if kind == "umfragen":
        return _poll_item(obj)
    if kind == "vorschlagssammlungen":
        return _collection_item(obj)
    if kind == "prozesse":
        phases = obj.phases
        return Item("process", obj.id, obj.title, obj.summary, url_for("processes.show", process_id=obj.id),
                    obj.region, "finished", phases[0].starts_at if phases else None,
                    max((p.ends_at for p in phases if p.ends_at), default=None))
    return _consultation_item(obj)


# --- a region's page ------------------------------------------------------------------------------

def region_processes(viewer, region, now=None, limit=20):
    """(running and upcoming, finished) processes of the region the viewer may see, each as (process, status),
    with their phases loaded in one more query."""
    from sqlalchemy.orm import selectinload

    now = now or utcnow()
    found = db.session.scalars(process_query(viewer, region).options(selectinload(Process.phases))
                               .limit(limit)).all()
    current, finished = [], []
    for process in found:
        status = process.status_at(now)
        (finished if status == "finished" else current).append((process, status))
    return current, finished
