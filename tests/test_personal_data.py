"""A user downloads everything stored about them and deletes their account; their comments stay."""

import json

from sqlalchemy import func, select

from beteiligung.accounts.models import ApiToken, User
from beteiligung.comments.models import Comment, CommentVote
from beteiligung.testing.fixtures import TEST_PASSWORD


def test_export_contains_the_users_own_data_and_nobody_elses(client, auth, create_user, create_consultation,
                                                             create_comment):
    consultation = create_consultation(title="Radweg nach Werl")
    user, other = create_user(pseudonym="Mia"), create_user(pseudonym="Tom")
    mine = create_comment(consultation, user, body="Mein Vorschlag")
    create_comment(consultation, other, body="Fremder Beitrag")
    auth.login(user)

    response = client.get("/konto/daten.json")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user.email and data["account"]["pseudonym"] == "Mia"
    assert [c["id"] for c in data["comments"]] == [mine.id]
    assert data["comments"][0]["consultation"] == "Radweg nach Werl"
    assert other.email not in response.get_data(as_text=True)
    assert "Fremder Beitrag" not in response.get_data(as_text=True)


def test_export_and_account_page_need_a_login(client):
    assert client.get("/konto/daten.json").status_code == 302
    assert client.get("/konto/").status_code == 302


def test_deleting_the_account_keeps_comments_and_withdraws_votes(client, auth, db, create_user, create_consultation,
                                                                 create_comment, api_headers):
    consultation = create_consultation()
    user, other = create_user(), create_user()
    comment = create_comment(consultation, user, body="Bleibt stehen")
    liked = create_comment(consultation, other, body="Gefällt mir")
    headers = api_headers(user)
    client.post(f"/api/v1/comments/{liked.id}/votes", json={"value": 1}, headers=headers)
    client.get(f"/beteiligungen/{consultation.id}")  # cached for anonymous readers
    auth.login(user)
    email = user.email

    response = client.post("/konto/loeschen", data={"password": TEST_PASSWORD})

    assert response.status_code == 303
    assert db.session.scalar(select(func.count(User.id)).where(User.email == email)) == 0
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0
    assert db.session.get(Comment, comment.id).author_id is None
    assert db.session.scalar(select(func.count(CommentVote.id))) == 0
    assert db.session.get(Comment, liked.id).upvotes == 0 and db.session.get(Comment, liked.id).score == 0
    auth.logout()
    page = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert "Bleibt stehen" in page and "Gelöschtes Konto" in page
    assert client.get(f"/api/v1/consultations/{consultation.id}/comments", headers=headers).status_code == 401
    assert client.post("/konto/anmelden", data={"email": email, "password": TEST_PASSWORD}).status_code == 401


def test_wrong_password_deletes_nothing(client, auth, db, create_user):
    user = create_user()
    auth.login(user)

    response = client.post("/konto/loeschen", data={"password": "falsches-passwort"})

    assert response.status_code == 422
    assert "nicht richtig" in response.get_data(as_text=True)
    assert db.session.get(User, user.id) is not None


def test_the_last_administrator_cannot_delete_the_account(client, auth, db, create_user):
    admin = create_user(role="admin")
    auth.login(admin)

    response = client.post("/konto/loeschen", data={"password": TEST_PASSWORD})

    assert response.status_code == 409
    assert db.session.get(User, admin.id) is not None


def test_the_address_can_register_again_after_deletion(client, auth, create_user):
    user = create_user(email="wieder@example.org")
    auth.login(user)
    client.post("/konto/loeschen", data={"password": TEST_PASSWORD})

    response = client.post("/konto/registrieren", data={
        "email": "wieder@example.org", "pseudonym": "Wieder da", "password": "neues-passwort-1",
        "password_confirm": "neues-passwort-1", "accept_terms": "y"})

    assert response.status_code == 303


def test_deleting_with_the_texts_keeps_the_thread_and_its_replies(client, auth, db, create_user, create_consultation,
                                                                  create_comment, create_poll):
    from beteiligung.comments.models import CommentReport
    from beteiligung.polls.models import Problem

    consultation = create_consultation()
    user, other = create_user(), create_user()
    mine = create_comment(consultation, user, body="Mein Text verschwindet")
    reply = create_comment(consultation, other, body="Die Antwort bleibt", parent=mine)
    reported = create_comment(consultation, other, body="Gemeldeter Beitrag")
    poll = create_poll(kind="problem_definition")
    db.session.add_all([CommentReport(comment_id=reported.id, reporter_id=user.id, reason="Beleidigend"),
                        Problem(poll_id=poll.id, author_id=user.id, text="Busse fahren selten", status="approved")])
    db.session.commit()
    auth.login(user)

    assert client.post("/konto/loeschen", data={"password": TEST_PASSWORD, "delete_texts": "y"}).status_code == 303

    html = client.get(f"/beteiligungen/{consultation.id}").get_data(as_text=True)
    assert "Mein Text verschwindet" not in html
    assert "Dieser Beitrag wurde von der Verfasserin oder dem Verfasser gelöscht." in html
    assert "Die Antwort bleibt" in html
    assert db.session.get(Comment, reply.id).parent_id == mine.id
    report = db.session.scalar(select(CommentReport))
    problem = db.session.scalar(select(Problem))
    assert (report.reporter_id, report.reason) == (None, "Beleidigend")
    assert (problem.author_id, problem.text) == (None, "Busse fahren selten")
