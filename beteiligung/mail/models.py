"""Mails waiting for delivery, sent, or given up (the dead letters an administrator sees)."""

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

MAIL_STATUSES = ("pending", "sending", "sent", "failed")


class OutgoingMail(db.Model):
    """One mail, stored in the transaction of what caused it and delivered after its commit.

    ``pending``: waits for delivery (again, after a failed attempt); ``sending``: a delivery claimed it
    (a worker that dies here leaves it so: it is never sent twice, an administrator decides);
    ``sent``; ``failed``: every attempt failed (dead letter).
    """

    __tablename__ = "outgoing_mails"
    __table_args__ = (CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="mail_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: idempotency key: the same key is never queued twice
    key: Mapped[str] = mapped_column(String(200), unique=True, nullable=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: extra headers as JSON (List-Unsubscribe …)
    headers: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    claimed_at: Mapped[object] = mapped_column(db.DateTime, nullable=True)
    sent_at: Mapped[object] = mapped_column(db.DateTime, nullable=True)


class JobFailure(db.Model):
    """A background job that failed after its last retry (dead-letter record)."""

    __tablename__ = "job_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(200))
    args: Mapped[str] = mapped_column(Text, default="[]")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=1)
    failed_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
