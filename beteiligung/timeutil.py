"""Time in one convention: naive UTC in the database, Europe/Berlin on pages."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Berlin")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc(value):
    """A datetime from a form or JSON (aware, or naive local time) as naive UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC).replace(tzinfo=None)


def to_local(value):
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def isoformat(value):
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"
