"""JSON API: access tokens, bearer authentication, regions, the OpenAPI description, error format."""


import pytest
from api_support import count, error_of
from sqlalchemy import select

from beteiligung.accounts.models import ApiToken
from beteiligung.accounts.services import issue_token
from beteiligung.comments.models import Comment
from beteiligung.testing.fixtures import TEST_PASSWORD

# --- POST /api/v1/auth/token -------------------------------------------------------------------------


def test_token_is_issued_for_correct_credentials(api, db, create_user):
    user = create_user(email="anna.beispiel@example.org", pseudonym="Anna B")

    response = api.post("/api/v1/auth/token", json={"email": "anna.beispiel@example.org", "password": TEST_PASSWORD})

    assert response.status_code == 201
    token = response.get_json()["token"]
    assert isinstance(token, str) and len(token) >= 32
    stored = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert len(stored) == 1
    assert stored[0].token_hash != token  # only a digest is stored


def test_issued_token_authenticates_writes_as_its_user(api, db, create_user, create_consultation):
    user = create_user(email="bert@example.org", pseudonym="Bert aus Soest")
    consultation = create_consultation()
    token = api.post("/api/v1/auth/token", json={"email": "bert@example.org", "password": TEST_PASSWORD}
                     ).get_json()["token"]

    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Gute Idee."},
                        headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 201
    assert response.get_json()["author"] == {"pseudonym": "Bert aus Soest"}
    assert db.session.scalar(select(Comment.author_id)) == user.id


def test_token_email_is_case_insensitive(api, create_user):
    create_user(email="carla.muster@example.org")

    response = api.post("/api/v1/auth/token", json={"email": "  Carla.Muster@EXAMPLE.org ", "password": TEST_PASSWORD})

    assert response.status_code == 201
    assert response.get_json()["token"]


def test_token_with_wrong_password_is_refused(api, db, create_user):
    create_user(email="dora@example.org")

    response = api.post("/api/v1/auth/token", json={"email": "dora@example.org", "password": "falsches-passwort"})

    error = error_of(response, 401)
    assert error["code"] == "unauthorized"
    assert "token" not in response.get_json()
    assert count(db, ApiToken) == 0


def test_token_for_unknown_email_is_refused_like_a_wrong_password(api, db, create_user):
    create_user(email="emil@example.org")

    unknown = api.post("/api/v1/auth/token", json={"email": "niemand@example.org", "password": TEST_PASSWORD})
    wrong = api.post("/api/v1/auth/token", json={"email": "emil@example.org", "password": "falsches-passwort"})

    assert error_of(unknown, 401)["code"] == "unauthorized"
    # The answer must not tell whether an account exists for the address.
    assert unknown.get_json() == wrong.get_json()
    assert count(db, ApiToken) == 0


def test_token_request_without_fields_lists_the_missing_fields(api, db):
    response = api.post("/api/v1/auth/token", json={})

    error = error_of(response, 422)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "password"}
    assert count(db, ApiToken) == 0


@pytest.mark.parametrize("body, field", [
    ({"email": "fritz@example.org"}, "password"),
    ({"password": TEST_PASSWORD}, "email"),
    ({"email": 42, "password": TEST_PASSWORD}, "email"),
    ({"email": "fritz@example.org", "password": ["a", "b"]}, "password"),
    ({"email": None, "password": TEST_PASSWORD}, "email"),
])
def test_token_request_with_missing_or_mistyped_field_is_invalid(api, db, create_user, body, field):
    create_user(email="fritz@example.org")

    error = error_of(api.post("/api/v1/auth/token", json=body), 422)

    assert field in error["fields"]
    assert all(isinstance(message, str) for message in error["fields"][field])
    assert count(db, ApiToken) == 0


@pytest.mark.parametrize("data, content_type", [
    ("email=gina%40example.org&password=richtig-geheim-42", "application/x-www-form-urlencoded"),
    ('{"email": "gina@example.org", "password": ', "application/json"),
    ('["gina@example.org", "richtig-geheim-42"]', "application/json"),
    ('"gina@example.org"', "application/json"),
    ("", "application/json"),
])
def test_token_request_that_is_not_a_json_object_is_malformed(api, db, create_user, data, content_type):
    create_user(email="gina@example.org")

    response = api.post("/api/v1/auth/token", data=data, content_type=content_type)

    assert error_of(response, 400)["code"] == "bad_request"
    assert count(db, ApiToken) == 0


def test_deeply_nested_json_is_malformed_not_a_server_error(api, db):
    data = "[" * 5_000 + "]" * 5_000  # deeper than the parser's recursion, within the endpoint's body limit
    larger = "[" * 100_000 + "]" * 100_000

    response = api.post("/api/v1/auth/token", data=data, content_type="application/json")

    assert error_of(response, 400)["code"] == "bad_request"
    assert error_of(api.post("/api/v1/auth/token", data=larger, content_type="application/json"), 413)
    assert count(db, ApiToken) == 0


def test_token_request_with_unencodable_email_is_refused_not_a_server_error(api, db):
    response = api.post("/api/v1/auth/token", json={"email": "a\ud800@example.org", "password": TEST_PASSWORD})

    assert error_of(response, 400)["code"] == "bad_request"
    assert count(db, ApiToken) == 0


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}])
def test_token_requests_are_rate_limited(api, db, create_user):
    create_user(email="jana@example.org")
    wrong = {"email": "jana@example.org", "password": "rate-mal-weiter"}

    first, second = (api.post("/api/v1/auth/token", json=wrong) for _ in range(2))
    limited = api.post("/api/v1/auth/token", json={"email": "jana@example.org", "password": TEST_PASSWORD})

    assert (first.status_code, second.status_code) == (401, 401)
    assert error_of(limited, 429)["code"] == "rate_limited"
    assert "token" not in limited.get_json()
    assert count(db, ApiToken) == 0


# --- bearer tokens -----------------------------------------------------------------------------------


def test_write_without_token_is_unauthorized(api, db, create_consultation):
    consultation = create_consultation()

    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Ohne Anmeldung."})

    assert error_of(response, 401)["code"] == "unauthorized"
    assert count(db, Comment) == 0


@pytest.mark.parametrize("header", [
    "Bearer nicht-ein-gueltiges-token",
    "bearer " + "A" * 43,
    "Bearer ' OR '1'='1",
])
def test_write_with_invalid_token_is_unauthorized(api, db, create_consultation, header):
    consultation = create_consultation()

    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Mit falschem Token."},
                        headers={"Authorization": header})

    assert error_of(response, 401)["code"] == "unauthorized"
    assert count(db, Comment) == 0


def test_read_with_invalid_token_is_unauthorized(api, create_consultation):
    create_consultation()

    response = api.get("/api/v1/consultations", headers={"Authorization": "Bearer ungueltig"})

    assert error_of(response, 401)["code"] == "unauthorized"


def test_expired_token_is_unauthorized(api, db, create_user, create_consultation):
    user = create_user()
    consultation = create_consultation()
    token = issue_token(user, days=-1)
    db.session.commit()

    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Zu spät."},
                        headers={"Authorization": f"Bearer {token}"})

    assert error_of(response, 401)["code"] == "unauthorized"
    assert count(db, Comment) == 0


def test_other_authorization_schemes_do_not_authenticate_writes(api, db, create_user, create_consultation):
    create_user(email="hanna@example.org")
    consultation = create_consultation()

    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Basic?"},
                        headers={"Authorization": "Basic aGFubmFAZXhhbXBsZS5vcmc6cmljaHRpZy1nZWhlaW0tNDI="})

    assert error_of(response, 401)["code"] == "unauthorized"
    assert count(db, Comment) == 0


def test_session_cookie_never_authenticates_api_writes(api, db, create_user, create_region, create_consultation):
    region = create_region()
    create_user(role="moderator", regions=[region], email="ida@example.org")
    consultation = create_consultation(region=region)
    draft = create_consultation(region=region, status="draft")

    login = api.post("/konto/anmelden", data={"email": "ida@example.org", "password": TEST_PASSWORD})
    assert login.status_code == 303  # logged in: the client now holds a session cookie
    assert api.client.get_cookie("session") is not None

    comment = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Per Cookie."})
    created = api.post("/api/v1/consultations", json={"region": region.slug, "title": "Per Cookie angelegt"})
    read_draft = api.get(f"/api/v1/consultations/{draft.id}")

    assert error_of(comment, 401)["code"] == "unauthorized"
    assert error_of(created, 401)["code"] == "unauthorized"
    assert error_of(read_draft, 404)["code"] == "not_found"  # the cookie does not make the moderator known
    assert count(db, Comment) == 0
    assert db.session.get(type(consultation), consultation.id).comment_count == 0


def test_each_request_is_authenticated_by_its_own_credentials(client, db, create_user, create_consultation,
                                                              create_comment, api_headers):
    author, voter = create_user(), create_user()
    consultation = create_consultation()
    comment = create_comment(consultation, author)

    by_voter = client.post(f"/api/v1/comments/{comment.id}/votes", json={"value": 1}, headers=api_headers(voter))
    by_author = client.post(f"/api/v1/comments/{comment.id}/votes", json={"value": 1}, headers=api_headers(author))
    anonymous = client.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Ohne Token."})

    assert by_voter.status_code == 200
    assert error_of(by_author, 403)["code"] == "forbidden"  # not taken for the voter of the request before
    assert error_of(anonymous, 401)["code"] == "unauthorized"
    assert count(db, Comment) == 1


# --- GET /api/v1/regions -----------------------------------------------------------------------------


def test_regions_are_listed_with_the_pagination_shape(api, create_region):
    create_region(slug="wuppertal", name="Wuppertal", theme="Digitales Rathaus")
    create_region(slug="aachen", name="Aachen", theme="Digitales Lernen")

    response = api.get("/api/v1/regions")

    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"items", "page", "per_page", "total"}
    assert (data["page"], data["per_page"], data["total"]) == (1, 20, 2)
    assert [item["slug"] for item in data["items"]] == ["aachen", "wuppertal"]
    aachen = data["items"][0]
    assert aachen["name"] == "Aachen"
    assert aachen["theme"] == "Digitales Lernen"
    assert isinstance(aachen["plugins"], list)


def test_regions_are_paginated(api, create_region):
    for slug in ("aachen", "gelsenkirchen", "paderborn", "soest", "wuppertal"):
        create_region(slug=slug)

    first = api.get("/api/v1/regions?per_page=2").get_json()
    last = api.get("/api/v1/regions?page=3&per_page=2").get_json()
    beyond = api.get("/api/v1/regions?page=4&per_page=2").get_json()

    assert [r["slug"] for r in first["items"]] == ["aachen", "gelsenkirchen"]
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 5)
    assert [r["slug"] for r in last["items"]] == ["wuppertal"]
    assert last["page"] == 3
    assert beyond["items"] == [] and beyond["total"] == 5


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=abc", "page"),
    ("page=1.5", "page"),
    ("per_page=0", "per_page"),
    ("per_page=-5", "per_page"),
    ("per_page=zehn", "per_page"),
    ("per_page=1e2", "per_page"),
])
def test_bad_page_arguments_are_malformed(api, create_region, query, field):
    create_region()

    error = error_of(api.get(f"/api/v1/regions?{query}"), 400)

    assert error["code"] == "bad_request"
    assert field in error["fields"]


@pytest.mark.parametrize("query", ["page=%C2%B2", "per_page=%C2%B3"])
def test_superscript_digits_in_page_arguments_are_malformed(api, create_region, query):
    create_region()

    assert error_of(api.get(f"/api/v1/regions?{query}"), 400)["code"] == "bad_request"


def test_per_page_above_100_is_refused_as_the_document_says(api, create_region):
    create_region()

    allowed = api.get("/api/v1/regions?per_page=100").get_json()
    error = error_of(api.get("/api/v1/regions?per_page=101"), 422)
    huge = error_of(api.get("/api/v1/regions?per_page=" + "9" * 5000), 422)

    assert allowed["per_page"] == 100 and allowed["total"] == 1 and len(allowed["items"]) == 1
    assert error["code"] == "invalid" and error["fields"]["per_page"] == ["Höchstens 100 Einträge je Seite."]
    assert "per_page" in huge["fields"]


# --- errors for unknown routes, the OpenAPI description ----------------------------------------------


def test_unknown_api_path_is_a_json_404(api):
    assert error_of(api.get("/api/v1/gibt-es-nicht"), 404)["code"] == "not_found"


def test_wrong_method_is_a_json_405(api):
    assert error_of(api.delete("/api/v1/regions"), 405)["code"] == "method_not_allowed"


def test_openapi_description_lists_the_contract_paths(api):
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    expected = {
        "/auth/token": {"post"},
        "/regions": {"get"},
        "/consultations": {"get", "post"},
        "/consultations/{id}": {"get"},
        "/consultations/{id}/comments": {"get", "post"},
        "/comments/{id}/votes": {"post", "delete"},
        "/comments/{id}/reports": {"post"},
        "/comments/{id}": {"patch"},
    }
    server = spec["servers"][0]["url"]
    for path, methods in expected.items():
        full = path if path.startswith("/api/v1") else server.rstrip("/") + path
        assert full.startswith("/api/v1/")
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path
    writes = spec["paths"]["/consultations/{id}/comments"]["post"]
    assert writes["security"] == [{"bearer": []}]
    assert "requestBody" in writes
    assert "Error" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
