"""Follows, the notification centre and preferences: what an account sees and chooses.

Emitting events and the fan-out to followers live in ``fanout``; the time-driven events and the
daily digest in ``schedule``.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, literal, select, union_all, update
from sqlalchemy.exc import IntegrityError

from ..accounts.links import LinkExpired, LinkInvalid, make_link_token, read_link_token
from ..errors import Invalid, NotFound
from ..extensions import db
from ..pagination import paginate
from ..policy import require_login
from ..timeutil import utcnow
from .events import get_kind, kinds
from .fanout import (  # noqa: F401 - what other services call
    emit,
    followers,
    link,
    moderators_of,
    poll_closed_event,
    poll_event,
)
from .models import CHANNELS, TARGET_TYPES, Follow, Notification, NotificationPreference

#: the target types one can follow
FOLLOWABLE = ("consultation", "poll", "region", "process")
UNSUBSCRIBE_PURPOSE = "unsubscribe"
#: unsubscribe links in mails keep working for years (RFC 8058 asks for no expiry we would notice)
UNSUBSCRIBE_MAX_AGE = 10 * 365 * 24 * 3600


# --- follows -------------------------------------------------------------------------------------

def resolve_target(user, target_type, target_id):
    """The consultation, poll, region or process a follow names, as the user may see it; NotFound otherwise."""
    if target_type == "consultation":
        from ..consultations.services import get_consultation

        consultation = get_consultation(user, target_id)
        if not consultation.published:
            raise NotFound(_("Diese Beteiligung gibt es nicht oder sie ist nicht veröffentlicht."))
        return consultation
    if target_type == "poll":
        from ..polls.services import get_poll

        poll = get_poll(user, target_id)
        if poll.status == "draft":
            raise NotFound(_("Diese Umfrage gibt es nicht oder sie ist noch nicht veröffentlicht."))
        return poll
    if target_type == "region":
        from ..regions.models import Region

        region = db.session.get(Region, target_id) if isinstance(target_id, int) else None
        if region is None:
            raise NotFound(unknown_region_message())
        return region
    if target_type == "process":
        from ..processes.services import get_process

        process = get_process(user, target_id)
        if not process.published:
            raise NotFound(_("Diesen Beteiligungsprozess gibt es nicht oder er ist nicht veröffentlicht."))
        return process
    raise NotFound(_("Dem können Sie nicht folgen."))


def unknown_region_message():
    return _("Diese Region gibt es nicht.")


def _own_follow(user, target_type, target_id):
    return db.session.scalar(select(Follow).where(Follow.user_id == user.id, Follow.target_type == target_type,
                                                  Follow.target_id == target_id))


def follow(user, target_type, target, automatic=False):
    """The user follows the target (a Consultation, Poll or Region); following twice changes nothing.

    A follow made by hand stays when the author later comments (it is not turned automatic)."""
    require_login(user)
    if target_type not in TARGET_TYPES:
        raise Invalid(_("Dem können Sie nicht folgen."), {"target_type": [_("Unbekannte Art.")]})
    existing = _own_follow(user, target_type, target.id)
    if existing is not None:
        if existing.automatic and not automatic:
            existing.automatic = False
            db.session.flush()
        return existing
    row = Follow(user_id=user.id, target_type=target_type, target_id=target.id, automatic=bool(automatic))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same follow was stored a moment ago (a double click)
        return _own_follow(user, target_type, target.id)
    return row


def unfollow(user, target_type, target_id):
    """The user no longer follows; returns whether a follow was removed."""
    require_login(user)
    removed = db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.target_type == target_type,
                                                      Follow.target_id == target_id)).rowcount
    return bool(removed)


def follow_automatically(user, target_type, target):
    """Called by services when an account takes part (writes a comment): follows if the account wants it."""
    if getattr(user, "auto_follow", False):
        follow(user, target_type, target, automatic=True)


def is_following(user, target_type, target_id):
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, Follow.target_type == target_type,
                                                     Follow.target_id == target_id)) is not None


@dataclass
class Followed:
    follow: Follow
    title: str
    endpoint: str
    values: dict


def follows_of(user):
    """What the user follows, newest first, each with its title and the page to link (``url_for(endpoint,
    **values)``); follows whose target is gone are left out. At most five queries whatever the number."""
    from ..consultations.models import Consultation
    from ..polls.models import Poll
    from ..processes.models import Process
    from ..regions.models import Region

    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                              .order_by(Follow.created_at.desc(), Follow.id.desc())).all()
    by_type = {}
    for row in rows:
        by_type.setdefault(row.target_type, []).append(row.target_id)
    titles = {}
    for target_type, model, column, endpoint, key in (
            ("consultation", Consultation, Consultation.title, "consultations.show", "consultation_id"),
            ("poll", Poll, Poll.title, "polls.show", "poll_id"),
            ("region", Region, Region.name, "regions.show", "region_slug"),
            ("process", Process, Process.title, "processes.show", "process_id")):
        ids = by_type.get(target_type)
        if not ids:
            continue
        value = Region.slug if target_type == "region" else model.id
        for target_id, title, url_value in db.session.execute(select(model.id, column, value).where(model.id.in_(ids))):
            titles[(target_type, target_id)] = (title, endpoint, {key: url_value})
    found = []
    for row in rows:
        known = titles.get((row.target_type, row.target_id))
        if known is not None:
            found.append(Followed(row, known[0], known[1], known[2]))
    return found


def set_auto_follow(user, enabled):
    require_login(user)
    user.auto_follow = bool(enabled)
    db.session.flush()


# --- the notification centre -----------------------------------------------------------------------

def params_of(notification):
    try:
        params = json.loads(notification.params or "{}")
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


def sentence(notification):
    """The notification's sentence in the current language."""
    try:
        kind = get_kind(notification.kind)
    except KeyError:  # a plugin that defined the kind was uninstalled
        return _("Benachrichtigung (%(kind)s)", kind=notification.kind)
    return kind.text(params_of(notification))


def account_state(user):
    """(unread count, {(target_type, target_id)} followed) of an account in ONE query, for the pages'
    navigation and follow buttons (the follows come from the (user_id, target_type, target_id) index)."""
    unread = select(literal("unread").label("target_type"), func.count(Notification.id).label("target_id")) \
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    followed = select(Follow.target_type, Follow.target_id).where(Follow.user_id == user.id)
    count, targets = 0, set()
    for target_type, target_id in db.session.execute(union_all(unread, followed)):
        if target_type == "unread":
            count = target_id
        else:
            targets.add((target_type, target_id))
    return count, targets


def unread_count(user):
    """One query on the (user_id, read_at, id) index."""
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id,
                                                                       Notification.read_at.is_(None)))


def notifications_page(user, page=1, per_page=20):
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    result = paginate(query, page, per_page)
    if result.page > result.pages:
        result = paginate(query, result.pages, per_page)
    return result


def recent_notifications(user, limit=10):
    """The user's newest notifications (read or not), newest first."""
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id.desc()).limit(limit)).all()


def get_own_notification(user, notification_id):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("Diese Benachrichtigung gibt es nicht."))
    return notification


def mark_read(user, notification):
    require_login(user)
    if notification.user_id != user.id:
        raise NotFound(_("Diese Benachrichtigung gibt es nicht."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user):
    """Returns the number of notifications marked."""
    require_login(user)
    return db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                         Notification.read_at.is_(None))
                              .values(read_at=utcnow())).rowcount


# --- preferences ---------------------------------------------------------------------------------

def preferences(user):
    """{kind: channel} for every kind the account may receive (defaults filled in)."""
    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {key: stored.get(key, kind.default_channel) for key, kind in kinds().items()
            if kind.audience != "moderators" or user.role in ("moderator", "admin")}


def set_preference(user, kind_key, channel):
    if kind_key not in kinds():
        raise Invalid(_("Diese Art von Benachrichtigung gibt es nicht."), {kind_key: [_("Unbekannte Art.")]})
    if channel not in CHANNELS:
        raise Invalid(_("Bitte wählen Sie sofort, täglich oder aus."), {kind_key: [_("Unbekannte Auswahl.")]})
    row = db.session.get(NotificationPreference, (user.id, kind_key))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(NotificationPreference(user_id=user.id, kind=kind_key, channel=channel))
            return
        except IntegrityError:
            row = db.session.get(NotificationPreference, (user.id, kind_key))
    row.channel = channel
    db.session.flush()


def set_preferences(user, choices):
    """Store several choices at once ({kind: channel}); all are checked before any is stored."""
    require_login(user)
    for kind_key, channel in choices.items():
        if kind_key not in kinds() or channel not in CHANNELS:
            raise Invalid(_("Bitte wählen Sie für jede Art sofort, täglich oder aus."),
                          {kind_key: [_("Unbekannte Auswahl.")]})
    for kind_key, channel in choices.items():
        set_preference(user, kind_key, channel)


# --- unsubscribe ---------------------------------------------------------------------------------

def unsubscribe_token(user_id, kind_key):
    return make_link_token(UNSUBSCRIBE_PURPOSE, {"u": user_id, "k": kind_key})


def read_unsubscribe_token(token):
    """(user, kind key) of a genuine token; NotFound for a bad, altered or foreign one."""
    from ..accounts.models import User

    try:
        payload = read_link_token(UNSUBSCRIBE_PURPOSE, token, UNSUBSCRIBE_MAX_AGE)
    except (LinkExpired, LinkInvalid):
        payload = None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    kind_key = payload.get("k") if isinstance(payload, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if user is None or kind_key not in kinds():
        raise NotFound(_("Dieser Abmeldelink ist ungültig. Ihre Einstellungen finden Sie nach der Anmeldung "
                         "unter „Benachrichtigungen“."))
    return user, kind_key


def unsubscribe(token):
    """One-click unsubscribe (RFC 8058): the kind named by the token is set to off for its account."""
    user, kind_key = read_unsubscribe_token(token)
    set_preference(user, kind_key, "off")
    return user, kind_key
