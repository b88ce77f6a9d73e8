"""Settings. Every value can be overridden by an environment variable of the same name (``from_environment``:
numbers, yes/no values, lists and JSON objects are read as the default's type; a value that does not fit
stops the start with a clear message)."""

import json
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the checkout, when running from one


def _bundled(name):
    """``templates/`` or ``migrations/``: inside the installed package (a wheel carries them there,
    see setup.py), else at the top level of the checkout (``make run``, editable installs)."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else ROOT / name


TEMPLATES = _bundled("templates")
MIGRATIONS = _bundled("migrations")
TRANSLATIONS = PACKAGE / "translations"


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # hide_parameters: a failing statement's error (and so a log line) never shows the values it carried.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL")

    # Rate limits: in memory by default, shared through Redis when REDIS_URL is set. When Redis cannot be
    # reached, the limits count in this process's memory (logged once) and go back to Redis by themselves.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    WRITE_RATE_LIMIT = os.environ.get("WRITE_RATE_LIMIT", "60 per minute")
    # Requests with workshop access codes (API) and code entries (pages), per client address.
    ACCESS_CODE_RATE_LIMIT = os.environ.get("ACCESS_CODE_RATE_LIMIT", "120 per minute")

    # Rendered discussions, keyed by the consultation's revision (memory, or Redis with REDIS_URL).
    # Plugins: the installed ones to load (comma-separated; unset: all), and whether a plugin that
    # fails to load stops the start.
    BETEILIGUNG_PLUGINS = os.environ.get("BETEILIGUNG_PLUGINS")
    PLUGINS_STRICT = os.environ.get("PLUGINS_STRICT", "").lower() in ("1", "true", "yes")
    # With Redis: beteiligung.rediscache.ResilientRedisCache (an unreachable Redis is a miss, never an error).
    # Without: beteiligung.localcache.BoundedSimpleCache, in each worker, at most CACHE_THRESHOLD entries and
    # CACHE_MAX_BYTES bytes (pickled values and keys; the least recently used go first).
    CACHE_TYPE = ("beteiligung.rediscache.ResilientRedisCache" if os.environ.get("REDIS_URL")
                  else "beteiligung.localcache.BoundedSimpleCache")
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_DEFAULT_TIMEOUT = 600
    CACHE_THRESHOLD = 2000
    CACHE_MAX_BYTES = 16 * 1024 * 1024
    CACHE_KEY_PREFIX = "beteiligung:"
    CACHE_RETRY_SECONDS = 5  # after Redis failed, how long requests use no cache before trying it again

    # Uploaded images (beteiligung.processes.images): the largest file and the most pixels accepted.
    PROCESS_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    PROCESS_IMAGE_MAX_PIXELS = 40_000_000
    PROPOSAL_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    PROPOSAL_IMAGE_MAX_PIXELS = 40_000_000
    # Projektschaufenster: the largest downloadable material (a PDF or an image) a moderator may upload.
    SHOWCASE_MATERIAL_MAX_BYTES = 10 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    # Comments: the longest body accepted and how long authors may edit their own comments.
    COMMENT_MAX_LENGTH = _int("COMMENT_MAX_LENGTH", 5000)
    COMMENT_EDIT_WINDOW_MINUTES = _int("COMMENT_EDIT_WINDOW_MINUTES", 30)
    COMMENT_MAX_DEPTH = 3
    COMMENTS_PER_PAGE = _int("COMMENTS_PER_PAGE", 20)
    API_MAX_PER_PAGE = 100

    # Polls: results of fewer participants than this are withheld (no one can be singled out);
    # problem-definition polls: problems one participant may submit, pairs one may compare.
    POLL_MIN_GROUP_SIZE = _int("POLL_MIN_GROUP_SIZE", 5)
    POLL_PROBLEMS_PER_PARTICIPANT = _int("POLL_PROBLEMS_PER_PARTICIPANT", 10)
    POLL_PAIRS_PER_PARTICIPANT = _int("POLL_PAIRS_PER_PARTICIPANT", 30)
    POLL_MIN_COMPARISONS = _int("POLL_MIN_COMPARISONS", 10)  # before a problem's place counts
    POLLS_PER_PAGE = 20
    API_TOKEN_DAYS = _int("API_TOKEN_DAYS", 30)

    # A log-in session ends after this many minutes without a request (the time lives in the cookie).
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 120)
    # Attempts to change the password, per account.
    PASSWORD_CHANGE_RATE_LIMIT = os.environ.get("PASSWORD_CHANGE_RATE_LIMIT", "5 per 15 minutes")
    # E-mail confirmation: how long the mailed link works, resends per account, and after how many
    # days accounts that never confirmed are deleted (flask users purge-unconfirmed, from cron).
    EMAIL_CONFIRM_HOURS = _int("EMAIL_CONFIRM_HOURS", 48)
    CONFIRM_RESEND_RATE_LIMIT = os.environ.get("CONFIRM_RESEND_RATE_LIMIT", "3 per hour")
    UNCONFIRMED_ACCOUNT_DAYS = _int("UNCONFIRMED_ACCOUNT_DAYS", 7)
    # Mail: over SMTP when MAIL_SERVER is set, else written as .eml files to MAIL_OUTBOX
    # (default instance/outbox/). A mail that fails MAIL_MAX_ATTEMPTS times is kept as "failed".
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Beteiligung <noreply@beteiligung.localhost>")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 4)
    MAIL_OUTBOX = os.environ.get("MAIL_OUTBOX")
    # Links in mails sent outside a request (jobs, cron) start with this address.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Background jobs: "rq" (Redis queue, needs REDIS_URL and a worker) or "embedded" (in the
    # process, after the response); unset: rq when REDIS_URL is set.
    JOBS_BACKEND = os.environ.get("JOBS_BACKEND")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "beteiligung")
    # Seconds before each retry of a failed job on the queue (then it is recorded as failed).
    JOBS_RETRY_INTERVALS = os.environ.get("JOBS_RETRY_INTERVALS", "10,60,300")
    # Password reset by mail: how long the link works; requests per client address, and reset mails
    # per address (counted on a digest of the address, never the address itself).
    PASSWORD_RESET_MINUTES = _int("PASSWORD_RESET_MINUTES", 60)
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per hour")
    PASSWORD_RESET_MAILS_PER_ADDRESS = os.environ.get("PASSWORD_RESET_MAILS_PER_ADDRESS", "3 per hour")
    # Changing the e-mail address (the link to the new address works this long) and the profile
    # (name, language): attempts per account and per client address.
    EMAIL_CHANGE_HOURS = _int("EMAIL_CHANGE_HOURS", 48)
    EMAIL_CHANGE_RATE_LIMIT = os.environ.get("EMAIL_CHANGE_RATE_LIMIT", "5 per hour")
    PROFILE_RATE_LIMIT = os.environ.get("PROFILE_RATE_LIMIT", "10 per hour")
    # Guessing passwords: after this many failed log-ins an account (or a known device of it) has to
    # wait 1, 2, 4 … minutes, at most LOGIN_WAIT_MAX_MINUTES, before the next attempt is checked.
    # Failures older than LOGIN_FAILURE_MEMORY_HOURS are forgotten. DEVICE_COOKIE_DAYS: how long a
    # browser that logged in is recognised (its attempts do not suffer from a stranger's failures).
    LOGIN_FAILURES_BEFORE_WAIT = _int("LOGIN_FAILURES_BEFORE_WAIT", 5)
    LOGIN_WAIT_MAX_MINUTES = _int("LOGIN_WAIT_MAX_MINUTES", 60)
    LOGIN_FAILURE_MEMORY_HOURS = _int("LOGIN_FAILURE_MEMORY_HOURS", 24)
    DEVICE_COOKIE_DAYS = _int("DEVICE_COOKIE_DAYS", 365)

    # Observability (beteiligung.observability): log lines as JSON ("json") or plain text ("text"); Prometheus
    # metrics at /metrics when enabled (METRICS_TOKEN: a bearer token the scraper must send); statements slower
    # than SLOW_QUERY_MS are logged (without their parameters; 0: off).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    METRICS_ENABLED = os.environ.get("METRICS_ENABLED", "").lower() in ("1", "true", "yes")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")
    SLOW_QUERY_MS = _int("SLOW_QUERY_MS", 500)

    # Idempotency-Key of API writes (beteiligung.api.idempotency): how long a key's answer is kept, and how long a
    # request waits for another one with the same key (PostgreSQL) before it is answered 409.
    IDEMPOTENCY_HOURS = 24
    IDEMPOTENCY_WAIT_SECONDS = 10

    # Production (BETEILIGUNG_ENV=production): the start is refused without SECRET_KEY, with SQLite or with an
    # unreachable database. TRUSTED_PROXIES: how many reverse proxies in front set X-Forwarded-For/-Proto/-Host
    # (0: forwarded headers are ignored). BASE_URL with https: secure cookies, https links and HSTS.
    BETEILIGUNG_ENV = os.environ.get("BETEILIGUNG_ENV", "development")
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    HSTS_SECONDS = _int("HSTS_SECONDS", 365 * 24 * 3600)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024


class SettingError(ValueError):
    """An environment variable whose value does not fit its setting."""


_TRUE, _FALSE = ("1", "true", "yes", "on", "ja"), ("0", "false", "no", "off", "nein", "")


def _convert(name, raw, default):
    value = raw.strip()
    if isinstance(default, bool):
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise SettingError(f"{name}={raw!r}: erwartet ja/nein (1/0, true/false)")
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise SettingError(f"{name}={raw!r}: erwartet eine ganze Zahl") from None
    if isinstance(default, float):
        try:
            return float(value)
        except ValueError:
            raise SettingError(f"{name}={raw!r}: erwartet eine Zahl") from None
    if isinstance(default, (list, tuple)):
        return type(default)(part.strip() for part in value.split(",") if part.strip())
    if isinstance(default, dict):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise SettingError(f"{name}={raw!r}: erwartet ein JSON-Objekt")
        return parsed
    return raw


def from_environment(environ=None):
    """{setting: value} of every setting of ``Config`` that the environment names, converted to the
    default's type. ``DATABASE_URL`` is the environment's name of SQLALCHEMY_DATABASE_URI."""
    environ = os.environ if environ is None else environ
    found = {}
    for name in dir(Config):
        if name.isupper() and name in environ:
            default = getattr(Config, name)
            if not environ[name].strip() and default is not None and not isinstance(default, str):
                continue  # an empty variable keeps the default of a number, a switch or a list
            found[name] = _convert(name, environ[name], default)
    if "DATABASE_URL" in environ and environ["DATABASE_URL"]:
        found["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    return found
