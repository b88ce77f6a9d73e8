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
