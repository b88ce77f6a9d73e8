"""A discussion's pages at constant cost (issue 14, goal 1): stored thread counts kept by the database, indexes
that match each sort, and cursors (?after=) that continue a list without counting or skipping what came before."""

import base64
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, insert, select, update

from beteiligung.accounts.services import remove_account
from beteiligung.comments import services as comments
from beteiligung.comments.cursors import ForeignCursor, MalformedCursor, read_cursor, write_cursor
from beteiligung.comments.models import Comment
from beteiligung.consultations.models import Consultation
from beteiligung.proposals import services as proposals
from beteiligung.proposals.models import Proposal
from beteiligung.testing.helpers import text_of
from beteiligung.timeutil import utcnow


@pytest.fixture
def collection_moderator(create_region, create_user):
    return create_user(role="moderator", regions=[create_region(slug="bochum", name="Bochum")])


@pytest.fixture
def proposal(db, create_user, collection_moderator):
    collection = proposals.create_collection(collection_moderator, collection_moderator.moderated_regions[0],
                                             "Ideen für den Stadtpark", "Was fehlt im Park?", ("Grün",), False, True,
                                             None, None)
    proposal = proposals.submit_proposal(create_user(pseudonym="Einreicherin"), collection, "Mehr Bänke am Teich",
                                         "Am Teich fehlen Bänke.")
    db.session.commit()
    return proposal


def stored_and_counted(db):
    """{(table, id): (thread_count, counted top-level comments)} of every consultation and proposal."""
    db.session.expire_all()
    result = {}
    for model, column in ((Consultation, Comment.consultation_id), (Proposal, Comment.proposal_id)):
        counted = (select(func.count(Comment.id)).where(column == model.id, Comment.root_id.is_(None))
                   .scalar_subquery())
        for subject_id, stored, actual in db.session.execute(select(model.id, model.thread_count, counted)):
            result[(model.__tablename__, subject_id)] = (stored, actual)
    return result


def add_threads(db, subject, author, n, start=None):
    """n top-level comments a minute apart (the newest last) with one reply each, inserted directly."""
    start = start or utcnow() - timedelta(days=1)
    column = "consultation_id" if isinstance(subject, Consultation) else "proposal_id"
    roots = [Comment(**{column: subject.id}, author_id=author.id, body=f"Faden {i}", score=i % 4,
                     created_at=start + timedelta(minutes=i)) for i in range(n)]
    db.session.add_all(roots)
    db.session.flush()
    db.session.add_all([Comment(**{column: subject.id}, author_id=author.id, body="Antwort", parent_id=root.id,
                                root_id=root.id, depth=1, created_at=root.created_at + timedelta(seconds=1))
                        for root in roots])
    db.session.commit()
    return roots


# --- the stored count -------------------------------------------------------------------------------------------

def test_stored_thread_counts_equal_the_counted_ones_after_every_kind_of_write(db, consultation, proposal, author,
                                                                                reader, create_user,
                                                                                create_consultation):
    other = create_consultation(consultation.region, title="Andere Beteiligung")
    moderator_here = create_user(role="moderator", regions=[consultation.region])
    first = comments.create_comment(author, consultation, "Erster Faden")
    comments.create_comment(reader, consultation, "Eine Antwort", parent=first)
    second = comments.create_comment(reader, consultation, "Zweiter Faden")
    on_proposal = comments.create_comment(reader, proposal, "Zum Vorschlag")
    comments.create_comment(author, proposal, "Antwort zum Vorschlag", parent=on_proposal)
    # Before the commit, the session already sees the count the database keeps.
    assert (consultation.thread_count, proposal.thread_count) == (2, 1)
    db.session.commit()
    assert stored_and_counted(db)[("consultations", consultation.id)] == (2, 2)
    # Hidden, restored and deleted comments keep their place: the count stays.
    comments.hide_comment(moderator_here, second, "Beleidigend.")
    comments.restore_comment(moderator_here, second)
    comments.hide_comment(moderator_here, second, "Doch beleidigend.")
    comments.delete_comment(author, first)
    db.session.commit()
    # An account deleted with its texts, and one without: the comments stay, their author goes.
    remove_account(db.session.get(type(reader), reader.id), delete_texts=True)
    remove_account(db.session.get(type(author), author.id))
    db.session.commit()
    writer = create_user()
    # Writers beside the services: bulk inserts, a move to another consultation, to another level, plain deletes.
    db.session.execute(insert(Comment), [{"consultation_id": other.id, "body": f"Import {i}", "author_id": writer.id,
                                          "created_at": utcnow()} for i in range(5)])
    moved = db.session.scalars(select(Comment).where(Comment.consultation_id == other.id).order_by(Comment.id)).all()
    db.session.execute(update(Comment).where(Comment.id == moved[0].id).values(consultation_id=consultation.id))
    db.session.execute(update(Comment).where(Comment.id == moved[1].id)
                       .values(root_id=moved[2].id, parent_id=moved[2].id, depth=1))
    db.session.execute(update(Comment).where(Comment.id == moved[3].id)
                       .values(consultation_id=None, proposal_id=proposal.id))
    db.session.execute(delete(Comment).where(Comment.id == moved[4].id))
    db.session.commit()
    counts = stored_and_counted(db)
    assert counts[("consultations", consultation.id)] == (3, 3)
    assert counts[("consultations", other.id)] == (1, 1)
    assert counts[("proposals", proposal.id)] == (2, 2)
    assert all(stored == actual for stored, actual in counts.values()), counts
    # Deleting a subject deletes its comments with it: the other subjects' counts stay exact.
    db.session.execute(delete(Consultation).where(Consultation.id == other.id))
    db.session.commit()
    counts = stored_and_counted(db)
    assert ("consultations", other.id) not in counts
    assert all(stored == actual for stored, actual in counts.values()), counts


def test_merging_a_proposal_leaves_the_discussions_and_their_counts(db, proposal, collection_moderator, create_user):
    citizen = create_user()
    duplicate = proposals.submit_proposal(citizen, proposal.collection, "Bänke am Teich",
                                          "Am Teich fehlen immer noch Bänke.")
    db.session.commit()
    comments.create_comment(citizen, duplicate, "Auf dem Duplikat")
    comments.create_comment(citizen, proposal, "Auf dem Original")
    proposals.merge_proposal(collection_moderator, duplicate, proposal)
    db.session.commit()
    counts = stored_and_counted(db)
    assert counts[("proposals", proposal.id)] == (1, 1)
    assert counts[("proposals", duplicate.id)] == (1, 1)


# --- cursors -------------------------------------------------------------------------------------------------------

def walk(api, url, per_page):
    """Every page of a list, following "next"; returns the pages' bodies."""
    pages = [api.get(f"{url}{'&' if '?' in url else '?'}per_page={per_page}").get_json()]
    while pages[-1]["next"] is not None:
        assert len(pages) < 50
        response = api.get(f"{url}{'&' if '?' in url else '?'}per_page={per_page}&after={pages[-1]['next']}")
        assert response.status_code == 200, response.get_json()
        pages.append(response.get_json())
    return pages


@pytest.mark.parametrize("sort", ["newest", "top"])
@pytest.mark.parametrize("subject_type", ["consultation", "proposal"])
def test_following_next_reads_every_thread_once_in_the_order_of_the_offset_pages(api, db, consultation, proposal,
                                                                                 author, sort, subject_type):
    subject = consultation if subject_type == "consultation" else proposal
    roots = add_threads(db, subject, author, 23)
    # Two threads at the same moment: the id decides between them, also across a page boundary.
    db.session.execute(update(Comment).where(Comment.id.in_([roots[4].id, roots[5].id]))
                       .values(created_at=roots[4].created_at, score=1))
    db.session.commit()
    url = f"/api/v1/{subject_type}s/{subject.id}/comments?sort={sort}"
    pages = walk(api, url, 5)
    assert [page["page"] for page in pages] == [1, 2, 3, 4, 5]
    assert all(page["total"] == 23 and page["per_page"] == 5 for page in pages)
    ids = [item["id"] for page in pages for item in page["items"]]
    by_offset = [item["id"] for number in range(1, 6)
                 for item in api.get(f"{url}&per_page=5&page={number}").get_json()["items"]]
    assert ids == by_offset
    assert sorted(ids) == sorted(root.id for root in roots)
    assert all(len(item["replies"]) == 1 for page in pages for item in page["items"])
    if sort == "newest":
        assert ids == [root.id for root in reversed(roots)]
    else:
        assert [next(r.score for r in roots if r.id == i) for i in ids] == sorted((r.score for r in roots),
                                                                                   reverse=True)
    # An offset page gives the cursor of the page after it too.
    third = api.get(f"{url}&per_page=5&page=3").get_json()
    assert api.get(f"{url}&per_page=5&after={third['next']}").get_json()["items"] == pages[3]["items"]


def test_a_cursor_continues_after_new_comments_arrived_without_repeating_any(api, db, consultation, author, reader):
    add_threads(db, consultation, author, 6)
    first = api.get(f"/api/v1/consultations/{consultation.id}/comments?per_page=3").get_json()
    comments.create_comment(reader, consultation, "Neu dazugekommen")
    db.session.commit()
    second = api.get(f"/api/v1/consultations/{consultation.id}/comments?per_page=3&after={first['next']}").get_json()
    assert second["total"] == 7
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}
    assert [item["body"] for item in second["items"]] == ["Faden 2", "Faden 1", "Faden 0"]
    assert second["next"] is None


def encode(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


MALFORMED = ["x", "!!!", "A" * 201, "é", encode({"page": 2}), encode(["c", 1, "n", 2, 0]),
             encode(["c", 1, "n", 2, 1.5, 3]), encode(["c", 1, "n", True, 0, 3]), encode(["c", 1, "n", 1, 0, 3]),
             encode(["c", 1, "n", 2, -1, 3]), encode(["c", 1, "t", 2, 0, 3]), encode(["c", 1, "n", 2, 0, 3, 4]),
             encode(["x", 1, "n", 2, 0, 3]), encode(["c", 1, "n", 2, 0, 10**30]), encode("text"), "bnVsbA"]


def test_malformed_cursors_are_refused_with_400_and_a_german_message(api, consultation):
    for raw in MALFORMED:
        response = api.get(f"/api/v1/consultations/{consultation.id}/comments", query_string={"after": raw})
        assert response.status_code == 400, raw
        error = response.get_json()["error"]
        assert error["code"] == "bad_request"
        assert "after" in error["message"] and list(error["fields"]) == ["after"]


def test_a_cursor_of_another_discussion_or_sort_is_refused_with_422(api, db, consultation, proposal, author,
                                                                    create_consultation):
    other = create_consultation(consultation.region, title="Andere")
    add_threads(db, other, author, 3)
    add_threads(db, proposal, author, 3)
    foreign = api.get(f"/api/v1/consultations/{other.id}/comments?per_page=1").get_json()["next"]
    of_proposal = api.get(f"/api/v1/proposals/{proposal.id}/comments?per_page=1").get_json()["next"]
    top = api.get(f"/api/v1/consultations/{other.id}/comments?per_page=1&sort=top").get_json()["next"]
    for url, cursor in ((f"/api/v1/consultations/{consultation.id}/comments", foreign),
                        (f"/api/v1/consultations/{proposal.id}/comments", of_proposal),
                        (f"/api/v1/consultations/{other.id}/comments", top),
                        (f"/api/v1/proposals/{proposal.id}/comments", foreign)):
        response = api.get(url, query_string={"after": cursor})
        assert response.status_code == 422, (url, cursor)
        assert response.get_json()["error"]["fields"]["after"]
    both = api.get(f"/api/v1/consultations/{other.id}/comments?page=2&after={foreign}")
    assert both.status_code == 422
    assert list(both.get_json()["error"]["fields"]) == ["after"]


def test_read_cursor_gives_back_what_write_cursor_wrote(consultation):
    root = Comment(id=41, created_at=utcnow().replace(microsecond=123456), score=-3)
    for sort in ("newest", "top"):
        raw = write_cursor("consultation", 7, sort, 3, root)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", raw) and len(raw) < 80
        cursor = read_cursor(raw, "consultation", 7, sort)
        assert (cursor.page, cursor.created_at, cursor.id) == (3, root.created_at, 41)
        assert cursor.score == (-3 if sort == "top" else None)
        with pytest.raises(ForeignCursor):
            read_cursor(raw, "proposal", 7, sort)
    with pytest.raises(MalformedCursor):
        read_cursor(None, "consultation", 7, "newest")


# --- the pages -----------------------------------------------------------------------------------------------------

def next_link(html):
    return re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")


def test_the_consultation_page_links_further_pages_by_cursor_and_caches_each(client, db, consultation, author,
                                                                            count_queries):
    add_threads(db, consultation, author, 45)
    first = text_of(client.get(f"/beteiligungen/{consultation.id}"))
    assert "Faden 44<" in first and "Faden 25<" in first and "Faden 24<" not in first and "Seite 1 von 3" in first
    link = next_link(first)
    assert "after=" in link and "Ältere Beiträge" in first
    second = text_of(client.get(link))
    assert "Faden 24<" in second and "Faden 5<" in second and "Faden 25<" not in second and "Faden 4<" not in second
    assert "Seite 2 von 3" in second
    third = text_of(client.get(next_link(second)))
    assert "Faden 4<" in third and "Faden 0<" in third and "Seite 3 von 3" in third and 'rel="next"' not in third
    # The cursor is part of the cached page's key: a cached second page is served as such, not the first.
    with count_queries() as cached:
        again = text_of(client.get(link))
    assert again == second and cached.count <= 1


def test_a_refused_cursor_shows_the_first_page_with_a_notice(client, db, consultation, author):
    add_threads(db, consultation, author, 3)
    for raw in ("kaputt", encode(["c", consultation.id + 1, "n", 2, 0, 3])):
        response = client.get(f"/beteiligungen/{consultation.id}", query_string={"after": raw})
        assert response.status_code == 200
        html = text_of(response)
        assert "Faden 2<" in html and "Faden 0<" in html
        assert "Der Link zu einer späteren Seite passt nicht mehr zu dieser Diskussion." in html


def test_the_proposal_page_links_further_pages_by_cursor(client, db, proposal, author):
    add_threads(db, proposal, author, 25)
    first = text_of(client.get(f"/vorschlaege/{proposal.id}"))
    assert "Faden 24<" in first and "Faden 5<" in first and "Faden 4<" not in first
    second = text_of(client.get(next_link(first)))
    assert "Faden 4<" in second and "Faden 0<" in second and "Faden 24<" not in second
    assert "Seite 2 von 2" in second


# --- the cache never serves a discussion older than the last acknowledged write (goal 5) ----------------------------

def test_after_each_write_the_next_anonymous_read_shows_it_with_the_cache_on(app, api, client, db, consultation,
                                                                             author, reader, create_user):
    assert app.config["CACHE_TYPE"] != "NullCache"
    moderator = create_user(role="moderator", regions=[consultation.region])
    page_url = f"/beteiligungen/{consultation.id}"
    api_url = f"/api/v1/consultations/{consultation.id}/comments"
    first = add_threads(db, consultation, author, 25)[0]  # the oldest: on the second page
    consultation.revision += 1  # the direct inserts above are not writes of the app: make the cache forget them
    db.session.commit()

    def reads():
        """The page, the API's first page and, through their cursors, their second pages, as anonymous reads."""
        page = text_of(client.get(page_url))
        data = api.get(api_url).get_json()
        later_page = text_of(client.get(next_link(page)))
        later_data = api.get(f"{api_url}?after={data['next']}").get_json()
        return page + later_page, data["items"] + later_data["items"]

    reads()  # everything cached
    created = api.post(api_url, user=reader, json={"body": "Ganz neu und sofort sichtbar."})
    assert created.status_code == 201
    html, items = reads()
    assert "Ganz neu und sofort sichtbar." in html and items[0]["body"] == "Ganz neu und sofort sichtbar."
    assert api.post(f"/api/v1/comments/{first.id}/votes", user=reader, json={"value": 1}).status_code == 200
    html, items = reads()
    assert [item["upvotes"] for item in items if item["id"] == first.id] == [1]
    assert f'id="beitrag-{first.id}"' in html
    assert re.search(rf'id="beitrag-{first.id}".*?1 Zustimmungen?', html, re.S)
    hidden = api.patch(f"/api/v1/comments/{first.id}", user=moderator, json={"hidden": True, "reason": "Werbung."})
    assert hidden.status_code == 200
    html, items = reads()
    assert [item["status"] for item in items if item["id"] == first.id] == ["hidden"]
    assert "Begründung: Werbung." in html


# --- the plans: no sort over every thread ---------------------------------------------------------------------------

@pytest.mark.parametrize("sort", ["newest", "top"])
@pytest.mark.parametrize("subject_type", ["consultation", "proposal"])
def test_a_page_and_a_cursor_page_are_read_from_the_index_of_their_sort(db, consultation, proposal, author, sort,
                                                                        subject_type):
    subject = consultation if subject_type == "consultation" else proposal
    add_threads(db, subject, author, 12)
    cursor = read_cursor(comments.list_threads(subject, sort, per_page=5).next, subject_type, subject.id, sort)
    index = f"ix_comments_{subject_type}_threads_{sort}"
    connection = db.session.connection()
    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:  # a few rows: make the planner show whether an ordered index path exists at all
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    seen = []

    def remember(conn, cursor_, statement, parameters, context, executemany):
        if "root_id IS NULL" in statement and "LIMIT" in statement.upper():
            seen.append((statement, parameters))

    for after in (None, cursor):
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            comments.list_threads(subject, sort, per_page=5, after=after)
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        ((statement, parameters),) = seen
        explain = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
        plan = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(explain + statement, parameters))
        assert index in plan, plan
        assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    db.session.rollback()


def test_the_replies_of_a_page_are_read_through_the_root_index(db, consultation, author):
    add_threads(db, consultation, author, 3)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL's choice depends on its statistics")
    plan = " ".join(str(row[-1]) for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT id FROM comments WHERE root_id IN (1, 2, 3) ORDER BY created_at, id"))
    assert "ix_comments_root_id" in plan, plan
