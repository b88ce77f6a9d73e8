"""Privacy definitions in one place (beteiligung.privacy): the export's sections, the privacy page and the
deletion form are made from them; plugins add their data to the export and take part in deletion."""

import json

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, select

from beteiligung import privacy
from beteiligung.accounts.models import User
from beteiligung.accounts.services import delete_account, export_data
from beteiligung.audit.models import AuditEntry
from beteiligung.comments.models import Comment
from beteiligung.errors import Conflict
from beteiligung.plugin_api import DataCategory, Plugin, db, hookimpl
from beteiligung.polls.models import Ballot
from beteiligung.testing.contract import personal_data_hooks, personal_data_problems
from beteiligung.testing.fixtures import TEST_PASSWORD, plugin_entry_point
from beteiligung.testing.helpers import count_rows, fresh, text_of

# A plugin's table about accounts, kept out of the core's metadata (the core's schema tests compare that
# with the migrations); created for each test that needs it.
notes_metadata = MetaData()
notes = Table("notes_entries", notes_metadata, Column("id", Integer, primary_key=True),
              Column("user_id", Integer, nullable=True), Column("text", Text, nullable=False))


class NotesPlugin(Plugin):
    """Keeps notes of accounts and implements the three personal-data hooks."""

    title = "Notizen"
    core_version = ">=1.1"

    @hookimpl
    def personal_data_categories(self):
        return [DataCategory(key="entries", title="Notizen", data="Ihre Notizen zu Beteiligungen.",
                             purpose="Damit Sie sich erinnern.", legal_basis="Art. 6 Abs. 1 lit. a DSGVO",
                             retention="Bis Sie sie löschen.", visible_to="Nur Sie.",
                             on_deletion="Der Text bleibt ohne Namen, auf Wunsch wird er gelöscht.", stays=True)]

    @hookimpl
    def export_personal_data(self, user):
        texts = db.session.scalars(select(notes.c.text).where(notes.c.user_id == user.id).order_by(notes.c.id))
        return {"entries": list(texts)}

    @hookimpl
    def delete_personal_data(self, user, delete_texts):
        if delete_texts:
            db.session.execute(notes.delete().where(notes.c.user_id == user.id))
        else:
            db.session.execute(notes.update().where(notes.c.user_id == user.id).values(user_id=None))


class BrokenPlugin(Plugin):
    """Fails in its personal-data hooks when told to (``failing``)."""

    title = "Kaputt"
    core_version = ">=1.1"
    failing = False

    @hookimpl
    def export_personal_data(self, user):
        if BrokenPlugin.failing:
            raise RuntimeError("the export broke")
        return None

    @hookimpl
    def delete_personal_data(self, user, delete_texts):
        if BrokenPlugin.failing:
            raise RuntimeError("the deletion broke")


PLUGINS = {"PLUGIN_ENTRY_POINTS": [plugin_entry_point("notes", "test_privacy:NotesPlugin"),
                                   plugin_entry_point("broken", "test_privacy:BrokenPlugin")]}


@pytest.fixture
def notes_table(app, db):
    notes.create(db.engine)
    yield notes
    db.session.rollback()
    notes.drop(db.engine)


@pytest.fixture
def broken(monkeypatch):
    monkeypatch.setattr(BrokenPlugin, "failing", True)


def note(db, user, text):
    db.session.execute(notes.insert().values(user_id=user.id if user else None, text=text))
    db.session.commit()


def stored_notes(db):
    db.session.commit()
    return db.session.execute(select(notes.c.user_id, notes.c.text).order_by(notes.c.id)).all()


# --- the definitions --------------------------------------------------------------------------------

def test_every_export_section_has_a_definition_and_every_exported_definition_a_section(app, create_user):
    data = export_data(create_user())

    sections = set(data) - {"about"}
    assert sections == set(privacy.exported_keys())
    assert set(data["about"]) == sections
    assert list(data)[:-1] == privacy.exported_keys()  # in the order of the definitions, "about" last


def test_the_core_defines_every_kind_of_personal_data_once_with_every_text():
    keys = [category.key for category in privacy.CORE_CATEGORIES]

    assert len(keys) == len(set(keys))
    assert {"account", "comments", "votes", "reports", "ballots", "problems", "comparisons", "api_tokens",
            "sessions", "login_throttling", "mails", "follows", "notifications", "staff_work", "audit_log",
            "proposals", "proposal_supports", "api_retries", "region_cookie", "showcase_contacts"} == set(keys)
    for category in privacy.CORE_CATEGORIES:
        assert all(str(getattr(category, name)).strip() for name in ("title", *privacy.FIELDS)), category.key


def test_every_core_column_that_refers_to_accounts_belongs_to_a_category(app):
    declared = {column for category in privacy.CORE_CATEGORIES for column in category.columns}
    referring = {f"{table.name}.{column.name}" for table in db.metadata.sorted_tables if not table.name.startswith(
        tuple(f"{name}_" for name in app.extensions["beteiligung.plugins"].plugins))
        for column in table.columns if any(fk.column.table.name == "users" for fk in column.foreign_keys)}

    # A new table about accounts needs a privacy definition (and a section of the export): beteiligung/privacy.py.
    assert sorted(referring - declared) == []
    assert len(declared) == sum(len(category.columns) for category in privacy.CORE_CATEGORIES)  # each once


def test_the_export_names_what_the_account_created_or_resolved(app, db, create_user, create_consultation,
                                                                create_region):
    region = create_region()
    moderator = create_user(role="moderator", regions=[region])
    consultation = create_consultation(region=region, title="Parken am Bahnhof")
    consultation.created_by_id = moderator.id
    db.session.commit()

    work = export_data(moderator)["staff_work"]

    assert work == {"consultations.created_by_id": [
        {"id": consultation.id, "title": "Parken am Bahnhof", "region_id": region.id,
         "created_at": work["consultations.created_by_id"][0]["created_at"]}]}
    assert work["consultations.created_by_id"][0]["created_at"].endswith("Z")
    assert export_data(create_user())["staff_work"] == {}


def test_the_export_describes_each_section_as_the_privacy_page_does(app, client, create_user):
    data = export_data(create_user())
    page = text_of(client.get("/konto/datenschutz"))

    about = data["about"]["api_tokens"]
    assert about["title"] == "API-Zugangstoken"
    assert "Bis zum Ablauf nach 30 Tagen" in about["retention"]  # API_TOKEN_DAYS filled in
    assert about["retention"] in page.replace("&#34;", '"')
    assert set(about) == {"title", *privacy.FIELDS}


def test_the_privacy_page_has_a_table_per_kind_of_data(client, app):
    response = client.get("/konto/datenschutz")

    html = text_of(response)
    assert response.status_code == 200
    for category in privacy.CORE_CATEGORIES:
        assert f'id="daten-{category.key}"' in html
        assert f'href="#daten-{category.key}"' in html
    assert html.count("<table>") == len(privacy.CORE_CATEGORIES)
    assert "Nach 120 Minuten ohne Aktivität" in html  # SESSION_IDLE_MINUTES
    assert "Wie lange" in html and "Wer es sieht" in html and "Rechtsgrundlage" in html
    assert "%(" not in html


def test_the_privacy_page_is_english_on_request(client, app):
    html = text_of(client.get("/konto/datenschutz?lang=en"))

    assert '<html lang="en">' in html
    assert "How long" in html and "Who sees it" in html and "Poll participation" in html
    assert "After 120 minutes without activity" in html
    german = [str(getattr(category, name)) for category in privacy.CORE_CATEGORIES for name in privacy.FIELDS]
    assert [text for text in german if text.split("%(")[0] in html] == []


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 45}])
def test_the_texts_name_the_apps_own_settings(client, app):
    assert "Nach 45 Minuten ohne Aktivität" in text_of(client.get("/konto/datenschutz"))


# --- plugins ------------------------------------------------------------------------------------------

def test_the_core_declares_three_personal_data_hooks(app):
    assert personal_data_hooks(app.extensions["beteiligung.plugins"].manager) == [
        "delete_personal_data", "export_personal_data", "personal_data_categories"]


@pytest.mark.plugins("aachen", "gelsenkirchen", "paderborn", "soest", "wuppertal")
@pytest.mark.parametrize("name", ["aachen", "gelsenkirchen", "paderborn", "soest", "wuppertal"])
def test_the_model_regions_plugins_keep_the_personal_data_contract(app, name):
    # None of them has a table about accounts today: the contract asks nothing of them, and says so.
    assert personal_data_problems(app, name) == []


@pytest.mark.parametrize("app_config", [PLUGINS])
def test_a_plugins_categories_are_on_the_privacy_page_and_in_the_export(client, db, notes_table, create_user):
    user, other = create_user(), create_user()
    note(db, user, "Bank am Markt ansprechen")
    note(db, other, "Fremde Notiz")

    data = export_data(user)
    html = text_of(client.get("/konto/datenschutz"))

    assert data["notes.entries"] == ["Bank am Markt ansprechen"]
    assert data["about"]["notes.entries"]["purpose"] == "Damit Sie sich erinnern."
    assert "incomplete" not in data
    assert set(data) - {"about"} == set(privacy.exported_keys())
    assert 'id="daten-notes.entries"' in html and "Erweiterung „notes“" in html
    assert "Fremde Notiz" not in json.dumps(data)


@pytest.mark.parametrize("app_config", [PLUGINS])
def test_a_failing_plugin_makes_the_export_say_it_is_incomplete(client, auth, db, notes_table, create_user, broken):
    user = create_user()
    note(db, user, "Meine Notiz")
    auth.login(user)

    response = client.get("/konto/daten.json")

    data = response.get_json()
    assert response.status_code == 200
    assert data["notes.entries"] == ["Meine Notiz"] and data["account"]["email"] == user.email
    assert data["incomplete"] == ["Das Plugin „Kaputt“ konnte seine Daten zu Ihrem Konto nicht liefern; bitte "
                                  "versuchen Sie es später erneut."]


@pytest.mark.parametrize("app_config", [PLUGINS])
def test_deleting_the_account_lets_the_plugins_anonymise_their_rows(client, auth, db, notes_table, create_user):
    user, other = create_user(), create_user()
    note(db, user, "Meine Notiz")
    note(db, other, "Fremde Notiz")
    auth.login(user)

    response = client.post("/konto/loeschen", data={"password": TEST_PASSWORD})

    assert response.status_code == 303
    assert stored_notes(db) == [(None, "Meine Notiz"), (other.id, "Fremde Notiz")]


@pytest.mark.parametrize("app_config", [PLUGINS])
def test_deleting_the_account_with_its_texts_lets_the_plugins_delete_theirs(client, auth, db, notes_table,
                                                                            create_user):
    user, other = create_user(), create_user()
    note(db, user, "Meine Notiz")
    note(db, other, "Fremde Notiz")
    auth.login(user)

    response = client.post("/konto/loeschen", data={"password": TEST_PASSWORD, "delete_texts": "y"})

    assert response.status_code == 303
    assert stored_notes(db) == [(other.id, "Fremde Notiz")]


@pytest.mark.parametrize("app_config", [PLUGINS])
def test_a_plugin_that_cannot_delete_refuses_the_whole_deletion(client, auth, db, notes_table, create_user,
                                                                create_consultation, create_comment, broken):
    user = create_user()
    comment = create_comment(create_consultation(), user, body="Mein Text")
    note(db, user, "Meine Notiz")
    auth.login(user)

    response = client.post("/konto/loeschen", data={"password": TEST_PASSWORD, "delete_texts": "y"})

    assert response.status_code == 409
    assert "die Erweiterung „Kaputt“ konnte ihre Daten zu Ihrem Konto nicht löschen" in text_of(response)
    assert fresh(db, User, user.id) is not None
    assert stored_notes(db) == [(user.id, "Meine Notiz")]  # the other plugin's deletion is undone too
    assert fresh(db, Comment, comment.id).body == "Mein Text"
    assert client.get("/konto/").status_code == 200  # still logged in


@pytest.mark.parametrize("app_config", [PLUGINS])
def test_the_service_refuses_with_a_conflict_and_leaves_the_transaction_usable(app, db, notes_table, create_user,
                                                                               broken):
    user = create_user()
    note(db, user, "Meine Notiz")

    with pytest.raises(Conflict):
        delete_account(user, TEST_PASSWORD)
    db.session.commit()

    assert count_rows(db, User, User.id == user.id) == 1
    assert stored_notes(db) == [(user.id, "Meine Notiz")]


# --- what deletion removes and keeps -----------------------------------------------------------------------

def test_the_deletion_form_says_what_goes_and_what_stays(client, auth, create_user):
    auth.login(create_user())

    html = text_of(client.get("/konto/"))

    goes, stays = html.split("Was gelöscht wird")[1].split("Was bleibt – ohne Verbindung zu Ihnen")
    for category in privacy.CORE_CATEGORIES:
        assert str(category.title) in (stays if category.stays else goes), category.key
    assert "Dieser Beitrag wurde von der Verfasserin oder dem Verfasser gelöscht." in stays
    assert "Beleg für die Moderation" in stays
    assert "Die Antworten bleiben anonym in den Ergebnissen" in stays
    assert "die Handlung ohne die Person" in stays
    assert 'href="/konto/beteiligung"' in html and 'href="/konto/datenschutz"' in html


def test_deletion_keeps_ballots_anonymous_and_audit_entries_without_the_person(
        client, auth, db, api, create_user, create_poll, create_region, create_consultation, create_comment):
    region = create_region()
    moderator = create_user(role="moderator", regions=[region])
    poll = create_poll(region=region)
    question = poll.questions[0]
    assert api.ballot(poll, moderator, {question: question.options[0].id}).status_code == 201
    comment = create_comment(create_consultation(region=region), create_user())
    assert api.patch(f"/api/v1/comments/{comment.id}", user=moderator,
                     json={"hidden": True, "reason": "Beleidigung"}).status_code == 200
    create_user(role="admin")
    auth.login(moderator)

    assert client.post("/konto/loeschen", data={"password": TEST_PASSWORD}).status_code == 303

    db.session.expire_all()
    ballot = db.session.scalar(select(Ballot).where(Ballot.poll_id == poll.id))
    assert ballot is not None and ballot.user_id is None
    assert api.get(f"/api/v1/polls/{poll.id}/results").get_json()["total_ballots"] == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "comment.hidden"))
    assert entry is not None and entry.actor_id is None and entry.target_id == comment.id


def test_deletion_removes_mails_to_the_address_and_the_failed_log_ins(client, auth, db, create_user):
    from beteiligung.accounts.models import LoginThrottle
    from beteiligung.mail.models import OutgoingMail

    user, other = create_user(), create_user()
    db.session.add_all([OutgoingMail(recipient=user.email, subject="Willkommen", text_body="Hallo", html_body=""),
                        OutgoingMail(recipient=other.email, subject="Willkommen", text_body="Hallo", html_body=""),
                        LoginThrottle(key=f"account:{user.id}", failures=2),
                        LoginThrottle(key=f"account:{other.id}", failures=1)])
    db.session.commit()
    auth.login(user)

    assert client.post("/konto/loeschen", data={"password": TEST_PASSWORD}).status_code == 303

    assert db.session.scalars(select(OutgoingMail.recipient)).all() == [other.email]
    assert db.session.scalars(select(LoginThrottle.key)).all() == [f"account:{other.id}"]


def test_the_export_holds_follows_notifications_mails_and_audit_entries(app, db, create_user, create_region):
    from beteiligung.audit.services import record
    from beteiligung.mail.models import OutgoingMail
    from beteiligung.notifications.models import Follow, Notification

    region = create_region(slug="soest")
    user, other = create_user(), create_user()
    db.session.add_all([
        Follow(user_id=user.id, target_type="region", target_id=region.id),
        Follow(user_id=other.id, target_type="region", target_id=region.id),
        Notification(user_id=user.id, kind="reply", params="{}", url="/x", event_key="e1"),
        OutgoingMail(recipient=user.email, subject="Antwort auf Ihren Beitrag", text_body="…", html_body=""),
    ])
    record(user, "moderator.added", other, region)
    db.session.commit()

    data = export_data(user)

    assert [(f["target_type"], f["target_id"]) for f in data["follows"]] == [("region", region.id)]
    assert [n["kind"] for n in data["notifications"]["items"]] == ["reply"]
    assert data["notifications"]["settings"]["auto_follow"] is True
    assert [m["subject"] for m in data["mails"]] == ["Antwort auf Ihren Beitrag"]
    assert [(e["action"], e["by_you"], e["region"]) for e in data["audit_log"]] == [("moderator.added", True, "soest")]
    assert data["login_throttling"] is None
    assert [e["by_you"] for e in export_data(other)["audit_log"]] == [False]  # about the other account
