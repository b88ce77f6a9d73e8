"""Changing one's own details: a new e-mail address (confirmed at that address, the old one told), a new
public name and the language of mails; each limited per account."""

import time
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from sqlalchemy import select

from beteiligung.accounts import recovery
from beteiligung.accounts.links import make_link_token
from beteiligung.accounts.models import User
from beteiligung.consultations.models import Consultation
from beteiligung.testing.fixtures import TEST_PASSWORD
from beteiligung.testing.helpers import writes_during

EMAIL = "/konto/email"
PROFILE = "/konto/profil"
LOGIN = "/konto/anmelden"
NEW = "neue.adresse@example.org"


def _request(client, address=NEW, password=TEST_PASSWORD):
    return client.post(EMAIL, data={"email": address, "current_password": password})


def _confirm_path(mail_outbox, address=NEW):
    mails = [m for m in mail_outbox.to(address) if "/konto/email-bestaetigen/" in mail_outbox.text(m)]
    assert mails, f"no confirmation mail to {address}"
    return urlsplit(next(u for u in mail_outbox.links(mails[-1]) if "/konto/email-bestaetigen/" in u)).path


def _fresh(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def _profile(client, pseudonym, locale="de"):
    return client.post(PROFILE, data={"pseudonym": pseudonym, "locale": locale})


# --- a new e-mail address ---------------------------------------------------------------------------------------------


def test_a_new_address_counts_only_once_confirmed_there_and_the_old_one_is_told(app, client, auth, db, create_user,
                                                                               mail_outbox):
    user = create_user()
    old = user.email
    auth.login(user)

    response = _request(client, NEW.upper())
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/konto/"
    assert f"Wir haben einen Link an {NEW} geschickt" in client.get("/konto/").get_data(as_text=True)
    assert _fresh(db, user).email == old
    (notice,) = mail_outbox.to(old)
    assert notice["Subject"] == "Ihre E-Mail-Adresse soll geändert werden"
    assert f"die E-Mail-Adresse in {NEW} zu ändern" in mail_outbox.text(notice)
    assert "/konto/email-bestaetigen/" not in mail_outbox.text(notice)  # the link goes to the new address only
    (confirm,) = mail_outbox.to(NEW)
    assert confirm["Subject"] == "Neue E-Mail-Adresse bestätigen"
    path = _confirm_path(mail_outbox)

    page = client.get(path)
    assert page.status_code == 200
    assert NEW in page.get_data(as_text=True)
    assert _fresh(db, user).email == old  # opening the link changes nothing: the POST from its page does
    done = client.post(path)
    assert done.status_code == 303 and urlsplit(done.headers["Location"]).path == "/konto/"
    assert f"Ihre E-Mail-Adresse ist jetzt {NEW}." in client.get("/konto/").get_data(as_text=True)
    assert _fresh(db, user).email == NEW
    client.post("/konto/abmelden")
    assert client.post(LOGIN, data={"email": old, "password": TEST_PASSWORD}).status_code == 401
    assert client.post(LOGIN, data={"email": NEW, "password": TEST_PASSWORD}).status_code == 303


def test_opening_the_link_logged_out_confirms_it_too_and_the_account_is_confirmed(app, client, auth, db,
                                                                                  create_user, mail_outbox):
    user = create_user()
    user.email_confirmed_at = None
    db.session.commit()
    auth.login(user)
    _request(client)
    path = _confirm_path(mail_outbox)
    elsewhere = app.test_client()
    response = elsewhere.post(path)
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == LOGIN
    fresh = _fresh(db, user)
    assert fresh.email == NEW and fresh.email_confirmed_at is not None


def test_showing_the_confirmation_page_writes_nothing(client, auth, db, create_user, mail_outbox):
    auth.login(create_user())
    _request(client)
    path = _confirm_path(mail_outbox)
    with writes_during(db) as writes:
        assert client.get(path).status_code == 200
    assert writes == []


def test_a_confirmation_link_works_once(client, auth, db, create_user, mail_outbox):
    user = create_user()
    auth.login(user)
    _request(client)
    path = _confirm_path(mail_outbox)
    assert client.post(path).status_code == 303

    again = client.post(path)
    assert again.status_code == 410
    assert "Dieser Link wurde bereits benutzt" in again.get_data(as_text=True)
    assert client.get(path).status_code == 410


def test_an_older_link_stops_working_once_another_address_was_confirmed(client, auth, db, create_user, mail_outbox):
    user = create_user()
    auth.login(user)
    _request(client, "erste@example.org")
    first = _confirm_path(mail_outbox, "erste@example.org")
    _request(client, "zweite@example.org")
    assert client.post(_confirm_path(mail_outbox, "zweite@example.org")).status_code == 303
    assert client.post(first).status_code == 410
    assert _fresh(db, user).email == "zweite@example.org"


def test_an_expired_confirmation_link_is_refused(client, db, monkeypatch, create_user):
    user = create_user()
    payload = {"u": user.id, "old": user.email, "new": NEW}
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - 49 * 3600)
    token = make_link_token(recovery.EMAIL_PURPOSE, payload)
    monkeypatch.undo()

    response = client.post(f"/konto/email-bestaetigen/{token}")
    assert response.status_code == 410
    assert "Dieser Link ist abgelaufen" in response.get_data(as_text=True)
    assert _fresh(db, user).email != NEW


@pytest.mark.parametrize("kind", ["altered", "other purpose", "no payload"])
def test_an_altered_or_foreign_link_is_refused(client, db, create_user, kind):
    user = create_user()
    payload = {"u": user.id, "old": user.email, "new": NEW}
    token = {"altered": make_link_token(recovery.EMAIL_PURPOSE, payload)[:-2] + "xy",
             "other purpose": make_link_token(recovery.RESET_PURPOSE, payload),
             "no payload": make_link_token(recovery.EMAIL_PURPOSE, {"u": user.id})}[kind]
    response = client.post(f"/konto/email-bestaetigen/{token}")
    assert response.status_code == 400
    assert "Dieser Link ist ungültig" in response.get_data(as_text=True)
    assert _fresh(db, user).email != NEW


def test_an_address_of_another_account_cannot_be_used(client, auth, db, create_user, mail_outbox):
    user, other = create_user(), create_user()
    auth.login(user)
    response = _request(client, other.email.upper())
    assert response.status_code == 409
    assert "Diese Adresse kann nicht verwendet werden." in response.get_data(as_text=True)
    assert mail_outbox.messages() == []


def test_an_address_taken_before_the_link_is_confirmed_is_refused_then(client, auth, db, create_user, mail_outbox):
    user = create_user()
    auth.login(user)
    _request(client)
    path = _confirm_path(mail_outbox)
    create_user(email=NEW)

    response = client.post(path)
    assert response.status_code == 409
    assert "Diese Adresse kann nicht verwendet werden." in response.get_data(as_text=True)
    assert _fresh(db, user).email != NEW


@pytest.mark.parametrize(("address", "password", "status", "message"), [
    (NEW, "falsches-passwort", 422, "Das aktuelle Passwort ist nicht richtig."),
    ("keine-adresse", TEST_PASSWORD, 422, "Bitte geben Sie eine gültige E-Mail-Adresse an."),
    ("", TEST_PASSWORD, 422, "Bitte geben Sie die neue E-Mail-Adresse an."),
    (None, TEST_PASSWORD, 422, "Das ist bereits Ihre E-Mail-Adresse."),
])
def test_a_change_request_that_breaks_a_rule_is_refused_without_mail(client, auth, db, create_user, mail_outbox,
                                                                     address, password, status, message):
    user = create_user()
    auth.login(user)
    response = _request(client, user.email if address is None else address, password)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert mail_outbox.messages() == []
    assert _fresh(db, user).email == user.email


def test_changing_the_address_needs_a_log_in(client):
    response = client.get(EMAIL)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == LOGIN
    assert _request(client).status_code == 302


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "EMAIL_CHANGE_RATE_LIMIT": "2 per hour",
                                         "LOGIN_RATE_LIMIT": "100 per minute"}])
def test_address_changes_are_limited_per_account(app, client, auth, create_user, mail_outbox):
    user, other = create_user(), create_user()
    auth.login(user)
    statuses = [_request(client, f"neu{i}@example.org").status_code for i in range(2)]
    third = _request(client, "neu9@example.org")
    assert statuses == [303, 303]
    assert third.status_code == 429
    assert mail_outbox.to("neu9@example.org") == []
    second_client = app.test_client()
    second_client.post(LOGIN, data={"email": other.email, "password": TEST_PASSWORD})
    assert _request(second_client, "andere@example.org").status_code == 303


# --- name and language ----------------------------------------------------------------------------------------------


def test_a_new_name_is_saved_and_the_discussions_it_appears_in_are_rendered_again(client, auth, db, create_user,
                                                                                  create_consultation,
                                                                                  create_comment):
    user = create_user(pseudonym="Alte Anna")
    written, untouched = create_consultation(), create_consultation()
    create_comment(written, user)
    create_comment(written, user, body="Und noch etwas.")
    revisions = {c.id: c.revision for c in (written, untouched)}
    auth.login(user)
    assert "Alte Anna" in client.get(f"/beteiligungen/{written.id}").get_data(as_text=True)  # now cached

    page = client.get(PROFILE).get_data(as_text=True)
    assert 'value="Alte Anna"' in page
    response = _profile(client, "Neue Anna", "de")
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/konto/"
    assert "Ihr Name und Ihre Sprache sind gespeichert." in client.get("/konto/").get_data(as_text=True)
    fresh = _fresh(db, user)
    assert (fresh.pseudonym, fresh.pseudonym_key) == ("Neue Anna", "neue anna")
    assert db.session.get(Consultation, written.id).revision == revisions[written.id] + 1
    assert db.session.get(Consultation, untouched.id).revision == revisions[untouched.id]
    discussion = client.get(f"/beteiligungen/{written.id}").get_data(as_text=True)
    assert "Neue Anna" in discussion and "Alte Anna" not in discussion


def test_only_the_language_changed_renders_nothing_again(client, auth, db, create_user, create_consultation,
                                                         create_comment):
    user = create_user(pseudonym="Bleibt Gleich")
    consultation = create_consultation()
    create_comment(consultation, user)
    revision = consultation.revision
    auth.login(user)
    assert _profile(client, "Bleibt Gleich", "en").status_code == 303
    assert _fresh(db, user).locale == "en"
    assert db.session.get(Consultation, consultation.id).revision == revision


def test_the_own_name_in_other_letter_case_is_allowed(client, auth, db, create_user):
    user = create_user(pseudonym="Klara Klein")
    auth.login(user)
    assert _profile(client, "klara klein").status_code == 303
    assert _fresh(db, user).pseudonym == "klara klein"


@pytest.mark.parametrize(("pseudonym", "locale", "status", "message"), [
    ("anna ANDERS", "de", 409, "Dieser Name ist bereits vergeben."),
    ("x", "de", 422, "Der Name muss 3 bis 40 Zeichen lang sein"),
    ("<script>alert(1)</script>", "de", 422, "Der Name muss 3 bis 40 Zeichen lang sein"),
    ("", "de", 422, "Bitte wählen Sie einen Namen."),
    ("Gültiger Name", "fr", 422, None),
])
def test_a_name_or_language_that_breaks_a_rule_is_refused(client, auth, db, create_user, pseudonym, locale, status,
                                                          message):
    create_user(pseudonym="Anna Anders")
    user = create_user(pseudonym="Bert Bauer")
    auth.login(user)
    response = _profile(client, pseudonym, locale)
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    fresh = _fresh(db, user)
    assert (fresh.pseudonym, fresh.locale) == ("Bert Bauer", "de")


def test_the_service_refuses_an_unknown_language(db, create_user):
    from beteiligung.errors import Invalid

    user = create_user()
    with pytest.raises(Invalid) as refused:
        recovery.update_profile(user, "Irgendein Name", "fr")
    assert "locale" in refused.value.fields


def test_the_profile_needs_a_log_in(client):
    assert client.get(PROFILE).status_code == 302
    assert _profile(client, "Niemand Hier").status_code == 302


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "PROFILE_RATE_LIMIT": "2 per hour",
                                         "WRITE_RATE_LIMIT": "100 per minute"}])
def test_profile_changes_are_limited_per_account(client, auth, db, create_user):
    user = create_user()
    auth.login(user)
    statuses = [_profile(client, f"Name Nummer {i}").status_code for i in range(2)]
    third = _profile(client, "Name Nummer 9")
    assert statuses == [303, 303]
    assert third.status_code == 429
    assert _fresh(db, user).pseudonym == "Name Nummer 1"


def test_with_english_chosen_the_mails_are_in_english(client, auth, db, create_user, mail_outbox):
    user = create_user()
    auth.login(user)
    assert _profile(client, user.pseudonym, "en").status_code == 303
    _request(client)
    (confirm,) = mail_outbox.to(NEW)
    assert confirm["Subject"] == "Confirm your new e-mail address"
    text = mail_outbox.text(confirm)
    assert "Please open this link and confirm the change there" in text
    assert "Bitte" not in text
    (notice,) = mail_outbox.to(user.email)
    assert notice["Subject"] == "Your e-mail address is about to change"

    client.post("/konto/abmelden")
    client.post("/konto/passwort-vergessen", data={"email": user.email})
    reset = [m for m in mail_outbox.to(user.email) if "passwort-neu" in mail_outbox.text(m)]
    assert reset and reset[0]["Subject"] == "Set a new password"
    assert "The link works for 60 minutes and only once." in mail_outbox.text(reset[0])
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "en"
