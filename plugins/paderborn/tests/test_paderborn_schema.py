"""The plugin's own table and migration, and the seed command."""

import pytest
from beteiligung_paderborn.demo import SERVICES
from beteiligung_paderborn.models import OnlineService
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, inspect, select

from beteiligung.plugin_api import Region

pytestmark = pytest.mark.plugins("paderborn")


def tables(db):
    return set(inspect(db.engine).get_table_names())


def names(db, region):
    return db.session.scalars(select(OnlineService.name).where(OnlineService.region_id == region.id)
                              .order_by(OnlineService.name)).all()


def test_downgrade_drops_the_table_and_db_upgrade_brings_it_back(app, db, runner):
    assert "paderborn_services" in tables(db)
    try:
        downgrade(revision="paderborn@base")
        assert "paderborn_services" not in tables(db)
        assert {"regions", "polls", "comments"} <= tables(db)  # the core stays
    finally:
        result = runner.invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert "paderborn_services" in tables(db)
    columns = {column["name"] for column in inspect(db.engine).get_columns("paderborn_services")}
    assert columns == {"id", "region_id", "name", "department", "online_since", "url", "description", "active",
                       "created_at", "updated_at"}
    assert any(fk["referred_table"] == "regions" and fk["options"].get("ondelete") == "CASCADE"
               for fk in inspect(db.engine).get_foreign_keys("paderborn_services"))
    upgrade(revision="heads")  # nothing left to do: the branch is at its head again


def test_deleting_a_region_deletes_its_catalogue(db, create_region, add_service):
    paderborn, soest = create_region(slug="paderborn"), create_region(slug="soest")
    add_service(paderborn, "Sperrmüll anmelden")
    add_service(soest, "Dorfbus bestellen")

    db.session.execute(delete(Region).where(Region.id == paderborn.id))
    db.session.commit()

    assert db.session.scalars(select(OnlineService.name)).all() == ["Dorfbus bestellen"]


def test_the_same_name_twice_in_a_region_is_refused_by_the_database(db, create_region, add_service):
    from sqlalchemy.exc import IntegrityError

    paderborn = create_region(slug="paderborn")
    add_service(paderborn, "Sperrmüll anmelden")

    with pytest.raises(IntegrityError):
        add_service(paderborn, "Sperrmüll anmelden")
    db.session.rollback()


def test_seed_services_loads_the_paderborn_catalogue_once(db, runner, create_region, enable_plugin, add_service):
    paderborn = create_region(slug="paderborn", name="Paderborn")
    enable_plugin(paderborn, "paderborn")
    kept = add_service(paderborn, "Sperrmüll anmelden", department="ASP", url="https://www.asp-paderborn.de/")

    first = runner.invoke(args=["paderborn", "seed-services", "--region", "paderborn"])
    kept_values = (kept.department, kept.url)
    db.session.execute(
        OnlineService.__table__.update().where(OnlineService.name == "Mängelmelder").values(active=False))
    db.session.commit()
    second = runner.invoke(args=["paderborn", "seed-services", "--region", "paderborn"])

    assert first.exit_code == 0, first.output
    assert f"Katalog von Paderborn: {len(SERVICES) - 1} Online-Dienste neu angelegt, 1 bereits vorhanden." \
        in first.output
    assert "noch nicht aktiviert" not in first.output
    assert second.exit_code == 0, second.output
    assert f"0 Online-Dienste neu angelegt, {len(SERVICES)} bereits vorhanden." in second.output
    assert names(db, paderborn) == sorted(service["name"] for service in SERVICES)
    db.session.refresh(kept)
    assert (kept.department, kept.url) == kept_values == ("ASP", "https://www.asp-paderborn.de/")
    assert db.session.scalar(select(OnlineService.active).where(OnlineService.name == "Mängelmelder")) is False
    termin = db.session.scalar(select(OnlineService).where(OnlineService.name == "Termin im Bürgerbüro buchen"))
    assert (termin.department, termin.url.startswith("https://www.paderborn.de/")) == ("Bürgerbüro", True)


def test_seed_services_keeps_regions_apart_and_names_a_missing_one(db, runner, create_region):
    paderborn, soest = create_region(slug="paderborn"), create_region(slug="soest", name="Soest")

    here = runner.invoke(args=["paderborn", "seed-services", "--region", "soest"])
    missing = runner.invoke(args=["paderborn", "seed-services", "--region", "nirgendwo"])

    assert here.exit_code == 0 and "Hinweis: Das Plugin ist in Soest noch nicht aktiviert" in here.output
    assert len(names(db, soest)) == len(SERVICES) and names(db, paderborn) == []
    assert missing.exit_code != 0 and "Die Region „nirgendwo“ gibt es nicht." in missing.output
    assert db.session.scalar(select(func.count()).select_from(OnlineService)) == len(SERVICES)


def test_the_demo_services_are_valid_catalogue_entries():
    from beteiligung_paderborn.services import clean_service

    assert len({service["name"] for service in SERVICES}) == len(SERVICES) >= 10
    for service in SERVICES:
        assert clean_service(service)[1] == {}, service["name"]


def test_seed_services_refuses_an_invalid_entry_and_stores_nothing(db, runner, create_region, monkeypatch):
    from beteiligung_paderborn import demo

    create_region(slug="paderborn")
    monkeypatch.setattr(demo, "SERVICES", [SERVICES[0], {**SERVICES[1], "url": "javascript:alert(1)"}])

    result = runner.invoke(args=["paderborn", "seed-services", "--region", "paderborn"])

    assert result.exit_code != 0
    assert "Anwohnerparkausweis online beantragen: Bitte prüfen Sie die markierten Angaben." in result.output
    assert "url: Bitte geben Sie eine vollständige Internetadresse an" in result.output
    assert db.session.scalar(select(func.count()).select_from(OnlineService)) == 0


def test_the_demo_loads_the_catalogue_and_a_poll_built_from_it(runner, db):
    from beteiligung.plugin_api import Poll

    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    runner.invoke(args=["demo", "load"])
    services = db.session.scalar(select(func.count()).select_from(OnlineService))
    poll = db.session.scalar(select(Poll).where(Poll.template == "paderborn:online_dienste"))
    assert services >= 10
    assert poll is not None and poll.status == "open"
    assert len(poll.questions) >= services  # one rating per service, plus the fixed questions
