"""`flask demo load`: the content comes from the data files, and a plugin's missing home region is reported."""

import pytest
from sqlalchemy import func, select

from beteiligung.consultations.models import Consultation
from beteiligung.demo import content
from beteiligung.plugins.models import RegionPlugin
from beteiligung.plugins.runtime import get_registry
from beteiligung.plugins.services import enabled_names
from beteiligung.regions.models import Region


def _home_region(monkeypatch, name, slug):
    monkeypatch.setattr(type(get_registry().plugins[name]), "home_region", slug)


def test_demo_data_files_hold_the_content_the_loader_needs():
    slugs = [region["slug"] for region in content.REGIONS]
    assert slugs == ["gelsenkirchen", "aachen", "paderborn", "soest", "wuppertal"]
    keys = {citizen["key"] for citizen in content.CITIZENS}
    assert len(keys) == len(content.CITIZENS) == 10
    assert {consultation["region"] for consultation in content.CONSULTATIONS} == set(slugs)

    def authors(comments):
        for comment in comments:
            yield comment["author"]
            yield from (key for key, _value in comment.get("votes", []))
            yield from authors(comment.get("replies", []))

    named = {key for consultation in content.CONSULTATIONS for key in authors(consultation.get("comments", []))}
    assert named <= keys | {"moderator"}
    assert all(poll["region"] in slugs for poll in content.POLLS)


@pytest.mark.plugins("gelsenkirchen")
def test_demo_load_reports_a_plugin_whose_home_region_is_missing_and_goes_on(runner, db, monkeypatch):
    _home_region(monkeypatch, "gelsenkirchen", "rhein-erft")
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Plugin „gelsenkirchen“: die Heimatregion „rhein-erft“ gibt es nicht" in result.output
    assert db.session.scalar(select(func.count()).select_from(RegionPlugin)) == 0
    # Everything else was loaded.
    assert db.session.scalar(select(func.count()).select_from(Region)) == 5
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == (
        len(content.CONSULTATIONS) + len(content.read("history.toml")["consultations"]))
    assert "admin@example.org" in result.output


@pytest.mark.plugins("gelsenkirchen")
def test_demo_load_enables_a_plugin_in_its_home_region_also_outside_the_demo(runner, db, monkeypatch,
                                                                             create_region):
    region = create_region(slug="rhein-erft", name="Rhein-Erft-Kreis")
    db.session.commit()
    _home_region(monkeypatch, "gelsenkirchen", "rhein-erft")
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Heimatregion" not in result.output
    assert "1 Plugins in ihrer Region aktiviert" in result.output
    assert enabled_names(region) == {"gelsenkirchen"}


@pytest.mark.plugins("gelsenkirchen")
def test_demo_load_says_nothing_of_plugins_whose_home_region_exists(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Heimatregion" not in result.output
    gelsenkirchen = db.session.scalar(select(Region).where(Region.slug == "gelsenkirchen"))
    assert enabled_names(gelsenkirchen) == {"gelsenkirchen"}


# --- proposals (issue 12): one collection per process, proposals at every status, supports, a measure's link -------

def _proposal_rows(db):
    from beteiligung.proposals.models import Proposal, ProposalCollection

    db.session.expire_all()
    return db.session.execute(select(ProposalCollection.region_id, Proposal.title, Proposal.status,
                                     Proposal.support_count, Proposal.answer)
                              .join(Proposal, Proposal.collection_id == ProposalCollection.id)
                              .order_by(Proposal.id)).all()


def test_the_demo_processes_have_proposals_at_every_status_and_a_second_load_adds_nothing(runner, client, db):
    from beteiligung.measures.models import MeasureLink
    from beteiligung.processes.models import PhaseInstrument, Process
    from beteiligung.proposals.models import ProposalCollection, ProposalSupport
    from beteiligung.testing.helpers import count_rows, text_of
    from beteiligung.timeutil import utcnow

    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    rows = _proposal_rows(db)
    supports, links = count_rows(db, ProposalSupport), count_rows(db, MeasureLink, MeasureLink.kind == "proposal")
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert _proposal_rows(db) == rows and count_rows(db, ProposalSupport) == supports
    assert count_rows(db, MeasureLink, MeasureLink.kind == "proposal") == links
    assert count_rows(db, ProposalCollection) == 5

    regions = {region.id: region.slug for region in db.session.scalars(select(Region))}
    by_region = {}
    for region_id, title, status, support_count, answer in rows:
        by_region.setdefault(regions[region_id], []).append((title, status, support_count, answer))
    wanted = {data["region"]: data["collection"]["proposals"] for data in content.PROCESSES}
    assert {slug: len(items) for slug, items in by_region.items()} == {slug: len(items) for slug, items in
                                                                      wanted.items()}
    assert all(3 <= len(items) <= 6 for items in by_region.values())
    for slug, items in by_region.items():
        # Every status in every region; a rejection and an acceptance carry the moderation's answer.
        assert {status for _t, status, _s, _a in items} == {"submitted", "in_review", "accepted", "rejected",
                                                            "implemented"}, slug
        assert all(answer for _t, status, _s, answer in items if status in ("accepted", "rejected")), slug
        # The counts are the numbers of support rows, as the data names them.
        expected = {item["title"]: len(item.get("supporters", [])) for item in wanted[slug]}
        assert {title: count for title, _st, count, _a in items} == expected, slug
    assert supports == sum(len(item.get("supporters", [])) for items in wanted.values() for item in items)

    # Discussions on proposals: every comment (and reply) of the data once, counted on its proposal.
    from beteiligung.comments.models import Comment
    from beteiligung.proposals.models import Proposal

    def written(items):
        return sum(1 + written(item.get("replies", [])) for item in items)

    stored = dict(db.session.execute(select(Proposal.title, Proposal.comment_count)).all())
    for items in wanted.values():
        for item in items:
            assert stored[item["title"]] == written(item.get("comments", [])), item["title"]
    assert count_rows(db, Comment, Comment.proposal_id.is_not(None)) == sum(stored.values()) >= 10
    assert count_rows(db, Comment, Comment.proposal_id.is_not(None), Comment.official.is_(True)) >= 2

    # Each collection sits in a phase of its region's process and is open now where that phase is current.
    now = utcnow()
    for data in content.PROCESSES:
        process = db.session.scalar(select(Process).where(Process.title == data["title"]))
        phase = process.phases[data["collection"]["phase"] - 1]
        instrument = db.session.scalar(select(PhaseInstrument).where(PhaseInstrument.kind == "proposal_collection",
                                                                     PhaseInstrument.phase_id == phase.id))
        collection = db.session.get(ProposalCollection, instrument.target_id)
        assert collection.region_id == process.region_id and collection.published
        if phase.status_at(now) == "current":
            assert collection.status_at(now) == "open", data["region"]
        html = text_of(client.get(f"/vorschlagssammlungen/{collection.id}"))
        assert data["collection"]["proposals"][0]["title"] in html

    # An accepted proposal of each region leads to a measure, and its page says what became of it.
    assert links == 6
    link = db.session.scalar(select(MeasureLink).where(MeasureLink.kind == "proposal").order_by(MeasureLink.id))
    html = text_of(client.get(f"/vorschlaege/{link.target_id}"))
    assert "Open-Data-Portal der Stadt" in html


def test_a_demo_loaded_before_the_proposals_gets_them_and_the_measures_links_on_the_next_load(runner, db):
    from sqlalchemy import delete

    from beteiligung.measures.models import MeasureLink
    from beteiligung.processes.models import PhaseInstrument
    from beteiligung.proposals.models import Proposal, ProposalCollection, ProposalSupport
    from beteiligung.testing.helpers import count_rows

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    rows = _proposal_rows(db)
    # The state of a database loaded before there were proposals: processes and measures, no collections.
    db.session.execute(delete(MeasureLink).where(MeasureLink.kind == "proposal"))
    db.session.execute(delete(PhaseInstrument).where(PhaseInstrument.kind == "proposal_collection"))
    for model in (ProposalSupport, Proposal, ProposalCollection):
        db.session.execute(delete(model))
    db.session.commit()
    assert count_rows(db, ProposalCollection) == 0

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "0 Beteiligungsprozesse und 0 Projekte im Projektschaufenster neu angelegt." in result.output
    assert [row[1:] for row in _proposal_rows(db)] == [row[1:] for row in rows]
    assert count_rows(db, PhaseInstrument, PhaseInstrument.kind == "proposal_collection") == 5
    assert count_rows(db, MeasureLink, MeasureLink.kind == "proposal") == 6


# --- history (issue 15): 18 months of activity spread over time ----------------------------------------------------

def _load_twice(runner, db):
    from beteiligung.testing.helpers import count_rows

    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    from beteiligung.comments.models import Comment, CommentVote
    from beteiligung.polls.models import Answer, Ballot, Poll

    models = (Consultation, Comment, CommentVote, Poll, Ballot, Answer)
    counts = {model.__name__: count_rows(db, model) for model in models}
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "0 Regionen, 0 Beteiligungen, 0 Beiträge und 0 Umfragen neu angelegt" in second.output
    db.session.expire_all()
    assert {model.__name__: count_rows(db, model) for model in models} == counts
    return counts


@pytest.mark.plugins("gelsenkirchen")
def test_the_demo_spreads_18_months_of_activity_and_a_second_load_adds_nothing(runner, client, db):
    from beteiligung.statistics import monthly_activity

    counts = _load_twice(runner, db)
    assert counts["Comment"] >= 300 and 500 <= counts["Ballot"] <= 1500
    for region in db.session.scalars(select(Region)):
        months = monthly_activity(region, 12)
        assert all(comments + ballots > 0 for _key, comments, ballots in months), (region.slug, months)
    # Activity began about 18 months ago.
    assert len([key for key, c, b in monthly_activity(db.session.scalar(select(Region).where(
        Region.slug == "gelsenkirchen")), 18) if c + b]) >= 16
    response = client.get("/gelsenkirchen/", follow_redirects=True)
    assert response.status_code == 200 and "<table" in response.get_data(as_text=True)


def test_demo_consultations_are_past_open_closing_soon_upcoming_and_drafts_per_region(runner, db):
    from datetime import timedelta

    from beteiligung.timeutil import utcnow

    _load_twice(runner, db)
    now = utcnow()
    statuses = {}
    soon = False
    for consultation in db.session.scalars(select(Consultation)):
        statuses.setdefault(consultation.region.slug, []).append(consultation.status_at(now))
        if consultation.status_at(now) == "open" and consultation.closes_at <= now + timedelta(days=14):
            soon = True
    assert soon
    for slug, found in statuses.items():
        assert found.count("closed") >= 3 and found.count("open") >= 1 and found.count("upcoming") == 1, slug
    drafts = [item for item in content.CONSULTATIONS if item["state"] == "draft"]
    assert sum(found.count("draft") for found in statuses.values()) == len(drafts)
    closes = sorted(c.closes_at for c in db.session.scalars(select(Consultation)) if c.closes_at and c.closes_at < now)
    assert closes[0] < now - timedelta(days=400)  # the oldest closed more than a year ago


def test_every_demo_comment_and_ballot_lies_in_its_open_period(runner, db):
    from beteiligung.comments.models import Comment
    from beteiligung.polls.models import Ballot, Poll
    from beteiligung.timeutil import utcnow

    _load_twice(runner, db)
    now = utcnow()
    rows = db.session.execute(select(Comment.created_at, Consultation.opens_at, Consultation.closes_at,
                                     Consultation.published)
                              .join(Consultation, Consultation.id == Comment.consultation_id)).all()
    for created_at, opens_at, closes_at, published in rows:
        if published:
            assert opens_at <= created_at <= min(closes_at or now, now)
    official = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.official.is_(True),
                                                                                 Comment.consultation_id.is_not(None)))
    assert official >= 20
    # Ballots: inside the open period of their poll; closed polls in the past, open ones now, one upcoming.
    for created_at, opens_at, closes_at in db.session.execute(
            select(Ballot.created_at, Poll.opens_at, Poll.closes_at).join(Poll, Poll.id == Ballot.poll_id)).all():
        assert opens_at <= created_at <= min(closes_at or now, now)
    polls = db.session.scalars(select(Poll)).all()
    assert sum(poll.status_at(now) == "closed" for poll in polls) >= 10
    assert any(poll.status_at(now) == "open" for poll in polls)
    upcoming = [poll for poll in polls if poll.status_at(now) == "draft" and poll.opens_at and poll.opens_at > now]
    assert len(upcoming) == 1


def test_the_demo_tallies_equal_a_recount(runner, db):
    from beteiligung.polls.models import Poll
    from beteiligung.polls.services import tallies

    _load_twice(runner, db)
    for poll in db.session.scalars(select(Poll)):
        assert not tallies.differences(poll), poll.title
    result = runner.invoke(args=["polls", "recount", "--check"])
    assert result.exit_code == 0 and "0 mit Abweichungen" in result.output, result.output


def test_the_demo_timetable_is_the_same_for_the_same_day_and_keeps_days_between_participations():
    from datetime import datetime, timedelta

    from beteiligung.demo.history import participant_rows, timetable

    day = datetime(2026, 11, 26, 9, 30)
    plan = timetable(day)
    assert plan == timetable(day)
    for region in content.REGIONS:
        for kind in ("consultation", "poll"):
            past = sorted(dates for (of, slug, _title), dates in plan.items() if slug == region["slug"]
                          and of == kind and dates[1] < day)
            assert len(past) >= 2
            assert all(timedelta(days=5) <= later[0] - earlier[1] for earlier, later in zip(past, past[1:],
                                                                                             strict=False))
            assert past[0][0] < day - timedelta(days=450)
    rows = participant_rows()
    assert len({pseudonym.lower() for _s, pseudonym, _e in rows}) == len(rows)
    assert len({email for _s, _p, email in rows}) == len(rows)
