"""Emitting an event and fanning it out: notification rows by INSERT … SELECT in batches, then mails.

A service calls ``emit`` once, in its own transaction. ``emit`` records the event's key (so an event
is emitted once, even when two hosts run the same job) and queues the fan-out as a background job
that runs after the commit: no request waits for 50,000 followers. The fan-out inserts the rows in
batches of ``BATCH`` recipients (by user id, each batch one INSERT … SELECT, committed on its own)
and queues one mail job per batch; a job that runs again inserts and mails nothing twice (unique
(event_key, user_id), mail key ``notif:<id>``).
"""

import functools
import json

from sqlalchemy import and_, exists, insert, literal, or_, select, union, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User, region_moderators
from ..extensions import db
from ..mail import absolute_url, send_mails
from ..timeutil import utcnow
from .events import get_kind, kinds
from .models import Follow, Notification, NotificationEvent, NotificationPreference

BATCH = 1000
MAX_URL = 500


def followers(*targets):
    """Recipients: the followers of any of the targets, each a ``(target_type, target_id)`` pair
    (e.g. a poll and its region); an account that follows several of them gets one notification."""
    pairs = [[str(target_type), int(target_id)] for target_type, target_id in targets if target_id is not None]
    return {"follows": pairs}


def process_of(kind, target_id):
    """``("process", id)`` of the process whose phase holds the instrument (a consultation, poll …), for
    ``followers``; ``("process", None)`` (left out) when it is in no phase."""
    from ..processes.models import PhaseInstrument, ProcessPhase

    process_id = db.session.scalar(select(ProcessPhase.process_id).join(
        PhaseInstrument, PhaseInstrument.phase_id == ProcessPhase.id).where(
        PhaseInstrument.kind == kind, PhaseInstrument.target_id == target_id))
    return ("process", process_id)


def moderators_of(region):
    """Recipients: the moderators of the region."""
    ids = db.session.scalars(select(region_moderators.c.user_id).where(region_moderators.c.region_id == region.id))
    return {"users": sorted(set(ids))}


def _normalise(recipients):
    if isinstance(recipients, dict) and set(recipients) <= {"users", "follows"}:
        return {"users": [int(i) for i in recipients.get("users", ())],
                "follows": [[str(t), int(i)] for t, i in recipients.get("follows", ())]}
    ids = [getattr(item, "id", item) for item in recipients if item is not None]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise TypeError("recipients: followers(…), moderators_of(…), or user ids / User objects")
    return {"users": sorted(set(ids)), "follows": []}


def emit(kind, recipients, params, url, key, actor=None, exclude=()):
    """Notify ``recipients`` of an event of ``kind``, once per ``key`` (e.g. the comment's id).

    Call it from a service, inside its transaction: nothing is sent if that transaction rolls back.
    ``params`` (JSON) fill the kind's sentence; ``url`` is the page the notification leads to (a path
    or an absolute URL); ``actor`` (the account that caused it) is never notified, nor the accounts in
    ``exclude`` (ids; e.g. those that another notification of the same act reaches). Returns whether the
    event was new.
    """
    from ..jobs import enqueue

    get_kind(kind)  # an unknown kind is a programming error: fail loudly
    event_key = f"{kind}:{key}"[:200]
    spec = _normalise(recipients)
    params = json.loads(json.dumps(params or {}, default=str))
    url = str(url or "")[:MAX_URL]
    if not url.startswith(("/", "http://", "https://")) or url.startswith("//"):
        url = ""  # a notification links to a page of ours or a web address, nothing else
    try:
        with db.session.begin_nested():
            db.session.add(NotificationEvent(key=event_key))
    except IntegrityError:
        return False
    if not spec["users"] and not spec["follows"]:
        return True
    actor_id = getattr(actor, "id", actor) if actor is not None else None
    spec["exclude"] = sorted({int(getattr(item, "id", item)) for item in exclude if item is not None})
    enqueue(fan_out, event_key, kind, spec, params, url, actor_id, job_id=f"notify:{event_key}")
    return True


def recipients_query(kind, spec, actor_id=None):
    """A select() of one column, ``user_id``: the distinct accounts the event reaches (audience applied).

    Followers come from the (target_type, target_id, user_id) index, in user id order."""
    parts = []
    if spec.get("users"):
        parts.append(select(User.id.label("user_id")).where(User.id.in_(spec["users"])))
    if spec.get("follows"):
        followed = or_(*[and_(Follow.target_type == target_type, Follow.target_id == target_id)
                         for target_type, target_id in spec["follows"]])
        parts.append(select(Follow.user_id.label("user_id")).where(followed))
    if not parts:
        return select(User.id.label("user_id")).where(literal(False))
    candidates = (union(*parts) if len(parts) > 1 else parts[0].distinct()).subquery("candidates")
    query = select(candidates.c.user_id)
    if actor_id is not None:
        query = query.where(candidates.c.user_id != actor_id)
    if spec.get("exclude"):
        query = query.where(candidates.c.user_id.not_in(spec["exclude"]))
    if get_kind(kind).audience == "moderators":
        query = query.join(User, User.id == candidates.c.user_id).where(User.role.in_(("moderator", "admin")))
    return query


def fan_out(event_key, kind, spec, params, url, actor_id):
    """The background job: notification rows for every recipient, batch by batch, then the mail jobs."""
    from ..jobs import enqueue

    if db.session.get(NotificationEvent, event_key) is None:
        return  # the transaction that emitted it rolled back: the event never happened
    recipients = recipients_query(kind, spec, actor_id).subquery("recipients")
    params_text = json.dumps(params, ensure_ascii=False)
    lower, batch = 0, 0
    while True:
        upper = db.session.scalar(select(recipients.c.user_id).where(recipients.c.user_id > lower)
                                  .order_by(recipients.c.user_id).offset(BATCH - 1).limit(1))
        insert_batch(event_key, kind, params_text, url, recipients, lower, upper)
        enqueue(mail_batch, event_key, lower, upper, job_id=f"notify-mail:{event_key}:{batch}")
        db.session.commit()
        if upper is None:
            return
        lower, batch = upper, batch + 1


def insert_batch(event_key, kind, params_text, url, recipients, lower, upper):
    """One INSERT … SELECT: the recipients (a subquery with ``user_id``) with lower < id <= upper (upper None:
    all above) that have no notification of this event yet. Returns the number of rows inserted."""
    user_id = recipients.c.user_id
    source = select(user_id, literal(kind), literal(params_text), literal(url), literal(event_key),
                    literal(utcnow())).where(user_id > lower)
    if upper is not None:
        source = source.where(user_id <= upper)
    source = source.where(~exists().where(Notification.event_key == event_key, Notification.user_id == user_id))
    return db.session.execute(insert(Notification).from_select(
        ["user_id", "kind", "params", "url", "event_key", "created_at"], source)).rowcount


def _preference_join():
    return and_(NotificationPreference.user_id == Notification.user_id,
                NotificationPreference.kind == Notification.kind)


def wants(channel):
    """SQL: the notification's account gets mails of its kind by ``channel`` (stored choice or default);
    needs notification_preferences outer-joined with ``_preference_join``."""
    defaults = [key for key, kind in kinds().items() if kind.default_channel == channel]
    stored = NotificationPreference.channel == channel
    return or_(stored, and_(NotificationPreference.channel.is_(None), Notification.kind.in_(defaults))) \
        if defaults else stored


def mail_batch(event_key, lower, upper):
    """The background job: one mail per notification of the batch whose account wants it at once."""
    query = (select(Notification, User).join(User, User.id == Notification.user_id)
             .outerjoin(NotificationPreference, _preference_join())
             .where(Notification.event_key == event_key, Notification.user_id > lower,
                    Notification.emailed_at.is_(None), User.email_confirmed_at.is_not(None), wants("immediate"))
             .order_by(Notification.user_id))
    if upper is not None:
        query = query.where(Notification.user_id <= upper)
    rows = db.session.execute(query).all()
    queued = set(send_mails([notification_mail(notification, user) for notification, user in rows]))
    mailed = [notification.id for notification, user in rows if f"notif:{notification.id}" in queued]
    if mailed:
        db.session.execute(update(Notification).where(Notification.id.in_(mailed)).values(emailed_at=utcnow()))
    return len(mailed)


def unsubscribe_headers(user_id, kind_key):
    from ..mail import external_url
    from .services import unsubscribe_token

    link = external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, kind_key))
    return link, {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def link(endpoint, _anchor=None, **values):
    """The path of a page, for a notification's url: in a request and outside one (the scheduled job)."""
    from flask import current_app

    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{path}#{_anchor}" if _anchor else path


def stamp(value):
    return value.replace(microsecond=0).isoformat()


def poll_event(kind, poll, actor=None, moment=None):
    """A poll's event (poll_opened, poll_closing, poll_closed, results_published) for the followers of
    the poll, of its region, of its consultation and of the process that holds it; once per poll (and
    ``moment``, when given)."""
    targets = [("poll", poll.id), ("region", poll.region_id), process_of("poll", poll.id)]
    if poll.consultation_id is not None:
        targets.append(("consultation", poll.consultation_id))
    key = f"{poll.id}:{stamp(moment)}" if moment is not None else poll.id
    return emit(kind, followers(*targets), {"title": poll.title}, link("polls.show", poll_id=poll.id), key,
                actor=actor)


def poll_closed_event(poll, actor=None):
    """A poll closed: its results become public now (after_close) → results_published, else poll_closed."""
    kind = "results_published" if poll.results_visibility == "after_close" else "poll_closed"
    return poll_event(kind, poll, actor=actor)


def notification_mail(notification, user):
    """The mail of one notification, as send_mails takes it (key ``notif:<id>``: never twice)."""
    from ..mail import external_url

    kind = get_kind(notification.kind)
    params = json.loads(notification.params or "{}")
    link, headers = unsubscribe_headers(user.id, notification.kind)
    context = {"user": user, "kind": kind, "params": params, "url": absolute_url(notification.url),
               "unsubscribe_url": link, "settings_url": external_url("notifications.settings")}
    return {"to": user.email, "template": "notification", "subject": functools.partial(kind.text, params),
            "context": context, "locale": user.locale, "key": f"notif:{notification.id}", "headers": headers}
