"""HTML pages of accounts: registration, log-in and log-out, privacy of e-mail addresses, and the CLI."""

import re
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select

from beteiligung.accounts.models import User
from beteiligung.comments.models import Comment, CommentReport
from beteiligung.consultations.models import Consultation
from beteiligung.regions.models import Region
from beteiligung.testing.fixtures import TEST_PASSWORD
from beteiligung.testing.helpers import count_rows

REGISTER = "/konto/registrieren"
LOGIN = "/konto/anmelden"
LOGOUT = "/konto/abmelden"



def _registration(**changes):
    data = {"email": "Anna.Beispiel@Example.ORG", "pseudonym": "Anna B", "password": "ein-langes-passwort",
            "password_confirm": "ein-langes-passwort", "accept_terms": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _field_error(html, field):
    """The text of the error message tied to a field (id="<field>-error"), or None."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


def _is_logged_in(client):
    html = client.get("/").get_data(as_text=True)
    return "Abmelden (" in html


# --- registration ---------------------------------------------------------------------------------------------


def test_registration_creates_account_mails_link_and_logs_in_after_confirming(client, db, mail_outbox):
    response = client.post(REGISTER, data=_registration())
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/konto/registriert"

    page = client.get("/konto/registriert")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Fast geschafft: Bitte bestätigen Sie Ihre E-Mail-Adresse." in html
    assert "Der Link gilt 48 Stunden." in html
    assert not _is_logged_in(client)  # no session before the address is confirmed

    user = db.session.scalar(select(User))
    assert user.pseudonym == "Anna B"
    assert user.role == "citizen"
    assert user.terms_accepted_at is not None
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    assert "ein-langes-passwort" not in user.password_hash

    [mail] = mail_outbox.to("anna.beispiel@example.org")
    [link] = [link for link in mail_outbox.links(mail) if "/konto/bestaetigen/" in link]
    response = client.post(urlsplit(link).path)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == LOGIN
    assert db.session.scalar(select(User.email_confirmed_at)) is not None

    response = client.post(LOGIN, data={"email": "anna.beispiel@example.org", "password": "ein-langes-passwort"})
    assert response.status_code == 303
    html = client.get("/").get_data(as_text=True)
    assert "Abmelden (Anna B)" in html
    assert "Bestätigungslink erneut senden" not in html


def test_registration_stores_email_lower_case(client, db):
    response = client.post(REGISTER, data=_registration(email="Anna.Beispiel@Example.ORG"))
    assert response.status_code == 303
    assert db.session.scalar(select(User.email)) == "anna.beispiel@example.org"


def test_registration_page_has_labelled_german_form(client):
    response = client.get(REGISTER)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="de">' in html
    for field in ("email", "pseudonym", "password", "password_confirm", "accept_terms"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html
    assert "Ich stimme den Nutzungsbedingungen und der Datenschutzerklärung zu." in html


def test_registration_without_consent_is_refused_with_field_message(client, db):
    response = client.post(REGISTER, data=_registration(accept_terms=None))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "accept_terms") == "Zustimmung erforderlich."
    assert re.search(r'<input[^>]*aria-describedby="accept_terms-error"[^>]*aria-invalid="true"|'
                     r'<input[^>]*aria-invalid="true"[^>]*aria-describedby="accept_terms-error"', html)
    assert count_rows(db, User) == 0
    assert not _is_logged_in(client)


def test_registration_with_taken_email_in_other_case_creates_nothing_and_answers_like_a_new_one(
        client, db, create_user, mail_outbox):
    create_user(email="anna.beispiel@example.org", pseudonym="Erste Anna")
    response = client.post(REGISTER, data=_registration(email="ANNA.Beispiel@example.org"))
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/konto/registriert"
    assert "Bereits registriert." not in client.get("/konto/registriert").get_data(as_text=True)
    assert count_rows(db, User) == 1
    assert db.session.scalar(select(User.pseudonym)) == "Erste Anna"
    assert not _is_logged_in(client)
    [mail] = mail_outbox.to("anna.beispiel@example.org")  # the owner is told instead
    assert "/konto/bestaetigen/" not in mail_outbox.text(mail)


def test_registration_with_taken_pseudonym_in_other_case_is_refused(client, db, create_user):
    create_user(email="erste@example.org", pseudonym="Anna B")
    response = client.post(REGISTER, data=_registration(pseudonym="anna b"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert _field_error(html, "pseudonym") == "Bereits vergeben."
    assert count_rows(db, User) == 1
    assert not _is_logged_in(client)


def test_registration_with_short_password_is_refused(client, db):
    response = client.post(REGISTER, data=_registration(password="kurz", password_confirm="kurz"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "password") == "Mindestens 10 Zeichen."
    assert count_rows(db, User) == 0


def test_registration_with_invalid_email_is_refused(client, db):
    response = client.post(REGISTER, data=_registration(email="keine-adresse"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "email") == "Ungültige E-Mail-Adresse."
    assert count_rows(db, User) == 0


def test_registration_with_mismatched_passwords_is_refused(client, db):
    response = client.post(REGISTER, data=_registration(password_confirm="ein-anderes-passwort"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "password_confirm") == "Die Passwörter stimmen nicht überein."
    assert count_rows(db, User) == 0


def test_registration_with_missing_fields_is_refused(client, db):
    response = client.post(REGISTER, data={"accept_terms": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "email") == "Bitte geben Sie Ihre E-Mail-Adresse an."
    assert _field_error(html, "pseudonym") == "Bitte wählen Sie einen Namen."
    assert count_rows(db, User) == 0


def test_registration_with_script_in_pseudonym_is_refused_and_not_echoed_as_markup(client, db):
    response = client.post(REGISTER, data=_registration(pseudonym="<script>alert(1)</script>"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in html
    assert _field_error(html, "pseudonym").startswith("3 bis 40 Zeichen")
    assert count_rows(db, User) == 0


# --- log-in and log-out ---------------------------------------------------------------------------------------


def test_login_with_correct_password_logs_in(client, create_user):
    user = create_user(email="lena@example.org", pseudonym="Lena")
    response = client.post(LOGIN, data={"email": "Lena@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Sie sind angemeldet." in html
    assert f"Abmelden ({user.pseudonym})" in html


def test_login_with_wrong_password_is_refused_with_message(client, create_user):
    user = create_user()
    response = client.post(LOGIN, data={"email": user.email, "password": "falsches-passwort"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort sind nicht richtig." in html
    assert 'role="alert"' in html
    assert not _is_logged_in(client)


def test_login_with_unknown_email_gets_the_same_message(client):
    response = client.post(LOGIN, data={"email": "niemand@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort sind nicht richtig." in response.get_data(as_text=True)
    assert not _is_logged_in(client)


def test_login_with_empty_fields_shows_field_messages(client):
    response = client.post(LOGIN, data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _field_error(html, "email") == "Bitte geben Sie Ihre E-Mail-Adresse an."
    assert _field_error(html, "password") == "Bitte geben Sie Ihr Passwort an."


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example",
                                    "https:/evil.example", "/\t/evil.example", "javascript:alert(1)"])
def test_login_does_not_follow_next_to_another_site(client, create_user, target):
    user = create_user()
    response = client.post(f"{LOGIN}?next={quote(target)}", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost")
    assert "evil.example" not in parts.netloc
    assert not parts.path.startswith("//")
    assert "\\" not in location
    assert not location.startswith("javascript:")
    assert _is_logged_in(client)


def test_login_follows_next_within_the_site(client, create_user):
    user = create_user()
    response = client.post(f"{LOGIN}?next=/regionen", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/regionen"


def test_protected_page_sends_anonymous_visitor_to_login_and_back(client, create_user, create_region):
    moderator = create_user(role="moderator", regions=[create_region()])
    response = client.get("/beteiligungen/neu")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == LOGIN
    assert "next=" in login_url
    assert "Bitte melden Sie sich an, um fortzufahren." in client.get(login_url).get_data(as_text=True)

    response = client.post(login_url, data={"email": moderator.email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/beteiligungen/neu"
    assert client.get("/beteiligungen/neu").status_code == 200


def test_logout_ends_the_session(client, auth, create_user):
    user = create_user()
    auth.login(user)
    assert _is_logged_in(client)
    response = auth.logout()
    assert response.status_code == 303
    html = client.get("/").get_data(as_text=True)
    assert "Sie sind abgemeldet." in html
    assert "Abmelden (" not in html
    assert 'href="/konto/anmelden"' in html


def test_logout_is_not_possible_by_get(client, auth, create_user):
    user = create_user()
    auth.login(user)
    response = client.get(LOGOUT)
    assert response.status_code == 405
    assert _is_logged_in(client)


# --- e-mail addresses are never public ------------------------------------------------------------------------


@pytest.fixture
def commented_consultation(create_user, create_consultation, create_comment):
    author = create_user(email="geheim.person@example.org", pseudonym="Geheime Person")
    consultation = create_consultation()
    comment = create_comment(consultation, author, body="Mein öffentlicher Beitrag.")
    create_comment(consultation, author, body="Meine Antwort darauf.", parent=comment)
    return consultation, author, comment


def test_email_is_not_shown_on_consultation_page_to_anonymous(client, commented_consultation):
    consultation, author, _comment = commented_consultation
    response = client.get(f"/beteiligungen/{consultation.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Geheime Person" in html
    assert "Mein öffentlicher Beitrag." in html
    assert "geheim.person" not in html.lower()


def test_email_is_not_shown_to_other_citizens_or_moderators(client, auth, create_user, commented_consultation):
    consultation, author, _comment = commented_consultation
    for viewer in (create_user(), create_user(role="moderator", regions=[consultation.region])):
        auth.login(viewer)
        for path in (f"/beteiligungen/{consultation.id}", "/", "/regionen",
                     f"/beteiligungen/{consultation.id}?sort=top"):
            response = client.get(path)
            assert response.status_code == 200
            assert "geheim.person" not in response.get_data(as_text=True).lower()
        auth.logout()


def test_email_is_not_shown_in_report_queue_to_moderators(client, auth, db, create_user, commented_consultation):
    consultation, author, comment = commented_consultation
    reporter = create_user(email="meldende.person@example.org")
    db.session.add(CommentReport(comment_id=comment.id, reporter_id=reporter.id, reason="Unpassend"))
    db.session.commit()
    auth.login(create_user(role="moderator", regions=[consultation.region]))
    response = client.get("/moderation/meldungen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mein öffentlicher Beitrag." in html
    assert "geheim.person" not in html.lower()
    assert "meldende.person" not in html.lower()


def test_email_is_not_in_the_public_comments_api(client, commented_consultation):
    consultation, author, _comment = commented_consultation
    response = client.get(f"/api/v1/consultations/{consultation.id}/comments")
    assert response.status_code == 200
    assert response.get_json()["items"][0]["author"] == {"pseudonym": "Geheime Person"}
    assert "geheim.person" not in response.get_data(as_text=True).lower()


def test_administrators_see_emails_in_account_list(client, auth, create_user, commented_consultation):
    auth.login(create_user(role="admin"))
    response = client.get("/verwaltung/konten")
    assert response.status_code == 200
    assert "geheim.person@example.org" in response.get_data(as_text=True)


# --- CSRF -----------------------------------------------------------------------------------------------------


class TestWithCsrfProtection:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_registration_without_token_is_refused(self, client, db):
        response = client.post(REGISTER, data=_registration())
        assert response.status_code == 400
        assert "Das Formular ist abgelaufen." in response.get_data(as_text=True)
        assert count_rows(db, User) == 0

    def test_registration_with_token_from_the_form_succeeds(self, client, db):
        html = client.get(REGISTER).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        response = client.post(REGISTER, data=_registration(csrf_token=token))
        assert response.status_code == 303
        assert count_rows(db, User) == 1

    def test_login_without_token_is_refused(self, client, create_user):
        user = create_user()
        response = client.post(LOGIN, data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 400
        assert "Das Formular ist abgelaufen." in response.get_data(as_text=True)
        assert not _is_logged_in(client)

    def test_logout_without_token_is_refused(self, client, create_user):
        user = create_user()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        response = client.post(LOGOUT)
        assert response.status_code == 400
        assert _is_logged_in(client)


# --- command line ---------------------------------------------------------------------------------------------


def test_cli_users_create_makes_moderator_of_region(runner, db, create_region):
    region = create_region(slug="kreis-soest", name="Soest")
    result = runner.invoke(args=["users", "create", "Mod.Soest@Example.org", "--password", "ein-langes-passwort",
                                 "--pseudonym", "Moderation Soest", "--role", "moderator",
                                 "--region", "kreis-soest"])
    assert result.exit_code == 0, result.output
    assert "Konto angelegt: Moderation Soest" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "mod.soest@example.org"))
    assert user is not None
    assert user.role == "moderator"
    assert [r.slug for r in user.moderated_regions] == [region.slug]


def test_cli_users_create_with_unknown_region_fails_cleanly(runner, db):
    result = runner.invoke(args=["users", "create", "mod@example.org", "--password", "ein-langes-passwort",
                                 "--pseudonym", "Moderation", "--role", "moderator", "--region", "atlantis"])
    assert result.exit_code != 0
    assert "Unbekannte Region: atlantis" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, (AttributeError, TypeError, KeyError))
    assert count_rows(db, User) == 0


# Regression (was a bug during development): a DomainError in `users create` translates its message outside a
# request; select_locale() reads flask.request and the command dies with RuntimeError
def test_cli_users_create_with_short_password_fails_cleanly(runner, db):
    result = runner.invoke(args=["users", "create", "kurz@example.org", "--password", "kurz",
                                 "--pseudonym", "Kurz Passwort"])
    assert result.exit_code == 1
    assert "Mindestens 10 Zeichen" in result.output
    assert count_rows(db, User) == 0


# Regression (was a bug during development): a DomainError in `users create` translates its message outside a
# request; select_locale() reads flask.request and the command dies with RuntimeError
def test_cli_users_create_with_taken_email_fails_cleanly(runner, db, create_user):
    create_user(email="schon@example.org")
    result = runner.invoke(args=["users", "create", "SCHON@example.org", "--password", "ein-langes-passwort",
                                 "--pseudonym", "Noch Jemand"])
    assert result.exit_code == 1
    assert "bereits ein Konto" in result.output
    assert count_rows(db, User) == 1


def test_cli_demo_load_twice_does_not_duplicate_data(runner, db):
    from beteiligung.polls.models import Ballot, Comparison, Poll

    def counts():
        db.session.expire_all()
        return {model.__name__: count_rows(db, model) for model in (Region, Consultation, Comment, User, Poll, Ballot,
                                                                 Comparison)}

    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    assert after_first["Region"] == 5
    assert after_first["Consultation"] >= 10
    assert after_first["Comment"] > 0
    assert "admin@example.org" in first.output
    assert after_first["Poll"] == 17 and after_first["Ballot"] >= 500 and after_first["Comparison"] > 0  # history

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert counts() == after_first
    assert "0 Regionen, 0 Beteiligungen, 0 Beiträge und 0 Umfragen neu angelegt" in second.output


def test_registration_ignores_spaces_around_the_email(client, db):
    from beteiligung.accounts.models import User

    response = client.post("/konto/registrieren", data={
        "email": "  Lena@Example.org ", "pseudonym": "Lena", "password": "sicheres-passwort",
        "password_confirm": "sicheres-passwort", "accept_terms": "y"})

    assert response.status_code == 303
    assert db.session.scalar(db.select(User.email)) == "lena@example.org"
