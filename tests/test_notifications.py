"""Notifications: each event reaches exactly the right accounts (never the actor, never twice), mails per
preference with one-click unsubscribe, the daily digest, the time-driven job, the centre, the fan-out."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from beteiligung.comments import services as comments
from beteiligung.jobs import run_pending
from beteiligung.mail.models import OutgoingMail
from beteiligung.notifications import events, fanout, schedule, services
from beteiligung.notifications.models import Notification, NotificationEvent, NotificationPreference
from beteiligung.plugin_api import NotificationKind, Plugin, flag_comment, hookimpl, lazy_gettext, notify_followers
from beteiligung.polls import services as polls
from beteiligung.polls.models import Poll, Problem
from beteiligung.testing.fixtures import plugin_entry_point
from beteiligung.timeutil import utcnow


class WatchPlugin(Plugin):
    """A plugin with its own kind of notification and a rule that flags comments with links."""

    title = "Beobachtung"
    core_version = ">=0.1"

    @hookimpl
    def notification_kinds(self):
        return [NotificationKind("watch.dataset_published",
                                 lazy_gettext("Neuer Datensatz zu „%(title)s“: %(dataset)s"),
                                 lazy_gettext("Neue Datensätze"))]

    @hookimpl
    def comment_created(self, comment):
        if "http" in comment.body:
            flag_comment(comment, "Der Beitrag enthält einen Link.", rule="links")


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [plugin_entry_point("watch", "test_notifications:WatchPlugin")]}


def recipients(db, kind):
    """(user id, how many) of the notifications of a kind."""
    return sorted(db.session.execute(select(Notification.user_id, func.count()).where(Notification.kind == kind)
                                     .group_by(Notification.user_id)).all())


def ids(*users):
    return sorted((user.id, 1) for user in users)


def commit_and_run(db):
    db.session.commit()
    run_pending()


@pytest.fixture
def soest(db, create_region, create_user, create_consultation, enable_plugin):
    region = create_region(slug="soest", name="Soest")
    enable_plugin(region, "watch")
    other = create_region(slug="aachen", name="Aachen")
    people = {
        "moderator": create_user(role="moderator", regions=[region], pseudonym="Moderation Soest"),
        "elsewhere": create_user(role="moderator", regions=[other], pseudonym="Moderation Aachen"),
        "anna": create_user(pseudonym="Anna"), "bert": create_user(pseudonym="Bert"),
        "clara": create_user(pseudonym="Clara"), "dora": create_user(pseudonym="Dora"),
    }
    consultation = create_consultation(region, title="Bänke am Markt")
    return {"region": region, "other": other, "consultation": consultation, **people}


# --- who gets what ---------------------------------------------------------------------------------

def test_a_reply_notifies_the_parents_author_only(db, soest, create_comment, mail_outbox):
    anna, bert, consultation = soest["anna"], soest["bert"], soest["consultation"]
    first = create_comment(consultation, anna)
    create_comment(consultation, anna, parent=first, body="Ich ergänze mich selbst.")
    run_pending()
    assert recipients(db, "comment_replied") == []  # replying to oneself notifies nobody
    reply = create_comment(consultation, bert, parent=first, body="Gute Idee!")
    run_pending()
    assert recipients(db, "comment_replied") == ids(anna)
    notification = db.session.scalar(select(Notification).where(Notification.kind == "comment_replied"))
    assert json.loads(notification.params) == {"actor": "Bert", "title": "Bänke am Markt"}
    assert notification.url == f"/beteiligungen/{consultation.id}#beitrag-{reply.id}"
    [mail] = mail_outbox.messages()
    assert mail["To"] == anna.email
    assert mail["Subject"] == "Bert hat auf Ihren Beitrag in „Bänke am Markt“ geantwortet."


def test_an_official_statement_reaches_the_followers_of_the_discussion(db, soest, create_comment):
    consultation = soest["consultation"]
    create_comment(consultation, soest["anna"])  # auto-follows
    services.follow(soest["bert"], "consultation", consultation)
    services.follow(soest["clara"], "region", soest["region"])  # follows the region, not the discussion
    services.follow(soest["moderator"], "consultation", consultation)
    commit_and_run(db)
    create_comment(consultation, soest["moderator"], body="Wir prüfen das.", official=True)
    run_pending()
    assert recipients(db, "official_statement") == ids(soest["anna"], soest["bert"])  # not the moderator


def test_a_reply_at_the_deepest_level_tells_the_author_it_answers(db, app, soest, create_comment):
    consultation = soest["consultation"]
    top = create_comment(consultation, soest["anna"])
    middle = create_comment(consultation, soest["bert"], parent=top, body="Zweite Ebene.")
    deepest = create_comment(consultation, soest["clara"], parent=middle, body="Dritte Ebene.")
    run_pending()
    assert deepest.depth == app.config["COMMENT_MAX_DEPTH"] - 1
    reply = create_comment(consultation, soest["dora"], parent=deepest, body="Auch dritte Ebene.")
    run_pending()
    assert reply.parent_id == middle.id  # it joins Clara's level …
    notified = db.session.scalar(select(Notification.user_id).where(Notification.event_key ==
                                                                    f"comment_replied:{reply.id}"))
    assert notified == soest["clara"].id  # … and Clara, whom it answers, is told


def test_an_official_reply_tells_the_parents_author_once(db, soest, create_comment):
    consultation = soest["consultation"]
    first = create_comment(consultation, soest["anna"])  # Anna follows the discussion now
    services.follow(soest["bert"], "consultation", consultation)
    commit_and_run(db)
    create_comment(consultation, soest["moderator"], body="Danke, wir prüfen das.", parent=first, official=True)
    run_pending()
    assert recipients(db, "comment_replied") == ids(soest["anna"])
    assert recipients(db, "official_statement") == ids(soest["bert"])  # Anna heard of it as a reply


def test_a_hidden_comment_tells_its_author_the_reason(db, soest, create_comment):
    comment = create_comment(soest["consultation"], soest["anna"])
    comments.hide_comment(soest["moderator"], comment, "Beleidigt eine Person.")
    commit_and_run(db)
    assert recipients(db, "comment_hidden") == ids(soest["anna"])
    text = services.sentence(db.session.scalar(select(Notification).where(Notification.kind == "comment_hidden")))
    assert text == ("Die Moderation hat Ihren Beitrag in „Bänke am Markt“ ausgeblendet. "
                    "Begründung: Beleidigt eine Person.")


def test_a_report_reaches_the_moderators_of_the_region_only(db, client, auth, soest, create_comment):
    comment = create_comment(soest["consultation"], soest["anna"])
    auth.login(soest["bert"])
    response = client.post(f"/beitraege/{comment.id}/melden", data={"reason": "Beleidigt eine Person."})
    assert response.status_code == 303
    assert recipients(db, "report_created") == ids(soest["moderator"])  # not Aachen's, not the reporter


def test_moderators_hear_of_new_problems_and_authors_of_their_fate(db, soest, create_poll):
    poll = create_poll(soest["region"], kind="problem_definition", problems=["Busse fahren zu selten"])
    anna = soest["anna"]
    mine = polls.submit_problem(polls.Participant(user=anna), poll, "Radwege enden im Nichts")
    other = polls.submit_problem(polls.Participant(user=soest["bert"]), poll, "Kein WLAN im Bus")
    third = polls.submit_problem(polls.Participant(user=soest["clara"]), poll, "Haltestellen ohne Dach")
    commit_and_run(db)
    assert recipients(db, "problem_submitted") == [(soest["moderator"].id, 3)]
    approved = db.session.scalar(select(Problem).where(Problem.text == "Busse fahren zu selten"))
    moderator = soest["moderator"]
    polls.moderate_problem(moderator, mine, "approved")
    polls.moderate_problem(moderator, other, "rejected", reason="Gehört nicht zum Thema.")
    polls.moderate_problem(moderator, third, "merged", merged_into_id=approved.id)
    commit_and_run(db)
    assert recipients(db, "problem_approved") == ids(anna)
    assert recipients(db, "problem_rejected") == ids(soest["bert"])
    assert recipients(db, "problem_merged") == ids(soest["clara"])
    merged = db.session.scalar(select(Notification).where(Notification.kind == "problem_merged"))
    assert services.sentence(merged) == ("Ihr Problem „Haltestellen ohne Dach“ in „Mobilität in der Innenstadt“ "
                                         "wurde mit „Busse fahren zu selten“ zusammengeführt.")


def test_a_poll_opened_and_closed_by_a_moderator_reaches_its_followers_once(db, soest, create_poll):
    region, moderator = soest["region"], soest["moderator"]
    poll = create_poll(region, status="draft", title="Busse am Abend")
    poll.results_visibility = "after_close"
    services.follow(soest["anna"], "poll", poll)  # a moderator may let followers in before it opens
    services.follow(soest["anna"], "region", region)  # following both: still one notification
    services.follow(soest["bert"], "region", region)
    services.follow(soest["clara"], "region", soest["other"])
    services.follow(moderator, "poll", poll)
    commit_and_run(db)
    polls.open_poll(moderator, poll)
    commit_and_run(db)
    assert recipients(db, "poll_opened") == ids(soest["anna"], soest["bert"])
    polls.close_poll(moderator, poll)
    commit_and_run(db)
    assert recipients(db, "results_published") == ids(soest["anna"], soest["bert"])
    assert recipients(db, "poll_closed") == []  # one notification for the closing, not two


def test_a_poll_whose_results_are_not_public_announces_only_its_end(db, soest, create_poll):
    poll = create_poll(soest["region"], title="Busse am Abend", results_visibility="moderators")
    services.follow(soest["anna"], "poll", poll)
    commit_and_run(db)
    polls.close_poll(soest["moderator"], poll)
    commit_and_run(db)
    assert recipients(db, "poll_closed") == ids(soest["anna"]) and recipients(db, "results_published") == []


def test_settle_announces_a_poll_that_its_dates_opened_and_closed_exactly_once(db, soest, create_poll, runner):
    poll = create_poll(soest["region"], status="draft", title="Busse am Abend")
    services.follow(soest["anna"], "region", soest["region"])
    poll.opens_at = utcnow() - timedelta(minutes=2)
    commit_and_run(db)
    for _ in range(2):
        assert runner.invoke(args=["polls", "settle"]).exit_code == 0
        run_pending()  # a command's jobs run when its app context ends; the test's context lives on
    assert recipients(db, "poll_opened") == ids(soest["anna"])
    poll = db.session.get(Poll, poll.id)
    poll.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for _ in range(2):
        assert runner.invoke(args=["polls", "settle"]).exit_code == 0
        run_pending()  # a command's jobs run when its app context ends; the test's context lives on
    assert recipients(db, "poll_closed") == ids(soest["anna"])  # live results: nothing new to publish


def test_the_scheduled_job_announces_dates_of_consultations_and_polls_once(db, soest, create_consultation,
                                                                          create_poll, runner):
    now = utcnow()
    region = soest["region"]
    opening = create_consultation(region, title="Beginnt gerade")
    opening.opens_at, opening.closes_at = now - timedelta(minutes=1), now + timedelta(days=10)
    closing = create_consultation(region, title="Endet bald")
    closing.opens_at, closing.closes_at = now - timedelta(days=10), now + timedelta(hours=20)
    closed = create_consultation(region, title="Eben beendet")
    closed.opens_at, closed.closes_at = now - timedelta(days=10), now - timedelta(minutes=1)
    old = create_consultation(region, title="Lange vorbei")
    old.opens_at, old.closes_at = now - timedelta(days=60), now - timedelta(days=30)
    poll = create_poll(region, title="Busse am Abend")
    poll.closes_at = now + timedelta(hours=47)
    services.follow(soest["anna"], "region", region)
    services.follow(soest["bert"], "consultation", closing)
    services.follow(soest["bert"], "poll", poll)
    soest["consultation"].opens_at = now - timedelta(days=5)  # opened long ago: nothing to announce
    db.session.commit()
    for _ in range(2):  # cron each minute, or two hosts at once: every event once
        result = runner.invoke(args=["notifications", "run"])
        assert result.exit_code == 0, result.output
    assert recipients(db, "consultation_opened") == ids(soest["anna"])
    assert recipients(db, "consultation_closing") == ids(soest["anna"], soest["bert"])
    assert recipients(db, "consultation_closed") == ids(soest["anna"])
    assert recipients(db, "poll_closing") == ids(soest["anna"], soest["bert"])
    titles = {json.loads(n.params)["title"] for n in db.session.scalars(select(Notification))}
    assert titles == {"Beginnt gerade", "Endet bald", "Eben beendet", "Busse am Abend"}
    assert db.session.scalar(select(func.count()).select_from(NotificationEvent)) == 4


def test_an_event_key_is_emitted_once_even_when_emitted_twice(db, soest):
    anna = soest["anna"]
    assert services.emit("comment_replied", [anna], {"actor": "X", "title": "Y"}, "/", "7") is True
    assert services.emit("comment_replied", [anna], {"actor": "X", "title": "Y"}, "/", "7") is False
    commit_and_run(db)
    assert recipients(db, "comment_replied") == ids(anna)


def test_moderator_kinds_never_reach_citizens(db, soest):
    services.emit("report_created", [soest["anna"], soest["moderator"]], {"title": "T", "reason": "R"}, "/", "1")
    commit_and_run(db)
    assert recipients(db, "report_created") == ids(soest["moderator"])


def test_nothing_is_emitted_when_the_transaction_rolls_back(db, soest, create_comment):
    first = create_comment(soest["consultation"], soest["anna"])
    run_pending()
    comments.create_comment(soest["bert"], soest["consultation"], "Eine Antwort.", parent=first)
    db.session.rollback()
    run_pending()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    assert db.session.scalar(select(func.count()).select_from(NotificationEvent)) == 0


# --- plugins ---------------------------------------------------------------------------------------

def test_a_plugin_rule_flags_a_comment_for_the_moderators(db, soest, create_comment):
    create_comment(soest["consultation"], soest["anna"], body="Siehe http://example.org/plan")
    create_comment(soest["consultation"], soest["anna"], body="Ohne Verweis.")
    run_pending()
    assert recipients(db, "comment_flagged") == ids(soest["moderator"])
    text = services.sentence(db.session.scalar(select(Notification).where(Notification.kind == "comment_flagged")))
    assert text == "Ein Beitrag in „Bänke am Markt“ wurde von einer Regel markiert: Der Beitrag enthält einen Link."


def test_a_plugin_defines_its_own_kind_and_notifies_followers(db, client, auth, soest, mail_outbox):
    services.follow(soest["anna"], "region", soest["region"])
    services.follow(soest["bert"], "consultation", soest["consultation"])
    db.session.commit()
    assert notify_followers("watch.dataset_published", soest["consultation"],
                            {"title": "Bänke am Markt", "dataset": "Sitzbänke 2026"}, "/regionen/soest", "42")
    commit_and_run(db)
    assert recipients(db, "watch.dataset_published") == ids(soest["anna"], soest["bert"])
    assert {m["Subject"] for m in mail_outbox.messages()} == {"Neuer Datensatz zu „Bänke am Markt“: Sitzbänke 2026"}
    auth.login(soest["anna"])
    html = client.get("/benachrichtigungen/einstellungen").get_data(as_text=True)
    assert "Neue Datensätze" in html and 'name="kind-watch.dataset_published"' in html


@pytest.mark.parametrize(("kind", "problem"), [
    (NotificationKind("other.thing", lazy_gettext("Etwas."), "Etwas"), "must be named"),
    (NotificationKind("watch.Bad Key", lazy_gettext("Etwas."), "Etwas"), "lower-case"),
    (NotificationKind("watch.thing", lazy_gettext("Etwas."), "Etwas", default_channel="sometimes"), "default_channel"),
    (NotificationKind("watch.thing", lazy_gettext("Etwas."), "Etwas", audience="everyone"), "audience"),
    (NotificationKind("watch.thing", lazy_gettext("%(x)s.", x=1), "Etwas"), "without arguments"),
    ("watch.thing", "NotificationKind"),
])
def test_malformed_plugin_kinds_are_refused(kind, problem):
    with pytest.raises(ValueError, match=problem):
        events.check_kind(kind, plugin="watch")


def test_an_unknown_kind_is_a_programming_error(db, soest):
    with pytest.raises(KeyError):
        services.emit("no_such_kind", [soest["anna"]], {}, "/", "1")


# --- mails and preferences -------------------------------------------------------------------------

def test_a_mail_has_both_parts_and_a_one_click_unsubscribe(db, client, soest, create_comment, mail_outbox):
    first = create_comment(soest["consultation"], soest["anna"])
    create_comment(soest["consultation"], soest["bert"], parent=first)
    run_pending()
    [mail] = mail_outbox.messages()
    assert mail.get_body(preferencelist=("plain",)) is not None and mail.get_body(preferencelist=("html",)) is not None
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link in mail_outbox.links(mail)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)  # GET only asks (mail scanners open links)
    assert page.status_code == 200 and "Möchten Sie keine E-Mails der Art" in page.get_data(as_text=True)
    assert db.session.scalar(select(NotificationPreference.channel)) is None
    client.application.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/" + path, data={"List-Unsubscribe": "One-Click"})  # no session, no CSRF token
    assert response.status_code == 200 and "Erledigt" in response.get_data(as_text=True)
    assert db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind,
                                     NotificationPreference.channel)).all() == [
        (soest["anna"].id, "comment_replied", "off")]
    assert client.post("/benachrichtigungen/alle-gelesen").status_code == 400  # other forms still need CSRF

    create_comment(soest["consultation"], soest["clara"], parent=first, body="Noch eine Antwort.")
    run_pending()
    assert len(mail_outbox.messages()) == 1  # unsubscribed: no mail, but the centre still has it
    assert recipients(db, "comment_replied") == [(soest["anna"].id, 2)]


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxLCJrIjoiY29tbWVudF9yZXBsaWVkIn0.aweGkA.forged", "x" * 3000])
def test_a_bad_unsubscribe_token_is_404(db, client, soest, token):
    assert client.get(f"/benachrichtigungen/abbestellen/{token}").status_code == 404
    assert client.post(f"/benachrichtigungen/abbestellen/{token}").status_code == 404
    assert db.session.scalar(select(NotificationPreference.channel)) is None


def test_a_token_for_an_unknown_kind_or_account_is_404(db, client, soest):
    for token in (services.unsubscribe_token(soest["anna"].id, "no_such_kind"), services.unsubscribe_token(9999,
                                                                                                           "poll_opened")):
        assert client.post(f"/benachrichtigungen/abbestellen/{token}").status_code == 404
    assert db.session.scalar(select(NotificationPreference.channel)) is None


def test_mails_follow_the_preferences_and_the_language(db, soest, create_comment, mail_outbox):
    anna, bert, clara = soest["anna"], soest["bert"], soest["clara"]
    services.set_preference(bert, "comment_replied", "digest")
    services.set_preference(clara, "comment_replied", "off")
    anna.locale = "en"
    db.session.commit()
    parents = [create_comment(soest["consultation"], person) for person in (anna, bert, clara)]
    for parent in parents:
        create_comment(soest["consultation"], soest["dora"], parent=parent, body="Danke!")
    run_pending()
    assert recipients(db, "comment_replied") == ids(anna, bert, clara)  # the centre shows all three
    [mail] = mail_outbox.messages()
    assert mail["To"] == anna.email
    assert "Hello Anna," in mail_outbox.text(mail)
    assert mail["Subject"] == "Dora replied to your comment in “Bänke am Markt”."
    assert "Stop e-mails of this kind:" in mail_outbox.text(mail)


def test_the_settings_page_stores_a_channel_per_kind(db, client, auth, soest):
    anna = soest["anna"]
    auth.login(anna)
    html = client.get("/benachrichtigungen/einstellungen").get_data(as_text=True)
    assert "Antworten auf meine Beiträge" in html and "Moderation: neue Meldungen" not in html  # citizens only
    choices = {f"kind-{key}": channel for key, channel in services.preferences(anna).items()}
    choices["kind-poll_opened"] = "digest"
    choices["auto_follow"] = "1"
    response = client.post("/benachrichtigungen/einstellungen", data=choices)
    assert response.status_code == 303
    assert services.preferences(anna)["poll_opened"] == "digest"
    choices["kind-poll_opened"] = "sometimes"
    response = client.post("/benachrichtigungen/einstellungen", data=choices)
    assert response.status_code == 422 and "Bitte wählen Sie eine der Möglichkeiten." in response.get_data(as_text=True)
    assert services.preferences(anna)["poll_opened"] == "digest"
    auth.login(soest["moderator"])
    assert "Moderation: neue Meldungen" in client.get("/benachrichtigungen/einstellungen").get_data(as_text=True)


def test_the_daily_digest_mails_one_summary_per_account_once(db, soest, create_comment, mail_outbox, runner):
    anna, bert = soest["anna"], soest["bert"]
    services.set_preference(anna, "comment_replied", "digest")
    db.session.commit()
    first = create_comment(soest["consultation"], anna)
    create_comment(soest["consultation"], bert, parent=first, body="Eins.")
    create_comment(soest["consultation"], soest["clara"], parent=first, body="Zwei.")
    services.emit("consultation_closed", [anna, bert], {"title": "Bänke am Markt"}, "/beteiligungen/1", "x")
    commit_and_run(db)
    assert mail_outbox.messages() == []  # digest kinds wait for the digest
    for _ in range(2):
        result = runner.invoke(args=["notifications", "digest"])
        assert result.exit_code == 0, result.output
    mails = mail_outbox.messages()
    assert sorted(m["To"] for m in mails) == [anna.email, bert.email]
    text = mail_outbox.text(next(m for m in mails if m["To"] == anna.email))
    assert "Bert hat auf Ihren Beitrag" in text and "Clara hat auf Ihren Beitrag" in text
    assert "Die Beteiligung „Bänke am Markt“ ist beendet." in text
    assert db.session.scalar(select(func.count()).where(Notification.emailed_at.is_(None))) == 0
    # Later the same day something new: a second digest that day is not sent twice.
    services.emit("consultation_closed", [anna], {"title": "Anderes"}, "/", "y")
    commit_and_run(db)
    schedule.send_digests()
    run_pending()
    assert len(mail_outbox.messages()) == 2
    assert db.session.scalar(select(func.count()).where(Notification.emailed_at.is_(None))) == 1  # next day's


# --- the notification centre -----------------------------------------------------------------------

def _notify(db, user, n):
    for number in range(n):
        services.emit("consultation_opened", [user], {"title": f"Beteiligung {number}"}, f"/beteiligungen/{number}",
                      f"c{number}")
    commit_and_run(db)


def test_the_centre_lists_newest_first_in_pages_and_counts_unread(db, client, auth, soest):
    anna = soest["anna"]
    _notify(db, anna, 25)
    auth.login(anna)
    html = client.get("/benachrichtigungen").get_data(as_text=True)
    assert 'Benachrichtigungen <span class="count">25</span>' in html
    assert html.count('class="notification unread"') == 20
    assert html.index("Beteiligung 24") < html.index("Beteiligung 5") and "Beteiligung 4<" not in html
    second = client.get("/benachrichtigungen?page=2").get_data(as_text=True)
    assert second.count('class="notification unread"') == 5 and "Beteiligung 0" in second
    assert "Beteiligung 0" in client.get("/benachrichtigungen?page=99").get_data(as_text=True)  # the last page


def test_marking_read_one_and_all(db, client, auth, soest):
    anna = soest["anna"]
    _notify(db, anna, 3)
    newest = db.session.scalar(select(Notification).order_by(Notification.id.desc()))
    auth.login(anna)
    response = client.post(f"/benachrichtigungen/{newest.id}/gelesen", data={"next": "/benachrichtigungen?page=1"})
    assert response.status_code == 303 and response.headers["Location"] == "/benachrichtigungen?page=1"
    assert services.unread_count(anna) == 2
    html = client.get("/benachrichtigungen").get_data(as_text=True)
    assert 'Benachrichtigungen <span class="count">2</span>' in html and html.count("Als gelesen markieren<") == 2
    response = client.post("/benachrichtigungen/alle-gelesen")
    assert response.status_code == 303
    assert "2 Benachrichtigungen als gelesen markiert." in client.get("/benachrichtigungen").get_data(as_text=True)
    assert services.unread_count(anna) == 0


def test_another_accounts_notification_is_404(db, client, auth, soest):
    _notify(db, soest["anna"], 1)
    theirs = db.session.scalar(select(Notification))
    auth.login(soest["bert"])
    assert client.post(f"/benachrichtigungen/{theirs.id}/gelesen").status_code == 404
    assert client.post("/benachrichtigungen/99999/gelesen").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_centre_needs_an_account(db, client):
    for path in ("/benachrichtigungen", "/benachrichtigungen/einstellungen"):
        response = client.get(path)
        assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    assert client.post("/benachrichtigungen/alle-gelesen").status_code == 302


def test_recent_notifications_for_the_participation_page(db, soest):
    _notify(db, soest["anna"], 4)
    recent = services.recent_notifications(soest["anna"], limit=2)
    assert [json.loads(n.params)["title"] for n in recent] == ["Beteiligung 3", "Beteiligung 2"]


# --- the fan-out -----------------------------------------------------------------------------------

def test_fan_out_in_batches_reaches_every_follower_once(db, soest, create_user, create_poll, monkeypatch,
                                                        mail_outbox):
    monkeypatch.setattr(fanout, "BATCH", 3)
    poll = create_poll(soest["region"], title="Busse am Abend")
    people = [create_user() for _ in range(10)]
    for person in people:
        services.follow(person, "poll", poll)
    for person in people[:4]:
        services.follow(person, "region", soest["region"])
    services.set_preference(people[0], "poll_closed", "immediate")
    services.set_preference(people[1], "poll_closed", "immediate")
    commit_and_run(db)
    polls.close_poll(soest["moderator"], poll)
    commit_and_run(db)
    assert recipients(db, "poll_closed") == ids(*people)
    # A fan-out job that runs again (a worker died and it was retried) adds nothing and mails nothing again.
    key = db.session.scalar(select(Notification.event_key))
    fanout.fan_out(key, "poll_closed", fanout.followers(("poll", poll.id), ("region", soest["region"].id)),
                   {"title": "Busse am Abend"}, f"/umfragen/{poll.id}", soest["moderator"].id)
    commit_and_run(db)
    assert recipients(db, "poll_closed") == ids(*people)
    assert sorted(m["To"] for m in mail_outbox.messages()) == sorted([people[0].email, people[1].email])
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 2


def test_the_pages_are_english_on_request(db, client, auth, soest):
    services.emit("poll_opened", [soest["anna"]], {"title": "Busse"}, "/umfragen/1", "1")
    commit_and_run(db)
    auth.login(soest["anna"])
    html = client.get("/benachrichtigungen?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "The poll “Busse” has opened." in html and "Mark all as read" in html
    assert "Als gelesen markieren" not in html and "Benachrichtigungen" not in html
    html = client.get("/benachrichtigungen/einstellungen?lang=en").get_data(as_text=True)
    assert "Replies to my comments" in html and "daily digest" in html and "Follow consultations in which" in html
    assert "täglich" not in html and "Antworten auf meine Beiträge" not in html
    token = services.unsubscribe_token(soest["anna"].id, "poll_opened")
    html = client.get(f"/benachrichtigungen/abbestellen/{token}?lang=en").get_data(as_text=True)
    assert "Do you want to stop e-mails of the kind “A poll I follow opens”?" in html


def test_a_notification_links_only_to_web_pages(db, soest):
    for number, url in enumerate(["javascript:alert(1)", "//evil.example/", "/umfragen/1", "https://example.org/x"]):
        services.emit("poll_opened", [soest["anna"]], {"title": "T"}, url, f"link{number}")
    commit_and_run(db)
    assert sorted(db.session.scalars(select(Notification.url))) == ["", "", "/umfragen/1", "https://example.org/x"]


def test_publishing_an_open_consultation_tells_the_regions_followers_once(db, soest, create_consultation,
                                                                          runner):
    from beteiligung.consultations.services import set_published

    region = soest["region"]
    draft = create_consultation(region, status="draft", title="Neu und offen")
    later = create_consultation(region, status="draft", title="Beginnt später")
    later.opens_at = utcnow() + timedelta(days=3)
    soest["consultation"].opens_at = utcnow() - timedelta(days=5)  # opened long ago: not announced again
    services.follow(soest["anna"], "region", region)
    db.session.commit()
    set_published(soest["moderator"], draft, True)
    set_published(soest["moderator"], later, True)
    commit_and_run(db)
    assert recipients(db, "consultation_opened") == ids(soest["anna"])
    # Unpublished and published again, or the scheduled job: nobody hears it a second time.
    set_published(soest["moderator"], draft, False)
    set_published(soest["moderator"], draft, True)
    commit_and_run(db)
    assert runner.invoke(args=["notifications", "run"]).exit_code == 0
    assert recipients(db, "consultation_opened") == ids(soest["anna"])
    [notification] = db.session.scalars(select(Notification).where(Notification.kind == "consultation_opened"))
    assert json.loads(notification.params)["title"] == "Neu und offen"
