"""Guessing passwords: failed log-ins per account (and per known device) lead to a growing wait, on the
page and in the API; the owner is mailed once; the owner's own browser is not locked out by a stranger."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from beteiligung import timeutil
from beteiligung.accounts import throttle
from beteiligung.accounts.models import LoginThrottle
from beteiligung.testing.fixtures import TEST_PASSWORD
from beteiligung.testing.helpers import at_once

LOGIN = "/konto/anmelden"
TOKEN = "/api/v1/auth/token"
WRONG = "falsch-geraten-1"


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the throttle reads: clock.advance(minutes=…)."""
    class Clock:
        now = timeutil.utcnow()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    the_clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", lambda: the_clock.now)
    return the_clock


def _page(client, user, password=WRONG):
    return client.post(LOGIN, data={"email": user.email, "password": password})


def _api(client, user, password=WRONG):
    return client.post(TOKEN, json={"email": user.email, "password": password})


def _row(db, key):
    db.session.expire_all()
    return db.session.get(LoginThrottle, key)


def _blocked_mails(mail_outbox, address):
    return [m for m in mail_outbox.to(address) if m["Subject"] == "Fehlgeschlagene Anmeldeversuche bei Ihrem Konto"]


# --- the wait --------------------------------------------------------------------------------------------------------


def test_after_five_failures_the_account_waits_and_not_even_the_right_password_is_checked(client, db, create_user,
                                                                                           clock):
    user = create_user()
    statuses = [_page(client, user).status_code for _ in range(5)]
    refused = _page(client, user, TEST_PASSWORD)

    assert statuses == [401] * 5
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    page = refused.get_data(as_text=True)
    assert "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 1 Minute" in page
    assert 'name="password"' in page and "Passwort vergessen?" in page
    assert "Abmelden (" not in client.get("/").get_data(as_text=True)
    row = _row(db, f"account:{user.id}")
    assert row.failures == 5 and row.blocked_until == clock.now + timedelta(minutes=1)

    clock.advance(minutes=1, seconds=1)
    assert _page(client, user, TEST_PASSWORD).status_code == 303
    assert _row(db, f"account:{user.id}") is None  # a correct password ends the count


def test_the_wait_grows_with_each_further_failure_and_is_capped(client, db, create_user, clock, app):
    app.config["LOGIN_WAIT_MAX_MINUTES"] = 4
    user = create_user()
    for _ in range(5):
        _page(client, user)
    waits = []
    for _ in range(4):
        refused = _page(client, user)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(seconds=waits[-1] + 1)
        assert _page(client, user).status_code == 401  # checked again, and counted
    assert waits == [60, 120, 240, 240]
    assert _page(client, user).headers["Retry-After"] == "240"
    assert _row(db, f"account:{user.id}").failures == 9


def test_waiting_minutes_follow_the_settings(app):
    assert [throttle.wait_minutes(n) for n in range(4, 14)] == [0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert throttle.wait_minutes(10**6) == 60


def test_a_success_ends_the_count_so_failures_far_apart_never_block(client, create_user):
    user = create_user()
    for _ in range(3):
        for _ in range(4):
            assert _page(client, user).status_code == 401
        assert _page(client, user, TEST_PASSWORD).status_code == 303
        client.post("/konto/abmelden")


def test_failures_older_than_a_day_are_forgotten(client, db, create_user, clock):
    user = create_user()
    for _ in range(4):
        _page(client, user)
    clock.advance(hours=25)
    assert _page(client, user).status_code == 401
    assert _row(db, f"account:{user.id}").failures == 1


# --- the API --------------------------------------------------------------------------------------------------------


def test_the_api_token_endpoint_is_throttled_with_a_json_error_and_retry_after(client, create_user, clock):
    user = create_user()
    statuses = [_api(client, user).status_code for _ in range(5)]
    refused = _api(client, user, TEST_PASSWORD)

    assert statuses == [401] * 5
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.json["error"]["code"] == "rate_limited"
    assert refused.json["error"]["message"].startswith("Zu viele fehlgeschlagene Anmeldeversuche.")
    assert refused.json["error"]["fields"] == {}
    clock.advance(minutes=2)
    assert _api(client, user, TEST_PASSWORD).status_code == 201


def test_page_and_api_failures_count_together(client, create_user):
    user = create_user()
    for _ in range(3):
        _page(client, user)
    for _ in range(2):
        _api(client, user)
    assert _page(client, user, TEST_PASSWORD).status_code == 429
    assert _api(client, user, TEST_PASSWORD).status_code == 429


# --- the owner is told once ---------------------------------------------------------------------------------------


def test_the_owner_is_mailed_once_when_the_wait_first_starts(client, create_user, clock, mail_outbox):
    user = create_user()
    for _ in range(4):
        _page(client, user)
    assert _blocked_mails(mail_outbox, user.email) == []
    _page(client, user)
    for _ in range(3):  # the wait goes on and grows: no further mail
        clock.advance(minutes=61)
        _page(client, user)
        _api(client, user)

    (mail,) = _blocked_mails(mail_outbox, user.email)
    text = mail_outbox.text(mail)
    assert "5-mal hintereinander ein falsches Passwort" in text
    assert "/konto/passwort-vergessen" in text
    assert "/konto/passwort-vergessen" in mail_outbox.html(mail)


def test_the_owner_is_mailed_again_only_after_a_successful_log_in(client, create_user, clock, mail_outbox):
    user = create_user()
    for _ in range(5):
        _page(client, user)
    clock.advance(minutes=2)
    assert _page(client, user, TEST_PASSWORD).status_code == 303
    client.post("/konto/abmelden")
    for _ in range(5):
        _page(client, user)
    assert len(_blocked_mails(mail_outbox, user.email)) == 2


def test_an_address_without_an_account_is_answered_alike_and_nobody_is_mailed(client, db, mail_outbox):
    statuses = [client.post(LOGIN, data={"email": "niemand@example.org", "password": WRONG}).status_code
                for _ in range(6)]
    api = client.post(TOKEN, json={"email": "Niemand@Example.org", "password": WRONG})
    assert statuses == [401] * 5 + [429]
    assert api.status_code == 429 and api.headers["Retry-After"] == "60"
    assert mail_outbox.messages() == []
    keys = db.session.scalars(select(LoginThrottle.key)).all()
    assert keys == [f"address:{throttle.digest('niemand@example.org')}"]  # a digest, never the address


# --- a stranger's failures do not lock out the owner's own browser ----------------------------------------------


def test_the_owners_known_browser_gets_in_while_a_stranger_is_blocked(app, client, db, create_user):
    user = create_user()
    assert _page(client, user, TEST_PASSWORD).status_code == 303  # the owner's browser, now known
    cookie = client.get_cookie(throttle.DEVICE_COOKIE)
    assert cookie is not None and cookie.http_only
    client.post("/konto/abmelden")
    stranger = app.test_client()
    for _ in range(5):
        _page(stranger, user)

    assert _page(stranger, user, TEST_PASSWORD).status_code == 429
    assert _api(stranger, user, TEST_PASSWORD).status_code == 429
    assert _page(client, user, TEST_PASSWORD).status_code == 303
    assert _row(db, f"account:{user.id}").failures == 5  # the owner's success leaves the stranger's count
    assert _page(stranger, user, TEST_PASSWORD).status_code == 429


def test_failures_in_the_owners_browser_are_counted_on_its_own_key(app, client, db, create_user, mail_outbox):
    user = create_user()
    _page(client, user, TEST_PASSWORD)
    client.post("/konto/abmelden")
    for _ in range(5):
        assert _page(client, user).status_code == 401
    assert _page(client, user, TEST_PASSWORD).status_code == 429  # a stolen laptop guesses no faster
    assert _row(db, f"account:{user.id}") is None
    assert _page(app.test_client(), user, TEST_PASSWORD).status_code == 303  # another browser: not blocked
    assert len(_blocked_mails(mail_outbox, user.email)) == 1


def test_a_device_cookie_of_another_account_does_not_help_a_stranger(app, client, create_user):
    victim, stranger_account = create_user(), create_user()
    stranger = app.test_client()
    assert _page(stranger, stranger_account, TEST_PASSWORD).status_code == 303
    for _ in range(5):
        _page(stranger, victim)
    assert _page(stranger, victim, TEST_PASSWORD).status_code == 429


def test_an_altered_device_cookie_counts_as_none(app, client, create_user):
    user = create_user()
    _page(client, user, TEST_PASSWORD)
    client.post("/konto/abmelden")
    value = client.get_cookie(throttle.DEVICE_COOKIE).value
    stranger = app.test_client()
    stranger.set_cookie(throttle.DEVICE_COOKIE, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    for _ in range(5):
        _page(stranger, user)
    assert _page(stranger, user, TEST_PASSWORD).status_code == 429
    assert _page(client, user, TEST_PASSWORD).status_code == 303


def test_one_browser_remembers_several_accounts(app):
    value = None
    for user_id in range(1, 8):
        value = throttle.device_cookie_value(value, user_id)
    devices = throttle.read_devices(value)
    assert sorted(devices) == [3, 4, 5, 6, 7]
    assert throttle.read_devices(throttle.device_cookie_value(value, 5))[5] == devices[5]  # the secret stays
    assert throttle.read_devices("kaputt") == {} and throttle.read_devices(None) == {}


def test_a_password_reset_ends_the_accounts_wait(app, client, create_user, mail_outbox):
    user = create_user()
    for _ in range(5):
        _page(client, user)
    client.post("/konto/passwort-vergessen", data={"email": user.email})
    link = next(url for m in mail_outbox.to(user.email) for url in mail_outbox.links(m) if "passwort-neu" in url)
    new = "frisch-gesetzt-12"
    assert client.post(link, data={"password": new, "password_confirm": new}).status_code == 303
    assert _page(client, user, new).status_code == 303


# --- concurrent failures all count (PostgreSQL: the upsert's row lock) ---------------------------------------------


@pytest.fixture
def concurrent(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (SQLite serialises every write)")

    def run(requests):
        """Send each (url, json) from its own thread at the same moment; the status codes."""
        return [status for status, _body in at_once(app, db, [("POST", url, body, None) for url, body in requests])]

    return run


@pytest.mark.parametrize("app_config", [{"LOGIN_FAILURES_BEFORE_WAIT": 100}])
def test_concurrent_failures_are_all_counted(concurrent, db, create_user):
    user = create_user()
    statuses = concurrent([(TOKEN, {"email": user.email, "password": f"falsch-{i}"}) for i in range(20)])
    assert statuses == [401] * 20
    assert _row(db, f"account:{user.id}").failures == 20


def test_concurrent_failures_past_the_threshold_block_and_mail_once(concurrent, db, create_user, mail_outbox):
    user = create_user()
    statuses = concurrent([(TOKEN, {"email": user.email, "password": f"falsch-{i}"}) for i in range(20)])
    assert set(statuses) <= {401, 429}
    row = _row(db, f"account:{user.id}")
    assert row.failures == statuses.count(401) >= 5
    assert row.blocked_until is not None
    assert len(_blocked_mails(mail_outbox, user.email)) == 1


def test_forgetting_an_account_deletes_its_counts_and_its_devices_only(app, client, db, create_user):
    user, other = create_user(), create_user()
    for person in (user, other):
        browser = app.test_client()
        _page(browser, person, TEST_PASSWORD)
        browser.post("/konto/abmelden")
        _page(browser, person)  # counted on the device
        _page(app.test_client(), person)  # counted on the account
    keys = set(db.session.scalars(select(LoginThrottle.key)))
    assert {k.split(":")[0] + ":" + k.split(":")[1] for k in keys} == {
        f"account:{user.id}", f"account:{other.id}", f"device:{user.id}", f"device:{other.id}"}

    throttle.forget_account(user.id)
    db.session.commit()
    left = set(db.session.scalars(select(LoginThrottle.key)))
    assert left == {k for k in keys if k == f"account:{other.id}" or k.startswith(f"device:{other.id}:")}
    assert len(left) == 2
