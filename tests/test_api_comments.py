"""JSON API: comments — threads, writing, replies, votes, reports, editing, moderation and deletion."""

import re
from datetime import timedelta

import pytest
from api_support import count, error_of
from sqlalchemy import select, update

from beteiligung.audit.models import AuditEntry
from beteiligung.comments.models import Comment, CommentReport, CommentVote
from beteiligung.comments.services import set_vote
from beteiligung.consultations.models import Consultation
from beteiligung.timeutil import utcnow

TOO_BIG_ID = 10**20
COMMENT_SHAPE = {"id", "body", "author", "created_at", "parent_id", "section_id", "status", "official", "score",
                 "upvotes", "downvotes", "replies"}


@pytest.fixture
def world(create_region, create_user, create_consultation):
    """An open consultation in Soest, its moderator, a moderator of Aachen, an admin and three citizens."""
    home, other = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    return {
        "home": home,
        "consultation": create_consultation(region=home),
        "moderator": create_user(role="moderator", regions=[home], pseudonym="Moderation Soest"),
        "stranger": create_user(role="moderator", regions=[other], pseudonym="Moderation Aachen"),
        "admin": create_user(role="admin", pseudonym="Administration"),
        "anna": create_user(pseudonym="Anna", email="anna.author@example.org"),
        "bert": create_user(pseudonym="Bert", email="bert.buerger@example.org"),
        "carla": create_user(pseudonym="Carla", email="carla.citoyenne@example.org"),
    }


def comments_url(consultation):
    return f"/api/v1/consultations/{consultation.id}/comments"


def stored(db, comment_id):
    return db.session.get(Comment, comment_id)


def comment_count(db, consultation):
    return db.session.scalar(select(Consultation.comment_count).where(Consultation.id == consultation.id))


def close(db, consultation):
    db.session.execute(update(Consultation).where(Consultation.id == consultation.id)
                       .values(closes_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()


def flatten(items):
    for item in items:
        yield item
        yield from flatten(item["replies"])


# --- GET /api/v1/consultations/{id}/comments ---------------------------------------------------------


def test_comments_are_listed_as_threads_with_nested_replies(api, world, create_comment):
    consultation = world["consultation"]
    section = consultation.sections[0]
    root = create_comment(consultation, world["anna"], body="Wurzel", section=section)
    reply = create_comment(consultation, world["bert"], body="Antwort", parent=root)
    nested = create_comment(consultation, world["carla"], body="Antwort auf Antwort", parent=reply)

    response = api.get(comments_url(consultation))

    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"items", "page", "per_page", "total", "next"}
    assert (data["page"], data["per_page"], data["total"], data["next"]) == (1, 20, 1, None)
    [thread] = data["items"]
    assert set(thread) >= COMMENT_SHAPE
    assert thread["id"] == root.id
    assert thread["body"] == "Wurzel"
    assert thread["author"] == {"pseudonym": "Anna"}
    assert thread["section_id"] == section.id
    assert thread["parent_id"] is None
    assert (thread["status"], thread["official"], thread["score"], thread["upvotes"], thread["downvotes"]) == \
        ("visible", False, 0, 0, 0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", thread["created_at"])
    [first] = thread["replies"]
    assert (first["id"], first["parent_id"], first["body"]) == (reply.id, root.id, "Antwort")
    assert first["section_id"] == section.id  # a reply belongs to the section of its thread
    [second] = first["replies"]
    assert (second["id"], second["parent_id"], second["replies"]) == (nested.id, reply.id, [])
    assert set(second) >= COMMENT_SHAPE


def test_comments_are_sorted_newest_first_by_default(api, world, create_comment):
    consultation = world["consultation"]
    created = [create_comment(consultation, world["anna"], body=f"Beitrag {n}").id for n in range(3)]

    default = api.get(comments_url(consultation)).get_json()
    newest = api.get(comments_url(consultation) + "?sort=newest").get_json()

    assert [item["id"] for item in default["items"]] == created[::-1]
    assert [item["id"] for item in newest["items"]] == created[::-1]


def test_comments_sorted_top_are_ordered_by_score(api, db, world, create_comment):
    consultation = world["consultation"]
    low, high, middle = (create_comment(consultation, world["anna"], body=body) for body in ("tief", "hoch", "mitte"))
    set_vote(world["bert"], high, 1)
    set_vote(world["carla"], high, 1)
    set_vote(world["bert"], middle, 1)
    set_vote(world["bert"], low, -1)
    db.session.commit()

    items = api.get(comments_url(consultation) + "?sort=top").get_json()["items"]

    assert [item["body"] for item in items] == ["hoch", "mitte", "tief"]
    assert [item["score"] for item in items] == [2, 1, -1]
    assert (items[0]["upvotes"], items[2]["downvotes"]) == (2, 1)


def test_comment_threads_are_paginated_by_top_level_comments(api, world, create_comment):
    consultation = world["consultation"]
    roots = [create_comment(consultation, world["anna"], body=f"Thema {n}") for n in range(5)]
    for root in roots:
        create_comment(consultation, world["bert"], body="Antwort", parent=root)

    first = api.get(comments_url(consultation) + "?per_page=2").get_json()
    last = api.get(comments_url(consultation) + "?per_page=2&page=3").get_json()

    assert first["total"] == 5  # replies are not counted as threads
    assert [item["body"] for item in first["items"]] == ["Thema 4", "Thema 3"]
    assert all(len(item["replies"]) == 1 for item in first["items"])
    assert [item["body"] for item in last["items"]] == ["Thema 0"]
    assert (last["page"], last["per_page"]) == (3, 2)


def test_comment_threads_default_to_twenty_per_page(api, world, create_comment):
    consultation = world["consultation"]
    for n in range(21):
        create_comment(consultation, world["anna"], body=f"Beitrag {n}")

    data = api.get(comments_url(consultation)).get_json()

    assert (len(data["items"]), data["per_page"], data["total"]) == (20, 20, 21)


@pytest.mark.parametrize("sort", ["oldest", "TOP", "score", "newest;DROP TABLE comments"])
def test_unknown_sort_is_invalid(api, world, create_comment, sort):
    create_comment(world["consultation"], world["anna"])

    error = error_of(api.get(comments_url(world["consultation"]), query_string={"sort": sort}), 422)

    assert error["code"] == "invalid"
    assert "sort" in error["fields"]


def test_comments_of_a_closed_consultation_are_still_shown(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    close(db, world["consultation"])

    response = api.get(comments_url(world["consultation"]))

    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()["items"]] == [comment.id]


@pytest.mark.parametrize("viewer", [None, "anna", "stranger"])
def test_comments_of_a_draft_are_not_found(api, world, create_consultation, viewer):
    draft = create_consultation(region=world["home"], status="draft")

    response = api.get(comments_url(draft), user=world[viewer] if viewer else None)

    assert error_of(response, 404)["code"] == "not_found"


def test_comments_of_an_unknown_consultation_are_not_found(api, world):
    assert error_of(api.get("/api/v1/consultations/424242/comments"), 404)["code"] == "not_found"


# --- POST /api/v1/consultations/{id}/comments --------------------------------------------------------


def test_citizen_writes_a_comment(api, db, world):
    consultation = world["consultation"]

    response = api.post(comments_url(consultation), user=world["anna"], json={"body": "  Mehr Schatten, bitte!  "})

    assert response.status_code == 201
    data = response.get_json()
    assert set(data) >= COMMENT_SHAPE
    assert data["body"] == "Mehr Schatten, bitte!"
    assert data["author"] == {"pseudonym": "Anna"}
    assert (data["status"], data["official"], data["parent_id"], data["section_id"], data["replies"]) == \
        ("visible", False, None, None, [])
    comment = stored(db, data["id"])
    assert (comment.author_id, comment.body, comment.consultation_id) == \
        (world["anna"].id, "Mehr Schatten, bitte!", consultation.id)
    assert comment_count(db, consultation) == 1
    assert api.get(f"/api/v1/consultations/{consultation.id}").get_json()["comment_count"] == 1


def test_citizen_replies_to_a_comment(api, db, world, create_comment):
    consultation = world["consultation"]
    parent = create_comment(consultation, world["anna"])

    response = api.post(comments_url(consultation), user=world["bert"], json={"body": "Sehe ich auch so.",
                                                                              "parent_id": parent.id})

    assert response.status_code == 201
    assert response.get_json()["parent_id"] == parent.id
    [thread] = api.get(comments_url(consultation)).get_json()["items"]
    assert [reply["id"] for reply in thread["replies"]] == [response.get_json()["id"]]
    assert comment_count(db, consultation) == 2


def test_citizen_comments_on_a_section(api, db, world):
    consultation = world["consultation"]
    section = consultation.sections[1]

    response = api.post(comments_url(consultation), user=world["anna"], json={"body": "Zu teuer.",
                                                                              "section_id": section.id})

    assert response.status_code == 201
    assert response.get_json()["section_id"] == section.id
    assert stored(db, response.get_json()["id"]).section_id == section.id


def test_reply_takes_the_section_of_its_parent(api, db, world, create_comment):
    consultation = world["consultation"]
    first, second = consultation.sections
    parent = create_comment(consultation, world["anna"], section=first)

    response = api.post(comments_url(consultation), user=world["bert"],
                        json={"body": "Antwort", "parent_id": parent.id, "section_id": second.id})

    assert response.status_code == 201
    assert response.get_json()["section_id"] == first.id


def test_reply_below_the_deepest_level_joins_that_level(api, db, world, create_comment):
    consultation = world["consultation"]
    root = create_comment(consultation, world["anna"], body="Ebene 0")
    level1 = create_comment(consultation, world["bert"], body="Ebene 1", parent=root)
    level2 = create_comment(consultation, world["carla"], body="Ebene 2", parent=level1)

    response = api.post(comments_url(consultation), user=world["anna"],
                        json={"body": "Antwort auf Ebene 2", "parent_id": level2.id})

    assert response.status_code == 201
    data = response.get_json()
    assert data["parent_id"] == level1.id  # attached next to the comment it answers
    comment = stored(db, data["id"])
    assert (comment.depth, comment.root_id) == (2, root.id)
    [thread] = api.get(comments_url(consultation)).get_json()["items"]
    [middle] = thread["replies"]
    assert [reply["id"] for reply in middle["replies"]] == [level2.id, data["id"]]
    assert all(reply["replies"] == [] for reply in middle["replies"])


def test_official_statement_by_the_regions_moderator(api, db, world):
    response = api.post(comments_url(world["consultation"]), user=world["moderator"],
                        json={"body": "Die Stadt prüft das.", "official": True})

    assert response.status_code == 201
    assert response.get_json()["official"] is True
    assert stored(db, response.get_json()["id"]).official is True
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.actor_id == world["moderator"].id)) == \
        "comment.official_statement"


def test_official_statement_by_an_administrator(api, world):
    response = api.post(comments_url(world["consultation"]), user=world["admin"],
                        json={"body": "Das Land unterstützt das.", "official": True})

    assert response.status_code == 201
    assert response.get_json()["official"] is True


@pytest.mark.parametrize("actor", ["anna", "stranger"])
def test_official_statement_is_forbidden_to_others(api, db, world, actor):
    response = api.post(comments_url(world["consultation"]), user=world[actor],
                        json={"body": "Ich spreche für die Stadt.", "official": True})

    assert error_of(response, 403)["code"] == "forbidden"
    assert count(db, Comment) == 0
    assert comment_count(db, world["consultation"]) == 0


def test_comment_without_token_is_unauthorized(api, db, world):
    response = api.post(comments_url(world["consultation"]), json={"body": "Anonym"})

    assert error_of(response, 401)["code"] == "unauthorized"
    assert count(db, Comment) == 0


@pytest.mark.parametrize("status", ["closed", "upcoming"])
def test_comment_on_a_consultation_that_is_not_open_is_a_conflict(api, db, world, create_consultation, status):
    consultation = create_consultation(region=world["home"], status=status)

    response = api.post(comments_url(consultation), user=world["anna"], json={"body": "Zu spät oder zu früh."})

    assert error_of(response, 409)["code"] == "conflict"
    assert count(db, Comment) == 0
    assert comment_count(db, consultation) == 0


@pytest.mark.parametrize("actor", ["anna", "moderator"])
def test_comment_on_a_draft_is_not_found(api, db, world, create_consultation, actor):
    draft = create_consultation(region=world["home"], status="draft")

    response = api.post(comments_url(draft), user=world[actor], json={"body": "Schon da?"})

    assert error_of(response, 404)["code"] == "not_found"
    assert count(db, Comment) == 0


def test_comment_on_an_unknown_consultation_is_not_found(api, db, world):
    response = api.post("/api/v1/consultations/424242/comments", user=world["anna"], json={"body": "Hallo?"})

    assert error_of(response, 404)["code"] == "not_found"
    assert count(db, Comment) == 0


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   \n\t "}, {"body": "\x00\x00"}, {"body": None},
                                  {"body": 42}, {"body": ["Liste"]}, {"body": {"text": "Objekt"}},
                                  {"body": "x" * 5001}, {"body": "Lang. " * 2_000}])
def test_comment_with_invalid_body_is_refused(api, db, world, body):
    response = api.post(comments_url(world["consultation"]), user=world["anna"], json=body)

    error = error_of(response, 422)
    assert error["code"] == "invalid"
    assert "body" in error["fields"]
    assert count(db, Comment) == 0
    assert comment_count(db, world["consultation"]) == 0


def test_comment_of_exactly_the_maximum_length_is_accepted(api, db, world):
    response = api.post(comments_url(world["consultation"]), user=world["anna"], json={"body": "ä" * 5000})

    assert response.status_code == 201
    assert len(stored(db, response.get_json()["id"]).body) == 5000


def test_request_over_the_size_limit_is_refused(api, db, world):
    response = api.post(comments_url(world["consultation"]), user=world["anna"], json={"body": "x" * 2_000_000})

    assert error_of(response, 413)["code"] == "too_large"
    assert count(db, Comment) == 0


@pytest.mark.parametrize("method, path", [("POST", "consultation"), ("POST", "votes"), ("POST", "reports"),
                                          ("PATCH", "comment")])
@pytest.mark.parametrize("data", ["body=Hallo", "{kaputt", "[]"])
def test_comment_writes_that_are_not_a_json_object_are_malformed(api, db, world, create_comment, method, path, data):
    comment = create_comment(world["consultation"], world["anna"], body="Original")
    url = {"consultation": comments_url(world["consultation"]), "votes": f"/api/v1/comments/{comment.id}/votes",
           "reports": f"/api/v1/comments/{comment.id}/reports", "comment": f"/api/v1/comments/{comment.id}"}[path]
    content_type = "application/x-www-form-urlencoded" if data.startswith("body=") else "application/json"

    response = api.open(method, url, user=world["bert"], data=data, content_type=content_type)

    assert error_of(response, 400)["code"] == "bad_request"
    assert count(db, Comment) == 1
    assert (count(db, CommentVote), count(db, CommentReport)) == (0, 0)
    assert stored(db, comment.id).body == "Original"


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WRITE_RATE_LIMIT": "2 per minute"}])
def test_comment_writes_are_rate_limited_per_token(api, db, world):
    url = comments_url(world["consultation"])

    statuses = [api.post(url, user=world["anna"], json={"body": f"Beitrag {n}"}).status_code for n in range(2)]
    limited = api.post(url, user=world["anna"], json={"body": "Einer zu viel"})
    other = api.post(url, user=world["bert"], json={"body": "Jemand anderes"})

    assert statuses == [201, 201]
    assert error_of(limited, 429)["code"] == "rate_limited"
    assert other.status_code == 201
    assert count(db, Comment) == 3
    assert comment_count(db, world["consultation"]) == 3


@pytest.mark.parametrize("extra, field", [
    ({"parent_id": "1"}, "parent_id"),
    ({"parent_id": 1.5}, "parent_id"),
    ({"parent_id": True}, "parent_id"),
    ({"parent_id": [1]}, "parent_id"),
    ({"section_id": "abc"}, "section_id"),
    ({"section_id": {"id": 1}}, "section_id"),
    ({"official": "vielleicht"}, "official"),
])
def test_comment_with_mistyped_fields_is_refused(api, db, world, create_comment, extra, field):
    create_comment(world["consultation"], world["bert"])

    error = error_of(api.post(comments_url(world["consultation"]), user=world["anna"], json={"body": "Hallo",
                                                                                             **extra}), 422)

    assert field in error["fields"]
    assert count(db, Comment) == 1
    assert comment_count(db, world["consultation"]) == 1


def test_reply_to_a_comment_of_another_consultation_is_refused(api, db, world, create_consultation, create_comment):
    elsewhere = create_comment(create_consultation(region=world["home"]), world["bert"])

    error = error_of(api.post(comments_url(world["consultation"]), user=world["anna"],
                              json={"body": "Falscher Faden", "parent_id": elsewhere.id}), 422)

    assert "parent_id" in error["fields"]
    assert count(db, Comment) == 1
    assert comment_count(db, world["consultation"]) == 0


@pytest.mark.parametrize("field", ["parent_id", "section_id"])
def test_comment_referring_to_unknown_ids_is_refused(api, db, world, field):
    error = error_of(api.post(comments_url(world["consultation"]), user=world["anna"],
                              json={"body": "Hallo", field: 999_999}), 422)

    assert field in error["fields"]
    assert count(db, Comment) == 0


@pytest.mark.parametrize("field", ["parent_id", "section_id"])
def test_comment_referring_to_ids_beyond_the_integer_range_is_refused(api, db, world, field):
    error = error_of(api.post(comments_url(world["consultation"]), user=world["anna"],
                              json={"body": "Hallo", field: TOO_BIG_ID}), 422)

    assert field in error["fields"]
    assert count(db, Comment) == 0


def test_comment_on_a_section_of_another_consultation_is_refused(api, db, world, create_consultation):
    foreign_section = create_consultation(region=world["home"]).sections[0]

    error = error_of(api.post(comments_url(world["consultation"]), user=world["anna"],
                              json={"body": "Hallo", "section_id": foreign_section.id}), 422)

    assert "section_id" in error["fields"]
    assert count(db, Comment) == 0


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_reply_to_a_hidden_or_deleted_comment_is_a_conflict(api, db, world, create_comment, state):
    parent = create_comment(world["consultation"], world["bert"])
    parent.status = state
    db.session.commit()

    response = api.post(comments_url(world["consultation"]), user=world["anna"],
                        json={"body": "Antwort", "parent_id": parent.id})

    assert error_of(response, 409)["code"] == "conflict"
    assert count(db, Comment) == 1


@pytest.mark.parametrize("text", [
    "Robert'); DROP TABLE comments; --",
    "1 OR 1=1; SELECT * FROM users WHERE '' = ''",
    '<script>alert("xss")</script><img src=x onerror=alert(1)>',
    "100 % \\ _ %% ${jndi:ldap://x} {{ 7*7 }} ünïcødé 🚲",  # bidi overrides: test_comment_rules.py
])
def test_special_characters_are_stored_as_plain_text(api, db, world, text):
    response = api.post(comments_url(world["consultation"]), user=world["anna"], json={"body": text})

    assert response.status_code == 201
    assert response.get_json()["body"] == text
    assert stored(db, response.get_json()["id"]).body == text
    [item] = api.get(comments_url(world["consultation"])).get_json()["items"]
    assert item["body"] == text
    assert count(db, Comment) == 1


def test_nul_bytes_are_removed_from_comments(api, db, world):
    response = api.post(comments_url(world["consultation"]), user=world["anna"], json={"body": "Gut\x00 gemacht\x00"})

    assert response.status_code == 201
    assert response.get_json()["body"] == "Gut gemacht"
    assert stored(db, response.get_json()["id"]).body == "Gut gemacht"


def test_comment_with_a_lone_surrogate_is_malformed(api, db, world):
    response = api.post(comments_url(world["consultation"]), user=world["anna"], json={"body": "Kaputt \ud800 Text"})

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "bad_request"
    assert count(db, Comment) == 0


# --- POST/DELETE /api/v1/comments/{id}/votes ---------------------------------------------------------


def votes_url(comment):
    return f"/api/v1/comments/{comment.id}/votes"


def vote_rows(db, comment):
    return db.session.execute(select(CommentVote.user_id, CommentVote.value)
                              .where(CommentVote.comment_id == comment.id)).all()


@pytest.mark.parametrize("value, counts", [(1, (1, 0, 1)), (-1, (0, 1, -1))])
def test_vote_up_or_down(api, db, world, create_comment, value, counts):
    comment = create_comment(world["consultation"], world["anna"])

    response = api.post(votes_url(comment), user=world["bert"], json={"value": value})

    assert response.status_code == 200
    data = response.get_json()
    assert data["vote"] == value
    assert (data["comment"]["upvotes"], data["comment"]["downvotes"], data["comment"]["score"]) == counts
    assert vote_rows(db, comment) == [(world["bert"].id, value)]
    row = stored(db, comment.id)
    assert (row.upvotes, row.downvotes, row.score) == counts


def test_same_vote_twice_leaves_one_vote(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    first = api.post(votes_url(comment), user=world["bert"], json={"value": 1})
    second = api.post(votes_url(comment), user=world["bert"], json={"value": 1})

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_json()["comment"]["score"] == 1
    assert vote_rows(db, comment) == [(world["bert"].id, 1)]
    assert stored(db, comment.id).upvotes == 1


def test_other_vote_changes_the_vote(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    api.post(votes_url(comment), user=world["bert"], json={"value": 1})
    response = api.post(votes_url(comment), user=world["bert"], json={"value": -1})

    assert response.status_code == 200
    assert (response.get_json()["comment"]["upvotes"], response.get_json()["comment"]["downvotes"],
            response.get_json()["comment"]["score"]) == (0, 1, -1)
    assert vote_rows(db, comment) == [(world["bert"].id, -1)]


def test_vote_is_withdrawn(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.post(votes_url(comment), user=world["bert"], json={"value": -1})

    response = api.delete(votes_url(comment), user=world["bert"])

    assert response.status_code == 200
    assert response.get_json()["vote"] is None
    assert response.get_json()["comment"]["score"] == 0
    assert vote_rows(db, comment) == []
    assert (stored(db, comment.id).downvotes, stored(db, comment.id).score) == (0, 0)


def test_withdrawing_without_a_vote_changes_nothing(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.post(votes_url(comment), user=world["carla"], json={"value": 1})

    response = api.delete(votes_url(comment), user=world["bert"])

    assert response.status_code == 200
    assert response.get_json()["comment"]["score"] == 1
    assert vote_rows(db, comment) == [(world["carla"].id, 1)]


def test_vote_counts_stay_consistent_over_several_voters(api, db, world, create_comment, create_user):
    comment = create_comment(world["consultation"], world["anna"])
    voters = [world["bert"], world["carla"], world["moderator"], create_user(), create_user()]

    for voter, value in zip(voters, [1, 1, -1, 1, -1], strict=True):
        assert api.post(votes_url(comment), user=voter, json={"value": value}).status_code == 200
    api.post(votes_url(comment), user=voters[4], json={"value": 1})  # changes its mind
    api.delete(votes_url(comment), user=voters[2])  # withdraws

    values = [value for _user, value in vote_rows(db, comment)]
    row = stored(db, comment.id)
    assert sorted(values) == [1, 1, 1, 1]
    assert (row.upvotes, row.downvotes, row.score) == (4, 0, 4)
    [item] = api.get(comments_url(world["consultation"])).get_json()["items"]
    assert (item["upvotes"], item["downvotes"], item["score"]) == (4, 0, 4)


@pytest.mark.parametrize("body", [{"value": 0}, {"value": 2}, {"value": -2}, {"value": "1"}, {"value": True},
                                  {"value": 1.0}, {"value": None}, {"value": [1]}, {}])
def test_invalid_vote_values_are_refused(api, db, world, create_comment, body):
    comment = create_comment(world["consultation"], world["anna"])

    error = error_of(api.post(votes_url(comment), user=world["bert"], json=body), 422)

    assert "value" in error["fields"]
    assert vote_rows(db, comment) == []
    assert stored(db, comment.id).score == 0


def test_vote_on_own_comment_is_forbidden(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    assert error_of(api.post(votes_url(comment), user=world["anna"], json={"value": 1}), 403)["code"] == "forbidden"
    assert vote_rows(db, comment) == []


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_vote_on_a_hidden_or_deleted_comment_is_a_conflict(api, db, world, create_comment, state):
    comment = create_comment(world["consultation"], world["anna"])
    comment.status = state
    db.session.commit()

    assert error_of(api.post(votes_url(comment), user=world["bert"], json={"value": 1}), 409)["code"] == "conflict"
    assert vote_rows(db, comment) == []


def test_vote_on_a_closed_consultation_is_a_conflict(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.post(votes_url(comment), user=world["carla"], json={"value": 1})
    close(db, world["consultation"])

    voted = api.post(votes_url(comment), user=world["bert"], json={"value": 1})
    withdrawn = api.delete(votes_url(comment), user=world["carla"])

    assert error_of(voted, 409)["code"] == "conflict"
    assert error_of(withdrawn, 409)["code"] == "conflict"
    assert vote_rows(db, comment) == [(world["carla"].id, 1)]


def test_vote_without_token_is_unauthorized(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    assert error_of(api.post(votes_url(comment), json={"value": 1}), 401)["code"] == "unauthorized"
    assert error_of(api.delete(votes_url(comment)), 401)["code"] == "unauthorized"
    assert vote_rows(db, comment) == []


def test_vote_on_an_unknown_comment_is_not_found(api, world):
    response = api.post("/api/v1/comments/777777/votes", user=world["bert"], json={"value": 1})

    assert error_of(response, 404)["code"] == "not_found"


def test_vote_on_a_comment_of_an_unpublished_consultation_is_not_found(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    world["consultation"].published = False
    db.session.commit()

    assert error_of(api.post(votes_url(comment), user=world["bert"], json={"value": 1}), 404)["code"] == "not_found"
    assert vote_rows(db, comment) == []


def test_vote_on_a_comment_id_beyond_the_integer_range_is_not_found(api, world):
    response = api.post(f"/api/v1/comments/{TOO_BIG_ID}/votes", user=world["bert"], json={"value": 1})

    assert error_of(response, 404)["code"] == "not_found"


# --- POST /api/v1/comments/{id}/reports --------------------------------------------------------------


def reports_url(comment):
    return f"/api/v1/comments/{comment.id}/reports"


def test_comment_is_reported(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    response = api.post(reports_url(comment), user=world["bert"], json={"reason": "Beleidigend gegenüber Anwohnern."})

    assert response.status_code == 201
    data = response.get_json()
    assert (data["comment_id"], data["status"]) == (comment.id, "open")
    report = db.session.get(CommentReport, data["id"])
    assert (report.comment_id, report.reporter_id, report.reason, report.resolved_at) == \
        (comment.id, world["bert"].id, "Beleidigend gegenüber Anwohnern.", None)


def test_second_report_by_the_same_user_is_rejected(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.post(reports_url(comment), user=world["bert"], json={"reason": "Beleidigend."})

    response = api.post(reports_url(comment), user=world["bert"], json={"reason": "Immer noch beleidigend."})

    assert error_of(response, 409)["code"] == "conflict"
    assert count(db, CommentReport) == 1


def test_reports_by_different_users_are_all_kept(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    statuses = [api.post(reports_url(comment), user=world[name], json={"reason": "Spam."}).status_code
                for name in ("bert", "carla")]

    assert statuses == [201, 201]
    assert count(db, CommentReport, CommentReport.comment_id == comment.id) == 2


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "ab"}, {"reason": None},
                                  {"reason": 5}, {"reason": "x" * 1001}])
def test_report_without_a_proper_reason_is_invalid(api, db, world, create_comment, body):
    comment = create_comment(world["consultation"], world["anna"])

    error = error_of(api.post(reports_url(comment), user=world["bert"], json=body), 422)

    assert "reason" in error["fields"]
    assert count(db, CommentReport) == 0


def test_report_of_own_comment_is_refused(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    response = api.post(reports_url(comment), user=world["anna"], json={"reason": "Ich melde mich selbst."})

    assert error_of(response, 403)["code"] == "forbidden"
    assert count(db, CommentReport) == 0


def test_report_of_a_deleted_comment_is_a_conflict(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.delete(f"/api/v1/comments/{comment.id}", user=world["anna"])

    response = api.post(reports_url(comment), user=world["bert"], json={"reason": "Beleidigend."})

    assert error_of(response, 409)["code"] == "conflict"
    assert count(db, CommentReport) == 0


def test_report_without_token_is_unauthorized(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    assert error_of(api.post(reports_url(comment), json={"reason": "Spam."}), 401)["code"] == "unauthorized"
    assert count(db, CommentReport) == 0


# --- PATCH /api/v1/comments/{id} ---------------------------------------------------------------------


def comment_url(comment):
    return f"/api/v1/comments/{comment.id}"


def test_author_edits_the_body_within_the_window(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"], body="Erste Fassung")

    response = api.patch(comment_url(comment), user=world["anna"], json={"body": "Zweite Fassung"})

    assert response.status_code == 200
    data = response.get_json()
    assert (data["body"], data["status"]) == ("Zweite Fassung", "visible")
    assert data["edited_at"] is not None
    row = stored(db, comment.id)
    assert (row.body, row.edited_at is not None) == ("Zweite Fassung", True)


@pytest.mark.parametrize("actor", ["bert", "moderator", "admin"])
def test_others_cannot_edit_a_comments_body(api, db, world, create_comment, actor):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    response = api.patch(comment_url(comment), user=world[actor], json={"body": "Verfälscht"})

    assert error_of(response, 403)["code"] == "forbidden"
    assert (stored(db, comment.id).body, stored(db, comment.id).edited_at) == ("Original", None)


def test_edit_after_the_window_is_a_conflict(api, db, world, create_comment, app):
    comment = create_comment(world["consultation"], world["anna"], body="Original")
    minutes = app.config["COMMENT_EDIT_WINDOW_MINUTES"]
    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(created_at=utcnow() - timedelta(minutes=minutes + 1)))
    db.session.commit()

    response = api.patch(comment_url(comment), user=world["anna"], json={"body": "Zu spät geändert"})

    assert error_of(response, 409)["code"] == "conflict"
    assert stored(db, comment.id).body == "Original"


@pytest.mark.parametrize("app_config", [{"COMMENT_EDIT_WINDOW_MINUTES": 0}])
def test_edit_window_is_the_configured_one(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    response = api.patch(comment_url(comment), user=world["anna"], json={"body": "Sofort geändert"})

    assert error_of(response, 409)["code"] == "conflict"
    assert stored(db, comment.id).body == "Original"


def test_edit_in_a_closed_consultation_is_a_conflict(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"], body="Original")
    close(db, world["consultation"])

    response = api.patch(comment_url(comment), user=world["anna"], json={"body": "Nachträglich"})

    assert error_of(response, 409)["code"] == "conflict"
    assert stored(db, comment.id).body == "Original"


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001, None, 17])
def test_edit_with_an_invalid_body_changes_nothing(api, db, world, create_comment, body):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    error = error_of(api.patch(comment_url(comment), user=world["anna"], json={"body": body}), 422)

    assert "body" in error["fields"]
    assert (stored(db, comment.id).body, stored(db, comment.id).edited_at) == ("Original", None)


@pytest.mark.parametrize("body", [{}, {"reason": "Nur ein Grund"}, {"body": "Neu", "hidden": True, "reason": "Grund"}])
def test_patch_without_exactly_one_action_is_invalid(api, db, world, create_comment, body):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    error = error_of(api.patch(comment_url(comment), user=world["anna"], json=body), 422)

    assert error["code"] == "invalid"
    assert (stored(db, comment.id).body, stored(db, comment.id).status) == ("Original", "visible")


@pytest.mark.parametrize("actor", ["moderator", "admin"])
def test_moderator_hides_a_comment_with_a_reason(api, db, world, create_comment, actor):
    comment = create_comment(world["consultation"], world["anna"], body="Beleidigender Text")
    reply = create_comment(world["consultation"], world["bert"], body="Antwort darauf", parent=comment)

    response = api.patch(comment_url(comment), user=world[actor],
                         json={"hidden": True, "reason": "Verstößt gegen die Netiquette."})

    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "hidden"
    assert "Verstößt gegen die Netiquette." in data["body"]
    assert "Beleidigender Text" not in data["body"]
    row = stored(db, comment.id)
    assert (row.status, row.moderation_reason) == ("hidden", "Verstößt gegen die Netiquette.")
    listing = api.get(comments_url(world["consultation"]))
    [thread] = listing.get_json()["items"]
    assert (thread["id"], thread["status"]) == (comment.id, "hidden")  # keeps its place in the thread
    assert [r["id"] for r in thread["replies"]] == [reply.id]
    assert "Beleidigender Text" not in listing.get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "comment.hidden",
                                                             AuditEntry.target_id == comment.id)) is not None


@pytest.mark.parametrize("body", [{"hidden": True}, {"hidden": True, "reason": ""}, {"hidden": True, "reason": "  "},
                                  {"hidden": True, "reason": None}, {"hidden": "ja", "reason": "Spam"}])
def test_hiding_without_a_reason_is_invalid(api, db, world, create_comment, body):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    error = error_of(api.patch(comment_url(comment), user=world["moderator"], json=body), 422)

    assert set(error["fields"]) & {"reason", "hidden"}
    row = stored(db, comment.id)
    assert (row.status, row.moderation_reason) == ("visible", None)
    assert count(db, AuditEntry) == 0


@pytest.mark.parametrize("actor", ["stranger", "bert", "anna"])
def test_hiding_is_forbidden_to_all_but_the_regions_moderators(api, db, world, create_comment, actor):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    response = api.patch(comment_url(comment), user=world[actor], json={"hidden": True, "reason": "Gefällt mir nicht."})

    assert error_of(response, 403)["code"] == "forbidden"
    assert stored(db, comment.id).status == "visible"
    assert count(db, AuditEntry) == 0


def test_moderator_restores_a_hidden_comment(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"], body="Doch in Ordnung")
    api.patch(comment_url(comment), user=world["moderator"], json={"hidden": True, "reason": "Zunächst geprüft."})

    response = api.patch(comment_url(comment), user=world["moderator"], json={"hidden": False})

    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["body"]) == ("visible", "Doch in Ordnung")
    row = stored(db, comment.id)
    assert (row.status, row.moderation_reason) == ("visible", None)


def test_restore_by_another_regions_moderator_is_forbidden(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.patch(comment_url(comment), user=world["moderator"], json={"hidden": True, "reason": "Geprüft."})

    response = api.patch(comment_url(comment), user=world["stranger"], json={"hidden": False})

    assert error_of(response, 403)["code"] == "forbidden"
    assert stored(db, comment.id).status == "hidden"


def test_hiding_a_deleted_comment_is_a_conflict(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.delete(comment_url(comment), user=world["anna"])

    response = api.patch(comment_url(comment), user=world["moderator"], json={"hidden": True, "reason": "Geprüft."})

    assert error_of(response, 409)["code"] == "conflict"
    row = stored(db, comment.id)
    assert (row.status, row.moderation_reason) == ("deleted", None)


def test_restoring_a_visible_comment_is_a_conflict(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    response = api.patch(comment_url(comment), user=world["moderator"], json={"hidden": False})

    assert error_of(response, 409)["code"] == "conflict"
    assert stored(db, comment.id).status == "visible"


def test_author_cannot_edit_a_hidden_comment(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"], body="Original")
    api.patch(comment_url(comment), user=world["moderator"], json={"hidden": True, "reason": "Geprüft."})

    response = api.patch(comment_url(comment), user=world["anna"], json={"body": "Harmlos umgeschrieben"})

    assert error_of(response, 409)["code"] == "conflict"
    row = stored(db, comment.id)
    assert (row.status, row.body) == ("hidden", "Original")


def test_patch_without_token_is_unauthorized(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    assert error_of(api.patch(comment_url(comment), json={"body": "Anonym"}), 401)["code"] == "unauthorized"
    assert stored(db, comment.id).body == "Original"


# --- DELETE /api/v1/comments/{id} --------------------------------------------------------------------


def test_author_deletes_a_comment_which_keeps_its_place(api, db, world, create_comment):
    consultation = world["consultation"]
    comment = create_comment(consultation, world["anna"], body="Zurückgezogen")
    reply = create_comment(consultation, world["bert"], body="Antwort bleibt", parent=comment)

    response = api.delete(comment_url(comment), user=world["anna"])

    assert response.status_code == 200
    assert response.get_json()["status"] == "deleted"
    assert "Zurückgezogen" not in response.get_json()["body"]
    assert stored(db, comment.id).status == "deleted"
    assert comment_count(db, consultation) == 1
    listing = api.get(comments_url(consultation))
    [thread] = listing.get_json()["items"]
    assert (thread["id"], thread["status"]) == (comment.id, "deleted")
    assert [(r["id"], r["body"]) for r in thread["replies"]] == [(reply.id, "Antwort bleibt")]
    assert "Zurückgezogen" not in listing.get_data(as_text=True)


def test_second_delete_is_a_conflict(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])
    api.delete(comment_url(comment), user=world["anna"])

    response = api.delete(comment_url(comment), user=world["anna"])

    assert error_of(response, 409)["code"] == "conflict"
    assert comment_count(db, world["consultation"]) == 0  # decremented once only


@pytest.mark.parametrize("actor", ["bert", "moderator", "stranger"])
def test_others_cannot_delete_a_comment(api, db, world, create_comment, actor):
    comment = create_comment(world["consultation"], world["anna"], body="Original")

    response = api.delete(comment_url(comment), user=world[actor])

    assert error_of(response, 403)["code"] == "forbidden"
    row = stored(db, comment.id)
    assert (row.status, row.body) == ("visible", "Original")
    assert comment_count(db, world["consultation"]) == 1


def test_delete_without_token_is_unauthorized(api, db, world, create_comment):
    comment = create_comment(world["consultation"], world["anna"])

    assert error_of(api.delete(comment_url(comment)), 401)["code"] == "unauthorized"
    assert stored(db, comment.id).status == "visible"


# --- personal data -----------------------------------------------------------------------------------


def test_no_response_reveals_e_mail_addresses(api, world, create_comment):
    """Every response above is checked by the `api` fixture; here all readers see a busy thread at once."""
    consultation = world["consultation"]
    root = create_comment(consultation, world["anna"])
    create_comment(consultation, world["bert"], parent=root)
    create_comment(consultation, world["moderator"], body="Offiziell.", official=True)

    for viewer in (None, world["carla"], world["moderator"], world["admin"]):
        texts = [api.get(comments_url(consultation), user=viewer).get_data(as_text=True),
                 api.get(f"/api/v1/consultations/{consultation.id}", user=viewer).get_data(as_text=True)]
        for text in texts:
            assert "@" not in text
            assert '"email"' not in text
    written = api.post(comments_url(consultation), user=world["carla"], json={"body": "Meine Meinung."})
    assert written.status_code == 201
    assert "email" not in written.get_json()["author"]
