import pytest


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "WRITE_RATE_LIMIT": "2 per minute"}


def test_token_requests_beyond_the_limit_get_429_in_the_error_format(client, create_user):
    user = create_user()
    statuses = [client.post("/api/v1/auth/token", json={"email": user.email, "password": "falsch-falsch"}).status_code
                for _ in range(3)]
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": "falsch-falsch"})

    assert statuses == [401, 401, 401]
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers


def test_login_form_is_rate_limited_with_a_german_page(client, create_user):
    user = create_user()
    for _ in range(3):
        client.post("/konto/anmelden", data={"email": user.email, "password": "falsch-falsch"})
    response = client.post("/konto/anmelden", data={"email": user.email, "password": "falsch-falsch"})

    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.get_data(as_text=True)


def test_api_writes_are_limited_per_token(client, db, create_user, create_consultation, api_headers):
    consultation = create_consultation()
    headers = api_headers(create_user())
    url = f"/api/v1/consultations/{consultation.id}/comments"
    first = [client.post(url, json={"body": f"Beitrag {i}"}, headers=headers).status_code for i in range(2)]
    third = client.post(url, json={"body": "Noch einer"}, headers=headers)
    other = client.post(url, json={"body": "Von jemand anderem"}, headers=api_headers(create_user()))

    assert first == [201, 201]
    assert third.status_code == 429
    assert other.status_code == 201
    db.session.refresh(consultation)
    assert consultation.comment_count == 3


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WRITE_RATE_LIMIT": "100 per minute",
                                         "ACCESS_CODE_RATE_LIMIT": "3 per minute"}])
def test_guessing_access_codes_is_limited_per_address(client, db, create_poll):
    poll = create_poll(audience="access_codes")
    guesses = [client.post(f"/api/v1/polls/{poll.id}/ballots", json={"answers": []},
                           headers={"Authorization": f"AccessCode GUES-S00{i}"}).status_code for i in range(3)]
    fourth = client.post(f"/api/v1/polls/{poll.id}/ballots", json={"answers": []},
                         headers={"Authorization": "AccessCode GUES-S009"})
    page = [client.post(f"/umfragen/{poll.id}/zugangscode", data={"code": f"RATE-N00{i}"}).status_code
            for i in range(4)]

    assert guesses == [401, 401, 401]
    assert fourth.status_code == 429 and fourth.json["error"]["code"] == "rate_limited"
    assert page[:3] == [303, 303, 303] and page[3] == 429


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WRITE_RATE_LIMIT": "100 per minute",
                                         "ACCESS_CODE_RATE_LIMIT": "3 per minute"}])
def test_the_code_limit_leaves_account_requests_alone(client, create_poll, create_user, api_headers):
    poll = create_poll()
    headers = api_headers(create_user())
    statuses = {client.get(f"/api/v1/polls/{poll.id}/pair", headers=headers).status_code for _ in range(5)}
    assert 429 not in statuses


# --- one write limit for the whole API, keyed on who writes (issue 13, point 2) -------------------------

def _bucket_keys():
    """The keys the rate limits are stored under (memory storage in the tests; the same names in Redis)."""
    from beteiligung.extensions import limiter

    return [str(key) for key in getattr(limiter.storage, "storage", {})]


def test_every_api_write_of_an_account_counts_in_one_bucket(client, db, create_user, create_consultation,
                                                            api_headers):
    from beteiligung.proposals import services as proposals

    consultation = create_consultation()
    moderator = create_user(role="moderator", regions=[consultation.region])
    collection = proposals.create_collection(moderator, consultation.region, "Ideen", published=True)
    db.session.commit()
    headers = api_headers(create_user())
    statuses = [
        client.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Eins"},
                    headers=headers).status_code,
        client.post("/api/v1/proposals", json={"collection_id": collection.id, "title": "Mehr Bänke",
                                               "body": "Bitte mehr Bänke im Park."}, headers=headers).status_code,
        client.post(f"/api/v1/consultations/{consultation.id}/follow", headers=headers).status_code,
    ]
    assert statuses[:2] == [201, 201]
    assert statuses[2] == 429  # a third write of the same account, on a third route
    # Reads are not counted.
    assert client.get(f"/api/v1/consultations/{consultation.id}/comments", headers=headers).status_code == 200


def test_the_spelling_of_the_header_makes_no_new_bucket(client, db, create_user, create_consultation, api_headers):
    consultation = create_consultation()
    user = create_user()
    token = api_headers(user)["Authorization"].split(" ", 1)[1]
    url = f"/api/v1/consultations/{consultation.id}/comments"
    statuses = [client.post(url, json={"body": f"Beitrag {i}"}, headers={"Authorization": header}).status_code
                for i, header in enumerate([f"Bearer {token}", f"bearer {token}", f"BEARER  {token}"])]
    assert statuses == [201, 201, 429]
    assert all(token not in key for key in _bucket_keys()), "a token in a rate limit's key"
    assert any(f"account:{user.id}/" in key or key.endswith(f"account:{user.id}") for key in _bucket_keys())


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WRITE_RATE_LIMIT": "2 per minute",
                                         "ACCESS_CODE_RATE_LIMIT": "100 per minute"}])
def test_access_codes_count_by_a_digest_whatever_their_spelling(client, db, create_poll):
    poll = create_poll(audience="access_codes")
    statuses = [client.post(f"/api/v1/polls/{poll.id}/ballots", json={"answers": []},
                            headers={"Authorization": f"AccessCode {code}"}).status_code
                for code in ("WXYZ-2345", "wxyz-2345", "  wxyz2345 ")]
    assert statuses[:2] == [401, 401] and statuses[2] == 429  # an unknown code, three spellings: one bucket
    keys = _bucket_keys()
    assert not any("WXYZ" in key.upper() for key in keys), "an access code in a rate limit's key"
