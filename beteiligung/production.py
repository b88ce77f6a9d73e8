"""Running in production: the checks of a production start, trusted proxies, https, health endpoints.

- ``BETEILIGUNG_ENV=production``: the start is refused, with one line, without ``SECRET_KEY``, with an
  SQLite database or with a database that cannot be reached (``StartRefused``, an exit with a message).
- ``TRUSTED_PROXIES=n``: the client's address, scheme, host and port come from the ``X-Forwarded-For``,
  ``-Proto``, ``-Host`` and ``-Port`` headers set by the n proxies in front (werkzeug's ProxyFix); without it
  they are ignored, so nobody can pose as another client by sending the header. ``X-Forwarded-Prefix`` is
  never trusted.
- ``BASE_URL`` with ``https://``: session and remember cookies are marked Secure, links made outside a
  request use https, and answers over https carry ``Strict-Transport-Security`` (``HSTS_SECONDS``).
- ``GET /healthz``: the process answers (for a load balancer's liveness check; touches nothing).
  ``GET /readyz``: the database answers, its migrations are at the head of the core's and the plugins'
  migrations, and Redis answers or its absence is said ("degraded": the platform works without it). 200
  when ready, 503 otherwise; JSON either way. Neither writes.
"""

import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db

log = logging.getLogger("beteiligung.production")
bp = Blueprint("health", __name__)


class StartRefused(SystemExit):
    """The app must not start like this; the message is the one line an operator reads."""

    def __init__(self, reason):
        super().__init__(f"Beteiligung startet nicht (BETEILIGUNG_ENV=production): {reason}")


def is_production(app):
    return str(app.config.get("BETEILIGUNG_ENV") or "").lower() == "production"


def check_settings(app):
    """Before anything is set up: what a production start needs in its settings."""
    if not is_production(app):
        return
    if not app.config.get("SECRET_KEY"):
        raise StartRefused("SECRET_KEY ist nicht gesetzt. Alle Instanzen brauchen denselben geheimen Schlüssel, "
                           "z. B. aus `python -c 'import secrets; print(secrets.token_hex(32))'`.")
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if not url or url.startswith("sqlite"):
        raise StartRefused("DATABASE_URL fehlt oder nennt SQLite; im Betrieb läuft Beteiligung auf PostgreSQL "
                           "(postgresql://…).")


def check_database(app):
    """At a production start: the database must answer."""
    if not is_production(app):
        return
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # noqa: BLE001 - any failure to connect refuses the start
            where = db.engine.url.render_as_string(hide_password=True)
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise StartRefused(f"die Datenbank {where} ist nicht erreichbar ({first_line}).") from None
        finally:
            db.engine.dispose()


def init_production(app):
    check_database(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # No X-Forwarded-Prefix: the platform is served at the root of its host, and a proxy that passes the
        # client's header on would let anyone change the prefix of links and redirects.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    if str(app.config.get("BASE_URL") or "").startswith("https://"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")

    @app.after_request
    def strict_transport_security(response):
        seconds = int(app.config.get("HSTS_SECONDS") or 0)
        if seconds > 0 and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
        return response

    app.register_blueprint(bp)


@bp.route("/healthz")
def healthz():
    return jsonify({"status": "ok"})


def _database_and_migrations():
    """("ok" | "unreachable", "ok" | "behind" | "unknown", details)."""
    try:
        stored = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception as error:  # noqa: BLE001 - the database (or its version table) is not there
        db.session.rollback()
        log.warning("Bereitschaft: Datenbank nicht erreichbar (%s)", type(error).__name__)
        return "unreachable", "unknown", {}
    heads = migration_heads()
    missing = sorted(heads - stored)
    return "ok", ("ok" if not missing else "behind"), ({"missing": missing} if missing else {})


def migration_heads():
    """The heads of the core's and the installed plugins' migrations (read once per process)."""
    heads = current_app.extensions.get("beteiligung.migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        migrate = current_app.extensions["migrate"]
        config = migrate.migrate.get_config(migrate.directory)  # with the plugins' version folders
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["beteiligung.migration_heads"] = heads
    return heads


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not_configured"
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - Redis is an accelerator: without it the platform still works
        return "degraded"
    return "ok"


@bp.route("/readyz")
def readyz():
    database, migrations, details = _database_and_migrations()
    checks = {"database": database, "migrations": migrations, "redis": _redis()}
    ready = database == "ok" and migrations == "ok"
    body = {"status": "ready" if ready else "not_ready", "checks": checks, **details}
    db.session.rollback()  # nothing to keep: a readiness check reads only
    return jsonify(body), 200 if ready else 503
