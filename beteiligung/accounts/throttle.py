"""Guessing passwords: failed log-ins are counted per account, with a wait that grows.

Each attempt is counted on one key (table ``login_throttles``):

- ``account:<id>``: attempts at an account from a client that never logged in to it;
- ``device:<id>:<digest>``: attempts from a browser that logged in to this account before (it carries the
  signed device cookie). A stranger's failures fill the account's key and block strangers only:
  the owner's own browser is counted on its own key and still gets in with the right password;
- ``address:<digest>``: attempts at an address that has no account, counted exactly like an
  account's, so that the answers (401, then 429 with a wait) do not tell which addresses exist.

After ``LOGIN_FAILURES_BEFORE_WAIT`` failures the key must wait 1, 2, 4 … minutes (at most
``LOGIN_WAIT_MAX_MINUTES``) before the next attempt is even checked; the owner gets one mail when
the wait first starts. A correct password ends the count of the key it was given on. Counting is
one atomic upsert, so failures sent at the same moment all count.

The per-client-address limit of flask_limiter (LOGIN_RATE_LIMIT) stays in front of all this.
"""

import math
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import timeutil
from ..errors import DomainError
from ..extensions import db, limiter
from . import services
from .links import LinkExpired, LinkInvalid, make_link_token, read_link_token
from .models import LoginThrottle, User
from .services import digest

DEVICE_COOKIE = "beteiligung_device"
DEVICE_PURPOSE = "login-device"
#: accounts one browser is remembered for (the most recent ones)
MAX_DEVICE_ACCOUNTS = 5


class LoginBlocked(DomainError):
    """Too many failed log-ins on this key: the attempt was not checked. ``retry_after`` in seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, seconds):
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(ngettext(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie %(num)d Minute, bevor Sie es erneut "
            "versuchen, oder setzen Sie Ihr Passwort zurück.",
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie %(num)d Minuten, bevor Sie es erneut "
            "versuchen, oder setzen Sie Ihr Passwort zurück.", minutes))
        self.retry_after = max(1, math.ceil(seconds))


# --- the device cookie: which accounts this browser has logged in to ---

def read_devices(cookie_value):
    """{account id: secret} from a device cookie; {} when it is missing, altered or too old."""
    if not cookie_value:
        return {}
    try:
        payload = read_link_token(DEVICE_PURPOSE, cookie_value,
                                  current_app.config["DEVICE_COOKIE_DAYS"] * 24 * 3600)
    except (LinkExpired, LinkInvalid):
        return {}
    if not isinstance(payload, list):
        return {}
    return {entry[0]: entry[1] for entry in payload
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)
            and isinstance(entry[1], str) and entry[1]}


def device_cookie_value(cookie_value, user_id):
    """The device cookie after a successful log-in to ``user_id`` (the account's secret kept, if known)."""
    devices = read_devices(cookie_value)
    secret = devices.pop(user_id, None) or secrets.token_urlsafe(16)
    entries = [[uid, value] for uid, value in devices.items()][-(MAX_DEVICE_ACCOUNTS - 1):]
    return make_link_token(DEVICE_PURPOSE, [*entries, [user_id, secret]])


def set_device_cookie(response, user_id, cookie_value):
    """Remember on ``response`` that this browser logged in to the account (signed, httponly, long-lived)."""
    config = current_app.config
    response.set_cookie(DEVICE_COOKIE, device_cookie_value(cookie_value, user_id),
                        max_age=config["DEVICE_COOKIE_DAYS"] * 24 * 3600, httponly=True, samesite="Lax",
                        secure=bool(config.get("SESSION_COOKIE_SECURE")), path="/")
    return response


# --- counting ---

def attempt_key(email, cookie_value):
    """(key, account id or None) that a log-in attempt with this address is counted on."""
    address = services.normalize_email(email) if isinstance(email, str) else ""
    user_id = db.session.scalar(select(User.id).where(User.email == address)) if address else None
    if user_id is None:
        return f"address:{digest(address)}", None
    secret = read_devices(cookie_value).get(user_id)
    if secret:
        return f"device:{user_id}:{digest(f'{user_id}:{secret}')[:40]}", user_id
    return f"account:{user_id}", user_id


def wait_seconds(key, now=None):
    """Seconds the key must still wait before an attempt is checked (0: none). Reads only."""
    now = now or timeutil.utcnow()
    until = db.session.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.key == key))
    if until is None or until <= now:
        return 0
    return (until - now).total_seconds()


def wait_minutes(failures, config=None):
    """The wait after the ``failures``-th failure in a row: 0 before the threshold, then 1, 2, 4 … capped."""
    config = config or current_app.config
    over = failures - config["LOGIN_FAILURES_BEFORE_WAIT"]
    if over < 0:
        return 0
    return min(2 ** min(over, 30), config["LOGIN_WAIT_MAX_MINUTES"])


def _count_failure(key, now):
    """Add one failure to the key, atomically (an upsert); returns the count after it.

    Failures older than LOGIN_FAILURE_MEMORY_HOURS are forgotten: the count starts again at 1.
    """
    table = LoginThrottle.__table__
    forget_before = now - timedelta(hours=current_app.config["LOGIN_FAILURE_MEMORY_HOURS"])
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stale = (table.c.last_failure_at.is_(None)) | (table.c.last_failure_at < forget_before)
    statement = insert(table).values(key=key, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
        "failures": case((stale, 1), else_=table.c.failures + 1),
        "blocked_until": case((stale, None), else_=table.c.blocked_until),
        "notified_at": case((stale, None), else_=table.c.notified_at),
        "last_failure_at": now,
    }).returning(table.c.failures)
    return db.session.execute(statement).scalar_one()


def record_failure(key, user_id, now=None):
    """Count a failed attempt; start or lengthen the wait; tell the owner once when it starts.

    Returns the minutes the key now has to wait (0: none yet). The caller commits.
    """
    now = now or timeutil.utcnow()
    failures = _count_failure(key, now)
    minutes = wait_minutes(failures)
    if not minutes:
        return 0
    until = now + timedelta(minutes=minutes)
    # Concurrent failures may finish in any order: the longest wait wins.
    db.session.execute(update(LoginThrottle).where(
        LoginThrottle.key == key, (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < until))
        .values(blocked_until=until).execution_options(synchronize_session=False))
    first = db.session.execute(update(LoginThrottle)
                               .where(LoginThrottle.key == key, LoginThrottle.notified_at.is_(None))
                               .values(notified_at=now).execution_options(synchronize_session=False))
    if first.rowcount == 1 and user_id is not None:
        _tell_owner(user_id, minutes)
    return minutes


def _tell_owner(user_id, minutes):
    from ..mail import external_url, send_mail

    user = db.session.get(User, user_id)
    if user is None:
        return
    send_mail(user.email, "login_blocked", _l("Fehlgeschlagene Anmeldeversuche bei Ihrem Konto"),
              context={"user": user, "failures": current_app.config["LOGIN_FAILURES_BEFORE_WAIT"],
                       "minutes": minutes, "reset_url": external_url("accounts.reset_request")},
              locale=user.locale)


def clear(key):
    """End the count of a key (a correct password on it, or a password reset of the account)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key)
                       .execution_options(synchronize_session=False))


def forget_account(user_id):
    """Delete every count of an account: its own and those of its known devices (account deletion)."""
    own = LoginThrottle.key == f"account:{user_id}"
    devices = LoginThrottle.key.startswith(f"device:{user_id}:", autoescape=True)
    db.session.execute(delete(LoginThrottle).where(own | devices).execution_options(synchronize_session=False))


def log_in(email, password, cookie_value):
    """The account for this address and password, or None (the failure is counted).

    Raises LoginBlocked, without checking the password, while the attempt's key has to wait. The
    page and the API both call this; the caller commits (also after a failure: it is counted).
    """
    key, user_id = attempt_key(email, cookie_value)
    seconds = wait_seconds(key)
    if seconds:
        raise LoginBlocked(seconds)
    user = services.authenticate(email, password)
    if user is None:
        record_failure(key, user_id)
        return None
    clear(key)
    return user


# --- limits on a digest of what a request names (an address), not on the client ---

def within_limit(limit, scope, value):
    """Count one hit on ``value`` (hashed: never stored as given) against ``limit`` ("3 per hour").

    False once the limit is used up. Uses flask_limiter's storage (memory, or Redis with REDIS_URL);
    always True when rate limiting is switched off (RATELIMIT_ENABLED).
    """
    from limits import parse

    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    try:
        return limiter.limiter.hit(parse(limit), "beteiligung", scope, digest(value))
    except Exception:  # the limit's storage (Redis) is unreachable: the per-client limit still applies
        current_app.logger.warning("Grenze %s nicht prüfbar: Speicher nicht erreichbar", scope, exc_info=True)
        return True
