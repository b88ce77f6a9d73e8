"""The number of SQL queries of the consultation page and of the comments API does not grow with the comments,
also at ten times the comments and on the pages after a cursor (issue 14, goal 7)."""

import re
from datetime import timedelta

import pytest

from beteiligung.comments.models import Comment, CommentVote
from beteiligung.proposals import services as proposals
from beteiligung.proposals.models import Proposal
from beteiligung.timeutil import utcnow

MAX_QUERIES = 10


def _clear_caches():
    """Measure the uncached work: rendered discussions may be cached per revision of the consultation."""
    from beteiligung import extensions

    cache = getattr(extensions, "cache", None)
    if cache is not None:
        cache.clear()


def add_comments(db, consultation, authors, voters, n):
    """n comments inserted directly on a consultation (or a proposal): half top-level, a quarter replies, a quarter
    replies to replies; some votes."""
    now = utcnow()
    subject = {"proposal_id" if isinstance(consultation, Proposal) else "consultation_id": consultation.id}
    sections = getattr(consultation, "sections", None) or [None]
    roots = [Comment(**subject, author_id=authors[i % len(authors)].id, depth=0,
                     section_id=sections[i % len(sections)].id if i % 3 == 0 and sections[0] else None,
                     body=f"Beitrag {i}: mehr Bänke, mehr Bäume.", created_at=now - timedelta(minutes=n - i))
             for i in range(n - n // 2)]
    db.session.add_all(roots)
    db.session.flush()
    # Replies go to the newest threads, the ones on the first pages.
    parents = [roots[len(roots) - 1 - (i % 40) % len(roots)] for i in range(n // 4)]
    replies = [Comment(**subject, author_id=authors[(i + 1) % len(authors)].id, depth=1,
                       parent_id=parent.id, root_id=parent.id, section_id=parent.section_id,
                       body=f"Antwort {i}.", created_at=now - timedelta(seconds=n - i))
               for i, parent in enumerate(parents)]
    db.session.add_all(replies)
    db.session.flush()
    deeper = [Comment(**subject, author_id=authors[(i + 2) % len(authors)].id, depth=2,
                      parent_id=replies[i % len(replies)].id, root_id=replies[i % len(replies)].root_id,
                      section_id=replies[i % len(replies)].section_id,
                      body=f"Antwort auf Antwort {i}.", created_at=now - timedelta(seconds=n - i) / 2)
              for i in range(n // 2 - n // 4)]
    db.session.add_all(deeper)
    db.session.flush()
    everything = roots + replies + deeper
    votes = []
    for index, comment in enumerate(everything):
        for offset, voter in enumerate(voters):
            if (index + offset) % 3 == 0 and voter.id != comment.author_id:
                votes.append(CommentVote(comment_id=comment.id, user_id=voter.id, value=1 if offset % 2 else -1))
    db.session.add_all(votes)
    for comment in everything:
        mine = [v.value for v in votes if v.comment_id == comment.id]
        comment.upvotes, comment.downvotes = mine.count(1), mine.count(-1)
        comment.score = comment.upvotes - comment.downvotes
    # Some comments hidden or deleted, as on a real page.
    roots[-2].status, roots[-2].moderation_reason = "hidden", "Beleidigung."
    roots[-3].status, roots[-3].body = "deleted", ""
    consultation.comment_count = len(everything)
    db.session.commit()
    assert len(everything) == n
    return everything


@pytest.fixture
def discussions(db, create_region, create_consultation, create_user):
    """A small and a large discussion in the same region, and the people who wrote and voted."""
    region = create_region()
    authors = [create_user() for _ in range(4)]
    reader = create_user(pseudonym="Lesende Person")
    voters = authors[:2] + [reader]
    small = create_consultation(region, title="Kleine Diskussion")
    large = create_consultation(region, title="Große Diskussion")
    add_comments(db, small, authors, voters, 10)
    add_comments(db, large, authors, voters, 500)
    return {"small": small.id, "large": large.id, "reader": reader}


def measure(client, count_queries, path):
    _clear_caches()
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count, response


def test_consultation_page_queries_do_not_grow_with_comments_for_anonymous_readers(client, count_queries,
                                                                                    discussions):
    for query in ("", "?sort=top"):
        small, small_page = measure(client, count_queries, f"/beteiligungen/{discussions['small']}{query}")
        large, large_page = measure(client, count_queries, f"/beteiligungen/{discussions['large']}{query}")
        assert small == large, (query, small, large)
        assert large <= MAX_QUERIES, (query, large)
    # A later page of the large discussion costs the same as the first.
    later, _response = measure(client, count_queries, f"/beteiligungen/{discussions['large']}?page=7")
    assert later == large
    assert "Kleine Diskussion" in small_page.get_data(as_text=True)
    html = large_page.get_data(as_text=True)
    assert "Große Diskussion" in html
    assert "(500 Beiträge)" in html


def test_consultation_page_queries_do_not_grow_with_comments_for_logged_in_citizens(client, auth, count_queries,
                                                                                    discussions):
    auth.login(discussions["reader"])
    small, small_page = measure(client, count_queries, f"/beteiligungen/{discussions['small']}")
    large, large_page = measure(client, count_queries, f"/beteiligungen/{discussions['large']}")
    assert small == large, (small, large)
    assert large <= MAX_QUERIES + 1, large  # + 1: what became of the consultation ("Daraus wurde", measures)
    html = large_page.get_data(as_text=True)
    assert "Abmelden (Lesende Person)" in html
    assert 'aria-pressed="true"' in html  # the reader's own votes are shown
    assert html.count("<textarea") > 20  # reply forms for every visible comment of the page
    assert "Beitrag 249: mehr Bänke, mehr Bäume." in html
    assert "Kleine Diskussion" in small_page.get_data(as_text=True)


def test_comments_api_queries_do_not_grow_with_comments(client, count_queries, discussions):
    for query in ("", "?sort=top", "?per_page=100"):
        small, small_response = measure(client, count_queries,
                                        f"/api/v1/consultations/{discussions['small']}/comments{query}")
        large, large_response = measure(client, count_queries,
                                        f"/api/v1/consultations/{discussions['large']}/comments{query}")
        assert small == large, (query, small, large)
        assert large <= MAX_QUERIES, (query, large)
    assert small_response.get_json()["total"] == 5
    later, later_response = measure(client, count_queries,
                                    f"/api/v1/consultations/{discussions['large']}/comments?page=2")
    assert later == large
    body = later_response.get_json()
    assert (body["total"], body["page"], len(body["items"])) == (250, 2, 20)


def test_comments_api_returns_whole_threads(client, count_queries, discussions):
    count, response = measure(client, count_queries,
                              f"/api/v1/consultations/{discussions['large']}/comments?per_page=100")
    assert count <= MAX_QUERIES
    items = response.get_json()["items"]
    assert len(items) == 100
    newest = items[0]
    assert newest["body"] == "Beitrag 249: mehr Bänke, mehr Bäume."
    replies = [reply for item in items for reply in item["replies"]]
    deeper = [reply for reply in replies for reply in reply["replies"]]
    assert replies and deeper
    assert all(reply["parent_id"] in {item["id"] for item in items} for reply in replies)
    assert "@example.org" not in response.get_data(as_text=True)


# --- ten times the comments (issue 14, goal 7) ---------------------------------------------------------------------

@pytest.fixture
def tenfold(db, create_region, create_consultation, create_user):
    """Consultations and proposals with 100 and with 1,000 comments."""
    region = create_region()
    authors = [create_user() for _ in range(4)]
    voters = authors[:2] + [create_user(pseudonym="Lesende Person")]
    moderator = create_user(role="moderator", regions=[region])
    collection = proposals.create_collection(moderator, region, "Ideen für den Stadtpark", "Was fehlt?", (), False,
                                             True)
    subjects = {}
    for n in (100, 1000):
        consultation = create_consultation(region, title=f"Diskussion mit {n} Beiträgen")
        proposal = proposals.submit_proposal(authors[0], collection, f"Vorschlag mit {n} Beiträgen",
                                             "Ein Vorschlag, über den viel gesprochen wird.")
        db.session.commit()
        add_comments(db, consultation, authors, voters, n)
        add_comments(db, proposal, authors, voters, n)
        proposal.comment_count = n
        db.session.commit()
        subjects[n] = {"consultation": consultation.id, "proposal": proposal.id}
    return subjects


def page_paths(subjects):
    """The consultation page, the comments API, the proposal page and its comments API, each sorted both ways."""
    return [path for sort in ("newest", "top") for path in (
        f"/beteiligungen/{subjects['consultation']}?sort={sort}",
        f"/api/v1/consultations/{subjects['consultation']}/comments?sort={sort}",
        f"/vorschlaege/{subjects['proposal']}?sort={sort}",
        f"/api/v1/proposals/{subjects['proposal']}/comments?sort={sort}")]


def following(path, response):
    """The path of the next page: the API's "next", the page's link "Ältere/Weitere Beiträge"."""
    if "/api/" in path:
        return f"{path}&after={response.get_json()['next']}"
    link = re.search(r'<a href="([^"]+)" rel="next">', response.get_data(as_text=True))
    return link.group(1).replace("&amp;", "&").split("#")[0]


def test_queries_stay_the_same_at_ten_times_the_comments_also_after_a_cursor(client, count_queries, tenfold):
    for small_path, large_path in zip(page_paths(tenfold[100]), page_paths(tenfold[1000]), strict=True):
        small, small_response = measure(client, count_queries, small_path)
        large, large_response = measure(client, count_queries, large_path)
        assert small == large, (large_path, small, large)
        assert large <= MAX_QUERIES + 1, (large_path, large)  # + 1: the proposal page's supports
        # The pages after a cursor cost the same, two and three pages on.
        for _ in range(2):
            small_path, large_path = following(small_path, small_response), following(large_path, large_response)
            small_later, small_response = measure(client, count_queries, small_path)
            large_later, large_response = measure(client, count_queries, large_path)
            assert small_later == large_later == large, (large_path, small_later, large_later, large)
    body = client.get(f"/api/v1/consultations/{tenfold[1000]['consultation']}/comments").get_json()
    assert (body["total"], len(body["items"])) == (500, 20)
