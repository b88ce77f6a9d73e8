"""Writing mails: rendered in the recipient's language, stored in ``outgoing_mails`` in the caller's
transaction, and handed to a background job once that transaction commits (beteiligung.jobs).

Templates: ``templates/mail/<name>.txt`` (the plain-text part) and ``templates/mail/<name>.html``
(the HTML part, extending ``mail/_layout.html``). Both are required: every mail has both parts.
"""

import json
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db, savepoint
from ..timeutil import utcnow
from .models import OutgoingMail

LOCALES = ("de", "en")
MAX_SUBJECT = 300


def render_mail(template, subject, context=None, locale="de"):
    """(subject, text, html) of a mail template in ``locale``."""
    locale = locale if locale in LOCALES else "de"
    context = dict(context or {})
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", subject=str(subject() if callable(subject) else subject),
                               **context)
        title = str(subject() if callable(subject) else subject)
    return " ".join(title.split())[:MAX_SUBJECT], text, html


def send_mail(to, template, subject, *, context=None, locale="de", key=None, headers=None):
    """Store a mail for delivery after the current transaction commits; returns the row.

    With ``key`` (an idempotency key) a mail that was queued before under the same key is not queued
    again: None is returned and nothing is sent.
    """
    from ..jobs import enqueue
    from .delivery import deliver_mail

    if key is not None:
        key = str(key)[:200]
        if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.key == key)) is not None:
            return None
    title, text, html = render_mail(template, subject, context, locale)
    mail = OutgoingMail(key=key, recipient=to, subject=title, text_body=text, html_body=html,
                        headers=json.dumps(headers or {}), status="pending", attempts=0, last_error="")
    try:
        with savepoint():
            db.session.add(mail)
    except IntegrityError:
        return None  # the same key was queued at the same moment by someone else
    enqueue(deliver_mail, mail.id, job_id=f"mail:{mail.id}")
    return mail


def send_mails(mails):
    """Many mails at once (a notification fan-out): one query for the keys used already, one INSERT, and one
    delivery job for all of them (one SMTP connection). ``mails``: dicts with send_mail's arguments (``to``,
    ``template``, ``subject``, ``context``, ``locale``, ``key``, ``headers``). Returns the keys of the mails
    queued now (a key queued before is skipped, as with send_mail)."""
    from ..jobs import enqueue
    from .delivery import deliver_mails

    mails = [dict(mail, key=str(mail["key"])[:200]) for mail in mails if mail.get("key") is not None]
    if not mails:
        return []
    used = set()
    keys = [mail["key"] for mail in mails]
    for start in range(0, len(keys), 500):
        used.update(db.session.scalars(select(OutgoingMail.key).where(OutgoingMail.key.in_(keys[start:start + 500]))))
    rows, queued = [], []
    for mail in mails:
        if mail["key"] in used:
            continue
        used.add(mail["key"])
        title, text, html = render_mail(mail["template"], mail["subject"], mail.get("context"),
                                        mail.get("locale") or "de")
        rows.append({"key": mail["key"], "recipient": mail["to"], "subject": title, "text_body": text,
                     "html_body": html, "headers": json.dumps(mail.get("headers") or {}), "status": "pending",
                     "attempts": 0, "last_error": "", "created_at": utcnow()})
        queued.append(mail["key"])
    if not rows:
        return []
    try:
        with savepoint():
            ids = list(db.session.scalars(insert(OutgoingMail).returning(OutgoingMail.id), rows))
    except IntegrityError:
        # Another run queued some of the same keys in this moment: one by one, skipping those.
        return [mail["key"] for mail in mails if mail["key"] in queued and send_mail(
            mail["to"], mail["template"], mail["subject"], context=mail.get("context"), locale=mail.get("locale"),
            key=mail["key"], headers=mail.get("headers")) is not None]
    enqueue(deliver_mails, sorted(ids), job_id=f"mails:{min(ids)}-{max(ids)}")
    return queued


DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def _base_url():
    return current_app.config.get("BASE_URL") or DEFAULT_BASE_URL


def external_url(endpoint, **values):
    """An absolute URL for a link in a mail, in a request and outside one (BASE_URL)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(_base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def absolute_url(path):
    """A path of this site ("/prozesse/3") as an absolute URL: the request's host in a request, BASE_URL
    outside one (jobs, cron). Anything else (an absolute URL, an empty value) is returned as it is."""
    if not path or not path.startswith("/"):
        return path
    base = request.host_url if has_request_context() else _base_url()
    return base.rstrip("/") + path
