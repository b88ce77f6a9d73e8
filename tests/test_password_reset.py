"""Password reset by mail: a signed link, valid an hour, used once; the same answer for every address;
limited per client address and per address asked for; `flask users reset-password`."""

import re
import time
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from beteiligung.accounts import recovery
from beteiligung.accounts.links import make_link_token
from beteiligung.accounts.models import ApiToken, User
from beteiligung.accounts.passwords import verify_password
from beteiligung.accounts.services import user_for_token
from beteiligung.jobs import run_pending
from beteiligung.testing.fixtures import TEST_PASSWORD
from beteiligung.testing.helpers import writes_during

REQUEST = "/konto/passwort-vergessen"
LOGIN = "/konto/anmelden"
NEW_PASSWORD = "ganz-neues-passwort-7"
SAME_ANSWER = "Falls es ein Konto mit dieser Adresse gibt, haben wir einen Link geschickt"


def _ask(client, address):
    return client.post(REQUEST, data={"email": address})


def _reset_path(mail_outbox, address):
    """The path of the newest reset link mailed to ``address``."""
    mails = [m for m in mail_outbox.to(address) if "/konto/passwort-neu/" in mail_outbox.text(m)]
    assert mails, f"no reset mail to {address}"
    link = next(url for url in mail_outbox.links(mails[-1]) if "/konto/passwort-neu/" in url)
    return urlsplit(link).path


def _set(client, path, password=NEW_PASSWORD, repeat=None):
    return client.post(path, data={"password": password, "password_confirm": password if repeat is None else repeat})


def _password_is(db, user, password):
    db.session.expire_all()
    return verify_password(db.session.get(User, user.id).password_hash, password)[0]


def _logged_in(client):
    return "Abmelden (" in client.get("/").get_data(as_text=True)


def _old_token(monkeypatch, user, seconds):
    """A reset token signed ``seconds`` ago."""
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
    try:
        return recovery.reset_token(user)
    finally:
        monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", real)


# --- the allowed path ---------------------------------------------------------------------------------------------


def test_the_mailed_link_sets_a_new_password_and_ends_every_session_and_token(app, client, db, create_user,
                                                                              api_headers, mail_outbox):
    user = create_user()
    other = app.test_client()
    assert other.post(LOGIN, data={"email": user.email, "password": TEST_PASSWORD}).status_code == 303
    headers = api_headers(user)

    response = _ask(client, user.email.upper())
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == REQUEST
    assert SAME_ANSWER in client.get(REQUEST).get_data(as_text=True)
    path = _reset_path(mail_outbox, user.email)
    form = client.get(path)
    assert form.status_code == 200
    assert 'name="password_confirm"' in form.get_data(as_text=True)

    done = _set(client, path)
    assert done.status_code == 303 and urlsplit(done.headers["Location"]).path == LOGIN
    page = client.get(LOGIN).get_data(as_text=True)
    assert "Ihr Passwort ist geändert" in page
    assert not _logged_in(client)  # the link does not log in: the new password does
    assert _password_is(db, user, NEW_PASSWORD) and not _password_is(db, user, TEST_PASSWORD)
    assert not _logged_in(other)
    assert user_for_token(headers["Authorization"].removeprefix("Bearer ")) is None
    assert db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id)) == 0
    changed = [m for m in mail_outbox.to(user.email) if m["Subject"] == "Ihr Passwort wurde geändert"]
    assert len(changed) == 1
    assert "wurde eben über den Link zum Zurücksetzen geändert" in mail_outbox.text(changed[0])
    assert client.post(LOGIN, data={"email": user.email, "password": NEW_PASSWORD}).status_code == 303


def test_the_reset_mail_has_both_parts_and_says_how_long_the_link_works(client, create_user, mail_outbox):
    user = create_user()
    _ask(client, user.email)
    (mail,) = mail_outbox.to(user.email)
    assert mail["Subject"] == "Neues Passwort festlegen"
    assert "Der Link gilt 60 Minuten und nur einmal." in mail_outbox.text(mail)
    assert _reset_path(mail_outbox, user.email) in mail_outbox.html(mail)


def test_showing_the_form_of_a_link_writes_nothing(app, client, db, create_user, mail_outbox):
    user = create_user()
    _ask(client, user.email)
    path = _reset_path(mail_outbox, user.email)
    with writes_during(db) as writes:
        assert client.get(path).status_code == 200
    assert writes == []


def test_an_unconfirmed_address_counts_as_confirmed_after_a_reset(client, db, create_user, mail_outbox):
    user = create_user()
    user.email_confirmed_at = None
    db.session.commit()
    _ask(client, user.email)
    assert _set(client, _reset_path(mail_outbox, user.email)).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None


# --- no enumeration -----------------------------------------------------------------------------------------------


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, create_user, mail_outbox):
    user = create_user()
    answers = []
    for address in (user.email, "niemand@example.org"):
        client = app.test_client()
        response = _ask(client, address)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        flash = re.search(r'class="flash[^"]*"[^>]*>(.*?)<', page, re.S)
        answers.append((response.status_code, response.headers["Location"], flash and flash.group(1).strip()))
    assert answers[0] == answers[1]
    assert SAME_ANSWER in answers[0][2]
    assert len(mail_outbox.to(user.email)) == 1
    assert mail_outbox.to("niemand@example.org") == []


def test_an_empty_address_is_asked_for_again(client, mail_outbox):
    response = _ask(client, "")
    assert response.status_code == 422
    assert "Bitte geben Sie Ihre E-Mail-Adresse an." in response.get_data(as_text=True)
    assert mail_outbox.messages() == []


# --- links that open nothing ---------------------------------------------------------------------------------------


def test_a_used_link_is_refused(client, db, create_user, mail_outbox):
    user = create_user()
    _ask(client, user.email)
    path = _reset_path(mail_outbox, user.email)
    assert _set(client, path).status_code == 303

    again = client.get(path)
    assert again.status_code == 410
    assert "Dieser Link wurde bereits benutzt" in again.get_data(as_text=True)
    second = _set(client, path, password="noch-ein-passwort-9")
    assert second.status_code == 410
    assert _password_is(db, user, NEW_PASSWORD)


def test_a_link_stops_working_when_the_password_is_changed_otherwise(client, auth, create_user, mail_outbox):
    user = create_user()
    _ask(client, user.email)
    path = _reset_path(mail_outbox, user.email)
    auth.login(user)
    client.post("/konto/passwort", data={"current_password": TEST_PASSWORD, "password": NEW_PASSWORD,
                                         "password_confirm": NEW_PASSWORD})
    assert client.get(path).status_code == 410


def test_an_expired_link_is_refused(client, db, monkeypatch, create_user):
    user = create_user()
    token = _old_token(monkeypatch, user, 61 * 60)
    fresh_enough = _old_token(monkeypatch, user, 59 * 60)

    response = client.get(f"/konto/passwort-neu/{token}")
    assert response.status_code == 410
    assert "Dieser Link ist abgelaufen" in response.get_data(as_text=True)
    assert _set(client, f"/konto/passwort-neu/{token}").status_code == 410
    assert _password_is(db, user, TEST_PASSWORD)
    assert client.get(f"/konto/passwort-neu/{fresh_enough}").status_code == 200


@pytest.mark.parametrize("change", ["altered", "cut", "garbage"])
def test_an_altered_link_is_refused(client, db, create_user, mail_outbox, change):
    user = create_user()
    _ask(client, user.email)
    path = _reset_path(mail_outbox, user.email)
    token = path.rsplit("/", 1)[1]
    bad = {"altered": token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"), "cut": token[:20],
           "garbage": "%C3%A4%00<script>"}[change]

    response = client.get(f"/konto/passwort-neu/{bad}")
    assert response.status_code == 400
    assert "Dieser Link ist ungültig" in response.get_data(as_text=True)
    assert _set(client, f"/konto/passwort-neu/{bad}").status_code == 400
    assert _password_is(db, user, TEST_PASSWORD)


def test_a_link_made_for_another_purpose_is_refused(client, db, create_user):
    user = create_user()
    payload = {"u": user.id, "h": recovery._short_digest(user.password_hash), "v": user.session_version}
    token = make_link_token("email-change", payload)
    response = _set(client, f"/konto/passwort-neu/{token}")
    assert response.status_code == 400
    assert _password_is(db, user, TEST_PASSWORD)


def test_a_link_of_a_deleted_account_is_refused(client, db, create_user):
    user = create_user()
    token = recovery.reset_token(user)
    db.session.delete(user)
    db.session.commit()
    assert client.get(f"/konto/passwort-neu/{token}").status_code == 400


# --- the new password ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "repeat", "message"), [
    ("kurz", "kurz", "Das Passwort muss mindestens 10 Zeichen lang sein."),
    (NEW_PASSWORD, "etwas-anderes-1", "Die Passwörter stimmen nicht überein."),
    ("", "", "Bitte wählen Sie ein neues Passwort."),
])
def test_a_new_password_that_breaks_the_rules_is_refused_and_the_link_still_works(client, db, create_user,
                                                                                  mail_outbox, password, repeat,
                                                                                  message):
    user = create_user()
    _ask(client, user.email)
    path = _reset_path(mail_outbox, user.email)

    response = _set(client, path, password=password, repeat=repeat)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _password_is(db, user, TEST_PASSWORD)
    assert _set(client, path).status_code == 303


# --- limits ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "PASSWORD_RESET_RATE_LIMIT": "3 per minute",
                                         "PASSWORD_RESET_MAILS_PER_ADDRESS": "10 per hour"}])
def test_requests_are_limited_per_client_address(client, create_user, mail_outbox):
    user = create_user()
    statuses = [_ask(client, f"unbekannt{i}@example.org").status_code for i in range(3)]
    fourth = _ask(client, user.email)
    assert statuses == [303, 303, 303]
    assert fourth.status_code == 429
    assert "Zu viele Anfragen" in fourth.get_data(as_text=True)
    assert mail_outbox.to(user.email) == []


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "PASSWORD_RESET_RATE_LIMIT": "100 per minute",
                                         "PASSWORD_RESET_MAILS_PER_ADDRESS": "2 per hour"}])
def test_reset_mails_are_limited_per_address_with_the_same_answer(app, create_user, mail_outbox):
    user, other = create_user(), create_user()
    statuses = [_ask(app.test_client(), user.email if i % 2 else user.email.upper()).status_code for i in range(4)]
    assert statuses == [303] * 4  # nothing tells the requester that no more mails go out
    assert len(mail_outbox.to(user.email)) == 2
    assert _ask(app.test_client(), other.email).status_code == 303
    assert len(mail_outbox.to(other.email)) == 1


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_the_address_limit_keys_on_a_digest_never_the_address(app, monkeypatch):
    from beteiligung.accounts import throttle

    seen = []
    strategy = type(throttle.limiter.limiter)
    monkeypatch.setattr(strategy, "hit", lambda self, item, *keys, **kw: seen.append(keys) or True)
    recovery.request_reset("Jemand@Example.org")
    assert seen and all("jemand@example.org" not in str(key).lower() for key in seen[0])
    assert throttle.digest("jemand@example.org") in seen[0]


# --- the command line ----------------------------------------------------------------------------------------------


def test_the_operator_mails_a_reset_link(app, client, db, runner, create_user, mail_outbox):
    user = create_user()
    result = runner.invoke(args=["users", "reset-password", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Link zum Zurücksetzen des Passworts an {user.email} geschickt" in result.output
    run_pending()  # the command ran in the test's application context, whose end would deliver the mail
    path = _reset_path(mail_outbox, user.email)
    assert _password_is(db, user, TEST_PASSWORD)  # nothing changes until the owner follows the link
    assert _set(client, path).status_code == 303
    assert _password_is(db, user, NEW_PASSWORD)


def test_the_operator_is_told_of_an_unknown_address(runner, mail_outbox):
    result = runner.invoke(args=["users", "reset-password", "niemand@example.org"])
    assert result.exit_code != 0
    assert "Kein Konto mit der E-Mail-Adresse niemand@example.org" in result.output
    assert mail_outbox.messages() == []
