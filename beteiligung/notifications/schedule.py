"""Time-driven notifications (a consultation or poll opens, closes in 48 hours, closes) and the daily
digest. Only the scheduled commands call these (``flask notifications run`` each minute, ``flask
notifications digest`` daily): a page never writes. Each event is emitted once per key, so two hosts
running the same command at the same time emit it once."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update

from ..accounts.models import User
from ..consultations.models import Consultation
from ..extensions import db
from ..polls.models import Poll, PollStatus
from ..polls.services import status_condition
from ..timeutil import utcnow
from .fanout import _preference_join, emit, followers, link, poll_event, process_of, stamp, wants
from .models import Notification, NotificationPreference

#: events older than this are not announced any more (a job that did not run for a while, a first run)
LOOKBACK = timedelta(days=2)
SOON = timedelta(hours=48)
#: notifications older than this do not go into a digest (a kind switched from off to daily later)
DIGEST_WINDOW = timedelta(days=2)


def consultation_targets(consultation):
    return followers(("consultation", consultation.id), ("region", consultation.region_id),
                     process_of("consultation", consultation.id))


def _consultation_event(kind, consultation, moment):
    return emit(kind, consultation_targets(consultation), {"title": consultation.title},
                link("consultations.show", consultation_id=consultation.id), f"{consultation.id}:{stamp(moment)}")


def run_due(now=None):
    """Emit every time-driven event that is due; one commit per event. Returns the number emitted."""
    now = now or utcnow()
    since, soon = now - LOOKBACK, now + SOON
    emitted = 0
    published = Consultation.published.is_(True)
    not_closed = or_(Consultation.closes_at.is_(None), Consultation.closes_at > now)
    started = or_(Consultation.opens_at.is_(None), Consultation.opens_at <= now)
    jobs = [
        ("consultation_opened", "opens_at", and_(published, Consultation.opens_at > since,
                                                 Consultation.opens_at <= now, not_closed)),
        ("consultation_closing", "closes_at", and_(published, started, Consultation.closes_at > now,
                                                   Consultation.closes_at <= soon)),
        ("consultation_closed", "closes_at", and_(published, Consultation.closes_at > since,
                                                  Consultation.closes_at <= now)),
    ]
    for kind, column, condition in jobs:
        for consultation in db.session.scalars(select(Consultation).where(condition).order_by(Consultation.id)).all():
            emitted += bool(_consultation_event(kind, consultation, getattr(consultation, column)))
            db.session.commit()
    emitted += _phases_started(since, now)
    closing = and_(status_condition(PollStatus.OPEN, now), Poll.closes_at > now, Poll.closes_at <= soon)
    for poll in db.session.scalars(select(Poll).where(closing).order_by(Poll.id)).all():
        emitted += bool(poll_event("poll_closing", poll, moment=poll.closes_at))
        db.session.commit()
    return emitted


def send_digests(now=None):
    """One summary mail per account with digest notifications not mailed yet; once per account and day
    (mail key ``digest:<user>:<date>``). Returns the number of mails queued."""
    now = now or utcnow()
    day = now.date().isoformat()
    pending = (select(Notification.user_id)
               .outerjoin(NotificationPreference, _preference_join())
               .where(Notification.emailed_at.is_(None), Notification.created_at > now - DIGEST_WINDOW,
                      wants("digest")))
    user_ids = db.session.scalars(select(User.id).where(User.id.in_(pending), User.email_confirmed_at.is_not(None))
                                  .order_by(User.id)).all()
    sent = 0
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        rows = db.session.scalars(select(Notification).outerjoin(NotificationPreference, _preference_join())
                                  .where(Notification.user_id == user_id, Notification.emailed_at.is_(None),
                                         Notification.created_at > now - DIGEST_WINDOW, wants("digest"))
                                  .order_by(Notification.id)).all()
        if rows and send_digest_mail(user, rows, day):
            db.session.execute(update(Notification).where(Notification.id.in_([n.id for n in rows]))
                               .values(emailed_at=now))
            sent += 1
        db.session.commit()
    return sent


def send_digest_mail(user, notifications, day):
    from ..mail import absolute_url, external_url, send_mail
    from .services import sentence

    link_url = external_url("notifications.index")
    count = len(notifications)

    def subject():
        return _l("Ihre Benachrichtigungen vom %(day)s (%(count)d)", day=day, count=count)

    def items():
        return [{"text": sentence(n), "url": absolute_url(n.url)} for n in notifications]

    context = {"user": user, "items": items, "centre_url": link_url,
               "settings_url": external_url("notifications.settings")}
    mail = send_mail(user.email, "digest", subject, context=context, locale=user.locale,
                     key=f"digest:{user.id}:{day}")
    return mail is not None



def consultation_published(consultation, now=None):
    """A consultation published while it is open already: its followers (and its region's) hear that it
    opened. The event key is the scheduled job's (the start, or the creation when it has no start), so
    nobody hears it twice; one published before its start is left to the scheduled job."""
    now = now or utcnow()
    if consultation.opens_at is not None and consultation.opens_at > now:
        return None
    if consultation.closes_at is not None and consultation.closes_at <= now:
        return None
    return _consultation_event("consultation_opened", consultation, consultation.opens_at or consultation.created_at)


def _phases_started(since, now):
    """Phases of published processes that began since the last look: their process's followers hear it."""
    from ..processes.models import Process, ProcessPhase

    emitted = 0
    started = db.session.execute(
        select(ProcessPhase, Process).join(Process, Process.id == ProcessPhase.process_id)
        .where(Process.published.is_(True), ProcessPhase.starts_at > since, ProcessPhase.starts_at <= now)
        .order_by(ProcessPhase.id)).all()
    for phase, process in started:
        emitted += bool(emit("phase_started", followers(("process", process.id)),
                             {"title": process.title, "phase": phase.title},
                             link("processes.show", process_id=process.id), f"{phase.id}:{stamp(phase.starts_at)}"))
        db.session.commit()
    return emitted
