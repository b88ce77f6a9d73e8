"""The queue path: jobs on a real Redis, run by a real worker process (`flask worker`), mails to a real
SMTP server. PostgreSQL run only (the worker is a second process on the same database)."""

import os
import signal
import subprocess
import sys
import uuid

import jinja2
import pytest
from sqlalchemy import select, update

from beteiligung.extensions import db
from beteiligung.jobs import queue
from beteiligung.mail import send_mail
from beteiligung.mail.models import JobFailure, OutgoingMail
from beteiligung.testing.helpers import text_of

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _redis_up():
    try:
        from redis import Redis

        return Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(os.environ.get("BETEILIGUNG_TEST_DB") != "postgresql",
                       reason="the worker is a second process: PostgreSQL run"),
    pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379"),
]

TEMPLATES = {"mail/probe.txt": "Hallo {{ name }}\n",
             "mail/probe.html": "{% extends 'mail/_layout.html' %}{% block body %}Hallo {{ name }}{% endblock %}"}


@pytest.fixture
def app_config(smtp_server):
    return {"REDIS_URL": REDIS_URL, "JOBS_BACKEND": "rq", "JOBS_QUEUE": f"test-{uuid.uuid4().hex}",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_MAX_ATTEMPTS": 3,
            "JOBS_RETRY_INTERVALS": "0,0"}


@pytest.fixture
def rq_app(app):
    app.jinja_loader = jinja2.ChoiceLoader([jinja2.DictLoader(TEMPLATES), app.jinja_loader])
    yield app
    q = queue(app)
    q.delete(delete_jobs=True)


def _worker(app, burst=True):
    """`flask worker` as its own process, on the test database, the test queue and the test SMTP server."""
    config = app.config
    env = dict(os.environ, DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=config["REDIS_URL"],
               JOBS_QUEUE=config["JOBS_QUEUE"], JOBS_BACKEND="rq", MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(config["MAIL_PORT"]), MAIL_MAX_ATTEMPTS=str(config["MAIL_MAX_ATTEMPTS"]),
               JOBS_RETRY_INTERVALS=config["JOBS_RETRY_INTERVALS"], SECRET_KEY="test-secret",
               BETEILIGUNG_PLUGINS="", PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"] + (["--burst"] if burst else [])
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603 -- fixed command
                            stderr=subprocess.STDOUT, text=True)


def _queue_mail(key=None):
    mail = send_mail("ana@example.org", "probe", "Betreff", context={"name": "Ana"}, key=key)
    db.session.commit()  # the job goes to Redis now
    return mail.id


def _status(mail_id):
    db.session.expire_all()
    return db.session.get(OutgoingMail, mail_id)


def test_the_worker_delivers_a_queued_mail(rq_app, smtp_server):
    mail_id = _queue_mail()
    assert queue(rq_app).count == 1
    assert smtp_server.handler.messages == []  # nothing happens in the web process
    worker = _worker(rq_app)
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    assert len(smtp_server.handler.messages) == 1
    assert _status(mail_id).status == "sent"


def test_retries_then_a_dead_letter(rq_app, smtp_server):
    smtp_server.handler.mode = "refuse"
    mail_id = _queue_mail()
    worker = _worker(rq_app)
    output, _ = worker.communicate(timeout=120)
    mail = _status(mail_id)
    assert (mail.status, mail.attempts) == ("failed", 3), output
    failure = db.session.scalar(select(JobFailure))
    assert failure is not None and "nicht zugestellt" in failure.error
    assert smtp_server.handler.messages == []


def test_a_worker_killed_mid_delivery_never_sends_twice(rq_app, smtp_server, client, create_user, auth):
    smtp_server.handler.mode = "hold"  # takes the mail, then keeps the worker waiting for its answer
    mail_id = _queue_mail()
    worker = _worker(rq_app, burst=False)
    try:
        assert smtp_server.handler.holding.wait(60), "the worker never reached the SMTP server"
        assert _status(mail_id).status == "sending"
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    smtp_server.handler.release.set()
    assert len(smtp_server.handler.messages) == 1

    # The job runs again (as RQ does with a job whose worker died): the mail is not sent a second time.
    queue(rq_app).enqueue_call("beteiligung.jobs.run_job",
                               args=("beteiligung.mail.delivery.deliver_mail", [mail_id]))
    again = _worker(rq_app)
    output, _ = again.communicate(timeout=120)
    assert again.returncode == 0, output
    assert len(smtp_server.handler.messages) == 1
    assert _status(mail_id).status == "sending"

    # After a while an administrator sees it hanging and decides.
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id)
                       .values(claimed_at=OutgoingMail.claimed_at - db.func.make_interval(0, 0, 0, 0, 1)))
    db.session.commit()
    auth.login(create_user(role="admin"))
    assert "hängt" in text_of(client.get("/verwaltung/zustellung"))


def test_with_redis_down_the_job_runs_in_the_process(app, mail_outbox):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", JOBS_BACKEND="rq", MAIL_SERVER=None)
    app.jinja_loader = jinja2.ChoiceLoader([jinja2.DictLoader(TEMPLATES), app.jinja_loader])
    _queue_mail()
    from beteiligung.jobs import run_pending

    run_pending()
    assert len(mail_outbox.messages()) == 1
