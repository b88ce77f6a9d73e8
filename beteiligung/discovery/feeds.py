"""Feeds: the dates of phases and polls as iCalendar (RFC 5545), new processes as Atom (RFC 4287).

Written with the standard library: a small iCalendar writer (escaping, folding at 75 octets, CRLF)
and xml.etree for Atom. Only published things: published processes' phases, polls that are not drafts.
"""

import xml.etree.ElementTree as ET

from sqlalchemy import not_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..polls.models import Poll, PollStatus
from ..polls.services.status import status_condition
from ..processes.models import PhaseInstrument, Process, ProcessPhase
from ..timeutil import isoformat, utcnow

ATOM_ENTRIES = 30
ATOM = "http://www.w3.org/2005/Atom"


# --- iCalendar ----------------------------------------------------------------------------------------

def ical_text(value):
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(char for char in value if char == "\n" or char == "\t" or ord(char) >= 32 and char != "\x7f")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ical_time(value):
    """A naive UTC datetime as a UTC DATE-TIME (form 2)."""
    return value.strftime("%Y%m%dT%H%M%SZ")


def fold(line):
    """A content line folded into lines of at most 75 octets (RFC 5545 3.1), never inside a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    pieces, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line begins with a space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


class Event:
    def __init__(self, uid, stamp, start, end, summary, description, url):
        self.uid, self.stamp, self.start, self.end = uid, stamp, start, end
        self.summary, self.description, self.url = summary, description, url


def calendar(name, events):
    """The iCalendar document of the events (a str with CRLF line ends)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Beteiligung NRW//Termine//DE", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:" + ical_text(name)]
    for event in events:
        lines += ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + ical_time(event.stamp),
                  "DTSTART:" + ical_time(event.start)]
        if event.end is not None and event.end > event.start:
            lines.append("DTEND:" + ical_time(event.end))
        lines.append("SUMMARY:" + ical_text(event.summary))
        if event.description:
            lines.append("DESCRIPTION:" + ical_text(event.description))
        if event.url:
            lines.append("URL:" + event.url)
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _uid(kind, id_, host):
    return f"{kind}-{id_}@{host}"


def phase_events(processes, host, absolute_url):
    """Events of the dated phases of these (published) processes."""
    events = []
    for process in processes:
        for phase in process.phases:
            if phase.starts_at is None:
                continue
            events.append(Event(_uid("phase", phase.id, host), process.updated_at or process.created_at,
                                phase.starts_at, phase.ends_at, f"{process.title}: {phase.title}",
                                phase.description, absolute_url("processes.show", process_id=process.id)))
    return events


def poll_events(polls, host, absolute_url):
    """Events of public polls: from opening to closing (a poll opened by hand: from then)."""
    events = []
    for poll in polls:
        start = poll.opens_at or poll.opened_at
        if start is None:
            continue
        end = poll.closes_at or poll.closed_at
        stamp = max(moment for moment in (poll.created_at, poll.opened_at, poll.closed_at) if moment is not None)
        events.append(Event(_uid("poll", poll.id, host), stamp, start, end, poll.title, poll.description,
                            absolute_url("polls.show", poll_id=poll.id)))
    return events


def _public_polls(query):
    return db.session.scalars(query.where(not_(status_condition(PollStatus.DRAFT, utcnow())))
                              .order_by(Poll.id)).all()


def region_dates(region):
    """(published processes with their phases, public polls) of a region."""
    processes = db.session.scalars(select(Process).options(selectinload(Process.phases)).where(
        Process.region_id == region.id, Process.published.is_(True)).order_by(Process.id)).all()
    polls = _public_polls(select(Poll).where(Poll.region_id == region.id))
    return processes, polls


def process_dates(process):
    """The public polls that are instruments of the process's phases."""
    return _public_polls(select(Poll).join(PhaseInstrument, (PhaseInstrument.kind == "poll")
                                           & (PhaseInstrument.target_id == Poll.id))
                         .join(ProcessPhase, ProcessPhase.id == PhaseInstrument.phase_id)
                         .where(ProcessPhase.process_id == process.id))


# --- Atom -----------------------------------------------------------------------------------------------

def new_processes(region):
    return db.session.scalars(select(Process).where(Process.region_id == region.id, Process.published.is_(True))
                              .order_by(Process.created_at.desc(), Process.id.desc()).limit(ATOM_ENTRIES)).all()


def new_proposals(region):
    """The newest published proposals of the region's published collections."""
    from ..proposals.models import Proposal, ProposalCollection, ProposalState

    return db.session.scalars(select(Proposal).join(ProposalCollection, ProposalCollection.id == Proposal.collection_id)
                              .where(ProposalCollection.region_id == region.id, ProposalCollection.published.is_(True),
                                     Proposal.state == ProposalState.PUBLISHED.value)
                              .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(ATOM_ENTRIES)).all()


def _stamp(value):
    return isoformat(value)


def atom(feed_id, title, self_url, page_url, author, updated, entries):
    """An Atom feed document (bytes). ``entries``: dicts with id, title, url, summary, published, updated."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", _xml_safe(title))
    sub(feed, "updated", _stamp(updated))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    sub(sub(feed, "author"), "name", author)
    for entry in entries:
        element = sub(feed, "entry")
        sub(element, "id", entry["id"])
        sub(element, "title", _xml_safe(entry["title"]))
        sub(element, "link", rel="alternate", type="text/html", href=entry["url"])
        sub(element, "published", _stamp(entry["published"]))
        sub(element, "updated", _stamp(entry["updated"]))
        if entry.get("summary"):
            sub(element, "summary", _xml_safe(entry["summary"]), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _xml_safe(text):
    """Text without the characters XML 1.0 cannot hold (control characters other than tab and breaks)."""
    return "".join(char for char in text if char in "\t\n\r" or ord(char) >= 32 and not 0xD800 <= ord(char) <= 0xDFFF
                   and char not in "\ufffe\uffff")


def feed_updated(region, entries):
    moments = [entry["updated"] for entry in entries] or [region.created_at]
    return max(moments)

