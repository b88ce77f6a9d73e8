"""Signed links for mails (confirm an address, reset a password, confirm a new address, unsubscribe).

A link carries a signed payload and its time; each purpose has its own salt, so a link made for one
purpose opens nothing else. Single use comes from the payload: it names what the link changes (the
address to confirm, a digest of the current password hash …), and once that has changed the link no
longer matches (see the callers). No table is needed.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was altered, cut short, or made for another purpose."""


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"beteiligung.{purpose}")


def make_link_token(purpose, payload):
    """A URL-safe token carrying ``payload`` (JSON-able) for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read_link_token(purpose, token, max_age_seconds):
    """The payload of a token made for ``purpose`` no older than ``max_age_seconds``.

    Raises LinkExpired or LinkInvalid; never anything else, whatever the input.
    """
    if not isinstance(token, str) or not token or len(token) > 2000:
        raise LinkInvalid
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise LinkExpired from None
    except (BadSignature, ValueError, TypeError, UnicodeError):
        raise LinkInvalid from None
