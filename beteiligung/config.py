"""Settings. Every value can be overridden by an environment variable of the same name."""

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
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")

    # Rate limits: in memory by default, shared through Redis when REDIS_URL is set.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
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
    CACHE_TYPE = "RedisCache" if os.environ.get("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_DEFAULT_TIMEOUT = 600
    CACHE_THRESHOLD = 2000
    CACHE_KEY_PREFIX = "beteiligung:"

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

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024
