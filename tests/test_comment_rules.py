"""Comments: hidden comments stay as evidence, deleting is confirmed, reported and deleted comments on the page."""

import re

import pytest
from api_support import error_of

from beteiligung.comments.models import Comment, CommentVote
from beteiligung.comments.services import erase_texts_of, hide_comment, report_comment, restore_comment

HIDDEN_TEXT = "Beleidigender Text, den die Moderation ausgeblendet hat."
REFUSAL = "Ausgeblendete Beiträge können nicht gelöscht oder bearbeitet werden"


@pytest.fixture
def hidden(db, consultation, author, moderator, create_comment):
    comment = create_comment(consultation, author, body=HIDDEN_TEXT)
    hide_comment(moderator, comment, "Beleidigung.")
    db.session.commit()
    return comment


def fresh(db, comment_id):
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def page(client, consultation):
    response = client.get(f"/beteiligungen/{consultation.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def comment_html(html, comment_id):
    """The markup of one comment up to the next comment (or the end of the list)."""
    match = re.search(rf'<li id="beitrag-{comment_id}".*?(?=<li id="beitrag-|</ol>\s*</section>)', html, re.S)
    assert match is not None, comment_id
    return match.group(0)


# --- item 10: the moderation keeps what it hid ------------------------------------------------------------------


def test_author_cannot_delete_a_hidden_comment_over_the_api(api, db, author, hidden):
    response = api.delete(f"/api/v1/comments/{hidden.id}", user=author)

    error = error_of(response, 409)
    assert REFUSAL in error["message"]
    stored = fresh(db, hidden.id)
    assert (stored.status, stored.body, stored.moderation_reason) == ("hidden", HIDDEN_TEXT, "Beleidigung.")


def test_author_cannot_edit_a_hidden_comment_over_the_api(api, db, author, hidden):
    response = api.patch(f"/api/v1/comments/{hidden.id}", user=author, json={"body": "Ganz harmlos."})

    assert REFUSAL in error_of(response, 409)["message"]
    assert fresh(db, hidden.id).body == HIDDEN_TEXT


def test_author_cannot_delete_a_hidden_comment_on_the_page(client, auth, db, consultation, author, hidden):
    auth.login(author)
    confirm = client.get(f"/beitraege/{hidden.id}/loeschen")
    assert confirm.status_code == 409
    assert REFUSAL in confirm.get_data(as_text=True)

    # Without a page to return to: the error page says why.
    direct = client.post(f"/beitraege/{hidden.id}/loeschen", data={"confirm": "ja"})
    assert direct.status_code == 409
    assert REFUSAL in direct.get_data(as_text=True)

    # From the discussion: back there, with the reason.
    back = f"http://localhost/beteiligungen/{consultation.id}"
    response = client.post(f"/beitraege/{hidden.id}/loeschen", data={"confirm": "ja"}, headers={"Referer": back})
    assert response.status_code == 303
    assert REFUSAL in page(client, consultation)
    stored = fresh(db, hidden.id)
    assert (stored.status, stored.body) == ("hidden", HIDDEN_TEXT)


def test_author_cannot_edit_a_hidden_comment_on_the_page(client, auth, db, author, hidden):
    auth.login(author)
    response = client.post(f"/beitraege/{hidden.id}/bearbeiten", data={"body": "Ganz harmlos."})

    assert response.status_code == 409
    assert REFUSAL in response.get_data(as_text=True)
    assert fresh(db, hidden.id).body == HIDDEN_TEXT


def test_a_restored_comment_can_be_deleted_by_its_author(api, db, author, moderator, hidden):
    restore_comment(moderator, hidden)
    db.session.commit()

    response = api.delete(f"/api/v1/comments/{hidden.id}", user=author)

    assert response.status_code == 200
    assert response.get_json()["status"] == "deleted"
    assert (fresh(db, hidden.id).status, fresh(db, hidden.id).body) == ("deleted", "")


def test_the_moderation_still_reads_nothing_of_a_hidden_comment_publicly(client, db, consultation, hidden):
    html = page(client, consultation)
    assert HIDDEN_TEXT not in html
    assert "Von der Moderation ausgeblendet. Begründung: Beleidigung." in html


def test_erasing_an_accounts_texts_keeps_hidden_comments_as_evidence(db, consultation, author, reader, hidden,
                                                                      create_comment):
    visible = create_comment(consultation, author, body="Ein ganz normaler Beitrag.")
    foreign = create_comment(consultation, reader, body="Ein Beitrag von jemand anderem.")
    count_before = consultation.comment_count

    assert erase_texts_of(author) == 1
    db.session.commit()

    assert (fresh(db, visible.id).status, fresh(db, visible.id).body) == ("deleted", "")
    assert (fresh(db, hidden.id).status, fresh(db, hidden.id).body) == ("hidden", HIDDEN_TEXT)
    assert (fresh(db, foreign.id).status, fresh(db, foreign.id).body) == ("visible", "Ein Beitrag von jemand anderem.")
    db.session.refresh(consultation)
    assert consultation.comment_count == count_before - 1


# --- item 7: deleting needs a confirmation ----------------------------------------------------------------------


def test_the_thread_links_to_a_confirmation_instead_of_deleting_at_once(client, auth, consultation, author,
                                                                         create_comment):
    comment = create_comment(consultation, author, body="Mein Beitrag.")
    auth.login(author)
    html = comment_html(page(client, consultation), comment.id)

    assert f'href="/beitraege/{comment.id}/loeschen"' in html
    assert f'action="/beitraege/{comment.id}/loeschen"' not in html


def test_the_confirmation_page_shows_the_comment_and_deletes_nothing(client, auth, db, consultation, author,
                                                                      create_comment):
    comment = create_comment(consultation, author, body="Mein Beitrag, noch da.")
    auth.login(author)
    response = client.get(f"/beitraege/{comment.id}/loeschen")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Beitrag löschen?" in html and "Mein Beitrag, noch da." in html
    assert 'name="confirm" value="ja"' in html
    assert f'href="/beteiligungen/{consultation.id}#beitrag-{comment.id}"' in html  # cancel
    assert fresh(db, comment.id).status == "visible"


def test_a_post_without_the_confirmation_deletes_nothing(client, auth, db, consultation, author, create_comment):
    comment = create_comment(consultation, author, body="Bleibt, bis ich bestätige.")
    auth.login(author)
    for data in ({}, {"confirm": "nein"}, {"confirm": ""}):
        response = client.post(f"/beitraege/{comment.id}/loeschen", data=data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert "Bitte bestätigen Sie das Löschen" in html
        assert "Bleibt, bis ich bestätige." in html
    assert (fresh(db, comment.id).status, fresh(db, comment.id).body) == ("visible", "Bleibt, bis ich bestätige.")


def test_the_confirmed_post_deletes(client, auth, db, consultation, author, create_comment):
    comment = create_comment(consultation, author, body="Weg damit.")
    auth.login(author)
    response = client.post(f"/beitraege/{comment.id}/loeschen", data={"confirm": "ja"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/beteiligungen/{consultation.id}#beitrag-{comment.id}")
    assert (fresh(db, comment.id).status, fresh(db, comment.id).body) == ("deleted", "")


def test_the_confirmation_page_is_refused_to_others(client, auth, db, consultation, author, reader, create_comment):
    comment = create_comment(consultation, author, body="Nicht Ihrer.")
    assert client.get(f"/beitraege/{comment.id}/loeschen").status_code == 302  # to the login
    auth.login(reader)
    assert client.get(f"/beitraege/{comment.id}/loeschen").status_code == 403
    assert client.post(f"/beitraege/{comment.id}/loeschen", data={"confirm": "ja"}).status_code == 403
    assert client.get("/beitraege/999999/loeschen").status_code == 404
    assert fresh(db, comment.id).status == "visible"


def test_a_deleted_comment_cannot_be_deleted_again(client, auth, db, consultation, author, create_comment):
    comment = create_comment(consultation, author, body="Einmal reicht.")
    auth.login(author)
    assert client.post(f"/beitraege/{comment.id}/loeschen", data={"confirm": "ja"}).status_code == 303
    response = client.get(f"/beitraege/{comment.id}/loeschen")
    assert response.status_code == 409
    assert "bereits gelöscht" in response.get_data(as_text=True)


# --- item 7: what the thread shows ------------------------------------------------------------------------------


def test_a_comment_the_reader_reported_shows_gemeldet_instead_of_a_report_link(client, auth, db, consultation,
                                                                                author, reader, create_user,
                                                                                create_comment):
    reported = create_comment(consultation, author, body="Gemeldeter Beitrag.")
    other = create_comment(consultation, author, body="Nicht gemeldeter Beitrag.")
    auth.login(reader)
    response = client.post(f"/beitraege/{reported.id}/melden", data={"reason": "Das ist beleidigend."})
    assert response.status_code == 303

    html = page(client, consultation)
    assert "Von Ihnen gemeldet" in comment_html(html, reported.id)
    assert f"/beitraege/{reported.id}/melden" not in html
    assert f"/beitraege/{other.id}/melden" in comment_html(html, other.id)
    assert "Von Ihnen gemeldet" not in comment_html(html, other.id)

    # Somebody else may still report it.
    auth.logout()
    auth.login(create_user(pseudonym="Dritte Dora"))
    html = page(client, consultation)
    assert f"/beitraege/{reported.id}/melden" in html
    assert "Von Ihnen gemeldet" not in html


def test_reports_of_the_reader_cost_one_query_whatever_their_number(client, auth, db, count_queries, consultation,
                                                                     author, reader, create_comment):
    comments = [create_comment(consultation, author, body=f"Beitrag {n}.") for n in range(12)]
    auth.login(reader)

    def queries():
        with count_queries() as counter:
            response = client.get(f"/beteiligungen/{consultation.id}")
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    report_comment(reader, comments[0], "Erste Meldung.")
    db.session.commit()
    one, _html = queries()
    for comment in comments[1:]:
        report_comment(reader, comment, "Noch eine Meldung.")
    db.session.commit()
    many, html = queries()

    assert many == one
    assert html.count("Von Ihnen gemeldet") == 12
    assert "/melden" not in html
    reports = [s for s in _statements(count_queries, client, consultation) if "comment_reports" in s]
    assert len(reports) == 1


def _statements(count_queries, client, consultation):
    with count_queries() as counter:
        client.get(f"/beteiligungen/{consultation.id}")
    return counter.statements


def test_a_deleted_comment_shows_no_rating(client, auth, db, consultation, author, reader, create_user,
                                           create_comment):
    deleted = create_comment(consultation, author, body="Wird gelöscht.")
    kept = create_comment(consultation, author, body="Bleibt.")
    for comment in (deleted, kept):
        db.session.add(CommentVote(comment_id=comment.id, user_id=reader.id, value=1))
        comment.upvotes, comment.score = 1, 1
    db.session.commit()
    auth.login(author)
    assert client.post(f"/beitraege/{deleted.id}/loeschen", data={"confirm": "ja"}).status_code == 303

    for viewer in (None, reader):
        auth.logout()
        if viewer is not None:
            auth.login(viewer)
        html = page(client, consultation)
        gone, shown = comment_html(html, deleted.id), comment_html(html, kept.id)
        assert "+1 / −0" not in gone and "Bewertung" not in gone and "Zustimmen" not in gone
        assert "+1 / −0" in shown
    assert "Zustimmen" in comment_html(html, kept.id)



def test_deleting_the_account_with_its_texts_keeps_what_the_moderation_hid(client, auth, db, consultation, author,
                                                                            hidden, create_comment):
    from beteiligung.testing.fixtures import TEST_PASSWORD

    visible = create_comment(consultation, author, body="Mein sichtbarer Beitrag.")
    auth.login(author)
    assert "Auch den Text meiner Beiträge löschen" in client.get("/konto/").get_data(as_text=True)

    response = client.post("/konto/loeschen", data={"password": TEST_PASSWORD, "delete_texts": "y"})

    assert response.status_code == 303
    gone, kept = fresh(db, visible.id), fresh(db, hidden.id)
    assert (gone.status, gone.body, gone.author_id) == ("deleted", "", None)
    assert (kept.status, kept.body, kept.author_id) == ("hidden", HIDDEN_TEXT, None)
    html = page(client, consultation)
    assert "Mein sichtbarer Beitrag." not in html and HIDDEN_TEXT not in html


def test_deleting_the_account_without_its_texts_keeps_the_comments(client, auth, db, consultation, author,
                                                                   create_comment):
    from beteiligung.testing.fixtures import TEST_PASSWORD

    visible = create_comment(consultation, author, body="Bleibt lesbar.")
    auth.login(author)
    assert client.post("/konto/loeschen", data={"password": TEST_PASSWORD}).status_code == 303
    stored = fresh(db, visible.id)
    assert (stored.status, stored.body, stored.author_id) == ("visible", "Bleibt lesbar.", None)
