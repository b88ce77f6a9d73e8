"""Issue items 12 and 13: a 429 says in words when to retry; bodies have per-endpoint limits (413)."""

import json
import re

import pytest
from api_support import count, error_of

from beteiligung.api import BODY_LIMITS, DEFAULT_BODY_LIMIT
from beteiligung.comments.models import Comment
from beteiligung.polls.models import Ballot, Poll

SECONDS = re.compile(r"in (\d+) Sekunden? erneut\.")


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "WRITE_RATE_LIMIT": "100 per minute",
            "ACCESS_CODE_RATE_LIMIT": "100 per minute"}


def _seconds(message, retry_after):
    match = SECONDS.search(message)
    assert match, message
    assert abs(int(match.group(1)) - int(retry_after)) <= 1
    assert 1 <= int(match.group(1)) <= 60
    return int(match.group(1))


def test_api_429_says_in_german_when_to_retry(client, create_user):
    user = create_user()
    for _ in range(3):
        assert client.post("/api/v1/auth/token", json={"email": user.email, "password": "falsch"}).status_code == 401

    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": "falsch"})

    error = error_of(response, 429)
    assert error["code"] == "rate_limited"
    assert error["message"].startswith("Zu viele Anfragen. Bitte versuchen Sie es in ")
    _seconds(error["message"], response.headers["Retry-After"])


def test_api_429_in_english(client, create_user):
    user = create_user()
    for _ in range(4):
        response = client.post("/api/v1/auth/token?lang=en", json={"email": user.email, "password": "falsch"})

    error = error_of(response, 429)
    match = re.fullmatch(r"Too many requests\. Please try again in (\d+) seconds?\.", error["message"])
    assert match, error["message"]
    assert abs(int(match.group(1)) - int(response.headers["Retry-After"])) <= 1


def test_rate_limited_page_says_when_to_retry(client, create_user):
    user = create_user()
    for _ in range(3):
        client.post("/konto/anmelden", data={"email": user.email, "password": "falsch-falsch"})

    response = client.post("/konto/anmelden", data={"email": user.email, "password": "falsch-falsch"})

    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Bitte versuchen Sie es in " in page
    _seconds(page, response.headers["Retry-After"])


# --- item 13: body limits per endpoint, list lengths before items ----------------------------------


@pytest.fixture
def people(create_region, create_user):
    region = create_region(slug="soest")
    return {"region": region, "anna": create_user(pseudonym="Anna"),
            "moderator": create_user(role="moderator", regions=[region], pseudonym="Moderation")}


def _post(api, url, user, text):
    return api.post(url, user=user, data=text, content_type="application/json")


def test_a_1mb_ballot_of_tiny_answers_is_413_in_the_error_format(api, db, people, create_poll):
    poll = create_poll(region=people["region"])
    answer = {"question_id": poll.questions[0].id, "value": poll.questions[0].options[0].id}
    body = json.dumps({"answers": [answer] * 36_000}, separators=(",", ":"))
    assert 900_000 < len(body) < 1024 * 1024  # under the global limit: only the endpoint's own limit refuses it

    error = error_of(_post(api, f"/api/v1/polls/{poll.id}/ballots", people["anna"], body), 413)

    assert error["code"] == "too_large"
    assert count(db, Ballot) == 0


def test_too_many_answers_are_refused_by_length_before_any_item_is_read(api, db, people, create_poll):
    poll = create_poll(region=people["region"])
    body = json.dumps({"answers": [0] * 100_000}, separators=(",", ":"))  # 200 kB, each item invalid
    assert len(body) < BODY_LIMITS["api.submit_ballot"]

    error = error_of(_post(api, f"/api/v1/polls/{poll.id}/ballots", people["anna"], body), 422)

    assert error["fields"] == {"answers": ["Höchstens 200 Einträge erlaubt."]}  # no 100,000 item errors
    assert count(db, Ballot) == 0


def test_a_ballot_within_the_limits_is_taken(api, db, people, create_poll):
    poll = create_poll(region=people["region"])
    text = poll.questions[4]
    response = api.post(f"/api/v1/polls/{poll.id}/ballots", user=people["anna"], json={"answers": [
        {"question_id": poll.questions[0].id, "value": poll.questions[0].options[0].id},
        {"question_id": text.id, "value": "ä" * 500}]})

    assert response.status_code == 201
    assert count(db, Ballot) == 1


def test_nested_lists_are_checked_before_items_too(api, db, people):
    body = {"region": "soest", "title": "Viele Optionen", "kind": "survey", "audience": "accounts",
            "results_visibility": "live", "questions": [{"type": "single_choice", "text": "?", "options": [1] * 5000}]}

    error = error_of(api.post("/api/v1/polls", user=people["moderator"], json=body), 422)

    assert error["fields"] == {"questions.0.options": ["Höchstens 50 Einträge erlaubt."]}
    assert count(db, Poll) == 0


def test_a_comment_larger_than_its_endpoint_limit_is_413(api, db, people, create_consultation):
    consultation = create_consultation(region=people["region"])
    url = f"/api/v1/consultations/{consultation.id}/comments"

    too_large = error_of(api.post(url, user=people["anna"], json={"body": "Lang. " * 20_000}), 413)
    longest = api.post(url, user=people["anna"], json={"body": "\U0001f6b2" * 2500})  # 5000 chars, 30 kB as JSON

    assert too_large["code"] == "too_large"
    assert longest.status_code == 201
    assert count(db, Comment) == 1


def test_small_endpoints_take_small_bodies(api, people):
    padding = "x" * DEFAULT_BODY_LIMIT
    response = api.post("/api/v1/auth/token", json={"email": "a@example.org", "password": "p", "pad": padding})

    assert error_of(response, 413)["code"] == "too_large"
