"""Request ids, structured logs, Prometheus metrics and the slow-query log (issue 13, point 7).

* **Request id**: every request gets one, taken from an incoming ``X-Request-ID`` header when that is 1–64
  characters of ``[A-Za-z0-9._-]``, else a new random one. It is returned as ``X-Request-ID`` on every
  response (pages, API, error pages) and is ``current_request_id()`` for the request's code and for the work
  it leaves to run after the response in this process; a worker binds the id a job was queued with by
  ``bind_request_id(…)``.
* **Logs**: ``LOG_FORMAT=json`` makes every log record one JSON line on stderr (time, level, logger,
  message, request_id), plus one access line per request (logger ``beteiligung.access``: method, route,
  endpoint, status, duration). Lines carry the URL *rule* (``/konto/passwort-neu/<token>``), never the path
  the client sent, nor its query string, address, headers or cookies; e-mail addresses, IP addresses and
  bearer tokens inside messages are replaced. ``text`` (the default) logs as before.
* **Metrics**: ``METRICS_ENABLED`` adds ``/metrics`` (Prometheus text format; with ``METRICS_TOKEN`` only for
  ``Authorization: Bearer <token>``): requests by endpoint and status, latency by endpoint, cache hits and
  misses, the job queue's length, the database pool. With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn with
  several workers) the workers' figures are added up through prometheus_client's multiprocess mode.
* **Slow queries**: statements slower than ``SLOW_QUERY_MS`` (0: off) are logged at WARNING on logger
  ``beteiligung.sql`` with their duration and their text (at most 500 characters), never their parameters.

Nothing here writes to the database, and each request costs a few microseconds more.
"""

import contextlib
import contextvars
import hmac
import ipaddress
import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Response, current_app, has_app_context, has_request_context, request

from .extensions import cache, db

ACCESS_LOG = logging.getLogger("beteiligung.access")
SQL_LOG = logging.getLogger("beteiligung.sql")

HEADER = "X-Request-ID"
_ENVIRON_ID = "beteiligung.request_id"
_ENVIRON_RULE = "beteiligung.url_rule"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_request_id = contextvars.ContextVar("beteiligung_request_id", default=None)

STATEMENT_CHARS = 500

_clock = time.perf_counter  # replaced in tests


# --- request ids ---

def _accepted_id(value):
    return value if value and _VALID_ID.fullmatch(value) else None


def new_request_id():
    return uuid.uuid4().hex


def current_request_id():
    """The id of the request being handled (also in work it runs after its response), the id bound with
    ``bind_request_id``, or None (outside a request)."""
    value = _request_id.get()
    if value is None and has_request_context():
        environ = request.environ
        value = environ.get(_ENVIRON_ID)
        if value is None:  # a request context made without the WSGI layer (test_request_context)
            value = environ[_ENVIRON_ID] = _accepted_id(request.headers.get(HEADER)) or new_request_id()
    return value


@contextlib.contextmanager
def bind_request_id(value):
    """``with bind_request_id(id):`` – log records and ``current_request_id()`` carry ``id`` (a job run by a
    worker for the request that queued it). An id that is not well-formed is replaced by a new one."""
    token = _request_id.set(_accepted_id(value) or new_request_id())
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


# --- scrubbing and the JSON lines ---

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SECRET = re.compile(r"(?i)\b(bearer\s+|token=)[A-Za-z0-9._~+/=-]+")
_IP_CANDIDATE = re.compile(r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"
                           r"(?![\w:]|\.\w)")


def _ip_or_text(match):
    text = match.group(0)
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text
    return "[IP]"


def scrub(text):
    """``text`` without e-mail addresses, IP addresses and bearer tokens."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub("[E-Mail]", text)
    text = _SECRET.sub(r"\1[geheim]", text)
    return _IP_CANDIDATE.sub(_ip_or_text, text)


_ACCESS_FIELDS = ("method", "route", "endpoint", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for field in _ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        if record.stack_info:
            entry["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonHandler(logging.StreamHandler):
    """Writes to the current ``sys.stderr`` (as it is when the record is written)."""

    beteiligung_json = True

    def __init__(self):
        super().__init__(sys.stderr)
        self.setFormatter(JsonFormatter())
        self.addFilter(_no_server_access_lines)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def _no_server_access_lines(record):
    # The development server's own access lines name the client's address and the full URL: ours replace them.
    return not (record.name == "werkzeug" and record.levelno == logging.INFO)


def configure_logging(app):
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if getattr(handler, "beteiligung_json", False)]
    if app.config.get("LOG_FORMAT", "text") != "json":
        for handler in ours:
            root.removeHandler(handler)
        return
    from flask.logging import default_handler

    logging.getLogger(app.import_name).removeHandler(default_handler)
    for handler in list(root.handlers):
        # logging.basicConfig's text handler on stderr (create_app's): replaced by the JSON lines.
        if type(handler) is logging.StreamHandler and handler.stream in (sys.stderr, sys.__stderr__):
            root.removeHandler(handler)
    if not ours:
        root.addHandler(JsonHandler())
    ACCESS_LOG.setLevel(logging.INFO)


# --- metrics ---

class Metrics:
    """The app's Prometheus metrics (a registry per app, or the files of the multiprocess mode)."""

    def __init__(self, app):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

        disable_created_metrics()  # no "_created" series beside each counter: half the lines, nothing lost
        self.app = app
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("beteiligung_http_requests", "HTTP requests by endpoint and status",
                                ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram("beteiligung_http_request_duration_seconds",
                                 "Time until the response was ready, by endpoint", ["endpoint"],
                                 registry=self.registry)
        self.cache = Counter("beteiligung_cache_requests", "Reads of the rendering cache by result (hit, miss)",
                             ["result"], registry=self.registry)
        self.cache_hit = self.cache.labels(result="hit")
        self.cache_miss = self.cache.labels(result="miss")
        self.engine = None
        self._redis = None
        if self.multiprocess:
            # Each worker says how its pool is after each of its requests; the scrape adds the live workers' up.
            self.pool_gauges = {name: Gauge(f"beteiligung_db_pool_{name}", help_, multiprocess_mode="livesum",
                                            registry=self.registry)
                                for name, help_ in POOL_FIGURES.items()}
        else:
            self.registry.register(_ScrapeCollector(self, pool=True))

    def observe(self, endpoint, status, seconds):
        self.requests.labels(endpoint, status).inc()
        self.latency.labels(endpoint).observe(seconds)
        if self.multiprocess:
            for name, value in pool_figures(self.engine).items():
                self.pool_gauges[name].set(value)

    def exposition_registry(self):
        if not self.multiprocess:
            return self.registry
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_ScrapeCollector(self, pool=False))
        return registry

    def queue_length(self):
        """Jobs waiting on the RQ queue; -1 when Redis does not answer; None without the RQ backend."""
        from .jobs import QUEUE_NAME, backend

        if backend(self.app) != "rq":
            return None
        try:
            from redis import Redis
            from rq import Queue

            if self._redis is None:
                self._redis = Redis.from_url(self.app.config["REDIS_URL"], socket_connect_timeout=0.5,
                                             socket_timeout=0.5)
            return Queue(self.app.config.get("JOBS_QUEUE") or QUEUE_NAME, connection=self._redis).count
        except Exception:  # noqa: BLE001 - a metric, not a reason to fail the scrape
            return -1


POOL_FIGURES = {
    "size": "Connections the database pool keeps",
    "checked_out": "Database connections in use",
    "overflow": "Connections opened beyond the pool's size",
}


def pool_figures(engine):
    """Size, connections in use and overflow of a QueuePool; {} for pools that do not count (SQLite in memory)."""
    pool = getattr(engine, "pool", None)
    try:
        return {"size": pool.size(), "checked_out": pool.checkedout(), "overflow": max(pool.overflow(), 0)}
    except (AttributeError, TypeError):
        return {}


class _ScrapeCollector:
    """Figures read when /metrics is asked: the queue's length and (one process) the pool."""

    def __init__(self, metrics, pool):
        self.metrics = metrics
        self.pool = pool

    def describe(self):
        return []

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        length = self.metrics.queue_length()
        if length is not None:
            yield GaugeMetricFamily("beteiligung_jobs_queue_length",
                                    "Jobs waiting on the RQ queue (-1: Redis does not answer)", value=length)
        if self.pool:
            for name, value in pool_figures(self.metrics.engine).items():
                yield GaugeMetricFamily(f"beteiligung_db_pool_{name}", POOL_FIGURES[name], value=value)


def _metrics(app):
    return app.extensions.get("beteiligung_metrics")


def _counting_get(*args, **kwargs):
    """``cache.get`` that counts hits and misses for the current app's metrics."""
    value = _cache_get(*args, **kwargs)
    if has_app_context():
        metrics = current_app.extensions.get("beteiligung_metrics")
        if metrics is not None:
            (metrics.cache_miss if value is None else metrics.cache_hit).inc()
    return value


_cache_get = None


def _count_cache_reads():
    global _cache_get
    if _cache_get is None:
        _cache_get = cache.get
        cache.get = _counting_get


def metrics_view():
    from prometheus_client.exposition import choose_encoder

    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            return Response("Unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                            mimetype="text/plain")
    encoder, content_type = choose_encoder(request.headers.get("Accept"))
    body = encoder(_metrics(current_app).exposition_registry())
    return Response(body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"})


# --- the WSGI layer: the id, the header, the access line, the request metrics ---

class RequestObserver:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.json_lines = app.config.get("LOG_FORMAT", "text") == "json"

    def __call__(self, environ, start_response):
        started = _clock()
        request_id = _accepted_id(environ.get("HTTP_X_REQUEST_ID")) or new_request_id()
        environ[_ENVIRON_ID] = request_id
        previous = _request_id.get()
        _request_id.set(request_id)
        status_seen = []

        def start(status, headers, exc_info=None):
            status_seen[:] = [status]
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            self._done(environ, "500", started)
            _request_id.set(previous)
            raise
        self._done(environ, status_seen[0].split(" ", 1)[0] if status_seen else "500", started)
        return _Closing(body, previous)

    def _done(self, environ, status, started):
        seconds = _clock() - started
        rule = environ.get(_ENVIRON_RULE)
        endpoint = rule.endpoint if rule is not None else "unmatched"
        metrics = _metrics(self.app)
        if metrics is not None:
            metrics.observe(endpoint, status, seconds)
        if self.json_lines:
            method = environ.get("REQUEST_METHOD", "")[:16]
            route = rule.rule if rule is not None else None
            ACCESS_LOG.info("%s %s %s", method, route or "(keine Route)", status, extra={
                "method": method, "route": route, "endpoint": rule.endpoint if rule is not None else None,
                "status": int(status) if status.isdigit() else status, "duration_ms": round(seconds * 1000, 2)})


class _Closing:
    """The response body; when the server closes it (after what runs on close), the id is unbound."""

    def __init__(self, body, previous):
        self.body = body
        self.previous = previous

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            _request_id.set(self.previous)


# --- the slow-query log ---

def log_slow_queries(engine, threshold_ms):
    from sqlalchemy import event

    threshold = threshold_ms / 1000

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("beteiligung_started", []).append(_clock())

    def after(conn, cursor, statement, parameters, context, executemany):
        starts = conn.info.get("beteiligung_started")
        if not starts:
            return
        seconds = _clock() - starts.pop()
        if seconds >= threshold:
            text = " ".join(statement.split())
            if len(text) > STATEMENT_CHARS:
                text = text[:STATEMENT_CHARS] + " …"
            SQL_LOG.warning("Langsame Datenbankabfrage (%d ms): %s", round(seconds * 1000), scrub(text))

    def failed(context):
        starts = context.connection.info.get("beteiligung_started") if context.connection is not None else None
        if starts:
            starts.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)


def init_observability(app):
    configure_logging(app)

    @app.teardown_request
    def _remember_rule(exc):
        request.environ[_ENVIRON_RULE] = request.url_rule

    with app.app_context():
        engine = db.engine
    threshold = int(app.config.get("SLOW_QUERY_MS") or 0)
    if threshold > 0:
        log_slow_queries(engine, threshold)

    if app.config.get("METRICS_ENABLED"):
        metrics = Metrics(app)
        metrics.engine = engine
        app.extensions["beteiligung_metrics"] = metrics
        _count_cache_reads()
        app.add_url_rule("/metrics", endpoint="metrics", view_func=metrics_view, methods=["GET"])
    app.wsgi_app = RequestObserver(app, app.wsgi_app)
