"""One vote per user and comment, under real concurrent requests (PostgreSQL: row locks, unique index)."""


import pytest
from sqlalchemy import func, select

from beteiligung.comments.models import Comment, CommentVote
from beteiligung.testing.helpers import at_once


@pytest.fixture
def concurrent(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (SQLite serialises every write)")

    def run(requests):
        """Send each (method, url, json, headers) from its own thread at the same moment; the status codes."""
        return [status for status, _body in at_once(app, db, requests)]

    return run


def _stored(db, comment_id):
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    rows = db.session.execute(select(CommentVote.value).where(CommentVote.comment_id == comment_id)).scalars().all()
    return comment, rows


def test_twenty_concurrent_votes_of_one_user_leave_one_vote(concurrent, db, create_user, create_consultation,
                                                            create_comment, api_headers):
    consultation = create_consultation()
    comment = create_comment(consultation, create_user())
    voter = create_user()
    headers = api_headers(voter)
    url = f"/api/v1/comments/{comment.id}/votes"
    statuses = concurrent([("POST", url, {"value": 1 if i % 2 else -1}, headers) for i in range(20)])

    assert statuses == [200] * 20
    stored, rows = _stored(db, comment.id)
    assert len(rows) == 1
    assert (stored.upvotes, stored.downvotes) == ((1, 0) if rows[0] == 1 else (0, 1))
    assert stored.score == rows[0]


def test_concurrent_votes_of_many_users_are_all_counted(concurrent, db, create_user, create_consultation,
                                                        create_comment, api_headers):
    consultation = create_consultation()
    comment = create_comment(consultation, create_user())
    voters = [create_user() for _ in range(20)]
    url = f"/api/v1/comments/{comment.id}/votes"
    statuses = concurrent([("POST", url, {"value": 1 if i < 15 else -1}, api_headers(v))
                           for i, v in enumerate(voters)])

    assert statuses == [200] * 20
    stored, rows = _stored(db, comment.id)
    assert len(rows) == 20
    assert (stored.upvotes, stored.downvotes, stored.score) == (15, 5, 10)


def test_concurrent_vote_and_withdrawal_keep_counts_consistent(concurrent, db, create_user, create_consultation,
                                                               create_comment, api_headers):
    consultation = create_consultation()
    comment = create_comment(consultation, create_user())
    headers = api_headers(create_user())
    url = f"/api/v1/comments/{comment.id}/votes"
    requests = [("POST" if i % 2 else "DELETE", url, {"value": 1} if i % 2 else None, headers) for i in range(20)]
    statuses = concurrent(requests)

    assert statuses == [200] * 20
    stored, rows = _stored(db, comment.id)
    assert len(rows) <= 1
    assert stored.upvotes == len(rows) and stored.downvotes == 0 and stored.score == len(rows)


def test_concurrent_comments_keep_the_comment_count(concurrent, db, create_user, create_consultation, api_headers):
    consultation = create_consultation()
    authors = [create_user() for _ in range(10)]
    url = f"/api/v1/consultations/{consultation.id}/comments"
    statuses = concurrent([("POST", url, {"body": f"Beitrag {i}"}, api_headers(a)) for i, a in enumerate(authors)])

    assert statuses == [201] * 10
    db.session.expire_all()
    count = db.session.scalar(select(func.count(Comment.id)).where(Comment.consultation_id == consultation.id))
    assert count == 10
    db.session.refresh(consultation)
    assert consultation.comment_count == 10
