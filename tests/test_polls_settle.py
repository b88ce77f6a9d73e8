"""Time-driven poll changes: derived when read, recorded by the scheduled job exactly once.

Pages and the API show a poll as closed once its closing date has passed, without writing; the job
(`flask polls settle`) records the change and fires ``poll_closed``, once, even when two hosts run
it at the same moment.
"""

import threading
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sample_plugins import sample

from beteiligung.plugins.services import enable_plugin
from beteiligung.polls.models import Ballot, Poll
from beteiligung.polls.services import settle_due_polls
from beteiligung.testing.fixtures import plugin_entry_point
from beteiligung.timeutil import utcnow

SAMPLE = plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin")


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [SAMPLE],
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 6, "max_overflow": 0}}


@pytest.fixture(autouse=True)
def migrated(app):
    upgrade(revision="heads")
    sample.EVENTS.clear()
    yield
    sample.EVENTS.clear()
    downgrade(revision="sample@base")


@pytest.fixture
def soest(db, create_region):
    region = create_region(slug="soest", name="Soest")
    enable_plugin(None, region, "sample")
    db.session.commit()
    return region


def closed_events():
    return [event for event in sample.EVENTS if event[0] == "poll_closed"]


def test_a_poll_past_its_closing_date_reads_as_closed_without_being_recorded(db, client, api, soest,
                                                                             create_poll, create_user):
    poll = create_poll(region=soest)
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert api.get(f"/api/v1/polls/{poll.id}").get_json()["status"] == "closed"
    assert "Abgeschlossen" in client.get(f"/umfragen/{poll.id}").get_data(as_text=True)
    question = poll.questions[0]
    refused = api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                       json={"answers": [{"question_id": question.id, "value": question.options[0].id}]})
    assert refused.status_code == 409
    assert db.session.get(Poll, poll.id).state == "open" and db.session.query(Ballot).count() == 0
    assert closed_events() == []


def test_the_job_records_a_closing_once_and_tells_the_plugins_once(db, runner, soest, create_poll):
    poll = create_poll(region=soest)
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "1 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    assert "0 Umfragen" in runner.invoke(args=["polls", "settle"]).output
    stored = db.session.get(Poll, poll.id)
    assert stored.state == "closed" and stored.closed_at == poll.closes_at
    assert closed_events() == [("poll_closed", "soest", poll.id)]


def test_the_job_records_an_opening_without_telling_of_a_closing(db, soest, create_poll):
    poll = create_poll(region=soest, status="draft")
    poll.opens_at = utcnow() - timedelta(minutes=1)
    running = create_poll(region=soest)
    db.session.commit()
    assert settle_due_polls() == 1
    assert db.session.get(Poll, poll.id).state == "open"
    assert db.session.get(Poll, running.id).state == "open"
    assert closed_events() == []


def test_a_moderator_cannot_close_a_poll_that_its_date_already_closed(db, api, soest, create_poll, create_user):
    poll = create_poll(region=soest)
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    moderator = create_user(role="moderator", regions=[soest])
    response = api.post(f"/api/v1/polls/{poll.id}/close", user=moderator)
    assert response.status_code == 409
    assert closed_events() == []
    assert settle_due_polls() == 1 and len(closed_events()) == 1


def test_two_hosts_running_the_job_at_once_close_each_poll_once(app, db, soest, create_poll):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (SQLite serialises every write)")
    polls = [create_poll(region=soest, title=f"Umfrage {n}") for n in range(6)]
    for poll in polls:
        poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    barrier = threading.Barrier(2, timeout=30)
    counts, errors = [], []

    def host():
        with app.app_context():
            try:
                barrier.wait()
                counts.append(settle_due_polls())
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sum(counts) == len(polls)
    assert sorted(event[2] for event in closed_events()) == sorted(poll.id for poll in polls)
    assert {db.session.get(Poll, poll.id).state for poll in polls} == {"closed"}
