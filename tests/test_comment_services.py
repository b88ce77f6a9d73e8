"""The comment services themselves (beteiligung/comments/services.py), without pages or API.

Exact values: the consultation's comment_count and revision after every act, the audit entries
(action, actor, target, region, details), the comment_created event and its arguments, the errors
and their fields. The mutation run (make mutation) runs this file alone against the module.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from beteiligung import events
from beteiligung.audit.models import AuditEntry
from beteiligung.comments import services
from beteiligung.comments.models import Comment, CommentReport, CommentVote
from beteiligung.comments.services import (
    can_edit,
    check_deletable,
    create_comment,
    delete_comment,
    edit_comment,
    erase_texts_of,
    get_comment,
    hide_comment,
    list_threads,
    open_reports_query,
    report_comment,
    reports_of,
    resolve_report,
    restore_comment,
    set_vote,
    thread_ids,
    toggle_vote,
    votes_of,
    withdraw_vote,
)
from beteiligung.consultations.models import Consultation
from beteiligung.errors import Conflict, Invalid, NotAllowed, NotFound, Unauthorized
from beteiligung.timeutil import utcnow

HIDDEN = ("Die Moderation hat diesen Beitrag ausgeblendet. Ausgeblendete Beiträge können nicht "
          "gelöscht oder bearbeitet werden; der Text bleibt für die Moderation erhalten.")
CLOSED = "Diese Beteiligung ist abgeschlossen; es können keine Beiträge mehr abgegeben werden."


@pytest.fixture
def notified(monkeypatch):
    """Every events.notify call of the services, recorded; the real notify still runs."""
    calls = []
    real = events.notify

    def recording(hook, region, **kwargs):
        calls.append((hook, region, kwargs))
        return real(hook, region, **kwargs)

    monkeypatch.setattr(events, "notify", recording)
    return calls


def counters(db, consultation):
    """(comment_count, revision) as stored."""
    db.session.expire_all()
    row = db.session.execute(select(Consultation.comment_count, Consultation.revision)
                             .where(Consultation.id == consultation.id)).one()
    return tuple(row)


def audit(db):
    db.session.flush()
    return [(e.action, e.actor_id, e.target_type, e.target_id, e.region_id, e.details)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def refused(error_type, message):
    """pytest.raises for exactly this error type and this whole message."""
    return pytest.raises(error_type, match="^" + re.escape(message) + "$")


def section_of(consultation, title):
    return next(s for s in consultation.all_sections if s.title == title)


# --- create ----------------------------------------------------------------------------------------------------------


def test_create_counts_the_comment_and_the_revision_once(db, consultation, author, notified):
    assert counters(db, consultation) == (0, 0)
    comment = create_comment(author, consultation, "  Gute\r\nIdee\x00  ")
    db.session.commit()
    assert (comment.body, comment.depth, comment.root_id, comment.parent_id, comment.section_id) == (
        "Gute\nIdee", 0, None, None, None)
    assert (comment.status, comment.official, comment.author_id, comment.consultation_id) == (
        "visible", False, author.id, consultation.id)
    assert counters(db, consultation) == (1, 1)
    assert audit(db) == []  # an ordinary comment is no moderation act
    assert notified == [("comment_created", consultation.region,
                         {"comment": comment, "consultation": consultation, "subject": consultation})]
    create_comment(author, consultation, "Zweiter")
    assert counters(db, consultation) == (2, 2)


def test_create_on_a_section_and_a_removed_section(db, consultation, author, create_consultation):
    costs = section_of(consultation, "Kosten")
    comment = create_comment(author, consultation, "Zu teuer", section=costs)
    assert comment.section_id == costs.id
    consultation.body = "Einleitung.\n\n## Standorte\n\nWo?"
    from beteiligung.consultations.services import sync_sections

    sync_sections(consultation)
    db.session.commit()
    assert costs.removed is True
    with pytest.raises(Invalid) as error:
        create_comment(author, consultation, "Noch da?", section=costs)
    assert error.value.fields == {"section_id": ["Unbekannter Abschnitt."]}
    assert error.value.message == "Diesen Abschnitt gibt es in der Beteiligung nicht."
    other = create_consultation(consultation.region, title="Andere")
    with pytest.raises(Invalid) as error:
        create_comment(author, consultation, "Falsch", section=section_of(other, "Kosten"))
    assert error.value.fields == {"section_id": ["Unbekannter Abschnitt."]}
    assert counters(db, consultation) == (1, 1)


def test_replies_take_the_parents_section_depth_and_root(db, consultation, author, reader):
    places = section_of(consultation, "Standorte")
    root = create_comment(author, consultation, "Wurzel", section=places)
    first = create_comment(reader, consultation, "Antwort", parent=root, section=section_of(consultation, "Kosten"))
    assert (first.parent_id, first.root_id, first.depth, first.section_id) == (root.id, root.id, 1, places.id)
    second = create_comment(author, consultation, "Antwort 2", parent=first)
    assert (second.parent_id, second.root_id, second.depth) == (first.id, root.id, 2)
    # COMMENT_MAX_DEPTH is 3: a reply to the deepest level joins that level, next to its parent.
    third = create_comment(reader, consultation, "Antwort 3", parent=second)
    assert (third.parent_id, third.root_id, third.depth) == (first.id, root.id, 2)
    assert counters(db, consultation) == (4, 4)


def test_reply_refusals(db, consultation, author, reader, moderator, create_consultation):
    other = create_consultation(consultation.region, title="Andere")
    elsewhere = create_comment(author, other, "Anderswo")
    with pytest.raises(Invalid) as error:
        create_comment(reader, consultation, "Antwort", parent=elsewhere)
    assert error.value.fields == {"parent_id": ["Unbekannter Beitrag."]}
    hidden = create_comment(author, consultation, "Wird ausgeblendet")
    hide_comment(moderator, hidden, "Beleidigung")
    with refused(Conflict, "Auf ausgeblendete oder gelöschte Beiträge kann nicht geantwortet werden."):
        create_comment(reader, consultation, "Antwort", parent=hidden)
    assert counters(db, consultation) == (1, 2)


def test_official_statements_are_audited_and_only_for_moderators(db, consultation, author, moderator):
    with refused(NotAllowed, "Offizielle Stellungnahmen können nur Moderatorinnen und Moderatoren der Region "
                                 "abgeben."):
        create_comment(author, consultation, "Amtlich", official=True)
    comment = create_comment(moderator, consultation, "Amtlich", official=True)
    assert comment.official is True
    assert audit(db) == [("comment.official_statement", moderator.id, "comments", comment.id,
                          consultation.region.id, {})]
    assert counters(db, consultation) == (1, 1)


def test_create_refusals(db, consultation, author, create_consultation, app):
    with pytest.raises(Unauthorized):
        create_comment(None, consultation, "Text")
    with pytest.raises(Invalid) as error:
        create_comment(author, consultation, " \x00 ")
    assert error.value.message == "Bitte schreiben Sie einen Text."
    assert error.value.fields == {"body": ["Darf nicht leer sein."]}
    limit = app.config["COMMENT_MAX_LENGTH"]
    create_comment(author, consultation, "x" * limit)
    with pytest.raises(Invalid) as error:
        create_comment(author, consultation, "x" * (limit + 1))
    assert error.value.message == (f"Ein Beitrag darf höchstens {limit} Zeichen lang sein (Ihrer hat {limit + 1}).")
    assert error.value.fields == {"body": [f"Höchstens {limit} Zeichen."]}
    for status, error_type, message in (
        ("draft", NotFound, "Diese Beteiligung gibt es nicht oder sie ist nicht veröffentlicht."),
        ("upcoming", Conflict, "Diese Beteiligung hat noch nicht begonnen."),
        ("closed", Conflict, "Diese Beteiligung ist abgeschlossen; es können keine Beiträge mehr abgegeben werden."),
    ):
        with pytest.raises(error_type) as error:
            create_comment(author, create_consultation(consultation.region, status=status), "Text")
        assert error.value.message == message
    assert counters(db, consultation) == (1, 1)


def test_plugins_refusal_stops_the_comment(db, consultation, author, monkeypatch, notified):
    seen = []

    def refusals(hook, region, **kwargs):
        seen.append((hook, region, kwargs))
        return ["Bitte keine Telefonnummern.", "Zweiter Grund."]

    monkeypatch.setattr(events, "refusals", refusals)
    with pytest.raises(Invalid) as error:
        create_comment(author, consultation, " 0171 ")
    assert error.value.message == "Bitte keine Telefonnummern."
    assert error.value.fields == {"body": ["Bitte keine Telefonnummern.", "Zweiter Grund."]}
    assert seen == [("comment_validators", consultation.region,
                     {"body": "0171", "consultation": consultation, "subject": consultation, "author": author})]
    assert notified == []
    assert counters(db, consultation) == (0, 0)


# --- edit, delete, erase ----------------------------------------------------------------------------------------------


def test_edit_changes_the_revision_not_the_count(db, consultation, author):
    comment = create_comment(author, consultation, "Erst")
    db.session.commit()
    assert counters(db, consultation) == (1, 1)
    before = utcnow()
    edit_comment(author, comment, "  Dann\r ")
    assert comment.body == "Dann"
    assert comment.edited_at >= before
    assert counters(db, consultation) == (1, 2)
    edit_comment(author, comment, "Zuletzt")
    assert counters(db, consultation) == (1, 3)


def test_edit_refusals(db, consultation, author, reader, moderator, app, monkeypatch):
    comment = create_comment(author, consultation, "Erst")
    with pytest.raises(Unauthorized):
        edit_comment(None, comment, "x")
    with refused(NotAllowed, "Sie können nur Ihre eigenen Beiträge bearbeiten."):
        edit_comment(reader, comment, "x")
    with pytest.raises(Invalid):
        edit_comment(author, comment, "   ")
    seen = []
    monkeypatch.setattr(events, "refusals", lambda hook, region, **kwargs: seen.append((hook, kwargs)) or ["Nein."])
    with refused(Invalid, "Nein."):
        edit_comment(author, comment, " Neu ")
    assert seen == [("comment_validators", {"body": "Neu", "consultation": consultation, "subject": consultation,
                                              "author": author})]
    monkeypatch.undo()
    comment.created_at = utcnow() - timedelta(minutes=app.config["COMMENT_EDIT_WINDOW_MINUTES"], seconds=5)
    with pytest.raises(Conflict) as error:
        edit_comment(author, comment, "Zu spät")
    assert error.value.message == "Beiträge können nur 30 Minuten lang nach dem Schreiben bearbeitet werden."
    comment.created_at = utcnow()
    hide_comment(moderator, comment, "Grund")
    with refused(Conflict, HIDDEN):
        edit_comment(author, comment, "x")
    restore_comment(moderator, comment)
    delete_comment(author, comment)
    with refused(Conflict, "Gelöschte Beiträge können nicht bearbeitet werden."):
        edit_comment(author, comment, "x")
    assert comment.body == ""


def test_edit_in_a_closed_consultation_is_refused(db, consultation, author):
    comment = create_comment(author, consultation, "Erst")
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    with refused(Conflict, CLOSED):
        edit_comment(author, comment, "Später")
    assert comment.body == "Erst"


def test_can_edit_window(app, consultation, author, reader):
    comment = create_comment(author, consultation, "Erst")
    window = timedelta(minutes=app.config["COMMENT_EDIT_WINDOW_MINUTES"])
    assert can_edit(author, comment) is True
    assert can_edit(author, comment, now=comment.created_at + window) is True
    assert can_edit(author, comment, now=comment.created_at + window + timedelta(seconds=1)) is False
    assert can_edit(reader, comment) is False
    assert can_edit(None, comment) is False
    comment.status = "deleted"
    assert can_edit(author, comment) is False


def test_delete_counts_down_and_keeps_the_place(db, consultation, author, reader, moderator):
    comment = create_comment(author, consultation, "Weg damit")
    reply = create_comment(reader, consultation, "Antwort", parent=comment)
    assert counters(db, consultation) == (2, 2)
    with refused(NotAllowed, "Sie können nur Ihre eigenen Beiträge löschen."):
        delete_comment(reader, comment)
    assert delete_comment(author, comment) is comment
    assert (comment.status, comment.body) == ("deleted", "")
    assert counters(db, consultation) == (1, 3)
    assert db.session.get(Comment, reply.id).parent_id == comment.id
    with refused(Conflict, "Dieser Beitrag ist bereits gelöscht."):
        delete_comment(author, comment)
    assert counters(db, consultation) == (1, 3)
    hide_comment(moderator, reply, "Grund")
    with refused(Conflict, HIDDEN):
        check_deletable(reader, reply)
    with pytest.raises(Unauthorized):
        check_deletable(None, reply)
    assert audit(db)[-1][0] == "comment.hidden"


def test_erase_texts_of_a_user(db, consultation, author, reader, moderator, create_consultation):
    other = create_consultation(consultation.region, title="Andere")
    create_comment(author, consultation, "Eins")
    create_comment(author, consultation, "Zwei")
    create_comment(author, other, "Drei")
    kept = create_comment(reader, consultation, "Vom Leser")
    hidden = create_comment(author, consultation, "Ausgeblendet")
    hide_comment(moderator, hidden, "Grund")
    db.session.commit()
    assert counters(db, consultation) == (4, 5) and counters(db, other) == (1, 1)
    assert erase_texts_of(author) == 3
    db.session.commit()
    assert counters(db, consultation) == (2, 6)
    assert counters(db, other) == (0, 2)
    bodies = {c.body: c.status for c in db.session.scalars(select(Comment).where(Comment.author_id == author.id))}
    assert bodies == {"": "deleted", "Ausgeblendet": "hidden"}
    assert db.session.get(Comment, kept.id).body == "Vom Leser"
    assert erase_texts_of(author) == 0
    assert counters(db, consultation) == (2, 6)


# --- moderation -----------------------------------------------------------------------------------------------------


def test_hide_and_restore_change_the_revision_and_are_audited(db, consultation, author, moderator, reader):
    comment = create_comment(author, consultation, "Grenzwertig")
    with pytest.raises(NotAllowed):
        hide_comment(reader, comment, "Grund")
    with pytest.raises(Invalid) as error:
        hide_comment(moderator, comment, " a\x00b ")
    assert error.value.fields == {"reason": ["3 bis 1000 Zeichen."]}
    with pytest.raises(Invalid):
        hide_comment(moderator, comment, "x" * 1001)
    with refused(Conflict, "Nur ausgeblendete Beiträge können wiederhergestellt werden."):
        restore_comment(moderator, comment)
    assert counters(db, consultation) == (1, 1)
    hide_comment(moderator, comment, "  abc  ")
    assert (comment.status, comment.moderation_reason) == ("hidden", "abc")
    assert counters(db, consultation) == (1, 2)
    restore_comment(moderator, comment)
    assert (comment.status, comment.moderation_reason) == ("visible", None)
    assert counters(db, consultation) == (1, 3)
    hide_comment(moderator, comment, "y" * 1000)
    region = consultation.region.id
    assert audit(db) == [
        ("comment.hidden", moderator.id, "comments", comment.id, region, {"reason": "abc"}),
        ("comment.restored", moderator.id, "comments", comment.id, region, {}),
        ("comment.hidden", moderator.id, "comments", comment.id, region, {"reason": "y" * 1000}),
    ]
    assert counters(db, consultation) == (1, 4)  # hidden comments still count


def test_hiding_a_deleted_comment_is_refused(db, consultation, author, moderator):
    comment = create_comment(author, consultation, "Weg")
    delete_comment(author, comment)
    with refused(Conflict, "Dieser Beitrag wurde bereits gelöscht."):
        hide_comment(moderator, comment, "Grund")
    assert audit(db) == []
    assert counters(db, consultation) == (0, 2)


# --- votes ------------------------------------------------------------------------------------------------------------


def test_votes_set_change_and_withdraw(db, consultation, author, reader, create_user):
    comment = create_comment(author, consultation, "Bewertet")
    third = create_user()
    assert counters(db, consultation) == (1, 1)
    set_vote(reader, comment, 1)
    assert (comment.upvotes, comment.downvotes, comment.score) == (1, 0, 1)
    assert counters(db, consultation) == (1, 2)
    set_vote(reader, comment, 1)  # the same again changes nothing
    assert counters(db, consultation) == (1, 2)
    set_vote(third, comment, -1)
    assert (comment.upvotes, comment.downvotes, comment.score) == (1, 1, 0)
    set_vote(reader, comment, -1)
    assert (comment.upvotes, comment.downvotes, comment.score) == (0, 2, -2)
    assert counters(db, consultation) == (1, 4)
    withdraw_vote(reader, comment)
    assert (comment.upvotes, comment.downvotes, comment.score) == (0, 1, -1)
    withdraw_vote(reader, comment)  # nothing to withdraw
    assert counters(db, consultation) == (1, 5)
    assert votes_of(third, [comment.id]) == {comment.id: -1}
    assert votes_of(reader, [comment.id]) == {}
    assert votes_of(third, []) == {}
    assert votes_of(None, [comment.id]) == {}
    assert db.session.scalar(select(CommentVote.value).where(CommentVote.user_id == third.id)) == -1


def test_toggle_vote_withdraws_the_same_value(db, consultation, author, reader):
    comment = create_comment(author, consultation, "Bewertet")
    toggle_vote(reader, comment, 1)
    assert (comment.upvotes, comment.downvotes) == (1, 0)
    toggle_vote(reader, comment, -1)
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    toggle_vote(reader, comment, -1)
    assert (comment.upvotes, comment.downvotes) == (0, 0)
    assert votes_of(reader, [comment.id]) == {}


@pytest.mark.parametrize("value", [0, 2, True, "1", None])
def test_vote_values_other_than_plus_and_minus_one_are_refused(consultation, author, reader, value):
    comment = create_comment(author, consultation, "Bewertet")
    with refused(Invalid, "Eine Bewertung ist 1 oder -1.") as error:
        set_vote(reader, comment, value)
    assert error.value.fields == {"value": ["Erlaubt sind 1 und -1."]}


def test_vote_refusals(db, consultation, author, reader, moderator):
    comment = create_comment(author, consultation, "Bewertet")
    with refused(NotAllowed, "Eigene Beiträge können Sie nicht bewerten."):
        set_vote(author, comment, 1)
    with pytest.raises(Unauthorized):
        withdraw_vote(None, comment)
    hide_comment(moderator, comment, "Grund")
    with refused(Conflict, "Ausgeblendete oder gelöschte Beiträge können nicht bewertet werden."):
        set_vote(reader, comment, 1)
    restore_comment(moderator, comment)
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    with refused(Conflict, CLOSED):
        set_vote(reader, comment, 1)
    assert (comment.upvotes, comment.downvotes) == (0, 0)


# --- reports ----------------------------------------------------------------------------------------------------------


def test_report_and_resolve_by_dismissing(db, consultation, author, reader, moderator, create_user):
    comment = create_comment(author, consultation, "Gemeldet")
    second = create_user()
    report = report_comment(reader, comment, "  Beleidigung  ")
    assert (report.comment_id, report.reporter_id, report.reason, report.resolved_at) == (
        comment.id, reader.id, "Beleidigung", None)
    report_comment(second, comment, "Auch")
    with refused(Conflict, "Sie haben diesen Beitrag bereits gemeldet."):
        report_comment(reader, comment, "Nochmal")
    assert reports_of(reader, [comment.id]) == {comment.id}
    assert reports_of(author, [comment.id]) == set()
    assert reports_of(reader, []) == set()
    assert reports_of(None, [comment.id]) == set()
    assert [r.id for r in db.session.scalars(open_reports_query(moderator))] == [report.id, report.id + 1]
    revision = counters(db, consultation)[1]
    resolve_report(moderator, report, "dismiss")
    assert (report.resolution, report.resolved_by_id) == ("dismissed", moderator.id)
    assert report.resolved_at is not None
    assert db.session.scalars(open_reports_query(moderator)).all() == []  # every report on the comment is closed
    assert comment.status == "visible"
    assert counters(db, consultation) == (1, revision)
    assert audit(db) == [("report.resolved", moderator.id, "comment_reports", report.id, consultation.region.id,
                          {"resolution": "dismissed", "comment_id": comment.id})]
    with refused(Conflict, "Diese Meldung wurde bereits bearbeitet."):
        resolve_report(moderator, report, "hide", "Grund")


def test_resolve_by_hiding(db, consultation, author, reader, moderator):
    comment = create_comment(author, consultation, "Gemeldet")
    report = report_comment(reader, comment, "Beleidigung")
    with refused(Invalid, "Unbekannte Aktion.") as error:
        resolve_report(moderator, report, "delete")
    assert error.value.fields == {"action": ["Erlaubt: dismiss, hide."]}
    with pytest.raises(NotAllowed):
        resolve_report(reader, report, "dismiss")
    resolve_report(moderator, report, "hide", "Beleidigend")
    assert (comment.status, comment.moderation_reason, report.resolution) == ("hidden", "Beleidigend", "hidden")
    region = consultation.region.id
    assert audit(db) == [
        ("comment.hidden", moderator.id, "comments", comment.id, region, {"reason": "Beleidigend"}),
        ("report.resolved", moderator.id, "comment_reports", report.id, region,
         {"resolution": "hidden", "comment_id": comment.id}),
    ]


def test_report_refusals(db, consultation, author, reader, moderator):
    comment = create_comment(author, consultation, "Gemeldet")
    with pytest.raises(Unauthorized):
        report_comment(None, comment, "Grund")
    with refused(NotAllowed, "Eigene Beiträge können Sie nicht melden."):
        report_comment(author, comment, "Grund")
    with pytest.raises(Invalid) as error:
        report_comment(reader, comment, "ab")
    assert error.value.fields == {"reason": ["3 bis 1000 Zeichen."]}
    hide_comment(moderator, comment, "Grund")
    with refused(Conflict, "Ausgeblendete oder gelöschte Beiträge können nicht gemeldet werden."):
        report_comment(reader, comment, "Grund")
    assert db.session.scalars(select(CommentReport)).all() == []


def test_open_reports_only_of_moderated_regions(db, consultation, author, reader, moderator, create_user,
                                                create_region, create_consultation):
    other = create_consultation(create_region(slug="aachen"), title="Aachen")
    here = report_comment(reader, create_comment(author, consultation, "Hier"), "Grund")
    there = report_comment(reader, create_comment(author, other, "Dort"), "Grund")
    admin = create_user(role="admin")
    assert [r.id for r in db.session.scalars(open_reports_query(moderator))] == [here.id]
    assert [r.id for r in db.session.scalars(open_reports_query(admin))] == [here.id, there.id]


# --- reading ----------------------------------------------------------------------------------------------------------


def test_get_comment(db, consultation, author, create_consultation):
    comment = create_comment(author, consultation, "Da")
    assert get_comment(comment.id) is comment
    with refused(NotFound, "Diesen Beitrag gibt es nicht."):
        get_comment(comment.id + 100)
    consultation.published = False
    with pytest.raises(NotFound):
        get_comment(comment.id)


def test_list_threads_pages_sorts_and_nests(db, consultation, author, reader, create_user):
    start = utcnow() - timedelta(hours=1)
    roots = []
    for i in range(3):
        root = create_comment(author, consultation, f"Wurzel {i}")
        root.created_at = start + timedelta(minutes=i)
        roots.append(root)
    reply = create_comment(reader, consultation, "Antwort", parent=roots[0])
    deep = create_comment(author, consultation, "Tiefer", parent=reply)
    voter = create_user()
    set_vote(voter, roots[0], 1)
    db.session.commit()
    page = list_threads(consultation, page=1, per_page=2)
    assert (page.total, page.page, page.per_page) == (3, 1, 2)
    assert [t.comment.id for t in page.items] == [roots[2].id, roots[1].id]
    page = list_threads(consultation, page=2, per_page=2)
    (thread,) = page.items
    assert thread.comment.id == roots[0].id
    assert [r.comment.id for r in thread.replies] == [reply.id]
    assert [r.comment.id for r in thread.replies[0].replies] == [deep.id]
    assert sorted(thread_ids(page.items)) == sorted([roots[0].id, reply.id, deep.id])
    top = list_threads(consultation, sort="top", per_page=3)
    assert [t.comment.id for t in top.items] == [roots[0].id, roots[2].id, roots[1].id]
    assert list_threads(consultation, page=3, per_page=2).items == []


def test_module_constants():
    assert services.SORTS == ("newest", "top")
    assert (services.REASON_MIN, services.REASON_MAX) == (3, 1000)


# --- users without a login, paging defaults, several reports and comments ----------------------------------------


def test_objects_that_are_not_logged_in_users(db, consultation, author, reader):
    from flask_login import AnonymousUserMixin

    comment = create_comment(author, consultation, "Da")
    set_vote(reader, comment, 1)
    report_comment(reader, comment, "Grund")
    # Something without is_authenticated (or an anonymous user) is nobody, whatever its id.
    for nobody in (SimpleNamespace(id=author.id), AnonymousUserMixin()):
        assert can_edit(nobody, comment) is False
    stranger = SimpleNamespace(id=reader.id)
    assert votes_of(stranger, [comment.id]) == {}
    assert reports_of(stranger, [comment.id]) == set()
    with pytest.raises(Unauthorized):
        toggle_vote(stranger, comment, 1)
    assert (comment.upvotes, comment.downvotes) == (1, 0)


def test_votes_and_reports_of_only_the_asked_comments(db, consultation, author, reader):
    first = create_comment(author, consultation, "Eins")
    second = create_comment(author, consultation, "Zwei")
    set_vote(reader, first, 1)
    set_vote(reader, second, -1)
    report_comment(reader, first, "Grund")
    report_comment(reader, second, "Grund")
    assert votes_of(reader, [second.id]) == {second.id: -1}
    assert reports_of(reader, [second.id]) == {second.id}


def test_resolving_closes_the_open_reports_of_that_comment_only(db, consultation, author, reader, moderator,
                                                                 create_user):
    first = create_comment(author, consultation, "Eins")
    second = create_comment(author, consultation, "Zwei")
    earlier = report_comment(reader, first, "Grund")
    resolve_report(moderator, earlier, "dismiss")
    earlier_at = earlier.resolved_at
    other = create_user()
    later = report_comment(other, first, "Grund")
    elsewhere = report_comment(reader, second, "Grund")
    resolve_report(moderator, later, "hide", "Beleidigend")
    db.session.expire_all()
    assert (earlier.resolution, earlier.resolved_at) == ("dismissed", earlier_at)
    assert later.resolution == "hidden"
    assert (elsewhere.resolution, elsewhere.resolved_at) == (None, None)
    assert [r.id for r in db.session.scalars(open_reports_query(moderator))] == [elsewhere.id]


def test_open_reports_oldest_first_and_replies_in_time_order(db, consultation, author, reader, create_user):
    first = create_comment(author, consultation, "Eins")
    second = create_comment(author, consultation, "Zwei")
    newer = report_comment(reader, first, "Grund")
    older = report_comment(reader, second, "Grund")
    older.created_at = newer.created_at - timedelta(minutes=5)
    late = create_comment(reader, consultation, "Spät", parent=first)
    early = create_comment(reader, consultation, "Früh", parent=first)
    early.created_at = late.created_at - timedelta(minutes=5)
    db.session.commit()
    assert [r.id for r in db.session.scalars(open_reports_query(create_user(role="admin")))] == [older.id, newer.id]
    (thread,) = [t for t in list_threads(consultation).items if t.comment.id == first.id]
    assert [r.comment.id for r in thread.replies] == [early.id, late.id]


def test_list_threads_shows_twenty_per_page_by_default(db, consultation, author):
    for i in range(21):
        create_comment(author, consultation, f"Beitrag {i}")
    page = list_threads(consultation)
    assert (len(page.items), page.total, page.per_page) == (20, 21, 20)
