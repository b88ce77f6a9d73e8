"""Follows, notifications, each account's choice per kind, and the events already emitted."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

#: what can be followed ("process" is reserved for the processes to come)
TARGET_TYPES = ("consultation", "poll", "region", "process")
#: how an account gets the mails of a kind; every kind is shown in the notification centre
CHANNELS = ("immediate", "digest", "off")


def _in(column, values):
    return CheckConstraint(f"{column} IN ({', '.join(repr(value) for value in values)})", name=column)


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        _in("target_type", TARGET_TYPES),
        # Fan-out: every follower of one target, in user id order (the batches), from the index alone.
        Index("ix_follows_target", "target_type", "target_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column()
    #: made by writing a comment (auto-follow), not by the button
    automatic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The unread count and the paginated list of one account.
        Index("ix_notifications_user_read", "user_id", "read_at", "id"),
        # One notification per event and account, also when a fan-out job runs again.
        UniqueConstraint("event_key", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    #: JSON: what the sentence needs (titles, names, the reason)
    params: Mapped[str] = mapped_column(Text, default="{}")
    url: Mapped[str] = mapped_column(String(500), default="")
    #: the emitted event this notification belongs to (notification_events.key)
    event_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    read_at: Mapped[object | None] = mapped_column(db.DateTime)
    #: mailed (immediately or in a digest); stays empty when the account does not want mails of the kind
    emailed_at: Mapped[object | None] = mapped_column(db.DateTime)


class NotificationPreference(db.Model):
    """An account's channel for one kind; no row means the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (_in("channel", CHANNELS),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class NotificationEvent(db.Model):
    """An event that was emitted: its key is inserted once, so two hosts never emit it twice."""

    __tablename__ = "notification_events"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
