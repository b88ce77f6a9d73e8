"""/konto/beteiligung: my comments, votes, ballots (poll titles only), problems, follows and notifications."""

import pytest

from beteiligung.accounts.participation_views import OVERVIEW_LIMIT, PER_PAGE, SECTIONS
from beteiligung.comments.models import CommentVote
from beteiligung.notifications.models import Follow, Notification
from beteiligung.polls.models import Problem
from beteiligung.testing.helpers import text_of, writes_during


@pytest.fixture
def activity(db, api, create_user, create_region, create_consultation, create_comment, create_poll):
    """``activity(user, n)``: n of each kind of participation for the user (and some of someone else)."""
    from beteiligung.proposals import services as proposals

    region = create_region(slug="soest", name="Soest")
    consultation = create_consultation(region=region, title="Radweg nach Werl")
    other = create_user(pseudonym="Jemand Anders")
    foreign = create_comment(consultation, other, body="Fremder Beitrag")
    moderator = create_user(role="moderator", regions=[region])
    collection = proposals.create_collection(moderator, region, "Ideen für Soest", published=True)
    db.session.commit()

    def make(user, n):
        for i in range(n):
            mine = proposals.submit_proposal(user, collection, f"Mein Vorschlag {user.id}-{i}",
                                             "Ein Vorschlag für Soest.")
            theirs = proposals.submit_proposal(other, collection, f"Fremder Vorschlag {user.id}-{i}",
                                               "Noch ein Vorschlag für Soest.")
            proposals.support(user, theirs)
            if i == 0:
                proposals.set_status(moderator, mine, "accepted", "Machen wir.")
                proposals.hide_proposal(moderator, theirs, "Beleidigend")
            comment = create_comment(consultation, user, body=f"Mein Beitrag Nummer {i}")
            db.session.add(CommentVote(comment_id=foreign.id if i == 0 else comment.id, user_id=user.id, value=1))
            poll = create_poll(region=region, title=f"Umfrage Nummer {i}",
                               questions=[{"type": "text", "text": "Was fehlt?", "required": True}])
            assert api.ballot(poll, user, {poll.questions[0]: f"Geheime Antwort {i}"}).status_code == 201
            problems = create_poll(region=region, kind="problem_definition", title=f"Probleme Nummer {i}")
            db.session.add(Problem(poll_id=problems.id, author_id=user.id, text=f"Mein Problem Nummer {i}",
                                   status="rejected" if i == 0 else "pending"))
            db.session.add(Follow(user_id=user.id, target_type="poll", target_id=poll.id))
            db.session.add(Notification(user_id=user.id, kind="comment.reply", params="{}",
                                        url=f"/beteiligungen/{consultation.id}", event_key=f"event-{user.id}-{i}"))
        db.session.commit()
        return consultation

    return make


def test_the_page_needs_a_login(client):
    assert client.get("/konto/beteiligung").status_code == 302
    assert client.get("/konto/beteiligung/beitraege").status_code == 302


def test_the_overview_lists_each_kind_with_links(client, auth, create_user, activity):
    user = create_user()
    consultation = activity(user, 1)
    auth.login(user)

    response = client.get("/konto/beteiligung")

    html = text_of(response)
    assert response.status_code == 200
    assert "Mein Beitrag Nummer 0" in html and "Radweg nach Werl" in html
    assert f'href="/beteiligungen/{consultation.id}#beitrag-' in html
    assert "Fremder Beitrag" in html  # the comment I voted on
    assert "Zustimmen" in html
    assert "Umfrage Nummer 0" in html
    assert "Geheime Antwort" not in html  # a ballot's answers are never shown
    assert "Mein Problem Nummer 0" in html and "abgelehnt" in html and "Probleme Nummer 0" in html
    assert "Dem folge ich" in html
    assert "Meine Benachrichtigungen" in html and "ungelesen" in html
    assert "mehr" not in html.split('id="teil-beitraege"')[1].split("</section>")[0]
    # What became of my proposal, and of the one I support (hidden since: no title, no link).
    mine = html.split('id="teil-vorschlaege"')[1].split("</section>")[0]
    assert f"Mein Vorschlag {user.id}-0" in mine and "angenommen" in mine and "Ideen für Soest" in mine
    assert 'href="/vorschlaege/' in mine
    supported = html.split('id="teil-unterstuetzt"')[1].split("</section>")[0]
    assert "Ein ausgeblendeter Vorschlag" in supported and "ausgeblendet" in supported
    assert f"Fremder Vorschlag {user.id}-0" not in html and "/vorschlaege/" not in supported


def test_the_overview_shows_nobody_elses_participation(client, auth, create_user, activity):
    user, other = create_user(), create_user()
    activity(other, 2)
    auth.login(user)

    html = text_of(client.get("/konto/beteiligung"))

    assert "Mein Beitrag Nummer" not in html and "Umfrage Nummer" not in html and "Mein Problem" not in html
    for _title, empty, _load in SECTIONS.values():
        assert str(empty) in html


def test_long_lists_get_a_more_link_and_pages(client, auth, create_user, activity):
    user = create_user()
    activity(user, OVERVIEW_LIMIT + 2)
    auth.login(user)

    overview = text_of(client.get("/konto/beteiligung"))
    first = text_of(client.get("/konto/beteiligung/beitraege"))

    assert overview.count('href="/konto/beteiligung/') == len(SECTIONS)  # a "mehr" link per section
    assert "alle 7 anzeigen" in overview
    assert f"Mein Beitrag Nummer {OVERVIEW_LIMIT + 1}" in overview  # newest first
    assert "Mein Beitrag Nummer 0" not in overview
    assert "Mein Beitrag Nummer 0" in first and "7 Einträge" in first


def test_a_section_is_paginated(client, auth, create_user, activity, monkeypatch):
    from beteiligung.accounts import participation_views

    monkeypatch.setattr(participation_views, "PER_PAGE", 3)
    user = create_user()
    activity(user, 7)
    auth.login(user)

    second = text_of(client.get("/konto/beteiligung/umfragen?page=2"))
    beyond = text_of(client.get("/konto/beteiligung/umfragen?page=99"))
    malformed = client.get("/konto/beteiligung/umfragen?page=abc")

    assert [f"Umfrage Nummer {i}" in second for i in range(7)] == [False, True, True, True, False, False, False]
    assert "Seite 2 von 3" in second and 'rel="next"' in second and 'rel="prev"' in second
    assert "Umfrage Nummer 0" in beyond and "Seite 3 von 3" in beyond  # the last page
    assert malformed.status_code == 200 and "Umfrage Nummer 6" in text_of(malformed)


def test_an_unknown_section_is_not_found(client, auth, create_user):
    auth.login(create_user())

    assert client.get("/konto/beteiligung/passwoerter").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_items(client, auth, create_user, activity, count_queries):
    few, many = create_user(), create_user()
    activity(few, 1)
    activity(many, OVERVIEW_LIMIT + 3)
    counts = {}
    for user in (few, many):
        auth.login(user)
        with count_queries() as counter:
            assert client.get("/konto/beteiligung").status_code == 200
        counts[user.id] = counter.count
        for key in SECTIONS:
            with count_queries() as counter:
                assert client.get(f"/konto/beteiligung/{key}").status_code == 200
            counts[(user.id, key)] = counter.count
        auth.logout()

    assert counts[few.id] == counts[many.id]
    assert all(counts[(few.id, key)] == counts[(many.id, key)] for key in SECTIONS)
    assert PER_PAGE > OVERVIEW_LIMIT + 3  # the section pages above held every item


def test_no_page_of_it_writes(app, db, client, auth, create_user, activity):
    user = create_user()
    activity(user, 2)
    auth.login(user)
    with writes_during(db) as writes:
        statuses = [client.get(url).status_code
                    for url in ["/konto/beteiligung", *(f"/konto/beteiligung/{key}" for key in SECTIONS)]]

    assert statuses == [200] * (len(SECTIONS) + 1)
    assert writes == []


def test_the_account_page_links_to_it(client, auth, create_user):
    auth.login(create_user())

    assert 'href="/konto/beteiligung"' in text_of(client.get("/konto/"))


def test_the_page_is_english_on_request(client, auth, create_user, activity):
    user = create_user()
    activity(user, 1)
    auth.login(user)

    html = text_of(client.get("/konto/beteiligung?lang=en"))

    assert '<html lang="en">' in html
    assert "My participation" in html and "My comments" in html and "Polls I took part in" in html
    assert "rejected" in html and "Meine Beiträge" not in html
