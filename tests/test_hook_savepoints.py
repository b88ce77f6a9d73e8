"""Each plugin's hook runs in its own SAVEPOINT: a failing plugin loses only its own writes.

Two tests-only plugins (tests/sample_plugins/hooksafe.py) react to the same events: ``hookwriter``
writes a row, ``hookfailer`` writes a row and then fails (a failed SQL statement, a violated
constraint, a Python exception, an object that cannot be flushed). The citizen's comment or ballot
is stored, the writer's row stays, the failer's row is gone, and the failure is logged. Both load
orders are tested, so the writer runs once before and once after the failure (on PostgreSQL a
failed statement without a savepoint aborts the whole transaction).
"""

import logging

import pytest
from sample_plugins.hooksafe import CREATE_TABLE, DROP_TABLE
from sqlalchemy import select, text

from beteiligung.comments.models import Comment
from beteiligung.polls.models import Ballot, Poll
from beteiligung.testing.fixtures import plugin_entry_point

WRITER = plugin_entry_point("hookwriter", "sample_plugins.hooksafe:WriterPlugin")
FAILER = plugin_entry_point("hookfailer", "sample_plugins.hooksafe:FailerPlugin")


@pytest.fixture(params=["failer_first", "writer_first"])
def app_config(request):
    order = [FAILER, WRITER] if request.param == "failer_first" else [WRITER, FAILER]
    return {"PLUGIN_ENTRY_POINTS": order}


@pytest.fixture(autouse=True)
def marks_table(app, db):
    with db.engine.begin() as conn:
        conn.execute(text(DROP_TABLE))
        conn.execute(text(CREATE_TABLE))
    yield
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text(DROP_TABLE))


@pytest.fixture
def soest(db, create_region, enable_plugin):
    region = create_region(slug="soest", name="Soest")
    enable_plugin(region, "hookwriter")
    enable_plugin(region, "hookfailer")
    return region


def marks(db):
    db.session.rollback()
    return sorted(db.session.execute(text("SELECT plugin, hook, ref FROM hooksafe_marks")).all())


def test_both_plugins_are_loaded_in_the_given_order(app):
    plugins = app.extensions["beteiligung.plugins"].plugins
    assert set(plugins) == {"hookwriter", "hookfailer"}
    assert app.extensions["beteiligung.plugins"].failed == {}


def test_a_failed_statement_in_comment_created_keeps_the_comment_and_the_other_plugins_write(
        client, db, soest, create_user, create_consultation, api_headers, caplog):
    consultation = create_consultation(region=soest)
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        response = client.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Gute Idee"},
                               headers=api_headers(create_user()))

    assert response.status_code == 201, response.get_json()
    comment_id = response.get_json()["id"]
    assert db.session.scalar(select(Comment.body).where(Comment.id == comment_id)) == "Gute Idee"
    assert marks(db) == [("hookwriter", "comment_created", comment_id)]
    failures = [r for r in caplog.records if "comment_created" in r.getMessage() and "hookfailer" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None
    assert "hooksafe_missing_table" in str(failures[0].exc_info[1])
    # The failing validator (a SELECT from a missing table) refused nothing and was logged too.
    assert any("comment_validators" in r.getMessage() for r in caplog.records)


def test_the_comment_form_page_stores_the_comment_too(client, db, auth, soest, create_user, create_consultation):
    consultation = create_consultation(region=soest)
    auth.login(create_user())
    response = client.post(f"/beteiligungen/{consultation.id}/beitraege", data={"body": "Auch über das Formular"})

    assert response.status_code == 303
    stored = db.session.scalar(select(Comment.id).where(Comment.body == "Auch über das Formular"))
    assert stored is not None
    assert marks(db) == [("hookwriter", "comment_created", stored)]


def test_a_violated_constraint_in_ballot_submitted_keeps_the_ballot(api, db, soest, create_user, create_poll,
                                                                     caplog):
    poll = create_poll(region=soest)
    question = poll.questions[0]
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        response = api.post(f"/api/v1/polls/{poll.id}/ballots", user=create_user(),
                            json={"answers": [{"question_id": question.id, "value": question.options[0].id}]})

    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(select(Ballot.id).where(Ballot.poll_id == poll.id)) is not None
    assert marks(db) == [("hookwriter", "ballot_submitted", poll.id)]
    assert any("ballot_submitted" in r.getMessage() and "hookfailer" in r.getMessage() for r in caplog.records)


def test_an_exception_after_a_write_in_consultation_published_undoes_only_that_write(client, db, soest,
                                                                                    create_user, api_headers):
    moderator = create_user(role="moderator", regions=[soest])
    response = client.post("/api/v1/consultations", headers=api_headers(moderator),
                           json={"region": "soest", "title": "Bürgerbus", "published": True})

    assert response.status_code == 201, response.get_json()
    assert marks(db) == [("hookwriter", "consultation_published", response.get_json()["id"])]


def test_an_object_that_cannot_be_flushed_in_poll_closed_is_discarded(api, db, soest, create_user, create_poll):
    poll = create_poll(region=soest)
    response = api.post(f"/api/v1/polls/{poll.id}/close", user=create_user(role="moderator", regions=[soest]))

    assert response.status_code == 200, response.get_json()
    assert db.session.scalar(select(Poll.state).where(Poll.id == poll.id)) == "closed"
    assert marks(db) == [("hookwriter", "poll_closed", poll.id)]


def test_without_the_failing_plugin_nothing_is_logged(app, client, db, soest, create_user, create_consultation,
                                                      api_headers, disable_plugin, caplog):
    disable_plugin(soest, "hookfailer")
    consultation = create_consultation(region=soest)
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        response = client.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Gut"},
                               headers=api_headers(create_user()))

    assert response.status_code == 201
    assert marks(db) == [("hookwriter", "comment_created", response.get_json()["id"])]
    assert not [r for r in caplog.records if r.name == "beteiligung.plugins"]
