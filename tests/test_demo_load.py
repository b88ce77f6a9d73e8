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
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == len(content.CONSULTATIONS)
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
    assert "0 Beteiligungsprozesse neu angelegt." in result.output
    assert [row[1:] for row in _proposal_rows(db)] == [row[1:] for row in rows]
    assert count_rows(db, PhaseInstrument, PhaseInstrument.kind == "proposal_collection") == 5
    assert count_rows(db, MeasureLink, MeasureLink.kind == "proposal") == 6
