"""HTML pages of comments: writing, threads, editing, deleting, votes, reports, moderation, administration."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from beteiligung.accounts.models import User
from beteiligung.audit.models import AuditEntry
from beteiligung.comments.models import Comment, CommentReport, CommentVote
from beteiligung.consultations.models import Consultation
from beteiligung.regions.models import Region
from beteiligung.testing.helpers import audit_entries, count_rows, fresh
from beteiligung.timeutil import utcnow


class _CommentTree(HTMLParser):
    """For each comment <li id="beitrag-N">: the ids of the comments it is nested in, outermost first."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.stack, self.ancestors = [], {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            match = re.fullmatch(r"beitrag-(\d+)", dict(attrs).get("id") or "")
            comment_id = int(match.group(1)) if match else None
            if comment_id is not None:
                self.ancestors[comment_id] = [c for c in self.stack if c is not None]
            self.stack.append(comment_id)

    def handle_endtag(self, tag):
        if tag == "li":
            self.stack.pop()


def comment_tree(html):
    return _CommentTree(html).ancestors


def top_level_ids(html):
    return [cid for cid, ancestors in comment_tree(html).items() if not ancestors]


def votes_shown(html, comment_id):
    """(upvotes, downvotes) as shown for one comment."""
    match = re.search(rf'id="beitrag-{comment_id}".*?\+(\d+) / −(\d+)', html, re.S)
    return int(match.group(1)), int(match.group(2))


def comment_body_shown(html, comment_id):
    match = re.search(rf'id="beitrag-{comment_id}".*?<div class="body">(.*?)</div>', html, re.S)
    return match.group(1)


@pytest.fixture
def consultation(create_region, create_consultation):
    return create_consultation(create_region(slug="gelsenkirchen", name="Gelsenkirchen"))


@pytest.fixture
def citizen(create_user):
    return create_user(pseudonym="Bürgerin Berta")


@pytest.fixture
def other(create_user):
    return create_user(pseudonym="Nachbar Norbert")


@pytest.fixture
def moderator(create_user, consultation):
    return create_user(role="moderator", regions=[consultation.region], pseudonym="Moderation GE")


@pytest.fixture
def foreign_moderator(create_user, create_region):
    return create_user(role="moderator", regions=[create_region(slug="aachen")], pseudonym="Moderation AC")


def page_of(client, consultation, query=""):
    response = client.get(f"/beteiligungen/{consultation.id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post_comment(client, consultation, body, **fields):
    return client.post(f"/beteiligungen/{consultation.id}/beitraege", data={"body": body, **fields})


# --- writing comments and replies -----------------------------------------------------------------------------


def test_citizen_comments_on_consultation(client, auth, db, consultation, citizen):
    auth.login(citizen)
    response = post_comment(client, consultation, "Bitte mehr Schattenplätze am Markt.")
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"/beteiligungen/{consultation.id}#beitrag-{comment.id}")
    assert (comment.author_id, comment.section_id, comment.parent_id, comment.depth) == (citizen.id, None, None, 0)

    html = page_of(client, consultation)
    assert "Vielen Dank! Ihr Beitrag ist veröffentlicht." in html
    assert comment_body_shown(html, comment.id) == "Bitte mehr Schattenplätze am Markt."
    assert "Bürgerin Berta" in html
    assert "(1 Beitrag)" in html
    assert top_level_ids(html) == [comment.id]


def test_citizen_comments_on_a_section(client, auth, db, consultation, citizen):
    section = consultation.sections[0]
    auth.login(citizen)
    response = post_comment(client, consultation, "Zum Standort: lieber am Brunnen.", section_id=str(section.id))
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.section_id == section.id
    html = page_of(client, consultation)
    assert re.search(rf'id="beitrag-{comment.id}".*?zum Abschnitt <a href="#{section.anchor}">{section.title}</a>',
                     html, re.S)


def test_comment_on_unknown_section_is_refused(client, auth, db, consultation, citizen, create_consultation):
    foreign_section = create_consultation().sections[0]
    auth.login(citizen)
    for section_id in (str(foreign_section.id), "999999", "abc"):
        response = post_comment(client, consultation, "Irgendwo.", section_id=section_id)
        assert response.status_code == 422, section_id
    assert count_rows(db, Comment) == 0


# Regression (was a bug during development): comments.views._form_errors joins the form's lazy_gettext messages with
# str.join and raises TypeError (LazyString): 500 instead of a message
def test_empty_comment_is_refused_with_message(client, auth, db, consultation, citizen):
    auth.login(citizen)
    response = post_comment(client, consultation, "   ")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#beitrag-schreiben")
    assert "Bitte schreiben Sie einen Text." in page_of(client, consultation)
    assert count_rows(db, Comment) == 0


def test_overlong_comment_is_refused_with_message(client, auth, db, consultation, citizen):
    auth.login(citizen)
    response = post_comment(client, consultation, "x" * 5001)
    assert response.status_code == 422
    assert "höchstens 5000 Zeichen" in response.get_data(as_text=True)
    assert count_rows(db, Comment) == 0


def test_anonymous_visitor_cannot_comment(client, db, consultation):
    response = post_comment(client, consultation, "Anonym.")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/konto/anmelden"
    assert count_rows(db, Comment) == 0


def test_reply_is_shown_inside_its_parent(client, auth, db, consultation, citizen, other, create_comment):
    parent = create_comment(consultation, other, body="Ausgangsbeitrag.")
    auth.login(citizen)
    response = post_comment(client, consultation, "Meine Antwort.", parent_id=str(parent.id))
    assert response.status_code == 303
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == parent.id))
    assert (reply.depth, reply.root_id) == (1, parent.id)
    html = page_of(client, consultation)
    assert comment_tree(html)[reply.id] == [parent.id]
    assert comment_body_shown(html, reply.id) == "Meine Antwort."


def test_reply_to_a_section_comment_stays_in_that_section(client, auth, db, consultation, citizen, other,
                                                          create_comment):
    section = consultation.sections[1]
    parent = create_comment(consultation, other, body="Zu den Kosten.", section=section)
    auth.login(citizen)
    assert post_comment(client, consultation, "Antwort.", parent_id=str(parent.id)).status_code == 303
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == parent.id))
    assert reply.section_id == section.id


def test_threads_three_levels_deep_and_deeper_replies_attach_at_the_deepest_level(client, auth, db, consultation,
                                                                                  citizen, other):
    auth.login(citizen)
    assert post_comment(client, consultation, "Ebene eins.").status_code == 303
    root = db.session.scalar(select(Comment).order_by(Comment.id.desc()))
    assert post_comment(client, consultation, "Ebene zwei.", parent_id=str(root.id)).status_code == 303
    second = db.session.scalar(select(Comment).order_by(Comment.id.desc()))
    assert post_comment(client, consultation, "Ebene drei.", parent_id=str(second.id)).status_code == 303
    third = db.session.scalar(select(Comment).order_by(Comment.id.desc()))
    auth.logout()
    auth.login(other)
    assert post_comment(client, consultation, "Antwort auf Ebene drei.", parent_id=str(third.id)).status_code == 303
    deeper = db.session.scalar(select(Comment).order_by(Comment.id.desc()))

    assert [c.depth for c in (root, second, third)] == [0, 1, 2]
    assert (deeper.depth, deeper.parent_id, deeper.root_id) == (2, second.id, root.id)

    html = page_of(client, consultation)
    tree = comment_tree(html)
    assert tree[root.id] == []
    assert tree[second.id] == [root.id]
    assert tree[third.id] == [root.id, second.id]
    assert tree[deeper.id] == [root.id, second.id]
    assert comment_body_shown(html, deeper.id) == "Antwort auf Ebene drei."
    # It is shown after the comment it answers, at the same level.
    assert html.index(f'id="beitrag-{third.id}"') < html.index(f'id="beitrag-{deeper.id}"')


def test_reply_to_a_comment_of_another_consultation_is_refused(client, auth, db, consultation, citizen, other,
                                                               create_consultation, create_comment):
    foreign = create_comment(create_consultation(), other, body="Woanders.")
    auth.login(citizen)
    response = post_comment(client, consultation, "Quer.", parent_id=str(foreign.id))
    assert response.status_code == 422
    assert count_rows(db, Comment) == 1


def test_moderator_posts_official_statement(client, auth, db, consultation, moderator):
    auth.login(moderator)
    response = post_comment(client, consultation, "Die Stadt prüft alle Vorschläge bis Juni.", official="y")
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.official is True
    html = page_of(client, consultation)
    assert re.search(rf'id="beitrag-{comment.id}" class="comment visible official".*?Offizielle Stellungnahme',
                     html, re.S)
    [entry] = audit_entries(db, "comment.official_statement")
    assert (entry.actor_id, entry.target_id, entry.region_id) == (moderator.id, comment.id,
                                                                  consultation.region_id)


def test_citizen_and_foreign_moderator_cannot_post_official_statements(client, auth, db, consultation, citizen,
                                                                       foreign_moderator):
    for user in (citizen, foreign_moderator):
        auth.login(user)
        response = post_comment(client, consultation, "Offiziell!", official="y")
        assert response.status_code == 403
        auth.logout()
    assert count_rows(db, Comment) == 0
    assert "Offizielle Stellungnahme</span>" not in page_of(client, consultation)


# --- editing --------------------------------------------------------------------------------------------------


def test_author_edits_own_comment_within_window(client, auth, db, consultation, citizen, create_comment):
    comment = create_comment(consultation, citizen, body="Erste Fassung.")
    auth.login(citizen)
    assert f'href="/beitraege/{comment.id}/bearbeiten"' in page_of(client, consultation)
    form = client.get(f"/beitraege/{comment.id}/bearbeiten")
    assert form.status_code == 200
    assert "Erste Fassung." in form.get_data(as_text=True)

    response = client.post(f"/beitraege/{comment.id}/bearbeiten", data={"body": "Zweite Fassung."})
    assert response.status_code == 303
    stored = fresh(db, Comment, comment.id)
    assert stored.body == "Zweite Fassung."
    assert stored.edited_at is not None
    html = page_of(client, consultation)
    assert "Ihr Beitrag wurde geändert." in html
    assert comment_body_shown(html, comment.id) == "Zweite Fassung."
    assert re.search(rf'id="beitrag-{comment.id}".*?· bearbeitet', html, re.S)


def test_edit_with_empty_text_is_refused(client, auth, db, consultation, citizen, create_comment):
    comment = create_comment(consultation, citizen, body="Bleibt so.")
    auth.login(citizen)
    response = client.post(f"/beitraege/{comment.id}/bearbeiten", data={"body": ""})
    assert response.status_code == 422
    assert "Bitte schreiben Sie einen Text." in response.get_data(as_text=True)
    assert fresh(db, Comment, comment.id).body == "Bleibt so."


def test_edit_after_window_is_refused(client, auth, db, consultation, citizen, create_comment):
    comment = create_comment(consultation, citizen, body="Alte Meinung.")
    comment.created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    auth.login(citizen)
    assert f'href="/beitraege/{comment.id}/bearbeiten"' not in page_of(client, consultation)
    response = client.post(f"/beitraege/{comment.id}/bearbeiten", data={"body": "Neue Meinung."})
    assert response.status_code == 409
    stored = fresh(db, Comment, comment.id)
    assert (stored.body, stored.edited_at) == ("Alte Meinung.", None)


class TestConfiguredEditWindow:
    @pytest.fixture
    def app_config(self):
        return {"COMMENT_EDIT_WINDOW_MINUTES": 5}

    def test_window_set_by_the_operator_applies(self, client, auth, db, consultation, citizen, create_comment):
        recent = create_comment(consultation, citizen, body="Vor zwei Minuten.")
        older = create_comment(consultation, citizen, body="Vor zehn Minuten.")
        recent.created_at = utcnow() - timedelta(minutes=2)
        older.created_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
        auth.login(citizen)
        assert client.post(f"/beitraege/{recent.id}/bearbeiten", data={"body": "Geändert."}).status_code == 303
        response = client.post(f"/beitraege/{older.id}/bearbeiten", data={"body": "Geändert."})
        assert response.status_code == 409
        assert fresh(db, Comment, recent.id).body == "Geändert."
        assert fresh(db, Comment, older.id).body == "Vor zehn Minuten."


def test_editing_someone_elses_comment_is_forbidden(client, auth, db, consultation, citizen, other, moderator,
                                                    create_comment):
    comment = create_comment(consultation, other, body="Norberts Beitrag.")
    for user in (citizen, moderator):
        auth.login(user)
        assert client.get(f"/beitraege/{comment.id}/bearbeiten").status_code == 403
        response = client.post(f"/beitraege/{comment.id}/bearbeiten", data={"body": "Gefälscht."})
        assert response.status_code == 403
        auth.logout()
    assert fresh(db, Comment, comment.id).body == "Norberts Beitrag."


# --- deleting -------------------------------------------------------------------------------------------------


def test_author_deletes_own_comment_and_replies_stay(client, auth, db, consultation, citizen, other,
                                                     create_comment):
    comment = create_comment(consultation, citizen, body="Das nehme ich zurück.")
    reply = create_comment(consultation, other, body="Eine Antwort, die bleibt.", parent=comment)
    auth.login(citizen)
    response = client.post(f"/beitraege/{comment.id}/loeschen", data={"confirm": "ja"})
    assert response.status_code == 303
    stored = fresh(db, Comment, comment.id)
    assert (stored.status, stored.body) == ("deleted", "")

    html = page_of(client, consultation)
    assert "Ihr Beitrag wurde gelöscht." in html
    assert "Das nehme ich zurück." not in html
    assert comment_body_shown(html, comment.id) == "Dieser Beitrag wurde von der Verfasserin oder dem Verfasser " \
                                                   "gelöscht."
    assert comment_body_shown(html, reply.id) == "Eine Antwort, die bleibt."
    assert comment_tree(html)[reply.id] == [comment.id]
    assert "(1 Beitrag)" in html


def test_deleting_someone_elses_comment_is_forbidden(client, auth, db, consultation, citizen, other,
                                                     create_comment):
    comment = create_comment(consultation, other, body="Bleibt stehen.")
    auth.login(citizen)
    response = client.post(f"/beitraege/{comment.id}/loeschen")
    assert response.status_code == 403
    stored = fresh(db, Comment, comment.id)
    assert (stored.status, stored.body) == ("visible", "Bleibt stehen.")


def test_reply_to_a_deleted_comment_is_refused(client, auth, db, consultation, citizen, other, create_comment):
    comment = create_comment(consultation, other, body="Weg.")
    auth.login(other)
    assert client.post(f"/beitraege/{comment.id}/loeschen", data={"confirm": "ja"}).status_code == 303
    auth.logout()
    auth.login(citizen)
    response = post_comment(client, consultation, "Antwort ins Leere.", parent_id=str(comment.id))
    assert response.status_code == 409
    assert count_rows(db, Comment) == 1


# --- votes ----------------------------------------------------------------------------------------------------


def test_vote_up_down_and_withdraw(client, auth, db, consultation, citizen, other, create_comment):
    comment = create_comment(consultation, other, body="Bewerte mich.")
    auth.login(citizen)
    url = f"/beitraege/{comment.id}/bewerten"

    assert client.post(url, data={"value": "1"}).status_code == 303
    html = page_of(client, consultation)
    assert votes_shown(html, comment.id) == (1, 0)
    assert "Ihre Bewertung wurde gespeichert." in html
    assert re.search(r'value="1" class="secondary" aria-pressed="true">Zustimmen', html)

    assert client.post(url, data={"value": "1"}).status_code == 303  # the same again withdraws
    assert votes_shown(page_of(client, consultation), comment.id) == (0, 0)
    assert count_rows(db, CommentVote) == 0

    assert client.post(url, data={"value": "-1"}).status_code == 303
    html = page_of(client, consultation)
    assert votes_shown(html, comment.id) == (0, 1)
    assert re.search(r'value="-1" class="secondary" aria-pressed="true">Ablehnen', html)

    assert client.post(url, data={"value": "1"}).status_code == 303  # the other value changes it
    assert votes_shown(page_of(client, consultation), comment.id) == (1, 0)
    assert db.session.scalars(select(CommentVote.value)).all() == [1]
    stored = fresh(db, Comment, comment.id)
    assert (stored.upvotes, stored.downvotes, stored.score) == (1, 0, 1)


def test_votes_of_several_users_are_counted(client, auth, db, consultation, other, create_user, create_comment):
    comment = create_comment(consultation, other, body="Viel Zustimmung.")
    for value in ("1", "1", "-1"):
        auth.login(create_user())
        assert client.post(f"/beitraege/{comment.id}/bewerten", data={"value": value}).status_code == 303
        auth.logout()
    assert votes_shown(page_of(client, consultation), comment.id) == (2, 1)
    assert fresh(db, Comment, comment.id).score == 1


def test_invalid_vote_value_is_refused(client, auth, db, consultation, citizen, other, create_comment):
    comment = create_comment(consultation, other)
    auth.login(citizen)
    for value in ("2", "0", "abc", ""):
        assert client.post(f"/beitraege/{comment.id}/bewerten", data={"value": value}).status_code == 400
    assert count_rows(db, CommentVote) == 0


def test_voting_on_own_comment_is_forbidden(client, auth, db, consultation, citizen, create_comment):
    comment = create_comment(consultation, citizen)
    auth.login(citizen)
    response = client.post(f"/beitraege/{comment.id}/bewerten", data={"value": "1"})
    assert response.status_code == 403
    assert "Eigene Beiträge können Sie nicht bewerten." in response.get_data(as_text=True)
    assert count_rows(db, CommentVote) == 0


def test_votes_and_edits_are_refused_once_the_consultation_is_closed(client, auth, db, consultation, citizen,
                                                                     other, create_comment):
    theirs = create_comment(consultation, other, body="Vor dem Ende geschrieben.")
    mine = create_comment(consultation, citizen, body="Meiner.")
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(citizen)
    assert client.post(f"/beitraege/{theirs.id}/bewerten", data={"value": "1"}).status_code == 409
    assert client.post(f"/beitraege/{mine.id}/bearbeiten", data={"body": "Nachträglich."}).status_code == 409
    assert count_rows(db, CommentVote) == 0
    assert fresh(db, Comment, mine.id).body == "Meiner."
    html = page_of(client, consultation)
    assert ">Zustimmen</button>" not in html
    assert votes_shown(html, theirs.id) == (0, 0)


def test_anonymous_vote_goes_to_login(client, db, consultation, other, create_comment):
    comment = create_comment(consultation, other)
    response = client.post(f"/beitraege/{comment.id}/bewerten", data={"value": "1"})
    assert response.status_code == 302
    assert count_rows(db, CommentVote) == 0


# --- reports --------------------------------------------------------------------------------------------------


def test_report_with_reason_and_duplicate_refused(client, auth, db, consultation, citizen, other, create_comment):
    comment = create_comment(consultation, other, body="Fragwürdig.")
    auth.login(citizen)
    form = client.get(f"/beitraege/{comment.id}/melden")
    assert form.status_code == 200
    assert "<h1>Beitrag melden</h1>" in form.get_data(as_text=True)

    response = client.post(f"/beitraege/{comment.id}/melden", data={"reason": "Beleidigt eine Person."})
    assert response.status_code == 303
    assert "Danke für Ihre Meldung." in page_of(client, consultation)
    report = db.session.scalar(select(CommentReport))
    assert (report.comment_id, report.reporter_id, report.reason) == (comment.id, citizen.id,
                                                                       "Beleidigt eine Person.")

    again = client.post(f"/beitraege/{comment.id}/melden", data={"reason": "Noch einmal."})
    assert again.status_code == 409
    assert count_rows(db, CommentReport) == 1


def test_report_without_reason_is_refused_with_field_message(client, auth, db, consultation, citizen, other,
                                                             create_comment):
    comment = create_comment(consultation, other)
    auth.login(citizen)
    response = client.post(f"/beitraege/{comment.id}/melden", data={"reason": ""})
    assert response.status_code == 422
    assert '<p class="field-error" id="reason-error">Bitte geben Sie eine Begründung an.</p>' in \
        response.get_data(as_text=True)
    assert count_rows(db, CommentReport) == 0


def test_reporting_own_comment_is_refused(client, auth, db, consultation, citizen, create_comment):
    comment = create_comment(consultation, citizen)
    auth.login(citizen)
    response = client.post(f"/beitraege/{comment.id}/melden", data={"reason": "Selbstanzeige."})
    assert response.status_code == 403
    assert count_rows(db, CommentReport) == 0


# Regression (was a bug during development): comments.views.edit and .report (and .hide) flash only the field
# messages returned by apply_errors(); a DomainError without field messages (edit window over, already reported, own
# comment) is refused with 409/422 and no message at all
def test_refused_edit_and_report_say_why(client, auth, db, consultation, citizen, other, create_comment):
    old = create_comment(consultation, citizen, body="Alte Meinung.")
    old.created_at = utcnow() - timedelta(minutes=31)
    theirs = create_comment(consultation, other, body="Fragwürdig.")
    db.session.commit()
    auth.login(citizen)
    response = client.post(f"/beitraege/{old.id}/bearbeiten", data={"body": "Neue Meinung."})
    assert response.status_code == 409
    assert "nur 30 Minuten lang nach dem Schreiben bearbeitet werden" in response.get_data(as_text=True)

    response = client.post(f"/beitraege/{old.id}/melden", data={"reason": "Selbstanzeige."})
    assert response.status_code == 403
    assert "Eigene Beiträge können Sie nicht melden." in response.get_data(as_text=True)

    assert client.post(f"/beitraege/{theirs.id}/melden", data={"reason": "Beleidigend."}).status_code == 303
    response = client.post(f"/beitraege/{theirs.id}/melden", data={"reason": "Noch einmal."})
    assert response.status_code == 409
    assert "Sie haben diesen Beitrag bereits gemeldet." in response.get_data(as_text=True)


# --- hiding and restoring -------------------------------------------------------------------------------------


def test_moderator_hides_with_reason_shown_to_everyone_and_restores(client, auth, db, consultation, moderator,
                                                                    citizen, other, create_comment):
    comment = create_comment(consultation, other, body="Ein beleidigender Satz.")
    reply = create_comment(consultation, citizen, body="Eine Antwort darauf.", parent=comment)
    assert "Ein beleidigender Satz." in page_of(client, consultation)  # an anonymous reader's (cached) page

    auth.login(moderator)
    form = client.get(f"/beitraege/{comment.id}/ausblenden")
    assert form.status_code == 200
    response = client.post(f"/beitraege/{comment.id}/ausblenden", data={"reason": "Verstößt gegen die Netiquette."})
    assert response.status_code == 303
    stored = fresh(db, Comment, comment.id)
    assert (stored.status, stored.moderation_reason) == ("hidden", "Verstößt gegen die Netiquette.")
    [hidden] = audit_entries(db, "comment.hidden")
    assert (hidden.actor_id, hidden.target_id, hidden.region_id) == (moderator.id, comment.id,
                                                                     consultation.region_id)
    assert hidden.details["reason"] == "Verstößt gegen die Netiquette."
    auth.logout()

    for viewer in (None, citizen, other):
        if viewer is not None:
            auth.login(viewer)
        html = page_of(client, consultation)
        assert "Ein beleidigender Satz." not in html
        assert comment_body_shown(html, comment.id) == \
            "Von der Moderation ausgeblendet. Begründung: Verstößt gegen die Netiquette."
        assert comment_body_shown(html, reply.id) == "Eine Antwort darauf."
        if viewer is not None:
            auth.logout()

    auth.login(moderator)
    response = client.post(f"/beitraege/{comment.id}/wiederherstellen")
    assert response.status_code == 303
    assert fresh(db, Comment, comment.id).status == "visible"
    [restored] = audit_entries(db, "comment.restored")
    assert (restored.actor_id, restored.target_id) == (moderator.id, comment.id)
    auth.logout()
    html = page_of(client, consultation)
    assert comment_body_shown(html, comment.id) == "Ein beleidigender Satz."
    assert "Von der Moderation ausgeblendet" not in html


def test_hiding_needs_a_reason(client, auth, db, consultation, moderator, other, create_comment):
    comment = create_comment(consultation, other)
    auth.login(moderator)
    response = client.post(f"/beitraege/{comment.id}/ausblenden", data={"reason": ""})
    assert response.status_code == 422
    assert "Bitte geben Sie eine Begründung an." in response.get_data(as_text=True)
    assert fresh(db, Comment, comment.id).status == "visible"
    assert count_rows(db, AuditEntry) == 0


def test_moderator_of_another_region_cannot_hide_or_restore(client, auth, db, consultation, foreign_moderator,
                                                            moderator, other, create_comment):
    visible = create_comment(consultation, other, body="Sichtbar.")
    hidden = create_comment(consultation, other, body="Ausgeblendet.")
    auth.login(moderator)
    client.post(f"/beitraege/{hidden.id}/ausblenden", data={"reason": "Werbung."})
    auth.logout()
    entries = count_rows(db, AuditEntry)

    auth.login(foreign_moderator)
    assert client.get(f"/beitraege/{visible.id}/ausblenden").status_code == 403
    response = client.post(f"/beitraege/{visible.id}/ausblenden", data={"reason": "Fremde Region."})
    assert response.status_code == 403
    assert "nicht Moderatorin oder Moderator der Region Gelsenkirchen" in response.get_data(as_text=True)
    assert client.post(f"/beitraege/{hidden.id}/wiederherstellen").status_code == 403
    assert fresh(db, Comment, visible.id).status == "visible"
    assert fresh(db, Comment, hidden.id).status == "hidden"
    assert count_rows(db, AuditEntry) == entries
    assert "Ausblenden</a>" not in page_of(client, consultation)


def test_citizen_cannot_hide_or_restore(client, auth, db, consultation, citizen, other, create_comment):
    comment = create_comment(consultation, other, body="Sichtbar.")
    auth.login(citizen)
    assert client.get(f"/beitraege/{comment.id}/ausblenden").status_code == 403
    assert client.post(f"/beitraege/{comment.id}/ausblenden", data={"reason": "Weil ich will."}).status_code == 403
    assert client.post(f"/beitraege/{comment.id}/wiederherstellen").status_code == 403
    assert fresh(db, Comment, comment.id).status == "visible"


@pytest.fixture
def hidden_comment(db, consultation, other, moderator, create_comment):
    from beteiligung.comments.services import hide_comment

    comment = create_comment(consultation, other, body="GEHEIMER ORIGINALTEXT")
    hide_comment(moderator, comment, "Persönliche Daten entfernt.")
    db.session.commit()
    return comment


# Regression (was a bug during development): comments.views.report (GET /beitraege/<id>/melden) renders
# comments/reason.html with comment.body even when the comment is hidden, so any logged-in user can read the hidden
# text
def test_report_page_does_not_reveal_a_hidden_comments_text(client, auth, citizen, hidden_comment):
    auth.login(citizen)
    response = client.get(f"/beitraege/{hidden_comment.id}/melden")
    assert response.status_code == 200
    assert "GEHEIMER ORIGINALTEXT" not in response.get_data(as_text=True)


# Regression (was a bug during development): comments.views.hide checks the moderator only after the form validates;
# a POST without reason by anyone gets 422 and the form page (comments/reason.html) showing the hidden comment's
# original text
def test_hide_form_refuses_non_moderators_before_validating(client, auth, citizen, foreign_moderator,
                                                            hidden_comment):
    for user in (citizen, foreign_moderator):
        auth.login(user)
        response = client.post(f"/beitraege/{hidden_comment.id}/ausblenden", data={"reason": ""})
        assert response.status_code == 403
        assert "GEHEIMER ORIGINALTEXT" not in response.get_data(as_text=True)
        auth.logout()


def test_hidden_comment_text_is_not_on_the_page_or_in_the_api(client, auth, citizen, consultation, hidden_comment):
    auth.login(citizen)
    assert "GEHEIMER ORIGINALTEXT" not in page_of(client, consultation)
    response = client.get(f"/api/v1/consultations/{consultation.id}/comments")
    assert response.status_code == 200
    assert "GEHEIMER ORIGINALTEXT" not in response.get_data(as_text=True)


# --- the report queue -----------------------------------------------------------------------------------------


@pytest.fixture
def reports(db, consultation, create_consultation, create_region, create_user, other, create_comment):
    """One open report in Gelsenkirchen (the consultation's region) and one in another region."""
    here = create_comment(consultation, other, body="Beitrag in Gelsenkirchen.")
    elsewhere = create_comment(create_consultation(create_region(slug="soest", name="Soest")), other,
                               body="Beitrag in Soest.")
    reporter = create_user()
    db.session.add_all([CommentReport(comment_id=here.id, reporter_id=reporter.id, reason="Grund GE"),
                        CommentReport(comment_id=elsewhere.id, reporter_id=reporter.id, reason="Grund SO")])
    db.session.commit()
    return {report.reason: report for report in db.session.scalars(select(CommentReport))}


def test_report_queue_lists_only_the_moderators_regions(client, auth, moderator, reports):
    auth.login(moderator)
    response = client.get("/moderation/meldungen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 offene Meldung" in html
    assert "Grund GE" in html and "Beitrag in Gelsenkirchen." in html
    assert "Grund SO" not in html and "Beitrag in Soest." not in html


def test_report_queue_lists_all_regions_for_admins(client, auth, create_user, reports):
    auth.login(create_user(role="admin"))
    response = client.get("/moderation/meldungen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 offene Meldungen" in html
    assert "Grund GE" in html and "Grund SO" in html


def test_report_queue_is_forbidden_to_citizens(client, auth, citizen, reports):
    auth.login(citizen)
    response = client.get("/moderation/meldungen")
    assert response.status_code == 403
    assert "Grund GE" not in response.get_data(as_text=True)


def test_moderator_dismisses_report_with_audit(client, auth, db, moderator, reports):
    report = reports["Grund GE"]
    auth.login(moderator)
    response = client.post(f"/moderation/meldungen/{report.id}", data={"action": "dismiss", "reason": ""})
    assert response.status_code == 303
    stored = fresh(db, CommentReport, report.id)
    assert (stored.resolution, stored.resolved_by_id) == ("dismissed", moderator.id)
    assert stored.resolved_at is not None
    assert fresh(db, Comment, report.comment_id).status == "visible"
    [entry] = audit_entries(db, "report.resolved")
    assert (entry.actor_id, entry.target_id, entry.details["resolution"]) == (moderator.id, report.id, "dismissed")
    html = client.get("/moderation/meldungen").get_data(as_text=True)
    assert "Die Meldung ist erledigt." in html
    assert "Grund GE" not in html


def test_moderator_hides_comment_from_report_with_audit(client, auth, db, consultation, moderator, reports):
    report = reports["Grund GE"]
    auth.login(moderator)
    response = client.post(f"/moderation/meldungen/{report.id}", data={"action": "hide",
                                                                        "reason": "Verletzt die Regeln."})
    assert response.status_code == 303
    assert fresh(db, CommentReport, report.id).resolution == "hidden"
    comment = fresh(db, Comment, report.comment_id)
    assert (comment.status, comment.moderation_reason) == ("hidden", "Verletzt die Regeln.")
    assert len(audit_entries(db, "comment.hidden")) == 1
    [entry] = audit_entries(db, "report.resolved")
    assert entry.details == {"resolution": "hidden", "comment_id": comment.id}
    auth.logout()
    html = page_of(client, consultation)
    assert "Beitrag in Gelsenkirchen." not in html
    assert "Begründung: Verletzt die Regeln." in html


# Regression (was a bug during development): comments.views._form_errors joins the form's lazy_gettext messages with
# str.join and raises TypeError (LazyString): 500 instead of a message
def test_resolving_without_decision_is_refused(client, auth, db, moderator, reports):
    report = reports["Grund GE"]
    auth.login(moderator)
    response = client.post(f"/moderation/meldungen/{report.id}", data={})
    assert response.status_code == 303
    assert "Bitte wählen Sie eine Entscheidung." in client.get("/moderation/meldungen").get_data(as_text=True)
    assert fresh(db, CommentReport, report.id).resolved_at is None
    assert count_rows(db, AuditEntry) == 0


def test_moderator_of_another_region_cannot_resolve(client, auth, db, moderator, reports):
    report = reports["Grund SO"]
    auth.login(moderator)
    response = client.post(f"/moderation/meldungen/{report.id}", data={"action": "hide", "reason": "Fremd."})
    assert response.status_code == 403
    assert fresh(db, CommentReport, report.id).resolved_at is None
    assert fresh(db, Comment, report.comment_id).status == "visible"
    assert count_rows(db, AuditEntry) == 0


# --- administration -------------------------------------------------------------------------------------------


@pytest.fixture
def admin(create_user):
    return create_user(role="admin", pseudonym="Admina")


def test_admin_creates_region_with_audit(client, auth, db, admin):
    auth.login(admin)
    assert client.get("/verwaltung/").status_code == 200
    response = client.post("/verwaltung/", data={"slug": "kreis-soest", "name": "Kreis Soest",
                                                 "theme": "Die digitale Region", "description": "Ländlich."})
    assert response.status_code == 303
    region = db.session.scalar(select(Region).where(Region.slug == "kreis-soest"))
    assert (region.name, region.theme) == ("Kreis Soest", "Die digitale Region")
    html = client.get("/verwaltung/").get_data(as_text=True)
    assert "Die Region Kreis Soest wurde angelegt." in html
    assert "<td>kreis-soest</td>" in html
    [entry] = audit_entries(db, "region.created")
    assert (entry.actor_id, entry.target_id, entry.region_id) == (admin.id, region.id, region.id)


def test_admin_duplicate_region_slug_is_refused(client, auth, db, admin, create_region):
    create_region(slug="kreis-soest", name="Soest")
    auth.login(admin)
    response = client.post("/verwaltung/", data={"slug": "Kreis-Soest", "name": "Noch einmal Soest"})
    assert response.status_code == 409
    assert '<p class="field-error" id="slug-error">Bereits vergeben.</p>' in response.get_data(as_text=True)
    assert count_rows(db, Region) == 1
    assert count_rows(db, AuditEntry) == 0


def test_admin_invalid_region_slug_is_refused(client, auth, db, admin):
    auth.login(admin)
    response = client.post("/verwaltung/", data={"slug": "Ungültig!", "name": "Irgendwo"})
    assert response.status_code == 422
    assert "Kleinbuchstaben, Ziffern und Bindestriche." in response.get_data(as_text=True)
    assert count_rows(db, Region) == 0


def test_admin_makes_user_moderator_of_region_with_audit(client, auth, db, admin, citizen, create_region):
    region = create_region(slug="wuppertal", name="Wuppertal")
    auth.login(admin)
    listing = client.get("/verwaltung/konten")
    assert listing.status_code == 200
    assert "Bürgerin Berta" in listing.get_data(as_text=True)

    response = client.post(f"/verwaltung/konten/{citizen.id}/moderation",
                           data={"region": str(region.id), "action": "add"})
    assert response.status_code == 303
    user = fresh(db, User, citizen.id)
    assert user.role == "moderator"
    assert [r.slug for r in user.moderated_regions] == ["wuppertal"]
    assert "Bürgerin Berta moderiert jetzt Wuppertal." in client.get("/verwaltung/konten").get_data(as_text=True)
    [entry] = audit_entries(db, "moderator.added")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.region_id) == (admin.id, "users", citizen.id,
                                                                                     region.id)
    auth.logout()

    auth.login(citizen)
    assert client.get("/beteiligungen/neu").status_code == 200


def test_admin_removes_moderator_with_audit(client, auth, db, admin, moderator, consultation):
    auth.login(admin)
    response = client.post(f"/verwaltung/konten/{moderator.id}/moderation",
                           data={"region": str(consultation.region_id), "action": "remove"})
    assert response.status_code == 303
    user = fresh(db, User, moderator.id)
    assert (user.role, user.moderated_regions) == ("citizen", [])
    assert len(audit_entries(db, "moderator.removed")) == 1


def test_admin_audit_log_lists_acts(client, auth, db, admin, moderator, other, consultation, create_comment):
    from beteiligung.comments.services import hide_comment

    comment = create_comment(consultation, other)
    hide_comment(moderator, comment, "Spam-Verdacht.")
    db.session.commit()
    auth.login(admin)
    client.post("/verwaltung/", data={"slug": "neue-region", "name": "Neue Region"})
    response = client.get("/verwaltung/protokoll")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Admina hat die Region „Neue Region“ angelegt." in html
    assert f"Moderation GE hat den Beitrag #{comment.id} ausgeblendet: Spam-Verdacht." in html
    assert "comment.hidden" not in html and "region.created" not in html


@pytest.mark.parametrize("path", ["/verwaltung/", "/verwaltung/konten", "/verwaltung/protokoll"])
def test_administration_is_forbidden_to_citizens_and_moderators(client, auth, citizen, moderator, path):
    for user in (citizen, moderator):
        auth.login(user)
        response = client.get(path)
        assert response.status_code == 403
        assert "Administratorinnen und Administratoren vorbehalten" in response.get_data(as_text=True)
        auth.logout()
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/konto/anmelden"


def test_non_admins_cannot_create_regions_or_moderators(client, auth, db, citizen, moderator, consultation):
    for user in (citizen, moderator):
        auth.login(user)
        assert client.post("/verwaltung/", data={"slug": "heimlich", "name": "Heimlich"}).status_code == 403
        assert client.post(f"/verwaltung/konten/{citizen.id}/moderation",
                           data={"region": str(consultation.region_id), "action": "add"}).status_code == 403
        auth.logout()
    assert count_rows(db, Region) == 1
    assert fresh(db, User, citizen.id).role == "citizen"
    assert count_rows(db, AuditEntry) == 0


# --- sorting and pagination -----------------------------------------------------------------------------------


def test_comments_sort_newest_first_and_by_score(client, db, consultation, other, create_comment):
    old = create_comment(consultation, other, body="Alt.")
    best = create_comment(consultation, other, body="Am besten.")
    new = create_comment(consultation, other, body="Neu.")
    for comment, minutes, score in ((old, 30, 0), (best, 20, 3), (new, 10, -1)):
        comment.created_at = utcnow() - timedelta(minutes=minutes)
        comment.upvotes, comment.downvotes, comment.score = max(score, 0), max(-score, 0), score
    db.session.execute(Consultation.__table__.update().values(revision=Consultation.revision + 1))
    db.session.commit()

    newest = page_of(client, consultation)
    assert top_level_ids(newest) == [new.id, best.id, old.id]
    assert "<strong>Neueste zuerst</strong>" in newest
    top = page_of(client, consultation, "?sort=top")
    assert top_level_ids(top) == [best.id, old.id, new.id]
    assert "<strong>Beste Bewertung</strong>" in top
    assert votes_shown(top, best.id) == (3, 0)
    assert top_level_ids(page_of(client, consultation, "?sort=nonsense")) == [new.id, best.id, old.id]


@pytest.mark.parametrize("sort", ["newest", "top"])
def test_comments_are_paginated_by_twenty_threads_with_next_link(client, db, consultation, other, citizen,
                                                                 create_comment, sort):
    roots = [create_comment(consultation, other, body=f"Beitrag Nummer {n}.") for n in range(23)]
    create_comment(consultation, citizen, body="Eine Antwort zählt nicht als Faden.", parent=roots[-1])
    first = page_of(client, consultation, f"?sort={sort}")
    first_ids = top_level_ids(first)
    assert len(first_ids) == 20
    assert "(24 Beiträge)" in first
    assert "Seite 1 von 2" in first
    label = "Ältere Beiträge" if sort == "newest" else "Weitere Beiträge"
    next_link = re.search(rf'<a href="([^"]+)" rel="next">{label}', first).group(1).replace("&amp;", "&")
    assert "after=" in next_link and "page=" not in next_link and f"sort={sort}" in next_link

    second = client.get(next_link)
    assert second.status_code == 200
    second_html = second.get_data(as_text=True)
    second_ids = top_level_ids(second_html)
    assert len(second_ids) == 3
    assert "Seite 2 von 2" in second_html and 'rel="next"' not in second_html
    assert 'rel="first"' in second_html  # back to the start of the discussion
    assert set(first_ids) | set(second_ids) == {r.id for r in roots}
    if sort == "newest":
        assert first_ids == [r.id for r in reversed(roots)][:20]
        assert "Eine Antwort zählt nicht als Faden." in first


# --- CSRF -----------------------------------------------------------------------------------------------------


class TestWithCsrfProtection:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def login(client, user):
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True

    @staticmethod
    def token(html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def test_comment_without_token_is_refused(self, client, db, consultation, citizen):
        self.login(client, citizen)
        response = post_comment(client, consultation, "Ohne Token.")
        assert response.status_code == 400
        assert "Das Formular ist abgelaufen." in response.get_data(as_text=True)
        assert count_rows(db, Comment) == 0

    def test_comment_with_token_from_the_page_is_accepted(self, client, db, consultation, citizen):
        self.login(client, citizen)
        token = self.token(page_of(client, consultation))
        assert post_comment(client, consultation, "Mit Token.", csrf_token=token).status_code == 303
        assert count_rows(db, Comment) == 1

    def test_vote_report_delete_without_token_are_refused(self, client, db, consultation, citizen, other,
                                                          create_comment):
        theirs = create_comment(consultation, other)
        mine = create_comment(consultation, citizen)
        self.login(client, citizen)
        assert client.post(f"/beitraege/{theirs.id}/bewerten", data={"value": "1"}).status_code == 400
        assert client.post(f"/beitraege/{theirs.id}/melden", data={"reason": "Ohne Token."}).status_code == 400
        assert client.post(f"/beitraege/{mine.id}/loeschen").status_code == 400
        assert client.post(f"/beitraege/{mine.id}/bearbeiten", data={"body": "Ohne Token."}).status_code == 400
        assert count_rows(db, CommentVote) == 0
        assert count_rows(db, CommentReport) == 0
        stored = fresh(db, Comment, mine.id)
        assert (stored.status, stored.body) == ("visible", "Gute Idee, aber bitte mit Schatten.")

    def test_moderation_and_administration_without_token_are_refused(self, client, db, consultation, moderator,
                                                                     other, create_user, create_comment):
        comment = create_comment(consultation, other)
        self.login(client, moderator)
        assert client.post(f"/beitraege/{comment.id}/ausblenden", data={"reason": "Ohne Token."}).status_code == 400
        assert client.post(f"/beteiligungen/{consultation.id}/veroeffentlichen",
                           data={"published": "0"}).status_code == 400
        self.login(client, create_user(role="admin"))
        assert client.post("/verwaltung/", data={"slug": "ohne-token", "name": "Ohne Token"}).status_code == 400
        assert fresh(db, Comment, comment.id).status == "visible"
        assert fresh(db, Consultation, consultation.id).published is True
        assert count_rows(db, Region) == 1
        assert count_rows(db, AuditEntry) == 0
