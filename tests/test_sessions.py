"""Sessions that end: log-out ends every copy of the session, idle sessions expire, changing the password
ends the other sessions and the API tokens, and the operator's `flask users sessions revoke`."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from beteiligung import timeutil
from beteiligung.accounts.models import ApiToken, User
from beteiligung.accounts.passwords import verify_password
from beteiligung.accounts.services import user_for_token
from beteiligung.testing.fixtures import TEST_PASSWORD

LOGIN = "/konto/anmelden"
LOGOUT = "/konto/abmelden"
PASSWORD = "/konto/passwort"
ACCOUNT = "/konto/"
NEW_PASSWORD = "ein-ganz-neues-passwort"


def _field_error(html, field):
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


def _logged_in(client):
    return "Abmelden (" in client.get("/").get_data(as_text=True)


def _copy(app, client):
    """A second browser holding a copy of the client's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def _token_count(db, user):
    return db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id))


def _token_works(headers):
    return user_for_token(headers["Authorization"].removeprefix("Bearer ")) is not None


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the sessions read: clock.advance(minutes=…)."""
    class Clock:
        now = timeutil.utcnow()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    the_clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", lambda: the_clock.now)
    return the_clock


def _change(client, current=TEST_PASSWORD, new=NEW_PASSWORD, repeat=None):
    return client.post(PASSWORD, data={"current_password": current, "password": new,
                                       "password_confirm": new if repeat is None else repeat})


# --- log-out ends every session ----------------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_log_out(app, client, auth, db, create_user):
    user = create_user()
    auth.login(user)
    copy = _copy(app, client)
    assert _logged_in(copy)

    assert auth.logout().status_code == 303
    assert not _logged_in(client)
    assert not _logged_in(copy)
    assert copy.get(ACCOUNT).status_code == 302  # to the log-in page
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == 1


def test_log_out_ends_the_sessions_on_other_devices_too(client, app, auth, create_user):
    user = create_user()
    other = app.test_client()
    assert other.post(LOGIN, data={"email": user.email, "password": TEST_PASSWORD}).status_code == 303
    auth.login(user)
    auth.logout()
    assert not _logged_in(other)


def test_logging_in_again_after_log_out_works(client, auth, create_user):
    user = create_user()
    auth.login(user)
    auth.logout()
    auth.login(user)
    assert _logged_in(client)
    assert client.get(ACCOUNT).status_code == 200


def test_log_out_revokes_the_api_tokens(client, auth, db, create_user, api_headers):
    user, other = create_user(), create_user()
    headers, others = api_headers(user), api_headers(other)
    auth.login(user)
    auth.logout()
    assert not _token_works(headers) and _token_count(db, user) == 0
    assert _token_works(others)


# --- idle time -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 30}])
def test_an_idle_session_ends_with_a_german_message_on_the_login_page(client, auth, create_user, clock):
    auth.login(create_user())
    clock.advance(minutes=29)
    assert _logged_in(client)
    clock.advance(minutes=31)

    response = client.get(ACCOUNT)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == LOGIN
    assert parse_qs(location.query)["next"] == [ACCOUNT]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sie wurden nach längerer Inaktivität abgemeldet." in page
    assert not _logged_in(client)


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 30}])
def test_activity_keeps_the_session_alive(client, auth, create_user, clock):
    auth.login(create_user())
    for _ in range(4):  # 4 × 20 minutes: longer than the idle time in all, never idle that long
        clock.advance(minutes=20)
        assert client.get(ACCOUNT).status_code == 200


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 30}])
def test_the_last_seen_time_is_refreshed_at_most_once_a_minute(client, auth, create_user, clock):
    auth.login(create_user())
    with client.session_transaction() as session:
        started = session["_seen"]
    clock.advance(seconds=30)
    client.get(ACCOUNT)
    with client.session_transaction() as session:
        assert session["_seen"] == started
    clock.advance(seconds=31)
    client.get(ACCOUNT)
    with client.session_transaction() as session:
        assert session["_seen"] == started + 61


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 30}])
def test_an_idle_session_cannot_post(client, auth, db, create_user, clock):
    user = create_user()
    auth.login(user)
    clock.advance(minutes=31)
    response = _change(client)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == LOGIN
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, TEST_PASSWORD)[0]


# --- changing the password -------------------------------------------------------------------------------------------


def test_password_page_is_linked_from_the_account_page_and_has_a_labelled_form(client, auth, create_user):
    auth.login(create_user())
    assert f'href="{PASSWORD}"' in client.get(ACCOUNT).get_data(as_text=True)
    response = client.get(PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("current_password", "password", "password_confirm"):
        assert f'<label for="{name}">' in html
    assert "Passwort ändern" in html


def test_password_page_needs_a_log_in(client):
    response = client.get(PASSWORD)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == LOGIN


def test_changing_the_password_ends_other_sessions_and_tokens_but_not_this_one(app, client, auth, db, create_user,
                                                                              api_headers):
    user = create_user()
    headers = api_headers(user)
    other = app.test_client()
    other.post(LOGIN, data={"email": user.email, "password": TEST_PASSWORD})
    assert _logged_in(other)
    auth.login(user)

    response = _change(client)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == ACCOUNT
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    assert "Ihr Passwort ist geändert." in page.get_data(as_text=True)
    assert _logged_in(client)
    assert not _logged_in(other)
    assert _token_count(db, user) == 0
    assert not _token_works(headers)

    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert verify_password(stored.password_hash, NEW_PASSWORD)[0]
    assert not verify_password(stored.password_hash, TEST_PASSWORD)[0]
    auth.logout()
    assert auth.login(user).status_code == 401
    assert auth.login(user, NEW_PASSWORD).status_code == 303


def test_end_other_sessions_raises_the_version_and_deletes_only_that_accounts_tokens(db, create_user,
                                                                                     api_headers):
    from beteiligung.accounts.services import end_other_sessions

    user, someone = create_user(), create_user()
    api_headers(user), api_headers(user), api_headers(someone)
    assert end_other_sessions(user) == 1
    db.session.commit()
    assert user.session_version == 1
    assert _token_count(db, user) == 0
    assert _token_count(db, someone) == 1
    assert db.session.get(User, someone.id).session_version == 0


@pytest.mark.parametrize(("current", "new", "repeat", "field", "message"), [
    ("falsches-passwort", NEW_PASSWORD, None, "current_password", "Das Passwort ist nicht richtig."),
    ("", NEW_PASSWORD, None, "current_password", "Bitte geben Sie Ihr aktuelles Passwort an."),
    (TEST_PASSWORD, NEW_PASSWORD, "ein-anderes-passwort", "password_confirm",
     "Die Passwörter stimmen nicht überein."),
    (TEST_PASSWORD, "kurz", None, "password", "Mindestens 10 Zeichen."),
    (TEST_PASSWORD, TEST_PASSWORD, None, "password", "Bitte wählen Sie ein anderes Passwort."),
])
def test_refused_password_changes_change_nothing(app, client, auth, db, create_user, api_headers, current, new,
                                                 repeat, field, message):
    user = create_user()
    api_headers(user)
    other = app.test_client()
    other.post(LOGIN, data={"email": user.email, "password": TEST_PASSWORD})
    auth.login(user)

    response = _change(client, current, new, repeat)
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), field) == message
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert verify_password(stored.password_hash, TEST_PASSWORD)[0]
    assert stored.session_version == 0
    assert _token_count(db, user) == 1
    assert _logged_in(other) and _logged_in(client)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "PASSWORD_CHANGE_RATE_LIMIT": "2 per 15 minutes",
                                         "LOGIN_RATE_LIMIT": "100 per minute"}])
def test_password_changes_are_limited_per_account_with_a_german_page(app, client, auth, create_user):
    user, someone = create_user(), create_user()
    auth.login(user)
    assert [_change(client, "falsch-falsch").status_code for _ in range(2)] == [422, 422]
    response = _change(client)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Zu viele Anfragen" in html and '<html lang="de">' in html
    assert client.get(PASSWORD).status_code == 200  # the form itself stays readable

    other = app.test_client()  # the same address, another account: not limited
    other.post(LOGIN, data={"email": someone.email, "password": TEST_PASSWORD})
    assert _change(other, "falsch-falsch").status_code == 422


# --- command line --------------------------------------------------------------------------------------------------


def test_cli_sessions_revoke_ends_sessions_and_deletes_tokens(app, client, auth, runner, db, create_user,
                                                             api_headers):
    user = create_user(email="anna@example.org")
    api_headers(user)
    auth.login(user)
    result = runner.invoke(args=["users", "sessions", "revoke", "Anna@Example.org"])
    assert result.exit_code == 0, result.output
    assert "beendet, 1 Zugangstoken gelöscht" in result.output
    assert not _logged_in(client)
    assert _token_count(db, user) == 0


def test_cli_sessions_revoke_of_unknown_address_fails(runner, db, create_user):
    create_user(email="anna@example.org")
    result = runner.invoke(args=["users", "sessions", "revoke", "niemand@example.org"])
    assert result.exit_code == 1
    assert "Kein Konto mit der E-Mail-Adresse niemand@example.org." in result.output
    assert db.session.scalar(select(func.sum(User.session_version))) == 0


def test_password_page_and_idle_message_in_english(client, auth, create_user, clock):
    auth.login(create_user())
    html = client.get(PASSWORD + "?lang=en").get_data(as_text=True)
    assert "Change password" in html and "Current password" in html and "Repeat the new password" in html
    clock.advance(minutes=121)  # the default idle time is 120 minutes
    response = client.get(ACCOUNT + "?lang=en", follow_redirects=True)
    assert "You were logged out after a period of inactivity." in response.get_data(as_text=True)
