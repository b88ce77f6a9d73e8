"""Background jobs: work that runs after the transaction that caused it has committed.

``enqueue(func, *args, job_id=…)`` remembers the job on the current database session; when that
session commits, the job is handed on, and when it rolls back, the job is dropped (a mail for a
comment that was never stored is never sent). Where it goes:

* **RQ on Redis** when ``REDIS_URL`` is set (and ``JOBS_BACKEND`` is not ``embedded``): a worker
  (``flask worker`` or ``rq worker``) runs it, with retries; after the last failed attempt a
  ``JobFailure`` row is written, which administrators see on the delivery page. A ``job_id`` that is
  still queued is not queued again.
* **Embedded** (no Redis, or Redis unreachable): in this process, after the response has been sent
  (in a request), or when the application context ends (command line). ``run_pending()`` runs what
  is waiting at once (tests, long commands).

A job is a module-level function taking JSON-able arguments; it runs in an application context and
commits its own work. Jobs must be idempotent: the same job may run twice (a worker that dies is
replaced); mail delivery and notifications claim their rows, so nothing is sent twice.
"""

import hashlib
import importlib
import json
import logging
import re
import time
import traceback

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)

QUEUE_NAME = "beteiligung"
_SESSION_KEY = "beteiligung_jobs"
_APP_KEY = "beteiligung_jobs"


class RetryLater(Exception):
    """Raised by a job whose work is partly left for another attempt (on the queue: a retry). Run in
    the process it is only logged: the job's own rows say what is left (e.g. mails still pending)."""


def _path(func):
    path = f"{func.__module__}.{func.__qualname__}"
    if "<" in path:
        raise ValueError(f"Jobs must be module-level functions, not {path}")
    return path


def enqueue(func, *args, job_id=None):
    """Run ``func(*args)`` in the background once the current transaction commits."""
    json.dumps(args)  # refuse what a queue could not carry, here and not later in a worker
    db.session().info.setdefault(_SESSION_KEY, []).append((_path(func), list(args), job_id))


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction may still roll back
    waiting = session.info.pop(_SESSION_KEY, None)
    if waiting and has_app_context():
        for path, args, job_id in waiting:
            _dispatch(path, args, job_id)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if not session.in_transaction():
        session.info.pop(_SESSION_KEY, None)


def backend(app=None):
    app = app or current_app
    choice = app.config.get("JOBS_BACKEND") or ("rq" if app.config.get("REDIS_URL") else "embedded")
    return "rq" if choice == "rq" and app.config.get("REDIS_URL") else "embedded"


def queue(app=None):
    """The RQ queue of this installation."""
    from redis import Redis
    from rq import Queue

    app = app or current_app
    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
    return Queue(app.config.get("JOBS_QUEUE") or QUEUE_NAME, connection=connection)


#: After the queue failed, the app runs its jobs in the process for a while instead of trying (and waiting
#: for) Redis on every request; then the next job tries the queue again. Each outage is logged once.
QUEUE_RETRY_SECONDS = 5.0
_DOWN_KEY = "beteiligung.queue_down_until"


def _dispatch(path, args, job_id):
    app = current_app._get_current_object()
    down_until = app.extensions.get(_DOWN_KEY, 0.0)
    if backend() == "rq" and time.monotonic() >= down_until:
        try:
            _enqueue_rq(path, args, job_id)
        except Exception as error:  # Redis down: the job runs here instead of waiting for it
            if not down_until:
                log.warning("Warteschlange nicht erreichbar, Hintergrundaufgaben laufen im Prozess: %s (%s)", path,
                            type(error).__name__)
            app.extensions[_DOWN_KEY] = time.monotonic() + QUEUE_RETRY_SECONDS
        else:
            if down_until:
                log.warning("Warteschlange wieder erreichbar")
                app.extensions[_DOWN_KEY] = 0.0
            return
    _defer(path, args)


def rq_job_id(job_id):
    """A job id as RQ accepts it (letters, digits, _ and -): "mail:7" becomes "mail-7"; long ones are digested."""
    if job_id is None:
        return None
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", str(job_id))
    return cleaned if len(cleaned) <= 100 else hashlib.sha256(str(job_id).encode()).hexdigest()


def _enqueue_rq(path, args, job_id):
    from rq import Retry
    from rq.job import Job, JobStatus

    job_id = rq_job_id(job_id)
    q = queue()
    intervals = retry_intervals()
    if job_id is not None:
        try:
            existing = Job.fetch(job_id, connection=q.connection)
        except Exception:
            existing = None
        if existing is not None and existing.get_status(refresh=False) in (
                JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
            return  # the same job waits already
    from .observability import current_request_id

    q.enqueue_call("beteiligung.jobs.run_job", args=(path, args, current_request_id()), job_id=job_id,
                   retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
                   result_ttl=3600, failure_ttl=7 * 24 * 3600)


def retry_intervals(app=None):
    """Seconds to wait before each retry of a failed job (JOBS_RETRY_INTERVALS, e.g. "10,60,300")."""
    value = (app or current_app).config.get("JOBS_RETRY_INTERVALS") or ""
    return [int(part) for part in str(value).split(",") if part.strip()]


def _defer(path, args):
    if has_request_context():
        waiting = g.setdefault("_deferred_jobs", [])
    else:
        waiting = current_app.extensions.setdefault(_APP_KEY, [])
    waiting.append((path, args))


def register(app):
    """Run deferred jobs after each response and when a command's application context ends."""

    @app.after_request
    def _run_after_response(response):
        waiting = g.pop("_deferred_jobs", None)
        if waiting is not None:
            # The same list object: jobs added later in this request (a commit in a teardown) run too.
            g._deferred_jobs = waiting
            response.call_on_close(lambda: _run_detached(app, waiting))
        return response

    @app.teardown_appcontext
    def _run_at_teardown(exc):
        if not has_request_context():
            waiting = app.extensions.get(_APP_KEY)
            if waiting:
                run_pending()


def _run_detached(app, waiting):
    with app.app_context():
        while waiting:
            path, args = waiting.pop(0)
            _execute(path, args)
        run_pending()


def run_pending():
    """Run the jobs this process has waiting (embedded backend), including those they queue."""
    waiting = current_app.extensions.setdefault(_APP_KEY, [])
    while waiting:
        path, args = waiting.pop(0)
        _execute(path, args)


def _resolve(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _execute(path, args, attempts=1):
    """Run one job here; a failure is logged and recorded, never raised into the caller."""
    try:
        _resolve(path)(*args)
        db.session.commit()
    except RetryLater as error:
        db.session.rollback()
        log.warning("Hintergrundaufgabe %s: %s", path, error)
    except Exception as error:
        db.session.rollback()
        log.exception("Hintergrundaufgabe fehlgeschlagen: %s", path)
        record_failure(path, args, error, attempts)


def record_failure(path, args, error, attempts):
    from .mail.models import JobFailure

    try:
        db.session.add(JobFailure(job=path[:200], args=json.dumps(args)[:10000], attempts=attempts,
                                  error="".join(traceback.format_exception_only(error)).strip()[:5000]))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Fehlschlag konnte nicht vermerkt werden: %s", path)


# --- the worker side (RQ) ---

_worker_app = None


def _app_for_worker():
    """The application jobs run in: the worker's (``flask worker``), or one created from the
    environment once per process (``rq worker``)."""
    global _worker_app
    if _worker_app is None:
        if has_app_context():
            _worker_app = current_app._get_current_object()
        else:
            from . import create_app

            _worker_app = create_app()
    return _worker_app


def run_job(path, args, request_id=None):
    """What RQ calls: the job in a fresh app context (its own database session), its log lines carrying the
    id of the request that queued it; on the last failed attempt a JobFailure row is written."""
    from rq import get_current_job

    from .observability import bind_request_id

    with _app_for_worker().app_context(), bind_request_id(request_id):
        try:
            _resolve(path)(*args)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            job = get_current_job()
            if job is None or not job.retries_left:
                record_failure(path, args, error, len(retry_intervals()) + 1 if job is not None else 1)
            raise


def work(app, burst=False):
    """Run an RQ worker for this installation's queue (``flask worker``).

    A SimpleWorker runs the jobs in its own process: no fork, so database connections are never
    shared between processes. Run several workers for more throughput.
    """
    from rq import SimpleWorker

    global _worker_app
    _worker_app = app
    q = queue(app)
    return SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=True)
