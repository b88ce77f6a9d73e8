"""JSON API: ``Idempotency-Key`` on writes — a retry after a lost answer gets the first answer, never a second write."""

from datetime import timedelta

import pytest
from api_support import count, error_of
from sqlalchemy import select, update

from beteiligung.accounts.models import ApiToken
from beteiligung.api import idempotency
from beteiligung.api.idempotency import IdempotencyKey
from beteiligung.comments.models import Comment
from beteiligung.errors import Conflict
from beteiligung.polls.models import AccessCode, Ballot, Poll
from beteiligung.regions.models import Region
from beteiligung.testing.helpers import writes_during
from beteiligung.timeutil import utcnow


def comments_url(consultation):
    return f"/api/v1/consultations/{consultation.id}/comments"


def key(value):
    return {"Idempotency-Key": value}


def post_comment(api, consultation, user, body="Bitte mehr Schatten am Markt.", idem="kommentar-1", headers=None):
    return api.post(comments_url(consultation), user=user, json={"body": body},
                    headers={**key(idem), **(headers or {})})


def bodies(db, consultation):
    db.session.expire_all()
    return db.session.scalars(select(Comment.body).where(Comment.consultation_id == consultation.id)
                              .order_by(Comment.id)).all()


def age_keys(db, hours):
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=hours)))
    db.session.commit()


def single_choice(poll):
    return next(question for question in poll.questions if question.type == "single_choice")


def ballot_of(poll, option=0):
    question = single_choice(poll)
    return {"answers": [{"question_id": question.id, "value": question.options[option].id}]}


def ballots_url(poll):
    return f"/api/v1/polls/{poll.id}/ballots"


# --- retries get the first answer ---

def test_a_retried_comment_is_stored_once_and_gets_the_first_answer(api, db, consultation, author):
    first = post_comment(api, consultation, author)
    second = post_comment(api, consultation, author)

    assert first.status_code == 201, first.get_data(as_text=True)
    assert "Idempotent-Replayed" not in first.headers
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.is_json
    assert second.get_json() == first.get_json()
    assert bodies(db, consultation) == ["Bitte mehr Schatten am Markt."]
    assert count(db, IdempotencyKey) == 1


def test_a_retry_does_not_run_the_view_again(api, db, consultation, author):
    """An edit made with a key, then another edit: retrying the first answers as then and changes nothing."""
    created = api.post(comments_url(consultation), user=author, json={"body": "Erste Fassung"}).get_json()
    url = f"/api/v1/comments/{created['id']}"
    first = api.patch(url, user=author, json={"body": "Zweite Fassung"}, headers=key("bearbeiten-1"))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert api.patch(url, user=author, json={"body": "Dritte Fassung"}).status_code == 200

    retry = api.patch(url, user=author, json={"body": "Zweite Fassung"}, headers=key("bearbeiten-1"))

    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["body"] == "Zweite Fassung"
    assert bodies(db, consultation) == ["Dritte Fassung"]


def test_a_retried_ballot_is_stored_once(api, db, create_poll, citizen):
    poll = create_poll()
    first = api.post(ballots_url(poll), user=citizen, json=ballot_of(poll), headers=key("stimme-1"))
    second = api.post(ballots_url(poll), user=citizen, json=ballot_of(poll), headers=key("stimme-1"))

    assert first.status_code == 201, first.get_data(as_text=True)
    assert (second.status_code, second.get_json()) == (201, first.get_json())
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(db, Ballot, Ballot.poll_id == poll.id) == 1


def test_a_retried_ballot_with_an_access_code_gets_the_first_answer(api, db, create_poll):
    """Without the key the second request would be refused (the code is used up); with it, it is answered."""
    poll = create_poll(audience="access_codes")
    db.session.add(AccessCode(poll_id=poll.id, code="ABCD2345"))
    db.session.commit()
    headers = {"Authorization": "AccessCode ABCD-2345", **key("werkstatt-7")}
    first = api.post(ballots_url(poll), json=ballot_of(poll), headers=headers)
    # however the code is spelled, it is the same sender
    second = api.post(ballots_url(poll), json=ballot_of(poll),
                      headers={"Authorization": "AccessCode abcd 2345", **key("werkstatt-7")})

    assert first.status_code == 201, first.get_data(as_text=True)
    assert (second.status_code, second.get_json()) == (201, first.get_json())
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(db, Ballot, Ballot.poll_id == poll.id) == 1
    # no code in the clear: only digests are stored
    row = db.session.scalars(select(IdempotencyKey)).one()
    assert row.user_id is None
    assert "ABCD2345" not in row.key_hash + row.request_hash + row.body


def test_the_key_holds_for_every_token_of_the_account(api, db, consultation, author, api_headers):
    first = post_comment(api, consultation, author)
    other_token = api.client.post(comments_url(consultation), json={"body": "Bitte mehr Schatten am Markt."},
                                  headers={**api_headers(author), **key("kommentar-1")})

    assert other_token.status_code == 201
    assert other_token.headers["Idempotent-Replayed"] == "true"
    assert other_token.get_json() == first.get_json()
    assert len(bodies(db, consultation)) == 1


def test_only_digests_are_stored(api, db, consultation, author, api_headers):
    headers = api_headers(author)
    token = headers["Authorization"].split(" ", 1)[1]
    response = api.client.post(comments_url(consultation), json={"body": "Mit Schatten."},
                               headers={**headers, **key("mein-geheimer-schluessel")})
    assert response.status_code == 201

    row = db.session.scalars(select(IdempotencyKey)).one()
    assert row.user_id == author.id
    assert len(row.key_hash) == 64 and len(row.request_hash) == 64
    stored = " ".join(str(value) for value in (row.key_hash, row.request_hash, row.body, row.content_type))
    assert token not in stored and "mein-geheimer-schluessel" not in stored
    assert row.status == 201 and row.body.strip() == response.get_data(as_text=True).strip()


def test_the_keys_go_with_the_account(api, db, consultation, author):
    from beteiligung.accounts.services import remove_account

    assert post_comment(api, consultation, author).status_code == 201
    assert count(db, IdempotencyKey) == 1
    remove_account(author)
    db.session.commit()
    assert count(db, IdempotencyKey) == 0


# --- what the key is bound to ---

def test_a_key_reused_with_another_body_is_422_and_stores_nothing(api, db, consultation, author):
    assert post_comment(api, consultation, author).status_code == 201

    error = error_of(post_comment(api, consultation, author, body="Etwas ganz anderes."), 422)

    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["message"]
    assert bodies(db, consultation) == ["Bitte mehr Schatten am Markt."]
    assert count(db, IdempotencyKey) == 1


def test_a_key_reused_with_another_query_string_is_422(api, db, consultation, author):
    assert post_comment(api, consultation, author).status_code == 201
    response = api.post(comments_url(consultation) + "?lang=en", user=author,
                        json={"body": "Bitte mehr Schatten am Markt."}, headers=key("kommentar-1"))
    assert error_of(response, 422)["code"] == "idempotency_key_reused"
    assert len(bodies(db, consultation)) == 1


def test_different_accounts_with_the_same_key_are_independent(api, db, consultation, author, reader):
    first = post_comment(api, consultation, author)
    second = post_comment(api, consultation, reader)

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert first.get_json()["id"] != second.get_json()["id"]
    assert second.get_json()["author"]["pseudonym"] == reader.pseudonym
    assert len(bodies(db, consultation)) == 2
    assert count(db, IdempotencyKey) == 2


def test_the_same_key_on_another_path_is_another_key(api, db, create_consultation, consultation, author):
    other = create_consultation(region=consultation.region, title="Neue Radwege")
    assert post_comment(api, consultation, author).status_code == 201
    response = post_comment(api, other, author)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert len(bodies(db, consultation)) == len(bodies(db, other)) == 1


# --- refused writes store no key ---

def test_a_refused_ballot_stores_no_key_and_a_retry_after_the_fix_runs(api, db, create_poll, citizen):
    poll = create_poll()
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(closes_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    refused = api.post(ballots_url(poll), user=citizen, json=ballot_of(poll), headers=key("stimme-2"))
    assert error_of(refused, 409)["code"] == "conflict"
    assert count(db, IdempotencyKey) == 0

    db.session.execute(update(Poll).where(Poll.id == poll.id).values(closes_at=utcnow() + timedelta(days=1)))
    db.session.commit()
    retry = api.post(ballots_url(poll), user=citizen, json=ballot_of(poll), headers=key("stimme-2"))

    assert retry.status_code == 201, retry.get_data(as_text=True)
    assert "Idempotent-Replayed" not in retry.headers
    assert count(db, Ballot, Ballot.poll_id == poll.id) == 1
    assert count(db, IdempotencyKey) == 1


def test_an_invalid_body_stores_no_key_and_the_corrected_body_is_accepted(api, db, consultation, author):
    error = error_of(post_comment(api, consultation, author, body=""), 422)
    assert "body" in error["fields"]
    assert count(db, IdempotencyKey) == 0
    assert post_comment(api, consultation, author, body="Jetzt mit Text.").status_code == 201
    assert bodies(db, consultation) == ["Jetzt mit Text."]


def test_a_server_error_stores_no_key_and_nothing_of_the_write(api, db, consultation, author, monkeypatch):
    from beteiligung.comments import schemas

    def broken(*args, **kwargs):
        raise RuntimeError("Ausfall beim Antworten")

    monkeypatch.setattr("beteiligung.comments.api.comment_to_json", broken)
    assert error_of(post_comment(api, consultation, author), 500)["code"] == "server_error"
    assert count(db, IdempotencyKey) == 0
    assert bodies(db, consultation) == []  # the view had committed: without the key that comment would stay

    monkeypatch.setattr("beteiligung.comments.api.comment_to_json", schemas.comment_to_json)
    retry = post_comment(api, consultation, author)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert len(bodies(db, consultation)) == 1


@pytest.fixture
def committing_view(app):
    """A write of the API that commits a region and then refuses (as a view may: commit, then 4xx)."""

    def view():
        from beteiligung.extensions import db

        db.session.add(Region(slug="zuerst-gespeichert", name="Zuerst", theme="", description=""))
        db.session.commit()
        db.session.add(Region(slug="danach-verworfen", name="Danach", theme="", description=""))
        db.session.flush()
        raise Conflict("Nach dem Speichern abgelehnt.")

    # endpoint "api.…": the API blueprint's hooks run for it, as for the blueprint's own views
    app.add_url_rule("/api/v1/_idempotency_test", endpoint="api.idempotency_test", view_func=view, methods=["POST"])
    return "/api/v1/_idempotency_test"


def test_what_a_view_committed_before_it_refused_stays_as_without_a_key(api, db, citizen, committing_view):
    response = api.post(committing_view, user=citizen, json={}, headers=key("zweimal"))
    assert error_of(response, 409)["message"] == "Nach dem Speichern abgelehnt."
    db.session.expire_all()
    slugs = db.session.scalars(select(Region.slug).where(Region.slug.in_(["zuerst-gespeichert", "danach-verworfen"])))
    assert slugs.all() == ["zuerst-gespeichert"]
    assert count(db, IdempotencyKey) == 0


# --- the answers that hold a secret ---

def test_token_requests_ignore_the_key_and_no_token_is_stored(api, db, author):
    from beteiligung.testing.fixtures import TEST_PASSWORD

    credentials = {"email": author.email, "password": TEST_PASSWORD}
    first = api.post("/api/v1/auth/token", json=credentials, headers=key("anmelden"))
    second = api.post("/api/v1/auth/token", json=credentials, headers=key("anmelden"))

    assert first.status_code == second.status_code == 201
    assert first.get_json()["token"] != second.get_json()["token"]
    assert count(db, ApiToken, ApiToken.user_id == author.id) == 2
    assert count(db, IdempotencyKey) == 0


# --- malformed keys, reads ---

@pytest.mark.parametrize("value", ["", "x" * 201, "schlüssel", "tab\tim-schluessel", "zeilen\x7f"],
                         ids=["empty", "201 characters", "not ASCII", "control character", "DEL"])
def test_a_malformed_key_is_400_and_nothing_is_written(api, db, consultation, author, value):
    error = error_of(post_comment(api, consultation, author, idem=value), 400)
    assert error["code"] == "idempotency_key_invalid"
    assert list(error["fields"]) == ["Idempotency-Key"]
    assert bodies(db, consultation) == []
    assert count(db, IdempotencyKey) == 0


def test_the_messages_are_german_and_english_with_lang_en(api, db, consultation, author):
    german = error_of(post_comment(api, consultation, author, idem=""), 400)
    english = error_of(api.post(comments_url(consultation) + "?lang=en", user=author, json={"body": "Hallo"},
                                headers=key("")), 400)
    assert german["message"].startswith("Der Idempotency-Key muss aus 1 bis 200")
    assert english["message"] == "The Idempotency-Key must consist of 1 to 200 printable ASCII characters."


@pytest.mark.parametrize("value", ["k", "~" * 200, "Leer zeichen & Sonder!zeichen"],
                         ids=["one character", "200 characters", "spaces and signs"])
def test_keys_of_1_to_200_printable_characters_are_accepted(api, db, consultation, author, value):
    assert post_comment(api, consultation, author, idem=value).status_code == 201
    retry = post_comment(api, consultation, author, idem=value)
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert len(bodies(db, consultation)) == 1


def test_reads_ignore_the_header_and_never_write(api, db, consultation, author):
    assert post_comment(api, consultation, author).status_code == 201
    with writes_during(db) as writes:
        listed = api.get(comments_url(consultation), user=author, headers=key("kommentar-1"))
        malformed = api.get(comments_url(consultation), user=author, headers=key("ü" * 300))
    assert listed.status_code == malformed.status_code == 200
    assert "Idempotent-Replayed" not in listed.headers
    assert listed.get_json()["total"] == 1
    assert writes == []


# --- expiry ---

def test_a_key_expires_after_idempotency_hours(app, api, db, consultation, author):
    assert post_comment(api, consultation, author).status_code == 201
    age_keys(db, hours=2)
    kept = post_comment(api, consultation, author)
    assert kept.headers.get("Idempotent-Replayed") == "true"  # within the default of 24 hours

    app.config["IDEMPOTENCY_HOURS"] = 1
    again = post_comment(api, consultation, author)

    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert len(bodies(db, consultation)) == 2
    rows = db.session.scalars(select(IdempotencyKey)).all()
    assert len(rows) == 1 and rows[0].created_at > utcnow() - timedelta(minutes=5)  # the old one is gone


def test_purge_removes_only_expired_keys(api, db, runner, consultation, author, reader):
    assert post_comment(api, consultation, author).status_code == 201
    age_keys(db, hours=25)
    assert post_comment(api, consultation, reader).status_code == 201

    result = runner.invoke(args=["api", "purge-idempotency"])

    assert result.exit_code == 0, result.output
    assert "Abgelaufene Idempotency-Keys gelöscht: 1" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(IdempotencyKey.user_id)).all() == [reader.id]


# --- two requests at the same moment ---

def test_a_key_stored_by_another_request_meanwhile_wins(api, db, consultation, author, monkeypatch):
    """The unique key decides (SQLite too): a request that did not see the key when it began, because the
    other request had not committed yet, rolls its write back and answers with the stored answer."""
    first = post_comment(api, consultation, author)
    real = idempotency._stored
    calls = []

    def not_yet_committed(key_hash):
        calls.append(key_hash)
        return None if len(calls) == 1 else real(key_hash)

    monkeypatch.setattr(idempotency, "_stored", not_yet_committed)
    second = post_comment(api, consultation, author)

    assert len(calls) == 2
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert second.get_json() == first.get_json()
    assert len(bodies(db, consultation)) == 1


@pytest.fixture
def app_config():
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 12, "max_overflow": 0,
                                          "pool_timeout": 60}}


def test_parallel_requests_with_one_key_write_once(concurrent, db, consultation, author, api_headers):
    headers = {**api_headers(author), **key("gleichzeitig")}
    results = concurrent([("POST", comments_url(consultation), {"body": "Nur einmal, bitte."}, headers)] * 8)

    statuses = [status for status, _body in results]
    assert 500 not in statuses, statuses
    assert set(statuses) <= {201, 409}, statuses
    created = [body for status, body in results if status == 201]
    assert created and all(body == created[0] for body in created), results
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] == "idempotency_in_progress"
    assert bodies(db, consultation) == ["Nur einmal, bitte."]
    assert count(db, IdempotencyKey) == 1


def test_parallel_ballots_with_one_key_store_one_ballot(concurrent, db, create_poll, citizen, api_headers):
    poll = create_poll()
    headers = {**api_headers(citizen), **key("gleichzeitig-abstimmen")}
    results = concurrent([("POST", ballots_url(poll), ballot_of(poll), headers)] * 8)

    statuses = [status for status, _body in results]
    assert set(statuses) <= {201, 409} and 201 in statuses, results
    # a second ballot is refused with "conflict" by the database; with the key none gets that far
    assert all(body["error"]["code"] == "idempotency_in_progress" for status, body in results if status == 409)
    assert count(db, Ballot, Ballot.poll_id == poll.id) == 1


def test_a_request_whose_key_stays_busy_is_409_in_progress(concurrent, app, api, db, consultation, author):
    """Another transaction holds the key (PostgreSQL advisory lock) longer than IDEMPOTENCY_WAIT_SECONDS: 409
    "wird gerade bearbeitet", nothing written; once it is free, the request runs."""
    from sqlalchemy import text

    busy = idempotency.lock_id(idempotency.key_digest(f"account:{author.id}", "POST", comments_url(consultation),
                                                      "kommentar-1"))
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = 0.2
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:id)"), {"id": busy})
        response = post_comment(api, consultation, author)
        other.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": busy})
        other.commit()

    error = error_of(response, 409)
    assert error["code"] == "idempotency_in_progress" and "gerade bearbeitet" in error["message"]
    assert response.headers["Retry-After"] == "1"
    assert bodies(db, consultation) == [] and count(db, IdempotencyKey) == 0
    assert post_comment(api, consultation, author).status_code == 201
    assert len(bodies(db, consultation)) == 1
