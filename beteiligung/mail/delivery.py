"""Delivering stored mails: over SMTP (``MAIL_SERVER``) or, without one, as ``.eml`` files in the
outbox folder (``instance/outbox/`` by default), which is what ``make run`` does.

Exactly-once as far as we can know it: a delivery first *claims* a mail (pending → sending, one
UPDATE that only one worker can win), then sends, then records ``sent``. A second run of the same
job finds nothing to claim. A worker that dies between claim and record leaves the mail in
``sending``: it is never sent again by itself (it may have gone out); the delivery page shows it and
an administrator decides. A failed attempt puts the mail back to ``pending`` with the error; after
``MAIL_MAX_ATTEMPTS`` it is ``failed`` (dead letter) and stays visible to administrators.
"""

import contextlib
import json
import logging
import os
import smtplib
import ssl
import tempfile
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..jobs import RetryLater
from ..timeutil import utcnow
from .models import OutgoingMail

log = logging.getLogger(__name__)


class DeliveryFailed(RetryLater):
    """Some mails of a delivery run could not be sent (they wait for another attempt)."""


def outbox_dir(app=None):
    app = app or current_app
    return app.config.get("MAIL_OUTBOX") or os.path.join(app.instance_path, "outbox")


def build_message(mail, readable=False):
    """The mail as an EmailMessage. ``readable``: the parts as 8-bit text instead of quoted-printable,
    for the outbox folder, where a person reads the links in a text editor."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at.replace(tzinfo=UTC))
    domain = config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].strip("> ") or "localhost"
    # Stable per mail: a receiving server that sees the same mail twice can tell.
    message["Message-ID"] = f"<beteiligung-mail-{mail.id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    for name, value in json.loads(mail.headers or "{}").items():
        message[name] = value
    encoding = {"cte": "8bit"} if readable else {}
    message.set_content(mail.text_body, **encoding)
    message.add_alternative(mail.html_body, subtype="html", **encoding)
    return message


class _Outbox:
    """Writes each mail as an .eml file (the embedded default without an SMTP server)."""

    readable = True

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    def send(self, mail, message):
        name = f"{mail.created_at:%Y%m%d-%H%M%S}-{mail.id:08d}.eml"
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as f:
            f.write(message.as_bytes())
        os.replace(temporary, os.path.join(self.directory, name))

    def close(self):
        pass


class _Smtp:
    """One SMTP connection for a run of mails (opened on the first one)."""

    readable = False

    def __init__(self, config):
        self.config = config
        self.connection = None

    def _connect(self):
        config = self.config
        timeout = config["MAIL_TIMEOUT"]
        if config["MAIL_USE_SSL"]:
            connection = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        return connection

    def send(self, mail, message):
        if self.connection is None:
            self.connection = self._connect()
        self.connection.send_message(message)

    def close(self):
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def transport():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return _Smtp(config)
    return _Outbox(outbox_dir())


def _claim(mail_id):
    """Pending → sending for this run; False if another run has it or it is done."""
    claimed = db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.status == "pending")
        .values(status="sending", attempts=OutgoingMail.attempts + 1, claimed_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def deliver_mails(mail_ids):
    """Send the given mails (those still pending); raises DeliveryFailed if any attempt failed."""
    failed = 0
    sender = transport()
    try:
        for mail_id in mail_ids:
            if not _claim(mail_id):
                continue
            mail = db.session.get(OutgoingMail, mail_id)
            try:
                sender.send(mail, build_message(mail, readable=sender.readable))
            except (smtplib.SMTPException, OSError, ValueError) as error:
                failed += 1
                sender.close()
                _record_failure(mail, error)
            else:
                mail.status, mail.sent_at, mail.last_error = "sent", utcnow(), ""
                db.session.commit()
    finally:
        sender.close()
    if failed:
        raise DeliveryFailed(f"{failed} Mail(s) nicht zugestellt")


def _record_failure(mail, error):
    gave_up = mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    mail.status = "failed" if gave_up else "pending"
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    db.session.commit()
    log.warning("Mail %s an Versuch %s nicht zugestellt (%s)%s", mail.id, mail.attempts, mail.last_error,
                ", aufgegeben" if gave_up else "")


def deliver_mail(mail_id):
    """The job queued for each mail."""
    deliver_mails([mail_id])


def deliver_waiting(older_than_seconds=60, limit=1000):
    """Send pending mails whose job got lost (Redis was down, a process ended): ``flask mail deliver``.

    Returns (sent, failed) counts. Run from cron; the claim keeps two hosts from sending one mail twice.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    ids = list(db.session.scalars(select(OutgoingMail.id).where(
        OutgoingMail.status == "pending", OutgoingMail.created_at <= cutoff).order_by(OutgoingMail.id).limit(limit)))
    with contextlib.suppress(DeliveryFailed):
        deliver_mails(ids)
    sent = db.session.scalar(select(db.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.id.in_(ids), OutgoingMail.status == "sent")) if ids else 0
    return sent, len(ids) - sent


def retry(mail):
    """An administrator sends a failed (or stuck) mail once more."""
    from ..jobs import enqueue

    if mail.status not in ("failed", "sending"):
        return False
    mail.status, mail.attempts, mail.claimed_at = "pending", 0, None
    enqueue(deliver_mail, mail.id, job_id=f"mail:{mail.id}:retry:{utcnow():%Y%m%d%H%M%S}")
    return True
