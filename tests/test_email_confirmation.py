"""E-mail confirmation (issue 11): registration mails a signed single-use link; until it is followed an
account may read and manage itself but not take part, unless its region allows that kind; accounts
that never confirm are deleted; registering with a known address answers like a new one."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from beteiligung.accounts.links import make_link_token
from beteiligung.accounts.models import User
from beteiligung.comments.models import Comment, CommentReport, CommentVote
from beteiligung.polls.models import AccessCode, Ballot, Comparison, Problem
from beteiligung.testing.api import error_of
from beteiligung.testing.fixtures import TEST_PASSWORD
from beteiligung.testing.helpers import audit_entries, count_rows, elements, fresh, text_of
from beteiligung.timeutil import utcnow

REGISTER = "/konto/registrieren"
CONFIRM_MESSAGE = "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse"
TEXT_QUESTION = [{"type": "text", "text": "Was fehlt in Ihrem Viertel?", "required": True}]


def _registration(**changes):
    data = {"email": "neu@example.org", "pseudonym": "Neue Nora", "password": "ein-langes-passwort",
            "password_confirm": "ein-langes-passwort", "accept_terms": "y"}
    data.update(changes)
    return data


def _confirm_link(mail_outbox, address):
    links = [link for mail in mail_outbox.to(address) for link in mail_outbox.links(mail)
             if "/konto/bestaetigen/" in link]
    assert links, f"no confirmation link mailed to {address}"
    return urlsplit(links[-1]).path


def _login(client, email, password="ein-langes-passwort"):  # noqa: S107 - a test password
    response = client.post("/konto/anmelden", data={"email": email, "password": password})
    assert response.status_code == 303
    return response


@pytest.fixture
def unconfirmed(db, create_user):
    """unconfirmed(**kwargs) -> an account whose address is not confirmed (password TEST_PASSWORD)."""

    def make(**kwargs):
        user = create_user(**kwargs)
        user.email_confirmed_at = None
        db.session.commit()
        return user

    return make


def _token_made_hours_ago(monkeypatch, user, hours):
    from beteiligung.accounts.confirmation import make_confirmation_token

    past = int(time.time()) - int(hours * 3600)
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: past)
        return make_confirmation_token(user)


# --- registration ---------------------------------------------------------------------------------------------


def test_registration_stores_an_unconfirmed_account_in_the_page_language_and_mails_the_link(client, db,
                                                                                             mail_outbox):
    response = client.post(REGISTER + "?lang=en", data=_registration())
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/konto/registriert"
    user = db.session.scalar(select(User))
    assert (user.email_confirmed_at, user.locale) == (None, "en")

    [mail] = mail_outbox.to("neu@example.org")
    text = mail_outbox.text(mail)
    assert mail["Subject"] == "Please confirm your e-mail address"  # in the language of the page
    assert "Hello Neue Nora," in text
    assert "The link works for 48 hours and can be used only once." in text
    link = _confirm_link(mail_outbox, "neu@example.org")
    assert link.startswith("/konto/bestaetigen/")
    assert mail_outbox.html(mail).count(link) >= 1


def test_registered_page_says_a_link_was_sent_and_how_long_it_works(client, app):
    app.config["EMAIL_CONFIRM_HOURS"] = 24
    response = client.get("/konto/registriert")
    html = text_of(response)
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in html
    assert "Der Link gilt 24 Stunden." in html


def test_registration_with_a_known_address_answers_exactly_like_a_new_one_and_mails_the_owner(
        client, db, create_user, mail_outbox):
    owner = create_user(email="bekannt@example.org", pseudonym="Alte Anna")
    new = client.post(REGISTER, data=_registration(email="frisch@example.org", pseudonym="Frische Frida"))
    known = client.post(REGISTER, data=_registration(email="Bekannt@Example.org", pseudonym="Falsche Frida"))

    assert (known.status_code, known.headers["Location"]) == (new.status_code, new.headers["Location"])
    assert known.get_data() == new.get_data()
    with client.session_transaction() as session:
        assert "_user_id" not in session
    flashes = text_of(client.get("/konto/registriert"))
    assert flashes.count("Fast geschafft: Bitte bestätigen Sie Ihre E-Mail-Adresse.") == 2

    assert count_rows(db, User) == 2
    assert fresh(db, User, owner.id).pseudonym == "Alte Anna"
    assert db.session.scalar(select(User.id).where(User.pseudonym == "Falsche Frida")) is None
    [mail] = mail_outbox.to("bekannt@example.org")
    text = mail_outbox.text(mail)
    assert "versucht, mit Ihrer E-Mail-Adresse ein neues Konto" in text
    assert "Hallo Alte Anna" in text
    assert any(urlsplit(link).path == "/konto/anmelden" for link in mail_outbox.links(mail))
    assert any(urlsplit(link).path == "/konto/passwort-vergessen" for link in mail_outbox.links(mail))
    assert not any("/konto/bestaetigen/" in link for link in mail_outbox.links(mail))


def test_registration_with_a_known_address_does_the_same_password_hashing(client, create_user, monkeypatch):
    from beteiligung.accounts import confirmation, services

    create_user(email="bekannt@example.org")
    calls = []
    original = services.hash_password

    def counting(password):
        calls.append(password)
        return original(password)

    monkeypatch.setattr(services, "hash_password", counting)
    monkeypatch.setattr(confirmation, "hash_password", counting)
    client.post(REGISTER, data=_registration(email="frisch@example.org", pseudonym="Frische Frida"))
    client.post(REGISTER, data=_registration(email="bekannt@example.org", pseudonym="Falsche Frida"))
    assert calls == ["ein-langes-passwort", "ein-langes-passwort"]


def test_repeated_registrations_with_a_known_address_mail_its_owner_once_an_hour(client, create_user, mail_outbox):
    create_user(email="bekannt@example.org")
    for number in range(3):
        response = client.post(REGISTER, data=_registration(email="bekannt@example.org", pseudonym=f"Flut {number}"))
        assert response.status_code == 303
    assert len(mail_outbox.to("bekannt@example.org")) == 1


def test_a_taken_pseudonym_is_still_refused_openly_whatever_the_address(client, db, create_user, mail_outbox):
    create_user(email="bekannt@example.org", pseudonym="Anna B")
    for address in ("bekannt@example.org", "frisch@example.org"):
        response = client.post(REGISTER, data=_registration(email=address, pseudonym="anna b"))
        assert response.status_code == 409
        assert "Dieser Name ist bereits vergeben." in text_of(response)
    assert count_rows(db, User) == 1
    assert mail_outbox.messages() == []


def test_register_user_keeps_confirming_accounts_of_other_callers(db):
    from beteiligung.accounts.services import register_user

    made = register_user("betrieb@example.org", TEST_PASSWORD, "Betrieb", accepted_terms=True)
    own = register_user("selbst@example.org", TEST_PASSWORD, "Selbst", accepted_terms=True, confirmed=False)
    db.session.commit()
    assert made.is_confirmed and not own.is_confirmed


def test_the_api_has_no_registration_endpoint(client):
    from flask import current_app

    assert not [rule.rule for rule in current_app.url_map.iter_rules()
                if rule.rule.startswith("/api/") and "regist" in rule.rule]
    assert client.post("/api/v1/register", json={}).status_code == 404


# --- the link ---------------------------------------------------------------------------------------------------


def test_the_link_page_asks_for_a_click_and_a_get_confirms_nothing(client, db, mail_outbox):
    client.post(REGISTER, data=_registration())
    link = _confirm_link(mail_outbox, "neu@example.org")
    response = client.get(link)
    html = text_of(response)
    assert response.status_code == 200
    assert f'<form method="post" action="{link}">' in html
    assert "E-Mail-Adresse bestätigen</button>" in html
    assert db.session.scalar(select(User.email_confirmed_at)) is None


def test_the_link_confirms_once_and_then_says_already_confirmed(client, db, mail_outbox):
    client.post(REGISTER, data=_registration())
    link = _confirm_link(mail_outbox, "neu@example.org")

    first = client.post(link)
    assert first.status_code == 303
    assert urlsplit(first.headers["Location"]).path == "/konto/anmelden"
    page = text_of(client.get("/konto/anmelden"))
    assert "Vielen Dank! Ihre E-Mail-Adresse ist bestätigt. Bitte melden Sie sich an." in page
    confirmed_at = db.session.scalar(select(User.email_confirmed_at))
    assert confirmed_at is not None

    again = client.get(link)
    assert again.status_code == 200
    assert "bereits bestätigt" in text_of(again)
    assert "E-Mail-Adresse bestätigen</button>" not in text_of(again)
    second = client.post(link)
    assert second.status_code == 303
    assert "bereits bestätigt" in text_of(client.get("/konto/anmelden"))
    db.session.expire_all()
    assert db.session.scalar(select(User.email_confirmed_at)) == confirmed_at


def test_confirming_while_logged_in_as_the_account_leads_to_the_account_page(client, db, mail_outbox):
    client.post(REGISTER, data=_registration())
    _login(client, "neu@example.org")
    assert "Bestätigungslink erneut senden" in text_of(client.get("/"))

    response = client.post(_confirm_link(mail_outbox, "neu@example.org"))
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/konto/"
    html = text_of(client.get("/konto/"))
    assert "Vielen Dank! Ihre E-Mail-Adresse ist bestätigt." in html
    assert "Bestätigungslink erneut senden" not in html


def test_an_expired_link_confirms_nothing_and_offers_a_new_one(client, db, unconfirmed, monkeypatch):
    user = unconfirmed(email="spaet@example.org")
    token = _token_made_hours_ago(monkeypatch, user, 49)

    for method in (client.get, client.post):
        response = method(f"/konto/bestaetigen/{token}")
        html = text_of(response)
        assert response.status_code == 410
        assert "Der Bestätigungslink ist abgelaufen" in html
        assert "/konto/anmelden" in html
    assert fresh(db, User, user.id).email_confirmed_at is None

    client.post("/konto/anmelden", data={"email": user.email, "password": TEST_PASSWORD})
    html = text_of(client.get(f"/konto/bestaetigen/{token}"))
    assert 'action="/konto/bestaetigen/erneut"' in html


def test_a_link_within_its_hours_still_works(client, db, unconfirmed, monkeypatch):
    user = unconfirmed()
    token = _token_made_hours_ago(monkeypatch, user, 47)
    assert client.post(f"/konto/bestaetigen/{token}").status_code == 303
    assert fresh(db, User, user.id).is_confirmed


@pytest.mark.parametrize("change", ["cut", "flip", "garbage", "long"])
def test_an_altered_link_is_refused_with_a_german_page(client, db, unconfirmed, change):
    from beteiligung.accounts.confirmation import make_confirmation_token

    user = unconfirmed()
    token = make_confirmation_token(user)
    altered = {"cut": token[:-3], "flip": token[:2] + ("A" if token[2] != "A" else "B") + token[3:], "garbage": "x.y.z",
               "long": "a" * 3000}[change]
    for method in (client.get, client.post):
        response = method(f"/konto/bestaetigen/{altered}")
        assert response.status_code == 404
        assert "Ungültiger Bestätigungslink" in text_of(response)
    assert fresh(db, User, user.id).email_confirmed_at is None


def test_a_link_made_for_another_purpose_confirms_nothing(client, db, unconfirmed):
    user = unconfirmed()
    for purpose in ("password-reset", "reset", "email-change"):
        token = make_link_token(purpose, {"u": user.id, "e": user.email})
        assert client.post(f"/konto/bestaetigen/{token}").status_code == 404
    assert fresh(db, User, user.id).email_confirmed_at is None


def test_a_link_for_another_address_or_a_deleted_account_confirms_nothing(client, db, unconfirmed):
    from beteiligung.accounts.confirmation import make_confirmation_token

    user = unconfirmed(email="alt@example.org")
    token = make_confirmation_token(user)
    user.email = "neu-adresse@example.org"
    db.session.commit()
    assert client.post(f"/konto/bestaetigen/{token}").status_code == 404
    assert fresh(db, User, user.id).email_confirmed_at is None

    forged = make_link_token("confirm", {"u": 999999, "e": "alt@example.org"})
    assert client.post(f"/konto/bestaetigen/{forged}").status_code == 404
    odd = make_link_token("confirm", ["kein", "objekt"])
    assert client.post(f"/konto/bestaetigen/{odd}").status_code == 404


# --- what unconfirmed accounts may do ---------------------------------------------------------------------------


@pytest.fixture
def scene(db, create_region, create_consultation, create_user, create_comment, create_poll, unconfirmed):
    """A discussion with a comment, a survey and two problem polls (collecting, comparing) in one region."""
    region = create_region(slug="soest", name="Soest")
    consultation = create_consultation(region)
    other = create_user(pseudonym="Andere Person")
    comment = create_comment(consultation, other, body="Mehr Bänke bitte.")

    class Scene:
        pass

    s = Scene()
    s.region, s.consultation, s.comment = region, consultation, comment
    s.survey = create_poll(region=region, questions=TEXT_QUESTION, audience="both")
    s.collecting = create_poll(region=region, kind="problem_definition", title="Probleme sammeln")
    s.comparing = create_poll(region=region, kind="problem_definition", phase="comparing", title="Vergleichen",
                              problems=["Zu wenige Busse am Abend", "Zu wenig Licht im Park"])
    s.pair = sorted(db.session.scalars(select(Problem.id).where(Problem.poll_id == s.comparing.id)))
    s.user = unconfirmed(email="ohne@example.org", pseudonym="Ohne Bestaetigung")
    return s


def _page_attempts(s):
    """Each kind of participation through the pages: (kind, url, form data)."""
    question = s.survey.questions[0]
    return {
        "comment": (f"/beteiligungen/{s.consultation.id}/beitraege", {"body": "Ich bin neu hier."}),
        "vote": (f"/beitraege/{s.comment.id}/bewerten", {"value": "1"}),
        "report": (f"/beitraege/{s.comment.id}/melden", {"reason": "Das ist Werbung für eine Firma."}),
        "ballot": (f"/umfragen/{s.survey.id}/teilnehmen", {f"q{question.id}": "Ein Spielplatz."}),
        "problem": (f"/umfragen/{s.collecting.id}/probleme", {"text": "Die Ampel am Markt ist zu kurz grün."}),
        "compare": (f"/umfragen/{s.comparing.id}/vergleich",
                    {"pair": [str(i) for i in s.pair], "choice": str(s.pair[0])}),
    }


def _api_attempts(s):
    question = s.survey.questions[0]
    return {
        "comment": (f"/api/v1/consultations/{s.consultation.id}/comments", {"body": "Ich bin neu hier."}),
        "vote": (f"/api/v1/comments/{s.comment.id}/votes", {"value": 1}),
        "report": (f"/api/v1/comments/{s.comment.id}/reports", {"reason": "Das ist Werbung für eine Firma."}),
        "ballot": (f"/api/v1/polls/{s.survey.id}/ballots",
                   {"answers": [{"question_id": question.id, "value": "Ein Spielplatz."}]}),
        "problem": (f"/api/v1/polls/{s.collecting.id}/problems", {"text": "Die Ampel am Markt ist zu kurz grün."}),
        "compare": (f"/api/v1/polls/{s.comparing.id}/comparisons", {"winner_id": s.pair[0], "loser_id": s.pair[1]}),
    }


def _stored(db, s):
    """How many rows of each kind the unconfirmed account has."""
    user_id = s.user.id
    return {
        "comment": count_rows(db, Comment, Comment.author_id == user_id),
        "vote": count_rows(db, CommentVote, CommentVote.user_id == user_id),
        "report": count_rows(db, CommentReport, CommentReport.reporter_id == user_id),
        "ballot": count_rows(db, Ballot, Ballot.user_id == user_id),
        "problem": count_rows(db, Problem, Problem.author_id == user_id),
        "compare": count_rows(db, Comparison, Comparison.user_id == user_id),
    }


KINDS = ["comment", "vote", "report", "ballot", "problem", "compare"]
REGION_KIND = {"comment": "comment", "vote": "vote", "report": "report", "ballot": "ballot", "problem": "problem",
               "compare": "problem"}


@pytest.mark.parametrize("kind", KINDS)
def test_an_unconfirmed_account_is_refused_each_kind_of_participation_on_the_pages(client, auth, db, scene, kind):
    auth.login(scene.user)
    url, data = _page_attempts(scene)[kind]
    response = client.post(url, data=data)
    if response.status_code == 303:  # poll pages go back to the poll with the message
        assert CONFIRM_MESSAGE in text_of(client.get(response.headers["Location"]))
    else:
        assert response.status_code == 403
        assert CONFIRM_MESSAGE in text_of(response)
    assert _stored(db, scene)[kind] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_an_unconfirmed_account_is_refused_each_kind_of_participation_in_the_api(api, db, scene, kind):
    url, body = _api_attempts(scene)[kind]
    error = error_of(api.post(url, user=scene.user, json=body), 403)
    assert error["code"] == "forbidden"
    assert CONFIRM_MESSAGE in error["message"]
    assert _stored(db, scene)[kind] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_confirmed_account_takes_part_in_each_kind(api, db, scene, kind):
    scene.user.email_confirmed_at = utcnow()
    db.session.commit()
    url, body = _api_attempts(scene)[kind]
    response = api.post(url, user=scene.user, json=body)
    assert response.status_code in {"vote": (200,)}.get(kind, (201,)), response.get_data(as_text=True)
    assert _stored(db, scene)[kind] == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_region_that_opens_one_kind_allows_exactly_that_kind(api, db, scene, create_region, create_consultation,
                                                               create_comment, create_user, kind):
    from beteiligung.regions.services import update_region

    update_region(None, scene.region, {"unconfirmed_may": [REGION_KIND[kind]]})
    db.session.commit()
    attempts = _api_attempts(scene)
    url, body = attempts[kind]
    response = api.post(url, user=scene.user, json=body)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    assert _stored(db, scene)[kind] == 1
    for other in KINDS:
        if REGION_KIND[other] != REGION_KIND[kind]:
            url, body = attempts[other]
            assert error_of(api.post(url, user=scene.user, json=body), 403)["code"] == "forbidden", other

    # Another region keeps the strict default.
    elsewhere = create_consultation(create_region(slug="olpe", name="Olpe"))
    target = create_comment(elsewhere, create_user(pseudonym="In Olpe"))
    other_attempts = {"comment": (f"/api/v1/consultations/{elsewhere.id}/comments", {"body": "Hallo Olpe."}),
                      "vote": (f"/api/v1/comments/{target.id}/votes", {"value": 1}),
                      "report": (f"/api/v1/comments/{target.id}/reports", {"reason": "Das ist Werbung für X."})}
    if kind in other_attempts:
        url, body = other_attempts[kind]
        assert error_of(api.post(url, user=scene.user, json=body), 403)["code"] == "forbidden"


def test_pages_show_a_hint_instead_of_the_comment_and_poll_forms(client, auth, db, scene):
    auth.login(scene.user)
    html = text_of(client.get(f"/beteiligungen/{scene.consultation.id}"))
    assert CONFIRM_MESSAGE in html
    assert f'action="/beteiligungen/{scene.consultation.id}/beitraege"' not in html
    assert f'action="/beitraege/{scene.comment.id}/bewerten"' not in html
    assert f'href="/beitraege/{scene.comment.id}/melden"' not in html
    for poll, action in ((scene.survey, "teilnehmen"), (scene.collecting, "probleme"), (scene.comparing, "vergleich")):
        html = text_of(client.get(f"/umfragen/{poll.id}"))
        assert CONFIRM_MESSAGE in html, poll.title
        assert f'action="/umfragen/{poll.id}/{action}"' not in html, poll.title


def test_pages_show_the_forms_where_the_region_allows_it(client, auth, db, scene):
    scene.region.unconfirmed_may = "comment,ballot"
    db.session.commit()
    auth.login(scene.user)
    html = text_of(client.get(f"/beteiligungen/{scene.consultation.id}"))
    assert f'action="/beteiligungen/{scene.consultation.id}/beitraege"' in html
    assert f'action="/beitraege/{scene.comment.id}/bewerten"' not in html
    assert f'href="/beitraege/{scene.comment.id}/melden"' not in html
    assert f'action="/umfragen/{scene.survey.id}/teilnehmen"' in text_of(client.get(f"/umfragen/{scene.survey.id}"))
    assert f'action="/umfragen/{scene.collecting.id}/probleme"' not in text_of(
        client.get(f"/umfragen/{scene.collecting.id}"))


def test_unconfirmed_accounts_may_read_and_manage_themselves(client, auth, db, scene):
    user_id = scene.user.id
    auth.login(scene.user)
    for url in ("/", f"/beteiligungen/{scene.consultation.id}", f"/umfragen/{scene.survey.id}", "/konto/",
                "/konto/passwort"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Bestätigungslink erneut senden" in text_of(response), url
    export = client.get("/konto/daten.json")
    assert export.status_code == 200
    assert export.get_json()["account"]["email"] == "ohne@example.org"
    response = client.post("/konto/passwort", data={"current_password": TEST_PASSWORD,
                                                     "password": "ein-neues-passwort", "password_confirm":
                                                     "ein-neues-passwort"})
    assert response.status_code == 303
    response = client.post("/konto/loeschen", data={"password": "ein-neues-passwort"})
    assert response.status_code == 303
    assert fresh(db, User, user_id) is None


def test_access_code_participants_are_not_asked_to_confirm(client, auth, api, db, scene):
    db.session.add_all([AccessCode(poll_id=scene.survey.id, code="ABCD2345"),
                        AccessCode(poll_id=scene.collecting.id, code="EFGH2345")])
    scene.collecting.audience = "both"
    db.session.commit()
    question = scene.survey.questions[0]
    response = api.post(f"/api/v1/polls/{scene.survey.id}/ballots", headers={"Authorization": "AccessCode ABCD2345"},
                        json={"answers": [{"question_id": question.id, "value": "Ein Spielplatz."}]})
    assert response.status_code == 201, response.get_data(as_text=True)

    # An unconfirmed account that entered a workshop code on the page takes part with the code.
    auth.login(scene.user)
    assert client.post(f"/umfragen/{scene.collecting.id}/zugangscode", data={"code": "EFGH-2345"}).status_code == 303
    html = text_of(client.get(f"/umfragen/{scene.collecting.id}"))
    assert f'action="/umfragen/{scene.collecting.id}/probleme"' in html
    response = client.post(f"/umfragen/{scene.collecting.id}/probleme",
                           data={"text": "Die Ampel am Markt ist zu kurz grün."})
    assert response.status_code == 303
    stored = db.session.scalar(select(Problem).where(Problem.poll_id == scene.collecting.id))
    assert stored.access_code_id is not None and stored.author_id is None


# --- sending the link again -------------------------------------------------------------------------------------


def test_resend_mails_a_new_link_that_confirms(client, auth, db, unconfirmed, mail_outbox):
    user = unconfirmed(email="nochmal@example.org")
    auth.login(user)
    response = client.post("/konto/bestaetigen/erneut", data={"next": "/umfragen/"})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/umfragen/"
    assert "einen neuen Bestätigungslink an nochmal@example.org geschickt" in text_of(client.get("/umfragen/"))
    assert len(mail_outbox.to("nochmal@example.org")) == 1
    assert client.post(_confirm_link(mail_outbox, "nochmal@example.org")).status_code == 303
    assert fresh(db, User, user.id).is_confirmed


def test_resend_sends_one_mail_per_hour_and_address(client, auth, unconfirmed, mail_outbox):
    user = unconfirmed(email="nochmal@example.org")
    auth.login(user)
    client.post("/konto/bestaetigen/erneut", data={"next": "/"})
    again = client.post("/konto/bestaetigen/erneut", data={"next": "/"})
    assert again.status_code == 303
    assert "in dieser Stunde bereits einen neuen Link erhalten" in text_of(client.get("/"))
    assert len(mail_outbox.to("nochmal@example.org")) == 1


def test_resend_needs_a_log_in_and_a_post(client, create_user, mail_outbox):
    response = client.post("/konto/bestaetigen/erneut")
    assert response.status_code == 302
    assert "/konto/anmelden" in response.headers["Location"]
    assert client.get("/konto/bestaetigen/erneut").status_code == 404  # not a link: nothing is sent
    assert mail_outbox.messages() == []


def test_resend_for_a_confirmed_account_sends_nothing(client, auth, create_user, mail_outbox):
    auth.login(create_user(email="fertig@example.org"))
    response = client.post("/konto/bestaetigen/erneut", data={"next": "//boese.example.org/"})
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
    assert mail_outbox.messages() == []


class TestResendRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CONFIRM_RESEND_RATE_LIMIT": "2 per hour"}

    def test_resend_is_limited_per_account(self, client, auth, unconfirmed):
        first = unconfirmed(email="eins@example.org")
        auth.login(first)
        statuses = [client.post("/konto/bestaetigen/erneut", data={"next": "/"}).status_code for _ in range(3)]
        assert statuses == [303, 303, 429]
        auth.logout()
        auth.login(unconfirmed(email="zwei@example.org"))
        assert client.post("/konto/bestaetigen/erneut", data={"next": "/"}).status_code == 303


# --- deleting accounts that never confirm, and the command line -------------------------------------------------


def test_purge_deletes_only_old_unconfirmed_accounts(db, app, create_consultation, create_comment, create_user,
                                                     unconfirmed):
    from beteiligung.accounts.confirmation import delete_unconfirmed_accounts

    consultation = create_consultation()
    old = unconfirmed(email="alt@example.org")
    young = unconfirmed(email="jung@example.org")
    confirmed_old = create_user(email="bestaetigt@example.org")
    admin = unconfirmed(email="admin@example.org", role="admin")
    now = utcnow()
    for user in (old, confirmed_old, admin):
        user.created_at = now - timedelta(days=8)
    young.created_at = now - timedelta(days=6)
    consultation.region.unconfirmed_may = "comment"
    db.session.commit()
    comment = create_comment(consultation, old, body="Vor der Bestätigung geschrieben.")

    assert delete_unconfirmed_accounts(now=now) == 1
    db.session.commit()
    remaining = set(db.session.scalars(select(User.email)))
    assert remaining == {"jung@example.org", "bestaetigt@example.org", "admin@example.org"}
    assert fresh(db, Comment, comment.id).author_id is None  # as with every deleted account
    app.config["UNCONFIRMED_ACCOUNT_DAYS"] = 5
    assert delete_unconfirmed_accounts(now=now) == 1
    db.session.commit()
    assert set(db.session.scalars(select(User.email))) == {"bestaetigt@example.org", "admin@example.org"}


def test_cli_purge_unconfirmed_prints_the_count(runner, db, unconfirmed):
    old = unconfirmed(email="alt@example.org")
    old.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    result = runner.invoke(args=["users", "purge-unconfirmed"])
    assert result.exit_code == 0, result.output
    assert "1 unbestätigte Konten gelöscht." in result.output
    assert count_rows(db, User) == 0


def test_cli_confirm_confirms_by_hand_and_is_audited(runner, db, unconfirmed):
    user = unconfirmed(email="hand@example.org", pseudonym="Per Hand")
    result = runner.invoke(args=["users", "confirm", "Hand@Example.org"])
    assert result.exit_code == 0, result.output
    assert "E-Mail-Adresse von Per Hand" in result.output
    assert fresh(db, User, user.id).is_confirmed
    [entry] = audit_entries(db, "account.confirmed")
    assert (entry.actor_id, entry.target_id, entry.details) == (None, user.id, {"via": "cli"})

    again = runner.invoke(args=["users", "confirm", "hand@example.org"])
    assert again.exit_code == 0
    assert "bereits bestätigt" in again.output
    assert len(audit_entries(db, "account.confirmed")) == 1

    unknown = runner.invoke(args=["users", "confirm", "niemand@example.org"])
    assert unknown.exit_code != 0
    assert "Kein Konto" in unknown.output


# --- the region setting -----------------------------------------------------------------------------------------


def test_region_settings_page_offers_and_stores_the_kinds_with_an_audit_entry(client, auth, db, create_region,
                                                                               create_user):
    region = create_region(slug="soest", name="Soest")
    auth.login(create_user(role="admin"))
    html = text_of(client.get("/regionen/soest/verwaltung"))
    assert "Auch Konten mit unbestätigter E-Mail-Adresse dürfen:" in html
    for kind in ("comment", "vote", "report", "ballot", "problem"):
        assert f'value="{kind}"' in html
    assert 'type="checkbox"' in html

    response = client.post("/regionen/soest/verwaltung", data={
        "name": "Soest", "theme": region.theme, "description": "", "unconfirmed": ["vote", "comment"]})
    assert response.status_code == 303
    assert fresh(db, type(region), region.id).unconfirmed_may == "comment,vote"
    [entry] = audit_entries(db, "region.updated")
    assert entry.details["fields"] == ["unconfirmed_may"]
    html = text_of(client.get("/regionen/soest/verwaltung"))
    checked = {attrs["value"] for _tag, attrs in elements(html, "input")
               if attrs.get("name") == "unconfirmed" and "checked" in attrs}
    assert checked == {"comment", "vote"}

    response = client.post("/regionen/soest/verwaltung", data={"name": "Soest", "theme": region.theme,
                                                               "description": ""})
    assert response.status_code == 303
    assert fresh(db, type(region), region.id).unconfirmed_may == ""


def test_region_settings_page_refuses_an_unknown_kind(client, auth, db, create_region, create_user):
    region = create_region(slug="soest", name="Soest")
    auth.login(create_user(role="admin"))
    response = client.post("/regionen/soest/verwaltung", data={
        "name": "Soest", "theme": region.theme, "description": "", "unconfirmed": ["alles"]})
    assert response.status_code == 422
    assert fresh(db, type(region), region.id).unconfirmed_may == ""


def test_region_api_reads_and_changes_the_kinds(api, db, create_region, create_user):
    region = create_region(slug="soest", name="Soest")
    admin = create_user(role="admin")
    assert api.get("/api/v1/regions/soest").get_json()["unconfirmed_may"] == []
    response = api.patch("/api/v1/regions/soest", user=admin, json={"unconfirmed_may": ["problem", "ballot"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["unconfirmed_may"] == ["ballot", "problem"]
    assert fresh(db, type(region), region.id).unconfirmed_may == "ballot,problem"

    error = error_of(api.patch("/api/v1/regions/soest", user=admin, json={"unconfirmed_may": ["alles"]}), 422)
    assert "unconfirmed_may" in str(error["fields"])
    error = error_of(api.patch("/api/v1/regions/soest", user=admin, json={"unconfirmed_may": "comment"}), 422)
    assert "unconfirmed_may" in error["fields"]
    citizen = create_user()
    error_of(api.patch("/api/v1/regions/soest", user=citizen, json={"unconfirmed_may": ["comment"]}), 403)
    assert fresh(db, type(region), region.id).unconfirmed_may == "ballot,problem"


def test_purge_keeps_an_account_whose_deletion_a_plugin_refuses_and_deletes_the_others(runner, db, unconfirmed,
                                                                                      monkeypatch):
    from beteiligung.accounts import services
    from beteiligung.errors import Conflict

    refused = unconfirmed(email="klemmt@example.org")
    other = unconfirmed(email="geht@example.org")
    for user in (refused, other):
        user.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    refused_id = refused.id
    original = services._delete_plugin_data

    def failing(user, delete_texts):
        if user.id == refused_id:
            raise Conflict("Die Erweiterung „Test“ konnte ihre Daten nicht löschen.")
        return original(user, delete_texts)

    monkeypatch.setattr(services, "_delete_plugin_data", failing)
    result = runner.invoke(args=["users", "purge-unconfirmed"])
    assert result.exit_code == 1
    assert "1 unbestätigte Konten gelöscht." in result.output
    assert f"Konto #{refused_id} nicht gelöscht: Die Erweiterung „Test“" in result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(User.email))) == {"klemmt@example.org"}


def test_the_whole_way_over_a_real_smtp_server(app, client, db, smtp_server):
    """Registration → the mail arrives at an SMTP server → its link confirms the account."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    assert client.post(REGISTER, data=_registration()).status_code == 303
    [message] = smtp_server.handler.messages
    assert message["To"] == "neu@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    [link] = [word for word in text.split() if "/konto/bestaetigen/" in word]
    path = urlsplit(link).path
    assert client.post(path).status_code == 303
    assert db.session.scalar(select(User)).email_confirmed_at is not None


def test_the_region_settings_offer_every_kind_of_participation(app):
    from beteiligung.policy import PARTICIPATION_KINDS
    from beteiligung.regions.views import RegionSettingsPageForm

    with app.test_request_context():
        offered = [value for value, _label in RegionSettingsPageForm().unconfirmed.choices]
    assert sorted(offered) == sorted(PARTICIPATION_KINDS)
