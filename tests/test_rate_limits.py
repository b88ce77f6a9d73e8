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
