"""Mail delivery: stored with the write, delivered after the commit (outbox or SMTP), never twice,
dead letters visible to administrators; the request that caused a mail never fails because of it."""

import os
import threading
import urllib.request

import jinja2
import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.serving import make_server

from beteiligung import jobs
from beteiligung.extensions import db
from beteiligung.mail import external_url, send_mail
from beteiligung.mail.delivery import deliver_mail, deliver_waiting
from beteiligung.mail.models import JobFailure, OutgoingMail
from beteiligung.testing.fixtures import free_port
from beteiligung.testing.helpers import count_rows, text_of

TEMPLATES = {
    "mail/probe.txt": "{{ _('Hallo') }} {{ name }}\n{{ link }}\n",
    "mail/probe.html": "{% extends 'mail/_layout.html' %}{% block body %}<p>{{ _('Hallo') }} {{ name }}</p>"
                       "<p><a href=\"{{ link }}\">{{ link }}</a></p>{% endblock %}",
}


def _with_probe_template(app):
    app.jinja_loader = jinja2.ChoiceLoader([jinja2.DictLoader(TEMPLATES), app.jinja_loader])


def _probe_route(app, fail=False):
    """A page that sends one mail with its write (and optionally fails afterwards: rolled back)."""
    _with_probe_template(app)

    @app.route("/probe", methods=["POST"])
    def probe():
        send_mail("ana@example.org", "probe", _l("Ihr Konto"), context={"name": "Ana", "link": external_url(
            "home.index")}, key="probe-1", headers={"List-Unsubscribe": "<https://example.org/ab>"})
        if fail:
            db.session.rollback()
            return "abgelehnt", 422
        db.session.commit()
        return "ok"


def test_a_mail_written_in_a_request_is_in_the_outbox_after_the_response(app, client, mail_outbox):
    _probe_route(app)
    assert client.post("/probe").status_code == 200
    [message] = mail_outbox.messages()
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == "Ihr Konto"
    assert message["List-Unsubscribe"] == "<https://example.org/ab>"
    assert message["Message-ID"].startswith("<beteiligung-mail-")
    assert mail_outbox.text(message).startswith("Hallo Ana")
    assert "<p>Hallo Ana</p>" in mail_outbox.html(message)
    assert mail_outbox.links(message) == ["http://localhost/"]
    mail = db.session.scalar(select(OutgoingMail))
    assert (mail.status, mail.attempts) == ("sent", 1)
    assert mail.sent_at is not None


def test_a_rolled_back_write_sends_nothing(app, client, mail_outbox):
    _probe_route(app, fail=True)
    assert client.post("/probe").status_code == 422
    assert mail_outbox.messages() == []
    assert count_rows(db, OutgoingMail) == 0


def test_jobs_wait_for_the_outer_commit_not_a_savepoint(app, mail_outbox):
    _with_probe_template(app)
    db.session.execute(select(1))
    send_mail("ana@example.org", "probe", "Betreff", context={"name": "A", "link": ""})  # releases a savepoint
    with db.session.begin_nested():
        pass
    assert app.extensions.get("beteiligung_jobs", []) == []  # nothing handed on yet
    db.session.rollback()
    jobs.run_pending()
    assert mail_outbox.messages() == []
    assert count_rows(db, OutgoingMail) == 0


def test_the_same_key_is_queued_once(app, mail_outbox):
    _with_probe_template(app)
    first = send_mail("ana@example.org", "probe", "Betreff", context={"name": "A", "link": ""}, key="k")
    second = send_mail("ana@example.org", "probe", "Betreff", context={"name": "A", "link": ""}, key="k")
    assert first is not None and second is None
    db.session.commit()
    jobs.run_pending()
    assert len(mail_outbox.messages()) == 1


def test_mails_speak_the_recipients_language(app, mail_outbox):
    _with_probe_template(app)
    send_mail("bo@example.org", "probe", _l("Ihr Konto"), context={"name": "Bo", "link": ""}, locale="en")
    db.session.commit()
    jobs.run_pending()
    [message] = mail_outbox.messages()
    assert message["Subject"] == "Your account"
    assert mail_outbox.text(message).startswith("Hello Bo")


def test_external_urls_outside_a_request_use_base_url(app):
    app.config["BASE_URL"] = "https://beteiligung.example.org/nrw"
    assert external_url("home.index") == "https://beteiligung.example.org/nrw/"


def test_delivering_twice_sends_once(app, mail_outbox):
    _with_probe_template(app)
    mail = send_mail("ana@example.org", "probe", "Betreff", context={"name": "A", "link": ""})
    db.session.commit()
    jobs.run_pending()
    deliver_mail(mail.id)  # the same job once more, as after a worker was replaced
    assert len(mail_outbox.messages()) == 1


@pytest.fixture
def smtp_app(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_MAX_ATTEMPTS=3)
    _probe_route(app)
    return app


def test_mails_go_out_over_smtp(smtp_app, client, smtp_server, mail_outbox):
    assert client.post("/probe").status_code == 200
    [message] = smtp_server.handler.messages
    assert message["To"] == "ana@example.org"
    assert message.get_body(preferencelist=("html",)) is not None
    assert mail_outbox.messages() == []  # with MAIL_SERVER nothing is written to the outbox


def test_a_refusing_smtp_server_does_not_fail_the_request_and_ends_as_dead_letter(smtp_app, client, smtp_server,
                                                                                  create_user, auth):
    smtp_server.handler.mode = "refuse"
    assert client.post("/probe").status_code == 200
    mail = db.session.scalar(select(OutgoingMail))
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert "451" in mail.last_error
    assert count_rows(db, JobFailure) == 0  # a mail that will be tried again is no failed job
    deliver_waiting(older_than_seconds=0)
    deliver_waiting(older_than_seconds=0)
    db.session.refresh(mail)
    assert (mail.status, mail.attempts) == ("failed", 3)
    deliver_waiting(older_than_seconds=0)  # given up: no further attempt
    db.session.refresh(mail)
    assert mail.attempts == 3
    assert smtp_server.handler.messages == []

    auth.login(create_user(role="admin"))
    page = client.get("/verwaltung/zustellung")
    assert page.status_code == 200
    assert "ana@example.org" in text_of(page) and "aufgegeben" in text_of(page)
    smtp_server.handler.mode = "accept"
    response = client.post(f"/verwaltung/zustellung/{mail.id}/erneut")
    assert response.status_code == 303
    assert len(smtp_server.handler.messages) == 1
    db.session.refresh(mail)
    assert mail.status == "sent"
    # Sent now: nothing left to retry.
    client.post(f"/verwaltung/zustellung/{mail.id}/erneut")
    assert len(smtp_server.handler.messages) == 1


def test_an_unreachable_smtp_server_does_not_fail_the_request(app, client):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    _probe_route(app)
    assert client.post("/probe").status_code == 200
    mail = db.session.scalar(select(OutgoingMail))
    assert mail.status == "pending" and mail.last_error


def test_citizens_cannot_see_or_retry_deliveries(app, client, create_user, auth):
    auth.login(create_user())
    assert client.get("/verwaltung/zustellung").status_code == 403
    assert client.post("/verwaltung/zustellung/1/erneut").status_code == 403


def test_retrying_an_unknown_mail_says_so(app, client, create_user, auth):
    auth.login(create_user(role="admin"))
    response = client.post("/verwaltung/zustellung/999/erneut", follow_redirects=True)
    assert "Diese Mail gibt es nicht." in text_of(response)


def test_the_response_is_not_held_by_a_slow_smtp_server(app, smtp_server):
    """A real HTTP server: the answer arrives while the SMTP server still holds the mail."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    _probe_route(app)
    smtp_server.handler.mode = "hold"
    db.session.commit()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/probe", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 -- our own test server
            assert response.status == 200 and response.read() == b"ok"
        assert smtp_server.handler.holding.wait(20)
        assert not smtp_server.handler.release.is_set()  # the mail was still on its way
    finally:
        smtp_server.handler.release.set()
        server.shutdown()
        thread.join(10)
    assert len(smtp_server.handler.messages) == 1


def test_a_failing_job_is_recorded_for_administrators(app):
    jobs.enqueue(_always_fails, 7)
    db.session.commit()
    jobs.run_pending()
    failure = db.session.scalar(select(JobFailure))
    assert failure.job.endswith("_always_fails")
    assert "kaputt 7" in failure.error


def _always_fails(number):
    raise RuntimeError(f"kaputt {number}")


def test_jobs_refuse_arguments_a_queue_cannot_carry(app):
    with pytest.raises(TypeError):
        jobs.enqueue(_always_fails, object())


def test_links_in_the_outbox_can_be_read_in_a_text_editor(app, mail_outbox):
    """make run without SMTP: a newcomer opens the .eml file and copies the confirmation link."""
    _with_probe_template(app)
    link = "http://127.0.0.1:5000/konto/bestaetigen/" + "x" * 150
    send_mail("ana@example.org", "probe", "Betreff", context={"name": "Ana", "link": link})
    db.session.commit()
    jobs.run_pending()
    from beteiligung.mail.delivery import outbox_dir

    [name] = os.listdir(outbox_dir(app))
    with open(os.path.join(outbox_dir(app), name), encoding="utf-8") as f:
        assert link in f.read().splitlines()  # one line, not cut by quoted-printable soft breaks
