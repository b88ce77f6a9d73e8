"""Region administrators: their region's settings and plugins on pages, nothing elsewhere (policy and pages)."""

import html

import pytest
from sqlalchemy import select

from beteiligung.audit.models import AuditEntry
from beteiligung.plugins.models import RegionPlugin
from beteiligung.policy import can_administer_region, can_moderate
from beteiligung.testing.fixtures import plugin_entry_point


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [plugin_entry_point("quiet", "sample_plugins.quiet:QuietPlugin")]}


@pytest.fixture
def world(db, create_region, create_user):
    from beteiligung.regions.services import add_region_admin

    soest, aachen = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    region_admin = create_user(pseudonym="Verwaltung Soest", email="verwaltung@example.org")
    add_region_admin(None, soest, region_admin)
    db.session.commit()
    db.session.query(AuditEntry).delete()
    db.session.commit()
    return {"soest": soest, "aachen": aachen, "region_admin": region_admin, "admin": create_user(role="admin"),
            "moderator": create_user(role="moderator", regions=[soest]), "citizen": create_user()}


def audit(db):
    return db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target_type,
                                     AuditEntry.region_id, AuditEntry.details).order_by(AuditEntry.id)).all()


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_rule_lives_in_one_policy_function(world):
    soest, aachen = world["soest"], world["aachen"]

    assert can_administer_region(world["admin"], soest) and can_administer_region(world["admin"], aachen)
    assert can_administer_region(world["region_admin"], soest)
    assert not can_administer_region(world["region_admin"], aachen)
    assert not can_administer_region(world["moderator"], soest)
    assert not can_administer_region(world["citizen"], soest)
    assert not can_administer_region(None, soest)
    # Administering a region is no moderation right and no platform role.
    assert not can_moderate(world["region_admin"], soest) and world["region_admin"].role == "citizen"


def test_region_page_links_the_settings_only_for_those_who_may(client, auth, world):
    auth.login(world["region_admin"])
    assert "Region verwalten" in text_of(client.get("/regionen/soest"))
    assert "Region verwalten" not in text_of(client.get("/regionen/aachen"))
    auth.logout()
    auth.login(world["moderator"])
    assert "Region verwalten" not in text_of(client.get("/regionen/soest"))


def test_region_admin_edits_the_settings_of_their_region(client, auth, db, world):
    auth.login(world["region_admin"])
    page = client.get("/regionen/soest/verwaltung")
    assert page.status_code == 200 and "Region Soest verwalten" in text_of(page)

    response = client.post("/regionen/soest/verwaltung", data={"name": "Kreis Soest", "theme": "Mobilität",
                                                               "description": "Land und Stadt."})

    assert response.status_code == 303
    assert "Die Einstellungen der Region Kreis Soest sind gespeichert." in text_of(client.get(response.location))
    db.session.refresh(world["soest"])
    assert (world["soest"].name, world["soest"].theme, world["soest"].description) == (
        "Kreis Soest", "Mobilität", "Land und Stadt.")
    assert audit(db) == [("region.updated", world["region_admin"].id, "regions", world["soest"].id,
                          {"fields": ["name", "theme", "description"]})]


def test_invalid_settings_are_refused_with_a_message_and_nothing_changes(client, auth, db, world):
    auth.login(world["region_admin"])

    response = client.post("/regionen/soest/verwaltung", data={"name": "S", "theme": "", "description": ""})

    assert response.status_code == 422
    assert "2 bis 120 Zeichen." in text_of(response)
    db.session.refresh(world["soest"])
    assert world["soest"].name == "Soest" and audit(db) == []


def test_region_admin_is_refused_in_another_region(client, auth, db, world):
    auth.login(world["region_admin"])

    page = client.get("/regionen/aachen/verwaltung")
    post = client.post("/regionen/aachen/verwaltung", data={"name": "Gekapert"})
    plugin = client.post("/regionen/aachen/verwaltung/plugins/quiet", data={"enable": "1"})

    assert page.status_code == 403 and "Sie verwalten die Region Aachen nicht." in text_of(page)
    assert post.status_code == 403 and plugin.status_code == 403
    db.session.refresh(world["aachen"])
    assert world["aachen"].name == "Aachen" and audit(db) == []
    assert db.session.scalar(select(RegionPlugin.plugin)) is None


@pytest.mark.parametrize("who", ["moderator", "citizen"])
def test_moderators_and_citizens_are_refused(client, auth, world, who):
    auth.login(world[who])

    assert client.get("/regionen/soest/verwaltung").status_code == 403
    assert client.post("/regionen/soest/verwaltung/plugins/quiet", data={"enable": "1"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    response = client.get("/regionen/soest/verwaltung")

    assert response.status_code == 302 and "/konto/anmelden" in response.location


def test_unknown_region_and_unknown_plugin_are_404(client, auth, db, world):
    auth.login(world["region_admin"])

    assert client.get("/regionen/nirgendwo/verwaltung").status_code == 404
    unknown = client.post("/regionen/soest/verwaltung/plugins/gibtsnicht", data={"enable": "1"})
    assert unknown.status_code == 404 and "„gibtsnicht“ ist nicht installiert" in text_of(unknown)
    assert audit(db) == []


def test_region_admin_switches_plugins_on_the_page_with_audit(client, auth, db, world):
    auth.login(world["region_admin"])
    assert "Leise" in text_of(client.get("/regionen/soest/verwaltung"))

    on = client.post("/regionen/soest/verwaltung/plugins/quiet", data={"enable": "1"})
    assert on.status_code == 303 and "quiet ist in Soest aktiviert." in text_of(client.get(on.location))
    assert db.session.scalar(select(RegionPlugin.plugin).where(RegionPlugin.region_id == world["soest"].id)) == "quiet"

    off = client.post("/regionen/soest/verwaltung/plugins/quiet", data={"enable": "0"})
    assert off.status_code == 303 and db.session.scalar(select(RegionPlugin.plugin)) is None
    actor, region = world["region_admin"].id, world["soest"].id
    assert audit(db) == [("plugin.enabled", actor, "regions", region, {"plugin": "quiet"}),
                         ("plugin.disabled", actor, "regions", region, {"plugin": "quiet"})]


def test_switching_on_twice_is_refused_with_a_message(client, auth, db, world):
    auth.login(world["region_admin"])
    client.post("/regionen/soest/verwaltung/plugins/quiet", data={"enable": "1"})

    again = client.post("/regionen/soest/verwaltung/plugins/quiet", data={"enable": "1"},
                        headers={"Referer": "http://localhost/regionen/soest/verwaltung"})
    assert again.status_code == 303
    assert "Das Plugin „quiet“ ist in Soest bereits aktiviert." in text_of(client.get(again.location))
    without_referrer = client.post("/regionen/soest/verwaltung/plugins/quiet", data={"enable": "1"})
    assert without_referrer.status_code == 409 and "bereits aktiviert" in text_of(without_referrer)
    assert [entry[0] for entry in audit(db)] == ["plugin.enabled"]


def test_the_platform_pages_stay_closed_to_region_admins(client, auth, world):
    auth.login(world["region_admin"])

    assert client.get("/verwaltung/").status_code == 403
    assert client.get("/verwaltung/plugins").status_code == 403
    assert client.post(f"/verwaltung/plugins/quiet/{world['soest'].id}", data={"enable": "1"}).status_code == 403


def test_platform_admin_grants_and_revokes_region_administration_on_the_page(client, auth, db, world):
    citizen = world["citizen"]
    auth.login(world["admin"])
    assert "Aachen" in text_of(client.get("/verwaltung/"))

    added = client.post("/regionen/aachen/verwaltung/administration", data={"email": citizen.email.upper()})

    assert added.status_code == 303
    page = text_of(client.get(added.location))
    assert f"{citizen.pseudonym} verwaltet jetzt die Region Aachen." in page
    db.session.refresh(citizen)
    assert [r.slug for r in citizen.administered_regions] == ["aachen"]
    assert "Aachen" in text_of(client.get("/verwaltung/konten"))

    removed = client.post(f"/regionen/aachen/verwaltung/administration/{citizen.id}/entfernen")

    assert removed.status_code == 303
    db.session.refresh(citizen)
    assert citizen.administered_regions == []
    assert [(a, t, r) for a, _actor, t, r, _d in audit(db)] == [
        ("region_admin.added", "users", world["aachen"].id), ("region_admin.removed", "users", world["aachen"].id)]


def test_granting_refuses_unknown_accounts_and_repeats(client, auth, db, world):
    auth.login(world["admin"])

    unknown = client.post("/regionen/soest/verwaltung/administration", data={"email": "niemand@example.org"})
    assert "Es gibt kein Konto mit dieser E-Mail-Adresse." in text_of(client.get(unknown.location))
    empty = client.post("/regionen/soest/verwaltung/administration", data={"email": ""})
    assert "Bitte geben Sie die E-Mail-Adresse eines Kontos an." in text_of(client.get(empty.location))
    again = client.post("/regionen/soest/verwaltung/administration", data={"email": "verwaltung@example.org"},
                        headers={"Referer": "http://localhost/regionen/soest/verwaltung"})
    assert "Verwaltung Soest verwaltet die Region Soest bereits." in text_of(client.get(again.location))
    assert audit(db) == []


def test_region_admins_cannot_grant_region_administration(client, auth, db, world):
    auth.login(world["region_admin"])

    page = text_of(client.get("/regionen/soest/verwaltung"))
    response = client.post("/regionen/soest/verwaltung/administration", data={"email": world["citizen"].email})
    removal = client.post(f"/regionen/soest/verwaltung/administration/{world['region_admin'].id}/entfernen")

    assert "Zur Administration hinzufügen" not in page
    assert response.status_code == 403 and removal.status_code == 403
    db.session.refresh(world["citizen"])
    assert world["citizen"].administered_regions == [] and audit(db) == []


def test_deleting_an_account_ends_its_region_administration(db, world):
    from beteiligung.accounts.services import delete_account
    from beteiligung.testing.fixtures import TEST_PASSWORD

    delete_account(world["region_admin"], TEST_PASSWORD)
    db.session.commit()

    db.session.refresh(world["soest"])
    assert world["soest"].administrators == []


def test_saving_unchanged_settings_writes_no_audit_entry(client, auth, db, world):
    auth.login(world["region_admin"])
    soest = world["soest"]

    response = client.post("/regionen/soest/verwaltung", data={"name": soest.name, "theme": soest.theme,
                                                               "description": "\r\n" + soest.description})

    assert "Es gab nichts zu ändern." in text_of(client.get(response.location))
    assert audit(db) == []


def test_the_settings_page_speaks_english_on_request(client, auth, world):
    auth.login(world["region_admin"])

    page = text_of(client.get("/regionen/soest/verwaltung?lang=en"))

    assert "Administer the region Soest" in page and "Save settings" in page
