"""Which polls a person may see, and a poll's status: derived from its dates, recorded by the job."""

from flask_babel import gettext as _
from sqlalchemy import and_, not_, or_, select, update
from sqlalchemy.orm import joinedload

from ... import events
from ...errors import NotAllowed, NotFound
from ...extensions import db
from ...notifications import services as notifications
from ...policy import can_moderate, visible_where
from ...timeutil import utcnow
from ..models import Poll, PollStatus, Question, ResultsVisibility


def status_condition(status, now):
    """SQL for Poll.status_at(now) == status."""
    started = or_(Poll.state == PollStatus.OPEN, and_(Poll.opens_at.is_not(None), Poll.opens_at <= now))
    ended = and_(Poll.closes_at.is_not(None), Poll.closes_at <= now)
    if status == PollStatus.CLOSED:
        return or_(Poll.state == PollStatus.CLOSED, and_(started, ended))
    if status == PollStatus.OPEN:
        return and_(Poll.state != PollStatus.CLOSED, started, not_(ended))
    return and_(Poll.state == PollStatus.DRAFT, not_(started))


def poll_query(user, region=None, status=None, consultation=None):
    """Polls a user may see: everything but drafts, and drafts of regions they moderate."""
    now = utcnow()
    query = select(Poll)
    if region is not None:
        query = query.where(Poll.region_id == region.id)
    if consultation is not None:
        query = query.where(Poll.consultation_id == consultation.id)
    if status is not None:
        query = query.where(status_condition(status, now))
    query = query.where(visible_where(user, not_(status_condition(PollStatus.DRAFT, now)), Poll.region_id))
    return query.order_by(Poll.created_at.desc(), Poll.id.desc())


def settle(poll):
    """Record a change of status that the poll's dates caused, and tell the plugins of a closing.

    Only the scheduled job calls this (``flask polls settle``); pages and the API derive the
    status from the dates when they read, and never write. Each change is a conditional UPDATE,
    so when two hosts run the job at the same time only one of them records it and fires
    ``poll_closed``: exactly once. Returns whether this call recorded a change.
    """
    status = poll.status
    if status == poll.state:
        return False
    if status == PollStatus.OPEN:
        changed = db.session.execute(update(Poll).where(Poll.id == poll.id, Poll.state == PollStatus.DRAFT)
                                     .values(state=PollStatus.OPEN, opened_at=poll.opens_at)).rowcount
        if changed:
            db.session.refresh(poll)
            notifications.poll_event("poll_opened", poll)
        return bool(changed)
    if status == PollStatus.CLOSED:
        changed = db.session.execute(update(Poll).where(Poll.id == poll.id, Poll.state != PollStatus.CLOSED)
                                     .values(state=PollStatus.CLOSED, closed_at=poll.closes_at)).rowcount
        if changed:
            db.session.refresh(poll)
            events.notify("poll_closed", poll.region, poll=poll)
            notifications.poll_closed_event(poll)
        return bool(changed)
    return False


def settle_due_polls():
    """The scheduled job: record every poll whose dates opened or closed it, one commit per poll.

    Returns the number of polls this run changed (another host's run may have taken some).
    """
    now = utcnow()
    due = or_(and_(Poll.state == PollStatus.DRAFT, not_(status_condition(PollStatus.DRAFT, now))),
              and_(Poll.state == PollStatus.OPEN, status_condition(PollStatus.CLOSED, now)))
    ids = db.session.scalars(select(Poll.id).where(due).order_by(Poll.id)).all()
    changed = 0
    for poll_id in ids:
        poll = db.session.get(Poll, poll_id)
        if poll is not None and settle(poll):
            changed += 1
        db.session.commit()
    return changed


def get_poll(user, poll_id, with_questions=False):
    """The poll if the user may see it (NotFound otherwise); ``with_questions``: its questions and their
    options come in the same query (for taking part, which reads them all)."""
    if with_questions:
        poll = db.session.scalars(select(Poll).where(Poll.id == poll_id).options(
            joinedload(Poll.questions).joinedload(Question.options))).unique().first()
    else:
        poll = db.session.get(Poll, poll_id)
    if poll is None or (poll.status == PollStatus.DRAFT and not can_moderate(user, poll.region)):
        raise NotFound(_("Diese Umfrage gibt es nicht oder sie ist noch nicht veröffentlicht."))
    return poll


def can_see_results(user, poll):
    if can_moderate(user, poll.region):
        return True
    status = poll.status
    if status == PollStatus.DRAFT or poll.results_visibility == ResultsVisibility.MODERATORS:
        return False
    return poll.results_visibility == ResultsVisibility.LIVE or status == PollStatus.CLOSED


def require_results_visible(user, poll):
    if not can_see_results(user, poll):
        if poll.results_visibility == ResultsVisibility.MODERATORS:
            raise NotAllowed(_("Die Ergebnisse dieser Umfrage sehen nur die Moderatorinnen und Moderatoren."))
        raise NotAllowed(_("Die Ergebnisse werden nach dem Ende der Umfrage veröffentlicht."))
