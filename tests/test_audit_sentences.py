"""The audit log page speaks in sentences, in German and English, never in action keys or Python reprs."""

import re

import pytest
from sqlalchemy import select

from beteiligung.accounts.services import set_moderator
from beteiligung.audit.services import record
from beteiligung.comments.services import hide_comment, report_comment, resolve_report
from beteiligung.consultations.services import create_consultation as create_consultation_service
from beteiligung.consultations.services import update_consultation
from beteiligung.polls.models import Problem
from beteiligung.polls.services import close_poll, delete_poll, moderate_problem, open_poll


@pytest.fixture
def region(create_region):
    return create_region(slug="gelsenkirchen", name="Gelsenkirchen")


@pytest.fixture
def admin(create_user):
    return create_user(role="admin", pseudonym="Admina")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region], pseudonym="Moderation Gelsenkirchen")


def log(client, auth, admin, lang=None):
    auth.login(admin)
    response = client.get("/verwaltung/protokoll" + (f"?lang={lang}" if lang else ""))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html)


def test_poll_acts_read_as_sentences(client, auth, db, region, admin, moderator, create_poll):
    poll = create_poll(region=region, status="draft", title="Radwege im Süden")
    open_poll(moderator, poll)
    record(moderator, "poll.update", poll, region, fields=["phase", "title"])
    record(moderator, "poll.phase", poll, region, phase="comparing")
    close_poll(moderator, poll)
    draft = create_poll(region=region, status="draft", title="Alter Entwurf")
    delete_poll(moderator, draft)
    db.session.commit()

    html = log(client, auth, admin)
    assert "Moderation Gelsenkirchen hat die Umfrage „Radwege im Süden“ geöffnet." in html
    assert "Moderation Gelsenkirchen hat die Umfrage „Radwege im Süden“ geändert (Phase, Titel)." in html
    assert "Moderation Gelsenkirchen hat die Umfrage „Radwege im Süden“ in die Phase „Vergleichen“ gebracht." in html
    assert "Moderation Gelsenkirchen hat die Umfrage „Radwege im Süden“ beendet." in html
    # A deleted poll is named by the title the entry kept.
    assert "Moderation Gelsenkirchen hat den Entwurf der Umfrage „Alter Entwurf“ gelöscht." in html
    for raw in ("poll.update", "poll.open", "['phase'", "{'", "None"):
        assert raw not in html, raw


def test_comment_and_report_acts_read_as_sentences(client, auth, db, region, admin, moderator, create_user,
                                                  create_consultation, create_comment):
    consultation = create_consultation(region)
    author, reader = create_user(pseudonym="Anna"), create_user(pseudonym="Bert")
    hidden = create_comment(consultation, author, body="Unfreundlich.")
    hide_comment(moderator, hidden, "Beleidigung einer Person")
    reported = create_comment(consultation, author, body="Harmlos.")
    report = report_comment(reader, reported, "Finde ich doof.")
    resolve_report(moderator, report, "dismiss")
    db.session.commit()

    html = log(client, auth, admin)
    assert f"Moderation Gelsenkirchen hat den Beitrag #{hidden.id} ausgeblendet: Beleidigung einer Person" in html
    assert (f"Moderation Gelsenkirchen hat die Meldung #{report.id} zum Beitrag #{reported.id} zurückgewiesen; "
            "der Beitrag bleibt sichtbar.") in html
    assert "comment.hidden" not in html and "report.resolved" not in html


def test_administration_acts_read_as_sentences(client, auth, db, region, admin, moderator, create_user,
                                              create_poll):
    citizen = create_user(pseudonym="Carla")
    set_moderator(admin, citizen, region)
    consultation = create_consultation_service(moderator, region, "Offene Daten", summary="Kurz.", body="Text.")
    update_consultation(moderator, consultation, summary="Neu.", published=True)
    record(admin, "plugin.enabled", region, region, plugin="gelsenkirchen")
    poll = create_poll(region=region, kind="problem_definition", problems=["Zu wenig Daten"])
    problem = db.session.scalar(select(Problem).where(Problem.poll_id == poll.id))
    moderate_problem(moderator, problem, "rejected", reason="Doppelt eingereicht.")
    db.session.commit()

    html = log(client, auth, admin)
    assert "Admina hat Carla zur Moderation der Region „Gelsenkirchen“ hinzugefügt." in html
    assert "Moderation Gelsenkirchen hat die Beteiligung „Offene Daten“ angelegt." in html
    assert "Moderation Gelsenkirchen hat die Beteiligung „Offene Daten“ geändert (Zusammenfassung)." in html
    assert "Moderation Gelsenkirchen hat die Beteiligung „Offene Daten“ veröffentlicht." in html
    assert "Admina hat die Erweiterung „gelsenkirchen“ in der Region „Gelsenkirchen“ eingeschaltet." in html
    assert (f"Moderation Gelsenkirchen hat das Problem #{problem.id} „Zu wenig Daten“ abgelehnt: "
            "Doppelt eingereicht.") in html

def test_unknown_actions_of_plugins_get_a_readable_fallback(client, auth, db, region, admin, moderator):
    record(moderator, "soest.district_added", region, region, district="Lippetal", villages=["Herzfeld", "Lippborg"],
           public=True, empty=None)
    db.session.commit()

    html = log(client, auth, admin)
    assert (f"Moderation Gelsenkirchen: Aktion „soest.district_added“ (Region #{region.id}). "
            "district: Lippetal; villages: Herzfeld, Lippborg; public: ja") in html
    assert "['Herzfeld'" not in html and "True" not in html and "empty" not in html


def test_entries_of_deleted_accounts_and_targets_still_read_well(client, auth, db, region, admin, create_user):
    gone = create_user(pseudonym="Wird gelöscht", role="moderator", regions=[region])
    record(gone, "comment.restored", gone, region)  # the target kind does not matter for the sentence
    db.session.commit()
    from beteiligung.accounts.services import delete_account
    from beteiligung.testing.fixtures import TEST_PASSWORD

    delete_account(gone, TEST_PASSWORD)
    db.session.commit()
    html = log(client, auth, admin)
    assert "Ein gelöschtes Konto hat den Beitrag #" in html and "wieder sichtbar gemacht." in html


def test_the_log_is_in_english_too(client, auth, db, region, admin, moderator, create_poll):
    poll = create_poll(region=region, status="draft", title="Radwege im Süden")
    open_poll(moderator, poll)
    record(moderator, "poll.update", poll, region, fields=["phase"])
    record(moderator, "soest.district_added", region, region, district="Lippetal")
    db.session.commit()

    html = log(client, auth, admin, lang="en")
    assert "Moderation Gelsenkirchen opened the poll “Radwege im Süden”." in html
    assert "Moderation Gelsenkirchen changed the poll “Radwege im Süden” (Phase)." in html
    assert f"Moderation Gelsenkirchen: action “soest.district_added” (Region #{region.id}). district: Lippetal" in html
    assert "hat die Umfrage" not in html


def test_the_log_costs_the_same_number_of_queries_for_many_entries(client, auth, db, count_queries, region, admin,
                                                                    moderator, create_poll):
    def queries():
        auth.login(admin)
        with count_queries() as counter:
            assert client.get("/verwaltung/protokoll").status_code == 200
        return counter.count

    poll = create_poll(region=region, status="draft", title="Eine")
    open_poll(moderator, poll)
    db.session.commit()
    few = queries()
    for n in range(30):
        other = create_poll(region=region, status="draft", title=f"Umfrage {n}")
        open_poll(moderator, other)
    db.session.commit()
    assert queries() == few


def test_region_administration_acts_read_as_sentences(client, auth, db, region, admin, create_user):
    from beteiligung.regions.services import add_region_admin, create_region, remove_region_admin, update_region

    carla = create_user(pseudonym="Carla")
    add_region_admin(admin, region, carla)
    update_region(carla, region, {"name": "Gelsenkirchen-Buer", "theme": "Lernen"})
    remove_region_admin(admin, region, carla)
    hamm = create_region(None, "hamm", "Hamm", "Digitale Daten", "")  # as the command line does
    db.session.commit()

    html = log(client, auth, admin)
    assert "Admina hat Carla zur Administration der Region „Gelsenkirchen-Buer“ hinzugefügt." in html
    assert "Carla hat die Einstellungen der Region „Gelsenkirchen-Buer“ geändert (Name, Schwerpunkt)." in html
    assert "Admina hat Carla aus der Administration der Region „Gelsenkirchen-Buer“ entfernt." in html
    assert "Die Betriebsführung (Kommandozeile) hat die Region „Hamm“ angelegt." in html
    assert "Ein gelöschtes Konto" not in html
    english = log(client, auth, admin, lang="en")
    assert "Operations (command line) created the region “Hamm”." in english
    assert "Carla changed the settings of the region “Gelsenkirchen-Buer” (Name, Focus)." in english
    assert hamm.slug == "hamm"
