"""Fixtures for the core's tests and for plugin authors' tests.

The database is created once per test session by running the migrations (SQLite in a temporary
folder, or PostgreSQL when BETEILIGUNG_TEST_DB=postgresql and TEST_DATABASE_URL is set) and
emptied after each test. Tests commit for real, so requests in threads see each other's writes.
"""

import contextlib
import contextvars
import os
from datetime import timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine

from beteiligung import create_app
from beteiligung.extensions import db as _db

TEST_PASSWORD = "richtig-geheim-42"


def _cache_url_builders():
    """Build each URL rule's builder function once per test session instead of once per app.

    Every test gets a fresh app, and werkzeug generates and compiles Python code for every URL
    rule of it (about 40 % of ``create_app``). That code depends only on the rule's text, its
    parsed parts and its defaults; the rule itself is passed in when a URL is built, so apps can
    share it. Rules whose defaults are baked into the code (a default for a part of the path)
    are compiled as before.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "beteiligung_cached", False):
        return
    builders = {}

    def cached(self, append_unknown=True):
        defaults = self.defaults
        if defaults and any(dynamic and name in defaults for dynamic, name in self._trace):
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), tuple(defaults or ()), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    cached.beteiligung_cached = True
    Rule._compile_builder = cached
    _cache_rule_parsing()


def _cache_rule_parsing():
    """Parse each URL rule once per test session instead of once per app (the other large part of
    ``create_app`` after the builders).

    Parsing a rule yields its parts (regular expressions and weights, plain values that apps can share) and,
    on the way, records the rule's trace and makes its converters. A cached parse replays the trace and
    makes the converters anew for the rule's own map, as werkzeug does. The key holds the map's converter
    classes, whose regular expressions and weights the parts contain.
    """
    from werkzeug.routing.rules import Rule

    parse_rule = Rule._parse_rule
    if getattr(parse_rule, "beteiligung_cached", False):
        return
    parsed = {}

    def cached(self, rule):
        key = (rule, tuple(sorted(self.map.converters.items())))
        if key not in parsed:
            trace_before, converters_before = len(self._trace), dict(self._converters)
            made = []
            get_converter = self.get_converter

            def recording(variable, name, args, kwargs):
                made.append((variable, name, args, dict(kwargs)))
                return get_converter(variable, name, args, kwargs)

            self.get_converter = recording
            try:
                parts = list(parse_rule(self, rule))
            finally:
                del self.get_converter
            if set(converters_before) - set(self._converters):
                return parts  # pragma: no cover - werkzeug never drops a converter while parsing
            parsed[key] = (parts, self._trace[trace_before:], made)
            return parts
        parts, trace, made = parsed[key]
        self._trace.extend(trace)
        for variable, name, args, kwargs in made:
            self._converters[variable] = self.get_converter(variable, name, args, kwargs)
            self.arguments.add(variable)
        return list(parts)

    cached.beteiligung_cached = True
    Rule._parse_rule = cached


def _database_url(tmp_path_factory):
    if os.environ.get("BETEILIGUNG_TEST_DB") == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.exit("BETEILIGUNG_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=2)
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def make_test_config(database_url, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_FAST": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "CACHE_TYPE": "beteiligung.localcache.BoundedSimpleCache",  # the default without Redis
        "SERVER_NAME": None,
        "JOBS_BACKEND": "embedded",  # jobs run after each response; tests of the queue set "rq"
        "MAIL_SERVER": None,  # mails go to the app's outbox folder (the mail_outbox fixture)
    }
    if database_url.startswith("postgresql"):
        # Test data need no crash safety: a commit need not wait for the disk (about 7 % of the suite).
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": "-c synchronous_commit=off"}}
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose requests each run in a fresh app context, as in production.

    The test's own app context (and database session) stays outside: what the test created is
    committed before the request, and the test's objects are expired afterwards, so they are
    reloaded with what the request wrote. Nothing (flask.g, the session's identity map) leaks
    from one request into the next.
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()  # False when following a redirect: that runs inside the fresh context
        if outer:
            _db.session.commit()
        # As a server does: the body is read and the response closed, so what runs after the response
        # (deferred jobs such as mail delivery) has run when the request returns.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if outer:
            _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A migrated, empty database for the session."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    app = create_app(make_test_config(url))
    with app.app_context():
        upgrade(revision="heads")  # the core's and every installed plugin's migrations
        _db.engine.dispose()
    return url


@pytest.fixture
def app_config():
    """Override to change settings for the tests of one module: return a dict."""
    return {}


def _cache_plugin_scan():
    """Read the installed plugins' entry points once per test session, not once per app.

    Finding them reads the metadata of every installed distribution (a few ms per app); nothing
    is installed while the tests run. Tests with plugins of their own use PLUGIN_ENTRY_POINTS.
    """
    import importlib.metadata

    from beteiligung.plugins import registry

    if registry.entry_points is not importlib.metadata.entry_points:
        return  # already cached, or replaced by someone else
    found = {}

    def entry_points(**params):
        if set(params) != {"group"}:
            return importlib.metadata.entry_points(**params)
        if params["group"] not in found:
            found[params["group"]] = importlib.metadata.entry_points(**params)
        return found[params["group"]]

    registry.entry_points = entry_points


class _SharedTemplateCache(BytecodeCache):
    """Compiled templates shared by the apps of a test session (in memory).

    Every test gets a new app and with it a new Jinja environment, which compiled each template it rendered
    again: about a third of a page test's time. The compiled code depends only on the template's source
    (Jinja checks its checksum) and on the environment's settings, which are the same for every app made by
    create_app; the templates never change while the tests run.
    """

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        code = self.compiled.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self.compiled[(bucket.key, bucket.checksum)] = bucket.code


TEMPLATE_CACHE = _SharedTemplateCache()


def _sqlite_without_fsync(dbapi_connection, connection_record):
    # As synchronous_commit=off on PostgreSQL: a commit need not wait for the disk (test data need no
    # crash safety); on a busy disk most of an SQLite test's time went into fsync after each commit.
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def pytest_configure(config):
    config.addinivalue_line("markers", "plugins(*names): load these installed plugins in the app fixture "
                                       "(without the marker: none)")
    _cache_url_builders()
    _cache_plugin_scan()
    if not event.contains(Engine, "connect", _sqlite_without_fsync):
        event.listen(Engine, "connect", _sqlite_without_fsync)


@pytest.fixture
def app(request, database_url, app_config, tmp_path):
    marker = request.node.get_closest_marker("plugins")
    if marker is not None:
        app_config = dict(app_config, BETEILIGUNG_PLUGINS=",".join(marker.args))
    elif "BETEILIGUNG_PLUGINS" not in app_config and "PLUGIN_ENTRY_POINTS" not in app_config:
        # Without the marker no installed plugin is loaded: the core's tests do not change with
        # what happens to be installed, and a plugin's tests say which plugins they need.
        app_config = dict(app_config, BETEILIGUNG_PLUGINS="")
    app = create_app(make_test_config(database_url, **app_config))
    app.instance_path = str(tmp_path)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


def plugin_entry_point(name, value):
    """An entry point as an installed plugin would declare it, for PLUGIN_ENTRY_POINTS in tests."""
    from importlib.metadata import EntryPoint

    from beteiligung.plugins.registry import GROUP

    return EntryPoint(name=name, value=value, group=GROUP)


def _empty_tables():
    existing = set(inspect(_db.engine).get_table_names())
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name in existing]
    with _db.engine.begin() as conn:
        # DELETE, children first, not TRUNCATE: on PostgreSQL a TRUNCATE gives every table new files,
        # which cost more than most tests themselves (the PostgreSQL suite ran 40 % longer with it).
        if conn.dialect.name != "postgresql":
            for table in tables:
                conn.execute(table.delete())
            return
        # PostgreSQL: all in one round trip, and ids start at 1 again in every test, as after
        # TRUNCATE … RESTART IDENTITY. (%% is a literal % for the driver.)
        statements = [str(table.delete().compile(dialect=conn.dialect)) for table in tables]
        statements.append("SELECT setval(format('%%I.%%I', schemaname, sequencename)::regclass, 1, false) "
                          "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL")
        conn.exec_driver_sql("; ".join(statements))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def create_region(db):
    from beteiligung.regions.models import Region

    counter = [0]

    def create(slug=None, name=None, theme="Digitale Daten"):
        counter[0] += 1
        slug = slug or f"region-{counter[0]}"
        region = Region(slug=slug, name=name or slug.replace("-", " ").title(), theme=theme, description="")
        db.session.add(region)
        db.session.commit()
        return region

    return create


@pytest.fixture
def create_user(db):
    """create_user(role="citizen", regions=(), email=None, pseudonym=None) -> User (password TEST_PASSWORD)."""
    from beteiligung.accounts.services import assign_moderator, register_user

    counter = [0]

    def create(role="citizen", regions=(), email=None, pseudonym=None, password=TEST_PASSWORD):
        counter[0] += 1
        user = register_user(email or f"person{counter[0]}@example.org", password,
                             pseudonym or f"Person {counter[0]}", accepted_terms=True, role=role)
        for region in regions:
            assign_moderator(user, region)
        db.session.commit()
        return user

    return create


@pytest.fixture
def create_consultation(db, create_region):
    """create_consultation(region=None, status="open", title=..., body=...) -> Consultation."""
    from beteiligung.consultations.models import Consultation
    from beteiligung.consultations.services import sync_sections
    from beteiligung.timeutil import utcnow

    def create(region=None, status="open", title="Mehr Bänke am Marktplatz", summary="Kurz gesagt.",
               body="Einleitung.\n\n## Standorte\n\nWo?\n\n## Kosten\n\nWie viel?"):
        now = utcnow()
        opens_at, closes_at = {
            "open": (now - timedelta(days=1), now + timedelta(days=30)),
            "closed": (now - timedelta(days=30), now - timedelta(days=1)),
            "upcoming": (now + timedelta(days=1), now + timedelta(days=30)),
            "draft": (None, None),
        }[status]
        consultation = Consultation(region=region or create_region(), title=title, summary=summary, body=body,
                                    published=status != "draft", opens_at=opens_at, closes_at=closes_at)
        db.session.add(consultation)
        sync_sections(consultation)
        db.session.commit()
        return consultation

    return create


@pytest.fixture
def create_comment(db):
    """create_comment(consultation, author, body="…", parent=None, section=None) -> Comment (via the service)."""
    from beteiligung.comments.services import create_comment as service

    def create(consultation, author, body="Gute Idee, aber bitte mit Schatten.", parent=None, section=None,
               official=False):
        comment = service(author, consultation, body, parent=parent, section=section, official=official)
        db.session.commit()
        return comment

    return create


@pytest.fixture
def enable_plugin(db):
    """enable_plugin(region, name): switch a loaded plugin on in a region (as an administrator would)."""
    from beteiligung.plugins.services import enable_plugin as service

    def enable(region, name):
        service(None, region, name)
        db.session.commit()

    return enable


@pytest.fixture
def disable_plugin(db):
    """disable_plugin(region, name): switch a plugin off in a region."""
    from beteiligung.plugins.services import disable_plugin as service

    def disable(region, name):
        service(None, region, name)
        db.session.commit()

    return disable


SAMPLE_QUESTIONS = [
    {"type": "single_choice", "text": "Wie kommen Sie meistens in die Innenstadt?", "required": True,
     "options": ["Zu Fuß", "Fahrrad", "Bus und Bahn", "Auto"], "allow_other": True},
    {"type": "multiple_choice", "text": "Welche Angebote nutzen Sie?", "options": ["Bürgerbüro online",
     "Terminbuchung", "Mängelmelder"], "settings": {"min": 1, "max": 2}},
    {"type": "scale", "text": "Wie zufrieden sind Sie mit dem WLAN in der Bücherei?",
     "settings": {"min": 1, "max": 5, "labels": {"1": "gar nicht", "5": "sehr"}}},
    {"type": "ranking", "text": "Was soll zuerst digital werden?", "options": ["Parkausweis", "Hundesteuer",
     "Wohnsitz ummelden"], "settings": {"top": 2}},
    {"type": "text", "text": "Was möchten Sie uns noch sagen?", "settings": {"max_length": 500}},
]


@pytest.fixture
def create_poll(db, create_region):
    """create_poll(region=None, status="open", kind="survey", questions=SAMPLE_QUESTIONS, audience="accounts",
    results_visibility="live", phase="collecting", problems=()) -> Poll (approved problems for problem polls)."""
    from beteiligung.polls.models import Poll, Problem
    from beteiligung.polls.services import build_questions
    from beteiligung.timeutil import utcnow

    def create(region=None, status="open", kind="survey", questions=None, audience="accounts",
               results_visibility="live", phase="collecting", problems=(), title="Mobilität in der Innenstadt"):
        region = region or create_region()
        errors = {}
        built = build_questions(region, SAMPLE_QUESTIONS if questions is None else questions, errors) \
            if kind == "survey" else []
        assert not errors, errors
        now = utcnow()
        poll = Poll(region=region, kind=kind, title=title, description="", audience=audience,
                    results_visibility=results_visibility, phase=phase, state=status,
                    opened_at=now if status != "draft" else None, closed_at=now if status == "closed" else None)
        poll.questions = built
        db.session.add(poll)
        db.session.flush()
        for statement in problems:
            db.session.add(Problem(poll_id=poll.id, text=statement, status="approved", moderated_at=now))
        db.session.commit()
        return poll

    return create


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user, password=TEST_PASSWORD):
        return self._client.post("/konto/anmelden", data={"email": user.email, "password": password})

    def logout(self):
        return self._client.post("/konto/abmelden")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def api_headers(db):
    """api_headers(user) -> {"Authorization": "Bearer …"} for a fresh token of that user."""
    from beteiligung.accounts.services import issue_token

    def headers(user):
        token = issue_token(user, days=1)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


class QueryCounter:
    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def api(client, api_headers):
    """The JSON API with a bearer token per user: ``api.post(url, user=…, json=…)`` (see testing/api.py)."""
    from beteiligung.testing.api import ApiClient

    return ApiClient(client, api_headers)


@pytest.fixture
def count_queries(db):
    """with count_queries() as counter: …; counter.count is the number of SQL statements run."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


class MailOutbox:
    """The mails an app delivered to its outbox folder (the embedded default without MAIL_SERVER)."""

    def __init__(self, app):
        self.app = app

    def messages(self):
        import email
        import email.policy

        from beteiligung.mail.delivery import outbox_dir

        folder = outbox_dir(self.app)
        if not os.path.isdir(folder):
            return []
        found = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), "rb") as f:
                    found.append(email.message_from_binary_file(f, policy=email.policy.default))
        return found

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message):
        return message.get_body(preferencelist=("html",)).get_content()

    def links(self, message):
        import re

        return re.findall(r"https?://[^\s<>\"']+", self.text(message))

    def to(self, address):
        """The messages to one address."""
        return [m for m in self.messages() if m["To"] == address]


@pytest.fixture
def mail_outbox(app):
    """Mails delivered so far: ``mail_outbox.messages()``, ``.links(message)``, ``.text(message)``."""
    return MailOutbox(app)


class SmtpRecorder:
    """An aiosmtpd handler that keeps what it receives. ``mode``: "accept", "refuse" (451 to every
    message) or "hold" (keeps the message, then waits for ``release`` before answering)."""

    def __init__(self):
        import threading

        self.messages = []
        self.mode = "accept"
        self.release = threading.Event()
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        import email.policy

        if self.mode == "refuse":
            return "451 4.3.0 Versuchen Sie es später noch einmal"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        if self.mode == "hold":
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server in this process (aiosmtpd): ``.port``, ``.handler.messages``, ``.handler.mode``."""
    from aiosmtpd.controller import Controller

    handler = SmtpRecorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.handler = handler
    try:
        yield controller
    finally:
        handler.release.set()
        controller.stop()
