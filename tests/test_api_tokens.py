"""API tokens that can be named, listed and revoked (issue 11, item 3): API and account page."""

import re
from datetime import timedelta

import pytest
from api_support import error_of
from sqlalchemy import select

from beteiligung.accounts.models import ApiToken
from beteiligung.accounts.services import issue_named_token, list_tokens, revoke_token
from beteiligung.errors import NotFound
from beteiligung.testing.fixtures import TEST_PASSWORD
from beteiligung.timeutil import utcnow

TOKEN_URL = "/api/v1/auth/token"


def tokens_of(db, user):
    db.session.expire_all()
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def new_token(api, user, **extra):
    response = api.post(TOKEN_URL, json={"email": user.email, "password": TEST_PASSWORD, **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# --- POST /api/v1/auth/token with a name -----------------------------------------------------------


def test_token_name_is_trimmed_stored_and_returned(api, db, create_user):
    user = create_user()

    body = new_token(api, user, name="  Auswertungsskript Soest  ")

    assert body["name"] == "Auswertungsskript Soest"
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert body["expires_at"] and body["created_at"]
    [stored] = tokens_of(db, user)
    assert stored.id == body["id"]
    assert stored.name == "Auswertungsskript Soest"
    assert stored.token_hash != body["token"]
    assert stored.last_used_at is None


def test_token_without_name_has_an_empty_name(api, db, create_user):
    user = create_user()

    body = new_token(api, user)

    assert body["name"] == ""
    assert tokens_of(db, user)[0].name == ""


def test_token_name_of_exactly_80_characters_is_accepted(api, db, create_user):
    user = create_user()

    assert new_token(api, user, name="x" * 80)["name"] == "x" * 80


@pytest.mark.parametrize("name, message", [
    ("x" * 81, "Höchstens 80 Zeichen erlaubt."),
    (42, "Text erwartet."),
    (["Skript"], "Text erwartet."),
    (None, "Darf nicht null sein."),
])
def test_token_name_too_long_or_of_wrong_type_is_refused(api, db, create_user, name, message):
    user = create_user()

    response = api.post(TOKEN_URL, json={"email": user.email, "password": TEST_PASSWORD, "name": name})

    error = error_of(response, 422)
    assert error["fields"] == {"name": [message]}
    assert tokens_of(db, user) == []


# --- DELETE /api/v1/auth/token -----------------------------------------------------------------------


def test_delete_revokes_the_token_it_is_called_with(api, db, create_user, create_consultation):
    user = create_user()
    consultation = create_consultation()
    first = new_token(api, user, name="erstes")["token"]
    second = new_token(api, user, name="zweites")["token"]

    response = api.delete(TOKEN_URL, headers=bearer(first))

    assert response.status_code == 204
    assert response.get_data() == b""
    assert [t.name for t in tokens_of(db, user)] == ["zweites"]
    refused = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Noch da?"},
                       headers=bearer(first))
    assert error_of(refused, 401)["code"] == "unauthorized"
    assert error_of(api.delete(TOKEN_URL, headers=bearer(first)), 401)["code"] == "unauthorized"
    # the other token of the same account still works
    assert api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Ja."},
                    headers=bearer(second)).status_code == 201


def test_delete_without_token_is_refused(api, db, create_user):
    user = create_user()
    new_token(api, user)

    error = error_of(api.delete(TOKEN_URL), 401)

    assert error["code"] == "unauthorized"
    assert len(tokens_of(db, user)) == 1


def test_delete_with_an_unknown_token_is_refused(api, db, create_user):
    user = create_user()
    new_token(api, user)

    error_of(api.delete(TOKEN_URL, headers=bearer("kein-gueltiges-token")), 401)

    assert len(tokens_of(db, user)) == 1


def test_delete_with_an_expired_token_is_refused(api, db, create_user):
    user = create_user()
    token, row = issue_named_token(user, 1, "alt")
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    error_of(api.delete(TOKEN_URL, headers=bearer(token)), 401)

    assert len(tokens_of(db, user)) == 1


# --- last_used_at: only writes note it ---------------------------------------------------------------


def test_get_with_token_leaves_last_used_unchanged_and_a_write_sets_it(api, db, create_user, create_consultation):
    user = create_user()
    consultation = create_consultation()
    token = new_token(api, user)["token"]

    assert api.get(f"/api/v1/consultations/{consultation.id}", headers=bearer(token)).status_code == 200
    assert api.get("/api/v1/regions", headers=bearer(token)).status_code == 200
    assert tokens_of(db, user)[0].last_used_at is None

    before = utcnow()
    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Geschrieben."},
                        headers=bearer(token))

    assert response.status_code == 201
    used = tokens_of(db, user)[0].last_used_at
    assert used is not None and before - timedelta(seconds=1) <= used <= utcnow()


def test_the_last_use_is_noted_to_the_minute(api, db, create_user, create_consultation, count_queries):
    """A client writing often updates its token at most once a minute: no extra UPDATE on every write."""
    user = create_user()
    consultation = create_consultation()
    token = new_token(api, user)["token"]
    comments = f"/api/v1/consultations/{consultation.id}/comments"
    assert api.post(comments, json={"body": "Erster Beitrag."}, headers=bearer(token)).status_code == 201
    first = tokens_of(db, user)[0].last_used_at
    with count_queries() as counter:
        assert api.post(comments, json={"body": "Zweiter Beitrag."}, headers=bearer(token)).status_code == 201
    assert not any(statement.startswith("UPDATE api_tokens") for statement in counter.statements)
    assert tokens_of(db, user)[0].last_used_at == first
    # Older than a minute: the next write notes the new time.
    db.session.execute(ApiToken.__table__.update().where(ApiToken.user_id == user.id)
                       .values(last_used_at=first - timedelta(minutes=2)))
    db.session.commit()
    assert api.post(comments, json={"body": "Dritter Beitrag."}, headers=bearer(token)).status_code == 201
    assert tokens_of(db, user)[0].last_used_at >= first


def test_refused_write_does_not_store_the_last_use(api, db, create_user, create_consultation):
    user = create_user()
    consultation = create_consultation()
    token = new_token(api, user)["token"]

    response = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": ""},
                        headers=bearer(token))

    assert response.status_code == 422
    assert tokens_of(db, user)[0].last_used_at is None


# --- services ----------------------------------------------------------------------------------------


def test_list_tokens_shows_own_unexpired_tokens_newest_first(db, create_user):
    user, other = create_user(), create_user()
    issue_named_token(user, 1, "alt")
    _token, expired = issue_named_token(user, 1, "abgelaufen")
    expired.expires_at = utcnow() - timedelta(seconds=1)
    issue_named_token(user, 1, "neu")
    issue_named_token(other, 1, "fremd")
    db.session.commit()

    assert [t.name for t in list_tokens(user)] == ["neu", "alt"]


@pytest.mark.parametrize("token_id", ["abc", "0", "-1", "99999999999", "²"])
def test_revoke_token_with_an_id_that_names_nothing_is_not_found(db, create_user, token_id):
    user = create_user()
    with pytest.raises(NotFound):
        revoke_token(user, token_id)


# --- the account page ---------------------------------------------------------------------------------


ACCOUNT = "/konto/"


def revoke_url(token_id):
    return f"/konto/tokens/{token_id}/widerrufen"


def test_account_page_lists_the_tokens_without_their_values(api, client, db, auth, create_user):
    user = create_user()
    named = new_token(api, user, name="Auswertung <b>fett</b>")
    unnamed = new_token(api, user)
    _token, expired = issue_named_token(user, 1, "Schon abgelaufen")
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    auth.login(user)

    response = client.get(ACCOUNT)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "API-Zugangstoken" in html
    assert 'class="table-scroll" role="region" tabindex="0" aria-label="API-Zugangstoken"' in html
    assert "Auswertung &lt;b&gt;fett&lt;/b&gt;" in html  # escaped
    assert "ohne Namen" in html
    assert "Schon abgelaufen" not in html  # expired tokens are not listed
    assert "noch nie" in html
    assert named["token"] not in html and unnamed["token"] not in html
    assert f'action="{revoke_url(named["id"])}"' in html and f'action="{revoke_url(unnamed["id"])}"' in html


def test_account_page_without_tokens_says_so(client, auth, create_user):
    user = create_user()
    auth.login(user)

    html = client.get(ACCOUNT).get_data(as_text=True)

    assert "Sie haben keine gültigen API-Zugangstoken." in html
    assert "<table>" not in html


def test_account_page_shows_the_last_write(api, client, auth, create_user, create_consultation):
    user = create_user()
    consultation = create_consultation()
    token = new_token(api, user, name="Schreiber")["token"]
    assert api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Hallo."},
                    headers=bearer(token)).status_code == 201
    auth.login(user)

    html = client.get(ACCOUNT).get_data(as_text=True)

    row = re.search(r"<tr>\s*<td>Schreiber</td>(.*?)</tr>", html, re.S).group(1)
    assert "noch nie" not in row


def test_revoke_from_the_page_removes_the_token(api, client, db, auth, create_user, create_consultation):
    user = create_user()
    consultation = create_consultation()
    body = new_token(api, user, name="Altes Skript")
    keep = new_token(api, user, name="Bleibt")
    auth.login(user)

    response = client.post(revoke_url(body["id"]))

    assert response.status_code == 303
    assert response.headers["Location"].endswith(ACCOUNT)
    assert [t.name for t in tokens_of(db, user)] == ["Bleibt"]
    page = client.get(ACCOUNT).get_data(as_text=True)
    assert "Das Zugangstoken „Altes Skript“ ist widerrufen." in page
    assert "Altes Skript" not in page.replace("Das Zugangstoken „Altes Skript“ ist widerrufen.", "")
    refused = api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Weg?"},
                       headers=bearer(body["token"]))
    error_of(refused, 401)
    assert api.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Da."},
                    headers=bearer(keep["token"])).status_code == 201


def test_revoking_another_accounts_token_is_not_found(api, client, db, auth, create_user):
    user, other = create_user(), create_user()
    theirs = new_token(api, other, name="Fremdes Token")
    auth.login(user)

    response = client.post(revoke_url(theirs["id"]))

    assert response.status_code == 404
    assert [t.name for t in tokens_of(db, other)] == ["Fremdes Token"]


@pytest.mark.parametrize("token_id", ["abc", "0", "99999999999999999999", "٣"])
def test_revoking_an_id_that_names_nothing_is_not_found(client, auth, create_user, token_id):
    auth.login(create_user())

    assert client.post(revoke_url(token_id)).status_code == 404


def test_revoke_needs_a_login(api, client, db, create_user):
    user = create_user()
    body = new_token(api, user)

    response = client.post(revoke_url(body["id"]))

    assert response.status_code in (302, 303)
    assert "/konto/anmelden" in response.headers["Location"]
    assert len(tokens_of(db, user)) == 1


def test_revoke_by_get_is_not_allowed(api, client, db, auth, create_user):
    user = create_user()
    body = new_token(api, user)
    auth.login(user)

    assert client.get(revoke_url(body["id"])).status_code == 405
    assert len(tokens_of(db, user)) == 1


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def csrf(html):
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)

    def login(self, client, user):
        token = self.csrf(client.get("/konto/anmelden").get_data(as_text=True))
        response = client.post("/konto/anmelden",
                               data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
        assert response.status_code == 303

    def test_revoke_without_csrf_token_is_refused(self, api, client, db, create_user):
        user = create_user()
        body = new_token(api, user)
        self.login(client, user)

        assert client.post(revoke_url(body["id"])).status_code == 400
        assert len(tokens_of(db, user)) == 1

    def test_revoke_with_the_pages_csrf_token_works(self, api, client, db, create_user):
        user = create_user()
        body = new_token(api, user)
        self.login(client, user)
        html = client.get(ACCOUNT).get_data(as_text=True)
        form = re.search(rf'action="{revoke_url(body["id"])}">(.*?)</form>', html, re.S).group(1)

        response = client.post(revoke_url(body["id"]), data={"csrf_token": self.csrf(form)})

        assert response.status_code == 303
        assert tokens_of(db, user) == []


def test_the_data_export_lists_the_tokens_without_their_values(client, auth, db, create_user):
    user, other = create_user(), create_user()
    value, _row = issue_named_token(user, 30, "Auswertung")
    issue_named_token(other, 30, "Fremd")
    db.session.commit()
    auth.login(user)
    data = client.get("/konto/daten.json").get_json()
    assert [(t["name"], t["last_used_at"]) for t in data["api_tokens"]] == [("Auswertung", None)]
    assert value not in client.get("/konto/daten.json").get_data(as_text=True)


def test_a_token_request_loads_its_account_with_the_token_in_one_query(client, db, create_user, create_consultation,
                                                                       api_headers, count_queries):
    consultation = create_consultation()
    headers = api_headers(create_user())
    url = f"/api/v1/consultations/{consultation.id}/comments"
    assert client.get(url, headers=headers).status_code == 200  # caches warm
    with count_queries() as counter:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    token_queries = [s for s in counter.statements if "api_tokens" in s]
    account_queries = [s for s in counter.statements if re.search(r"FROM users\b", s)]
    assert len(token_queries) == 1 and "JOIN users" in token_queries[0]
    assert account_queries == [], "the account was loaded once more after the token"
