"""Proposal collections (issue 12, points 4–6): submitting, supporting, moderation, lists, pages, privacy."""

from datetime import timedelta

import pytest
from proposal_fixtures import collection, make_collection, moderator, neighbour, region  # noqa: F401
from sqlalchemy import event, select

from beteiligung.errors import Conflict, Invalid, NotAllowed, NotFound, Unauthorized
from beteiligung.notifications.models import NotificationEvent
from beteiligung.processes import services as processes
from beteiligung.proposals import services
from beteiligung.proposals.models import Proposal, ProposalSupport
from beteiligung.testing.helpers import audit_entries, count_rows, fresh, text_of
from beteiligung.timeutil import utcnow

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT")


@pytest.fixture
def unconfirmed(db, create_user):
    user = create_user(pseudonym="Neu Nora")
    user.email_confirmed_at = None
    db.session.commit()
    return user


@pytest.fixture
def make_proposal(db, citizen, collection):
    def make(title="Mehr Bänke am Teich", author=None, target=None, category=None, body="Am Teich fehlen Bänke."):
        proposal = services.submit_proposal(author or citizen, target or collection, title, body, category)
        db.session.commit()
        return proposal

    return make


def supporters(db, proposal):
    db.session.expire_all()
    return sorted(db.session.scalars(select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == proposal.id)))


# --- collections ----------------------------------------------------------------------------------

def test_a_moderator_creates_a_collection_with_categories_and_an_audit_entry(db, collection, moderator):
    assert collection.categories == ["Grün", "Verkehr"]
    assert collection.description_html == "<p>Was <strong>fehlt</strong> im Park?</p>\n"
    assert str(collection.status) == "open"
    [entry] = audit_entries(db, "proposal_collection.created")
    assert entry.actor_id == moderator.id and entry.details == {"title": "Ideen für den Stadtpark"}


def test_collections_are_refused_to_citizens_and_other_regions_moderators(db, region, citizen, stranger):
    with pytest.raises(NotAllowed):
        services.create_collection(citizen, region, "Ideen für den Park")
    with pytest.raises(NotAllowed):
        services.create_collection(stranger, region, "Ideen für den Park")
    with pytest.raises(Unauthorized):
        services.create_collection(None, region, "Ideen für den Park")
    assert audit_entries(db, "proposal_collection.created") == []


def test_collection_validation_names_the_fields(db, region, moderator):
    with pytest.raises(Invalid) as error:
        services.create_collection(moderator, region, "x", "d" * 20_001, ["k" * 81],
                                   opens_at=utcnow(), closes_at=utcnow() - timedelta(days=1))
    assert set(error.value.fields) == {"title", "description", "categories", "closes_at"}


def test_a_collection_in_a_phase_follows_the_phase_dates_and_shows_on_the_process_page(
        db, client, collection, moderator, region, make_proposal):
    make_proposal()
    process = processes.create_process(moderator, region, "Parkentwicklung", "", "", published=True)
    starts, ends = utcnow() - timedelta(days=1), utcnow() + timedelta(days=10)
    phase = processes.add_phase(moderator, process, "Ideen sammeln", "", starts, ends)
    processes.attach_instrument(moderator, phase, "proposal_collection", collection.id)
    db.session.commit()
    stored = fresh(db, type(collection), collection.id)
    assert (stored.opens_at, stored.closes_at) == (phase.starts_at, phase.ends_at)
    page = client.get(f"/prozesse/{process.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Ideen für den Stadtpark" in text and "Vorschlagssammlung" in text and "1 Vorschlag" in text
    assert f'href="/vorschlagssammlungen/{collection.id}"' in page.get_data(as_text=True)


def test_a_draft_collection_is_hidden_from_the_public_and_from_the_timeline(db, client, make_collection, citizen,
                                                                            moderator):
    draft = make_collection(published=False)
    with pytest.raises(NotFound):
        services.get_collection(citizen, draft.id)
    assert services.get_collection(moderator, draft.id) is draft
    assert client.get(f"/vorschlagssammlungen/{draft.id}").status_code == 404


# --- submitting -----------------------------------------------------------------------------------

def test_a_confirmed_citizen_submits_a_proposal_rendered_safely(db, collection, citizen):
    proposal = services.submit_proposal(citizen, collection, "  Mehr   Bänke ", "Bitte **mehr** Bänke "
                                        "<script>alert(1)</script>", "Grün", "Am Teich")
    db.session.commit()
    assert (proposal.title, proposal.category, proposal.place, proposal.state, proposal.status) == (
        "Mehr Bänke", "Grün", "Am Teich", "published", "submitted")
    assert "<strong>mehr</strong>" in proposal.body_html and "<script>" not in proposal.body_html


@pytest.mark.parametrize("kwargs, field", [
    ({"title": "ab"}, "title"), ({"title": "t" * 201}, "title"), ({"body": "kurz"}, "body"),
    ({"body": "b" * 10_001}, "body"), ({"category": "Sport"}, "category"), ({"place": "p" * 201}, "place")])
def test_malformed_proposals_are_refused_with_the_field(db, collection, citizen, kwargs, field):
    values = {"title": "Mehr Bänke", "body": "Am Teich fehlen Bänke.", "category": None, "place": None, **kwargs}
    with pytest.raises(Invalid) as error:
        services.submit_proposal(citizen, collection, **values)
    assert list(error.value.fields) == [field]
    assert count_rows(db, Proposal) == 0


def test_submitting_is_refused_to_anonymous_unconfirmed_and_in_a_closed_collection(db, make_collection, citizen,
                                                                                    unconfirmed):
    open_one = make_collection()
    closed = make_collection(title="Alte Sammlung", opens_at=utcnow() - timedelta(days=5),
                             closes_at=utcnow() - timedelta(days=1))
    upcoming = make_collection(title="Bald offen", opens_at=utcnow() + timedelta(days=1))
    with pytest.raises(Unauthorized):
        services.submit_proposal(None, open_one, "Mehr Bänke", "Am Teich fehlen Bänke.")
    with pytest.raises(NotAllowed):
        services.submit_proposal(unconfirmed, open_one, "Mehr Bänke", "Am Teich fehlen Bänke.")
    for target in (closed, upcoming):
        with pytest.raises(Conflict):
            services.submit_proposal(citizen, target, "Mehr Bänke", "Am Teich fehlen Bänke.")
    assert count_rows(db, Proposal) == 0


def test_a_region_may_open_proposals_to_unconfirmed_accounts(db, collection, unconfirmed):
    collection.region.unconfirmed_may = "proposal"
    db.session.commit()
    assert services.submit_proposal(unconfirmed, collection, "Mehr Bänke", "Am Teich fehlen Bänke.").id


def test_pre_moderated_proposals_wait_hidden_from_the_public_until_released(db, client, auth, make_collection,
                                                                            citizen, neighbour, moderator):
    collection = make_collection(premoderated=True)
    proposal = services.submit_proposal(citizen, collection, "Mehr Bänke", "Am Teich fehlen Bänke.")
    db.session.commit()
    assert proposal.state == "pending"
    assert db.session.scalar(select(NotificationEvent.key).where(
        NotificationEvent.key == f"proposal_submitted:{proposal.id}")) is not None
    for viewer in (None, neighbour):
        with pytest.raises(NotFound):
            services.get_proposal(viewer, proposal.id)
        assert services.list_proposals(viewer, collection, 1, 20).total == 0
    assert services.get_proposal(citizen, proposal.id) is proposal  # the author sees it waiting
    assert services.published_counts([collection.id]) == {}
    assert client.get(f"/vorschlaege/{proposal.id}").status_code == 404
    assert "Mehr Bänke" not in text_of(client.get(f"/vorschlagssammlungen/{collection.id}"))
    with pytest.raises(NotFound):
        services.support(neighbour, proposal)
    with pytest.raises(Conflict):
        services.support(citizen, proposal)  # the author sees it, but it is not out yet

    services.publish_proposal(moderator, proposal)
    db.session.commit()
    assert services.list_proposals(None, collection, 1, 20).items == [proposal]
    assert [e.details for e in audit_entries(db, "proposal.published")] == [{"title": "Mehr Bänke"}]


# --- supports -------------------------------------------------------------------------------------

def test_support_once_and_withdraw_keeps_the_count_in_step(db, make_proposal, neighbour, citizen):
    proposal = make_proposal()
    services.support(neighbour, proposal)
    services.support(citizen, proposal)
    db.session.commit()
    assert fresh(db, Proposal, proposal.id).support_count == 2
    with pytest.raises(Conflict):
        services.support(neighbour, fresh(db, Proposal, proposal.id))
    assert fresh(db, Proposal, proposal.id).support_count == 2
    services.withdraw(neighbour, fresh(db, Proposal, proposal.id))
    db.session.commit()
    assert fresh(db, Proposal, proposal.id).support_count == 1
    assert supporters(db, proposal) == [citizen.id]
    with pytest.raises(Conflict):
        services.withdraw(neighbour, fresh(db, Proposal, proposal.id))


def test_supporting_is_refused_to_anonymous_unconfirmed_and_in_a_closed_collection(db, make_proposal, unconfirmed,
                                                                                    neighbour, collection):
    proposal = make_proposal()
    with pytest.raises(Unauthorized):
        services.support(None, proposal)
    with pytest.raises(NotAllowed):
        services.support(unconfirmed, proposal)
    collection.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict):
        services.support(neighbour, proposal)
    assert fresh(db, Proposal, proposal.id).support_count == 0


def test_an_account_deletion_takes_its_supports_and_lowers_the_count(db, make_proposal, neighbour, citizen):
    from beteiligung.accounts.services import remove_account

    proposal = make_proposal()
    services.support(neighbour, proposal)
    db.session.commit()
    remove_account(neighbour)
    db.session.commit()
    assert fresh(db, Proposal, proposal.id).support_count == 0
    remove_account(fresh(db, type(citizen), citizen.id), delete_texts=True)
    db.session.commit()
    stored = fresh(db, Proposal, proposal.id)
    assert (stored.author_id, stored.body, stored.title) == (None, "", "Gelöschter Vorschlag")


def test_the_export_holds_proposals_and_supports(db, make_proposal, citizen, neighbour):
    from beteiligung.accounts.services import export_data

    proposal = make_proposal()
    services.support(neighbour, proposal)
    db.session.commit()
    mine = export_data(citizen)
    assert [(p["title"], p["state"]) for p in mine["proposals"]] == [("Mehr Bänke am Teich", "published")]
    theirs = export_data(neighbour)
    assert [s["proposal_id"] for s in theirs["proposal_supports"]] == [proposal.id]
    assert "proposals" in theirs["about"] and "proposal_supports" in theirs["about"]


# --- moderation -----------------------------------------------------------------------------------

def test_hidden_proposals_leak_through_no_list_count_or_page(db, client, make_proposal, moderator, neighbour):
    visible = make_proposal("Sichtbarer Vorschlag")
    hidden = make_proposal("Geheimer Vorschlag")
    services.support(neighbour, hidden)
    with pytest.raises(Invalid):
        services.hide_proposal(moderator, hidden, "x")
    services.hide_proposal(moderator, hidden, "Beleidigend")
    db.session.commit()
    collection = hidden.collection
    for sort in services.SORTS:
        assert [p.id for p in services.list_proposals(None, collection, 1, 20, sort=sort).items] == [visible.id]
    assert services.published_counts([collection.id]) == {collection.id: 1}
    with pytest.raises(NotFound):
        services.get_proposal(neighbour, hidden.id)
    assert client.get(f"/vorschlaege/{hidden.id}").status_code == 404
    assert "Geheimer" not in text_of(client.get(f"/vorschlagssammlungen/{collection.id}"))
    assert "Geheimer" not in text_of(client.get(f"/regionen/{collection.region.slug}/vorschlagssammlungen"))
    [entry] = audit_entries(db, "proposal.hidden")
    assert entry.details["reason"] == "Beleidigend"
    assert services.list_proposals(moderator, collection, 1, 20, state="hidden").items == [hidden]
    assert services.list_proposals(neighbour, collection, 1, 20, state="hidden").items == [visible]


def test_merging_carries_supports_over_counting_a_supporter_of_both_once(db, make_proposal, moderator, create_user):
    original, duplicate = make_proposal("Mehr Bänke am Teich"), make_proposal("Bänke am Teich bitte")
    both, only_dup, only_orig = create_user(), create_user(), create_user()
    for user in (both, only_orig):
        services.support(user, original)
    for user in (both, only_dup):
        services.support(user, duplicate)
    db.session.commit()
    services.merge_proposal(moderator, fresh(db, Proposal, duplicate.id), fresh(db, Proposal, original.id))
    db.session.commit()
    merged, kept = fresh(db, Proposal, duplicate.id), fresh(db, Proposal, original.id)
    assert (kept.support_count, merged.support_count, merged.state, merged.merged_into_id) == (
        3, 0, "merged", original.id)
    assert supporters(db, original) == sorted([both.id, only_dup.id, only_orig.id])
    assert supporters(db, duplicate) == []
    assert services.list_proposals(None, original.collection, 1, 20).items == [kept]
    assert audit_entries(db, "proposal.merged")[0].details["merged_into"] == "Mehr Bänke am Teich"
    with pytest.raises(Conflict):
        services.merge_proposal(moderator, merged, kept)
    with pytest.raises(Invalid):
        services.merge_proposal(moderator, kept, kept)


def test_merging_across_collections_or_by_others_is_refused(db, make_proposal, make_collection, moderator, stranger,
                                                            citizen):
    first = make_proposal()
    elsewhere = make_proposal(target=make_collection(title="Andere Sammlung"))
    with pytest.raises(Invalid):
        services.merge_proposal(moderator, first, elsewhere)
    with pytest.raises(NotAllowed):
        services.merge_proposal(stranger, first, elsewhere)
    with pytest.raises(NotAllowed):
        services.hide_proposal(citizen, first, "Beleidigend")


def test_status_with_answer_notifies_author_and_supporters_and_rejection_needs_a_reason(
        db, make_proposal, moderator, neighbour, stranger, citizen, monkeypatch):
    from beteiligung.notifications import services as notifications

    sent = []
    monkeypatch.setattr(notifications, "emit", lambda kind, recipients, params, url, key, actor=None, exclude=(): (
        sent.append((kind, recipients, params)), True)[1])
    proposal = make_proposal()
    services.support(neighbour, proposal)
    with pytest.raises(Invalid) as error:
        services.set_status(moderator, proposal, "rejected", "  ")
    assert list(error.value.fields) == ["answer"]
    with pytest.raises(Invalid):
        services.set_status(moderator, proposal, "vielleicht")
    with pytest.raises(NotAllowed):
        services.set_status(stranger, proposal, "accepted")
    with pytest.raises(NotAllowed):
        services.set_status(citizen, proposal, "accepted")
    services.set_status(moderator, proposal, "rejected", "Dafür ist der **Kreis** zuständig.")
    db.session.commit()
    stored = fresh(db, Proposal, proposal.id)
    assert (stored.status, stored.answer_html) == (
        "rejected", "<p>Dafür ist der <strong>Kreis</strong> zuständig.</p>\n")
    assert sent == [("proposal_status", sorted([citizen.id, neighbour.id]),
                     {"title": "Mehr Bänke am Teich", "status": "abgelehnt"})]
    assert audit_entries(db, "proposal.status")[0].details == {"title": "Mehr Bänke am Teich", "status": "rejected",
                                                               "previous": "submitted"}


def test_audit_sentences_read_for_every_proposal_action(db, make_proposal, moderator, client, auth):
    from beteiligung.audit.sentences import describe, load_targets

    proposal, other = make_proposal(), make_proposal("Zweiter Vorschlag")
    services.set_status(moderator, proposal, "in_review")
    services.hide_proposal(moderator, other, "Werbung")
    services.publish_proposal(moderator, other)
    services.merge_proposal(moderator, other, proposal)
    db.session.commit()
    from beteiligung.audit.models import AuditEntry

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    targets = load_targets(entries)
    sentences = [describe(entry, targets) for entry in entries]
    assert sentences[1:] == [
        "Moderation Bochum hat dem Vorschlag „Mehr Bänke am Teich“ den Status „in Prüfung“ gegeben.",
        "Moderation Bochum hat den Vorschlag „Zweiter Vorschlag“ ausgeblendet: Werbung",
        "Moderation Bochum hat den Vorschlag „Zweiter Vorschlag“ wieder sichtbar gemacht.",
        "Moderation Bochum hat den Vorschlag „Zweiter Vorschlag“ mit „Mehr Bänke am Teich“ zusammengeführt."]


# --- lists ----------------------------------------------------------------------------------------

def test_lists_sort_and_filter(db, make_proposal, create_user, collection):
    first = make_proposal("Erster Vorschlag", category="Grün")
    second = make_proposal("Zweiter Vorschlag", category="Verkehr")
    third = make_proposal("Dritter Vorschlag")
    for user in (create_user(), create_user()):
        services.support(user, second)
    services.support(create_user(), third)
    db.session.commit()

    def ids(**filters):
        return [p.id for p in services.list_proposals(None, collection, 1, 20, **filters).items]

    assert ids() == [third.id, second.id, first.id]
    assert ids(sort="supported") == [second.id, third.id, first.id]
    assert ids(category="Grün") == [first.id]
    assert ids(status="accepted") == []
    assert ids(status="submitted") == [third.id, second.id, first.id]
    assert sorted(ids(sort="random", seed=7)) == sorted([first.id, second.id, third.id])
    assert ids(sort="random", seed=7) == ids(sort="random", seed=7)
    orders = {tuple(ids(sort="random", seed=seed)) for seed in range(40)}
    assert len(orders) > 1  # another visitor, another order


@pytest.mark.parametrize("seed", [0, 7, 2**20 - 1, 2**40])
def test_the_random_order_is_no_evenly_spaced_run_of_submissions(db, seed):
    """A linear key (a·id + b mod p) orders the ids so that neighbours differ by at most three distinct steps
    (three-gap theorem): the first page would be proposals evenly spread over the submission order."""
    from itertools import pairwise

    from sqlalchemy import literal, union_all

    count = 400
    numbers = union_all(*(select(literal(n).label("n")) for n in range(1, count + 1))).subquery()
    order = db.session.scalars(select(numbers.c.n).order_by(services.random_key(numbers.c.n, seed),
                                                            numbers.c.n)).all()
    assert sorted(order) == list(range(1, count + 1))
    steps = {later - earlier for earlier, later in pairwise(order)}
    assert len(steps) > 50
    assert abs(sum(order[:20]) / 20 - (count + 1) / 2) < count / 3  # the first page is no run from one end


def test_the_random_order_is_stable_per_visitor_by_a_cookie_and_a_get_writes_nothing(db, client, make_proposal,
                                                                                      collection):
    for number in range(8):
        make_proposal(f"Vorschlag Nummer {number}")
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        first = client.get(f"/vorschlagssammlungen/{collection.id}?sort=random")
        again = client.get(f"/vorschlagssammlungen/{collection.id}?sort=random")
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert first.status_code == again.status_code == 200
    assert "vorschlaege_reihenfolge=" in first.headers.get("Set-Cookie", "")
    assert "Set-Cookie" not in again.headers or "vorschlaege_reihenfolge" not in again.headers["Set-Cookie"]

    def order(response):
        html = response.get_data(as_text=True)
        return [html.index(f"Vorschlag Nummer {n}") for n in range(8)]

    assert order(first) == order(again)
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def test_a_list_page_costs_the_same_queries_for_3_and_30_proposals(db, client, auth, make_proposal, collection,
                                                                   create_user, count_queries, neighbour):
    auth.login(neighbour)

    def queries():
        with count_queries() as counter:
            response = client.get(f"/vorschlagssammlungen/{collection.id}?sort=supported")
        assert response.status_code == 200
        return counter.count

    for number in range(3):
        services.support(neighbour, make_proposal(f"Vorschlag {number}", author=create_user()))
    db.session.commit()
    few = queries()
    for number in range(3, 30):
        services.support(neighbour, make_proposal(f"Vorschlag {number}", author=create_user()))
    db.session.commit()
    assert queries() == few


# --- pages ----------------------------------------------------------------------------------------

def test_pages_submit_support_withdraw_with_303_and_flash(db, client, auth, collection, citizen, neighbour):
    page = client.get(f"/vorschlagssammlungen/{collection.id}")
    assert page.status_code == 200 and "melden Sie sich an" in text_of(page)
    auth.login(citizen)
    page = client.get(f"/vorschlagssammlungen/{collection.id}")
    assert '<label for="title">' in page.get_data(as_text=True)
    response = client.post(f"/vorschlagssammlungen/{collection.id}/vorschlaege",
                           data={"title": "Trinkbrunnen", "body": "Ein Trinkbrunnen am Spielplatz.",
                                 "category": "Grün", "place": "Spielplatz"})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"].endswith(f"/vorschlaege/{proposal.id}")
    assert "Ihr Vorschlag ist veröffentlicht" in text_of(client.get(response.headers["Location"]))
    auth.logout()
    auth.login(neighbour)
    response = client.post(f"/vorschlaege/{proposal.id}/unterstuetzen")
    assert response.status_code == 303
    page = client.get(f"/vorschlaege/{proposal.id}")
    assert "1 Person unterstützt diesen Vorschlag." in text_of(page) and "Unterstützung zurücknehmen" in text_of(page)
    assert client.post(f"/vorschlaege/{proposal.id}/zuruecknehmen").status_code == 303
    assert fresh(db, Proposal, proposal.id).support_count == 0


def test_page_refusals(db, client, auth, collection, make_proposal, unconfirmed, stranger, citizen):
    proposal = make_proposal()
    assert client.post(f"/vorschlaege/{proposal.id}/unterstuetzen").status_code == 302  # to the login page
    auth.login(unconfirmed)
    page = client.get(f"/vorschlagssammlungen/{collection.id}")
    assert "bestätigen Sie zuerst Ihre E-Mail-Adresse" in text_of(page)
    assert client.post(f"/vorschlaege/{proposal.id}/unterstuetzen").status_code == 403
    response = client.post(f"/vorschlagssammlungen/{collection.id}/vorschlaege",
                           data={"title": "Trinkbrunnen", "body": "Ein Trinkbrunnen am Spielplatz."})
    assert response.status_code == 403
    auth.logout()
    auth.login(citizen)
    response = client.post(f"/vorschlagssammlungen/{collection.id}/vorschlaege", data={"title": "T", "body": ""})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.get(f"/vorschlagssammlungen/{collection.id}/moderation").status_code == 403
    assert client.post(f"/vorschlaege/{proposal.id}/ausblenden", data={"hide-reason": "Spam spam"}).status_code == 403
    auth.logout()
    auth.login(stranger)
    assert client.post(f"/vorschlaege/{proposal.id}/status", data={"status-status": "accepted"}).status_code == 403
    assert client.get(f"/regionen/{collection.region.slug}/vorschlagssammlungen/neu").status_code == 403
    assert fresh(db, Proposal, proposal.id).status == "submitted"


def test_moderator_pages(db, client, auth, region, moderator, make_collection, citizen):
    auth.login(moderator)
    response = client.post(f"/regionen/{region.slug}/vorschlagssammlungen/neu", data={
        "title": "Radwege", "description": "Wo fehlt ein Radweg?", "categories": "Innenstadt\nVororte",
        "premoderated": "y", "published": "y"})
    assert response.status_code == 303
    collection = services.collection_query(moderator, region).limit(1)
    collection = db.session.scalars(collection).one()
    assert collection.categories == ["Innenstadt", "Vororte"] and collection.premoderated
    proposal = services.submit_proposal(citizen, collection, "Radweg Hauptstraße", "Auf der Hauptstraße fehlt er.")
    db.session.commit()
    page = client.get(f"/vorschlagssammlungen/{collection.id}/moderation")
    assert page.status_code == 200 and "Radweg Hauptstraße" in text_of(page)
    assert client.post(f"/vorschlaege/{proposal.id}/freigeben").status_code == 303
    response = client.post(f"/vorschlaege/{proposal.id}/status",
                           data={"status-status": "accepted", "status-answer": "Wird gebaut."})
    assert response.status_code == 303
    page = client.get(f"/vorschlaege/{proposal.id}")
    assert "Status: angenommen" in text_of(page) and "Wird gebaut." in text_of(page)
    response = client.post(f"/vorschlaege/{proposal.id}/status", data={"status-status": "rejected"},
                           headers={"Referer": f"/vorschlaege/{proposal.id}"})
    assert response.status_code == 303
    assert fresh(db, Proposal, proposal.id).status == "accepted"
    assert client.get(f"/vorschlagssammlungen/{collection.id}/bearbeiten").status_code == 200
    assert client.post(f"/vorschlaege/{proposal.id}/ausblenden", data={"hide-reason": "Doppelt gemeldet"}
                       ).status_code == 303
    assert fresh(db, Proposal, proposal.id).state == "hidden"


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator"])
def test_no_proposal_page_writes_on_get_and_none_fails(db, client, auth, app, make_proposal, collection, moderator,
                                                       citizen, role):
    proposal = make_proposal()
    if role != "anonymous":
        auth.login(moderator if role == "moderator" else citizen)
    adapter = app.url_map.bind("localhost")
    values = {"collection_id": collection.id, "proposal_id": proposal.id, "region_slug": collection.region.slug,
              "name": "kein-bild.png"}
    urls = [adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("proposals.") and "GET" in rule.methods]
    urls += [f"/api/v1/proposals?collection={collection.id}&sort=random", f"/api/v1/proposals/{proposal.id}"]
    assert len(urls) >= 8
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        statuses = {url: client.get(url).status_code for url in urls}
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    expected_moderation = 200 if role == "moderator" else 403 if role == "citizen" else 302
    for url, status in statuses.items():
        if url.endswith(("/moderation", "/bearbeiten", "/neu")):
            assert status == expected_moderation, url
        elif "/bild/" in url:
            assert status == 404, url  # the proposal has no image
        else:
            assert status == 200, url


def test_the_moderators_proposal_page_offers_the_other_proposals_to_merge_with(client, auth, db, moderator,
                                                                               make_proposal):
    proposal = make_proposal(title="Mehr Bänke am Teich")
    make_proposal(title="Sitzbänke am Teich")
    auth.login(moderator)
    response = client.get(f"/vorschlaege/{proposal.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'action="/vorschlaege/{proposal.id}/zusammenfuehren"' in html
    assert ">Sitzbänke am Teich</option>" in html
