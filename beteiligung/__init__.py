"""Beteiligung: the participation platform for the municipalities of North Rhine-Westphalia."""

import logging
import os
import secrets

from flask import Flask, abort, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import BaseConverter

from .config import MIGRATIONS, TEMPLATES, TRANSLATIONS, Config, from_environment
from .extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from .ids import parse_id
from .production import check_settings

__version__ = "0.1.0"


def _secret_key(app):
    """SECRET_KEY from the settings, or one generated once and kept under instance/.

    Several workers starting at once agree on one key: the file is created exclusively (O_EXCL) from a
    complete temporary file by a hard link, so a worker either makes it or reads the one another made."""
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # fails if another worker was first: its key is the one
        except FileExistsError:
            pass
        finally:
            os.remove(temporary)
    with open(path) as f:
        return f.read().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ == "sqlite3":
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def select_locale():
    if not has_request_context():
        return "de"  # CLI commands and background work speak German
    lang = request.args.get("lang")
    if lang in ("de", "en"):
        session["lang"] = lang
        return lang
    return session.get("lang") or "de"


class IdConverter(BaseConverter):
    """`<int:…>` in URLs, read by the one id parser: ASCII digits up to MAX_ID.

    Larger numbers still match the rule (so every method answers as for a known id's URL) but
    become UNKNOWN_ID, which ``refuse_unknown_ids`` turns into 404 before any view runs.
    """

    regex = r"[0-9]+"
    weight = 50

    def to_python(self, value):
        number = parse_id(value, minimum=0)  # 0 is a valid index (e.g. a question's position)
        return UNKNOWN_ID if number is None else number

    def to_url(self, value):
        return str(int(value))


UNKNOWN_ID = type("UnknownId", (), {"__repr__": lambda self: "UNKNOWN_ID"})()


def create_app(config=None):
    app = Flask(__name__, template_folder=str(TEMPLATES), instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter

    @app.url_value_preprocessor
    def refuse_unknown_ids(endpoint, values):
        if values and any(value is UNKNOWN_ID for value in values.values()):
            abort(404)

    app.config.from_object(Config)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    check_settings(app)  # a production start without SECRET_KEY or with SQLite stops here
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "beteiligung.db")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # Plain postgresql:// URLs get the psycopg 3 driver that we ship.
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(TRANSLATIONS))
    limiter.init_app(app)
    cache.init_app(app)

    from . import models  # noqa: F401  (registers every table on the metadata)
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api import bp as api_bp
    from .cli import register_cli
    from .comments.views import bp as comments_bp
    from .consultations.views import bp as consultations_bp
    from .design import bp as design_bp
    from .discovery import init_discovery
    from .errors import register_error_handlers
    from .home import init_home
    from .jobs import register as register_jobs
    from .measures import init_measures
    from .notifications import init_notifications
    from .observability import init_observability
    from .plugins.runtime import init_plugins
    from .polls import init_question_types
    from .polls.views import bp as polls_bp
    from .processes import init_processes
    from .production import init_production
    from .proposals import init_proposals
    from .regions.views import bp as regions_bp
    from .showcase import init_showcase
    from .templating import register_template_helpers

    app.register_blueprint(accounts_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(polls_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(design_bp)
    csrf.exempt(api_bp)
    init_home(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)
    register_jobs(app)
    init_plugins(app)
    init_question_types(app)
    init_notifications(app)  # after the plugins: their notification kinds are checked at start
    init_processes(app)  # after the plugins: their process templates are checked at start
    init_proposals(app)  # a kind of phase instrument: after init_processes
    init_discovery(app)  # the search and the feeds
    init_measures(app)
    init_showcase(app)  # the Projektschaufenster: pages and /api/v1/showcase
    init_observability(app)  # request ids, JSON logs, metrics, the slow-query log
    init_production(app)  # proxies, health endpoints, the checks of a production start

    @app.route("/favicon.ico")
    def favicon():
        # Browsers ask for /favicon.ico whatever a page links to; pages link the SVG in static/.
        return app.send_static_file("favicon.ico")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'")
        return response

    return app
