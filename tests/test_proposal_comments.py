"""Comments on proposals (issue 12, point 4): the same threads, votes, reports and moderation as on
consultations, through one mechanism (beteiligung.comments.subjects), and the list sorted by most comments."""

from datetime import timedelta

import pytest
from api_support import error_of
from proposal_fixtures import collection, make_collection, moderator, neighbour, region  # noqa: F401
from sqlalchemy import select

from beteiligung.comments import services as comments
from beteiligung.comments.models import Comment, CommentReport
from beteiligung.errors import Conflict, Invalid, NotAllowed, NotFound, Unauthorized
from beteiligung.jobs import run_pending
from beteiligung.notifications.models import Notification
from beteiligung.proposals import services as proposals
from beteiligung.proposals.models import Proposal
from beteiligung.testing.helpers import count_rows, fresh, text_of, writes_during
from beteiligung.timeutil import utcnow


@pytest.fixture
def proposal(db, citizen, collection):
    proposal = proposals.submit_proposal(citizen, collection, "Mehr Bänke am Teich", "Am Teich fehlen Bänke.")
    db.session.commit()
    return proposal


def comment_on(db, user, subject, body="Gute Idee, am besten mit Lehne.", **kwargs):
    comment = comments.create_comment(user, subject, body, **kwargs)
    db.session.commit()
    return comment


def count_of(db, proposal):
    return fresh(db, Proposal, proposal.id).comment_count


# --- the service: one mechanism ---------------------------------------------------------------------

def test_a_citizen_comments_on_a_proposal_and_its_count_follows(db, proposal, neighbour, citizen):
    first = comment_on(db, neighbour, proposal)
    assert (first.proposal_id, first.consultation_id, first.subject_type) == (proposal.id, None, "proposal")
    assert first.subject is proposal or first.subject.id == proposal.id
    reply = comment_on(db, citizen, proposal, "Danke, das nehme ich auf.", parent=first)
    assert (reply.parent_id, reply.root_id, reply.depth, reply.proposal_id) == (first.id, first.id, 1, proposal.id)
    assert count_of(db, proposal) == 2
    threads = comments.list_threads(proposal)
    assert [(t.comment.id, [r.comment.id for r in t.replies]) for t in threads.items] == [(first.id, [reply.id])]
    comments.delete_comment(citizen, reply)
    db.session.commit()
    assert count_of(db, proposal) == 1
    assert fresh(db, Proposal, proposal.id).updated_at == proposal.updated_at  # the proposal itself did not change


def test_a_consultations_discussion_and_a_proposals_stay_apart(db, proposal, neighbour, create_consultation,
                                                               region):
    consultation = create_consultation(region)
    on_consultation = comment_on(db, neighbour, consultation)
    with pytest.raises(Invalid) as error:  # a reply must stay in its discussion
        comments.create_comment(neighbour, proposal, "Antwort", parent=on_consultation)
    assert list(error.value.fields) == ["parent_id"]
    on_proposal = comment_on(db, neighbour, proposal)
    with pytest.raises(Invalid):
        comments.create_comment(neighbour, consultation, "Antwort", parent=on_proposal)
    section = consultation.all_sections[0] if consultation.all_sections else None
    if section is not None:
        with pytest.raises(Invalid) as error:  # sections belong to consultations
            comments.create_comment(neighbour, proposal, "Zum Abschnitt", section=section)
        assert list(error.value.fields) == ["section_id"]
    assert [t.comment.id for t in comments.list_threads(consultation).items] == [on_consultation.id]
    assert [t.comment.id for t in comments.list_threads(proposal).items] == [on_proposal.id]
    assert count_rows(db, Comment) == 2


def test_the_database_refuses_a_comment_without_or_with_two_subjects(db, proposal, neighbour, create_consultation,
                                                                     region):
    from sqlalchemy.exc import IntegrityError

    consultation = create_consultation(region)
    for values in ({}, {"consultation_id": consultation.id, "proposal_id": proposal.id}):
        db.session.add(Comment(author_id=neighbour.id, body="x", **values))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    assert count_rows(db, Comment) == 0


@pytest.mark.parametrize("change, error_type", [
    ("closed", Conflict), ("upcoming", Conflict), ("hidden", NotFound), ("pending", NotFound), ("merged", NotFound),
    ("draft", NotFound),
])
def test_comments_are_refused_where_the_proposal_takes_none(db, proposal, collection, neighbour, moderator, change,
                                                            error_type, citizen):
    if change == "closed":
        collection.closes_at = utcnow() - timedelta(minutes=1)
        collection.opens_at = utcnow() - timedelta(days=2)
    elif change == "upcoming":
        collection.opens_at = utcnow() + timedelta(days=1)
    elif change == "hidden":
        proposals.hide_proposal(moderator, proposal, "Beleidigend")
    elif change == "pending":
        proposal.state = "pending"
    elif change == "merged":
        other = proposals.submit_proposal(citizen, collection, "Bänke am Teich", "Es fehlen Bänke am Teich.")
        proposals.merge_proposal(moderator, proposal, other)
    elif change == "draft":
        collection.published = False
    db.session.commit()
    with pytest.raises(error_type):
        comments.create_comment(neighbour, proposal, "Noch ein Gedanke")
    assert count_rows(db, Comment) == 0
    assert count_of(db, proposal) == 0


def test_who_may_comment_and_speak_officially(app, db, proposal, neighbour, moderator, stranger, create_user):
    with pytest.raises(Unauthorized):
        comments.create_comment(None, proposal, "Anonym")
    unconfirmed = create_user(pseudonym="Neu Nora")
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    with pytest.raises(NotAllowed):
        comments.create_comment(unconfirmed, proposal, "Unbestätigt")
    with pytest.raises(NotAllowed):  # a moderator of another region speaks for nobody here
        comments.create_comment(stranger, proposal, "Offiziell", official=True)
    with pytest.raises(NotAllowed):
        comments.create_comment(neighbour, proposal, "Offiziell", official=True)
    with pytest.raises(Invalid):
        comments.create_comment(neighbour, proposal, "   ")
    with pytest.raises(Invalid):
        comments.create_comment(neighbour, proposal, "x" * (app.config["COMMENT_MAX_LENGTH"] + 1))
    assert count_rows(db, Comment) == 0
    official = comment_on(db, moderator, proposal, "Die Verwaltung prüft den Standort.", official=True)
    assert official.official


def test_votes_reports_and_moderation_work_on_proposal_comments(db, proposal, neighbour, citizen, moderator,
                                                                stranger):
    comment = comment_on(db, neighbour, proposal)
    comments.set_vote(citizen, comment, 1)
    db.session.commit()
    assert (fresh(db, Comment, comment.id).upvotes, fresh(db, Comment, comment.id).score) == (1, 1)
    with pytest.raises(NotAllowed):
        comments.set_vote(neighbour, comment, 1)  # not one's own
    report = comments.report_comment(citizen, comment, "Das ist Werbung.")
    db.session.commit()
    # The report reaches the queue of the proposal's region only.
    assert [r.id for r in db.session.scalars(comments.open_reports_query(moderator))] == [report.id]
    assert list(db.session.scalars(comments.open_reports_query(stranger))) == []
    with pytest.raises(NotAllowed):
        comments.resolve_report(stranger, report, "hide", "Werbung")
    with pytest.raises(NotAllowed):
        comments.hide_comment(stranger, comment, "Werbung")
    comments.resolve_report(moderator, report, "hide", "Werbung ist hier nicht erlaubt.")
    db.session.commit()
    assert fresh(db, Comment, comment.id).status == "hidden"
    assert fresh(db, CommentReport, report.id).resolution == "hidden"
    assert count_of(db, proposal) == 1  # hidden comments keep their place, as on consultations
    comments.restore_comment(moderator, comment)
    db.session.commit()
    assert fresh(db, Comment, comment.id).status == "visible"


def test_plugins_validate_proposal_comments_with_the_subject(db, proposal, neighbour, monkeypatch):
    from beteiligung import events

    seen = []

    def refusals(hook, region, **kwargs):
        seen.append((hook, region.slug, kwargs))
        return ["Bitte keine Telefonnummern."] if "0171" in kwargs["body"] else []

    monkeypatch.setattr(events, "refusals", refusals)
    with pytest.raises(Invalid):
        comments.create_comment(neighbour, proposal, "Ruf an: 0171")
    assert seen == [("comment_validators", "bochum", {"body": "Ruf an: 0171", "consultation": None,
                                                       "subject": proposal, "author": neighbour})]


def test_erasing_an_accounts_texts_counts_its_proposal_comments_down(db, proposal, neighbour, create_consultation,
                                                                     region):
    consultation = create_consultation(region)
    comment_on(db, neighbour, proposal)
    comment_on(db, neighbour, proposal, "Noch etwas")
    comment_on(db, neighbour, consultation)
    assert comments.erase_texts_of(neighbour) == 3
    db.session.commit()
    assert count_of(db, proposal) == 0
    assert db.session.scalars(select(Comment.body).where(Comment.proposal_id == proposal.id)).all() == ["", ""]


# --- "most commented" -------------------------------------------------------------------------------

def test_the_list_sorts_by_most_comments(db, collection, citizen, neighbour, client):
    quiet = proposals.submit_proposal(citizen, collection, "Ein Trinkbrunnen", "Ein Trinkbrunnen am Spielplatz.")
    busy = proposals.submit_proposal(citizen, collection, "Mehr Schatten", "Bäume für den Spielplatz.")
    middle = proposals.submit_proposal(citizen, collection, "Eine Hundewiese", "Eine eingezäunte Hundewiese.")
    db.session.commit()
    for subject, n in ((busy, 3), (middle, 1)):
        for number in range(n):
            comment_on(db, neighbour, subject, f"Beitrag {number}")
    ordered = db.session.scalars(proposals.proposal_query(None, collection, sort="commented")).all()
    assert [p.id for p in ordered] == [busy.id, middle.id, quiet.id]
    page = text_of(client.get(f"/vorschlagssammlungen/{collection.id}?sort=commented"))
    assert page.index("Mehr Schatten") < page.index("Eine Hundewiese") < page.index("Ein Trinkbrunnen")
    assert "3 Beiträge" in page and "Meiste Beiträge" in page


# --- pages ------------------------------------------------------------------------------------------

def test_a_citizen_comments_on_the_proposal_page_and_reads_the_thread(db, client, auth, proposal, neighbour):
    auth.login(neighbour)
    page = text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert f'action="/vorschlaege/{proposal.id}/beitraege"' in page
    assert '<label for="body-neu">' in page
    response = client.post(f"/vorschlaege/{proposal.id}/beitraege", data={"body": "Bitte auch Schatten."})
    assert response.status_code == 303
    [comment] = db.session.scalars(select(Comment)).all()
    assert response.headers["Location"].endswith(f"/vorschlaege/{proposal.id}#beitrag-{comment.id}")
    page = text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert "Bitte auch Schatten." in page and f'id="beitrag-{comment.id}"' in page and "(1 Beitrag)" in page
    # Replying, voting and reporting go through the comments' own pages, back to the proposal.
    response = client.post(f"/vorschlaege/{proposal.id}/beitraege", data={"body": "Ja!", "parent_id": comment.id})
    assert response.status_code == 303
    assert count_rows(db, Comment, Comment.parent_id == comment.id) == 1


def test_the_page_refuses_with_a_message_and_stores_nothing(db, client, auth, proposal, collection, neighbour,
                                                            moderator):
    response = client.post(f"/vorschlaege/{proposal.id}/beitraege", data={"body": "Anonym"})
    assert response.status_code in (302, 303) and "/konto/anmelden" in response.headers["Location"]
    auth.login(neighbour)
    response = client.post(f"/vorschlaege/{proposal.id}/beitraege", data={"body": ""})
    assert response.status_code == 303  # back to the form with a message
    collection.closes_at = utcnow() - timedelta(minutes=1)
    collection.opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    response = client.post(f"/vorschlaege/{proposal.id}/beitraege", data={"body": "Zu spät"})
    assert response.status_code == 409
    assert "abgeschlossen" in text_of(response)
    page = text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert "Die Vorschlagssammlung ist abgeschlossen." in page and 'name="body"' not in page
    response = client.post("/vorschlaege/999999/beitraege", data={"body": "Wohin?"})
    assert response.status_code == 404
    assert count_rows(db, Comment) == 0


def test_a_hidden_proposals_discussion_leaks_nowhere(db, client, api, auth, proposal, neighbour, moderator, citizen):
    comment = comment_on(db, neighbour, proposal, "Geheimer Gedanke")
    proposals.hide_proposal(moderator, proposal, "Beleidigend")
    db.session.commit()
    error_of(api.get(f"/api/v1/proposals/{proposal.id}/comments"), 404)
    error_of(api.get(f"/api/v1/proposals/{proposal.id}/comments", user=moderator), 404)
    error_of(api.post(f"/api/v1/comments/{comment.id}/votes", user=citizen, json={"value": 1}), 404)
    error_of(api.post(f"/api/v1/comments/{comment.id}/reports", user=citizen, json={"reason": "Werbung"}), 404)
    assert client.get(f"/beitraege/{comment.id}/melden").status_code in (302, 404)
    auth.login(moderator)  # the moderation sees the proposal, but it has no public discussion any more
    page = text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert "Geheimer Gedanke" not in page
    auth.login(citizen)
    assert client.get(f"/beitraege/{comment.id}/melden").status_code == 404


def test_reading_a_proposal_with_its_discussion_writes_nothing_and_queries_stay_flat(
        db, client, auth, proposal, neighbour, citizen, count_queries):
    comment_on(db, neighbour, proposal)
    auth.login(citizen)
    client.get(f"/vorschlaege/{proposal.id}")
    with count_queries() as few:
        client.get(f"/vorschlaege/{proposal.id}")
    for number in range(15):
        parent = comment_on(db, neighbour, proposal, f"Gedanke {number}")
        comment_on(db, citizen, proposal, f"Antwort {number}", parent=parent)
    run_pending()  # the notifications of those comments, before the page is read
    with writes_during(db) as writes, count_queries() as many:
        response = client.get(f"/vorschlaege/{proposal.id}")
    assert response.status_code == 200 and "Antwort 14" in text_of(response)
    assert writes == []
    assert many.count == few.count, "the proposal page's queries grew with its comments"


# --- the API ----------------------------------------------------------------------------------------

def test_the_api_lists_and_writes_a_proposals_comments(db, api, proposal, neighbour, citizen, moderator):
    response = api.post(f"/api/v1/proposals/{proposal.id}/comments", user=neighbour, json={"body": "Gute Idee"})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["proposal_id"], created["consultation_id"], created["body"]) == (proposal.id, None, "Gute Idee")
    reply = api.post(f"/api/v1/proposals/{proposal.id}/comments", user=citizen,
                     json={"body": "Danke", "parent_id": created["id"]})
    assert reply.status_code == 201
    listed = api.get(f"/api/v1/proposals/{proposal.id}/comments").get_json()
    assert listed["total"] == 1 and [r["body"] for r in listed["items"][0]["replies"]] == ["Danke"]
    assert api.get(f"/api/v1/proposals/{proposal.id}").get_json()["comment_count"] == 2
    # The comments' own endpoints serve proposal comments too.
    assert api.post(f"/api/v1/comments/{created['id']}/votes", user=citizen, json={"value": 1}).status_code == 200
    hidden = api.patch(f"/api/v1/comments/{created['id']}", user=moderator,
                       json={"hidden": True, "reason": "Bitte sachlich bleiben."})
    assert hidden.status_code == 200 and hidden.get_json()["status"] == "hidden"


def test_the_api_refuses_proposal_comments_with_the_documented_errors(db, api, proposal, collection, neighbour,
                                                                      create_consultation, region):
    url = f"/api/v1/proposals/{proposal.id}/comments"
    error_of(api.post(url, json={"body": "Anonym"}), 401)
    error_of(api.post(url, user=neighbour, json={"body": ""}), 422)
    error_of(api.post(url, user=neighbour, json={"body": "x", "section_id": 1}), 422)
    consultation = create_consultation(region)
    other = comment_on(db, neighbour, consultation)
    error = error_of(api.post(url, user=neighbour, json={"body": "x", "parent_id": other.id}), 422)
    assert "parent_id" in error["fields"]
    error_of(api.post("/api/v1/proposals/999999/comments", user=neighbour, json={"body": "x"}), 404)
    error_of(api.get(url + "?sort=beliebt"), 422)
    collection.opens_at = utcnow() + timedelta(days=1)
    db.session.commit()
    error_of(api.post(url, user=neighbour, json={"body": "Zu früh"}), 409)
    assert count_rows(db, Comment, Comment.proposal_id == proposal.id) == 0


def test_an_official_statement_tells_the_proposals_author_and_supporters(db, api, proposal, neighbour, citizen,
                                                                         moderator, create_user):
    bystander = create_user(pseudonym="Zuschauer Zeno")
    proposals.support(neighbour, proposal)
    db.session.commit()
    response = api.post(f"/api/v1/proposals/{proposal.id}/comments", user=moderator,
                        json={"body": "Wir prüfen das im Frühjahr.", "official": True})
    assert response.status_code == 201
    db.session.expire_all()
    told = sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == "official_statement")))
    assert told == sorted([citizen.id, neighbour.id])
    assert bystander.id not in told
    link = db.session.scalar(select(Notification.url).where(Notification.user_id == citizen.id))
    assert link.endswith(f"/vorschlaege/{proposal.id}#beitrag-{response.get_json()['id']}")


def test_my_participation_and_the_data_export_name_proposal_comments(db, client, auth, proposal, neighbour):
    from beteiligung.accounts.services import export_data

    comment = comment_on(db, neighbour, proposal, "Mein Beitrag zum Vorschlag")
    auth.login(neighbour)
    page = text_of(client.get("/konto/beteiligung"))
    assert "Mein Beitrag zum Vorschlag" in page and f"/vorschlaege/{proposal.id}#beitrag-{comment.id}" in page
    data = export_data(neighbour)
    [exported] = data["comments"]
    assert (exported["proposal_id"], exported["proposal"], exported["body"]) == (
        proposal.id, "Mehr Bänke am Teich", "Mein Beitrag zum Vorschlag")


def test_a_longest_comment_fits_the_proposal_apis_body_limit(app, db, api, proposal, neighbour):
    body = "ü" * app.config["COMMENT_MAX_LENGTH"]  # 6 bytes each, JSON-escaped: above the default 16 KiB
    response = api.post(f"/api/v1/proposals/{proposal.id}/comments", user=neighbour, json={"body": body})
    assert response.status_code == 201, response.get_data(as_text=True)[:200]
    assert count_of(db, proposal) == 1
