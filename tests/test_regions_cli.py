"""`flask regions create|list|update` and `flask regions admins add|remove|list`: the same rules as pages and API."""

import pytest
from sqlalchemy import select

from beteiligung.audit.models import AuditEntry
from beteiligung.regions.models import Region


def actions(db):
    return db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.details)
                              .order_by(AuditEntry.id)).all()


def test_create_makes_the_region_lists_it_and_audits(runner, db):
    result = runner.invoke(args=["regions", "create", "kreis-soest", "--name", "Kreis Soest",
                                 "--theme", "Digitale Region", "--description", "Ländlicher Raum."])

    assert result.exit_code == 0, result.output
    assert "Region angelegt: kreis-soest (Kreis Soest)" in result.output
    region = db.session.scalar(select(Region).where(Region.slug == "kreis-soest"))
    assert (region.name, region.theme, region.description) == ("Kreis Soest", "Digitale Region", "Ländlicher Raum.")
    assert actions(db) == [("region.created", None, {"slug": "kreis-soest", "via": "cli"})]
    listing = runner.invoke(args=["regions", "list"])
    assert listing.exit_code == 0
    assert "kreis-soest" in listing.output and "Kreis Soest" in listing.output and "Digitale Region" in listing.output


def test_list_without_regions_says_so(runner):
    result = runner.invoke(args=["regions", "list"])

    assert result.exit_code == 0 and "Noch keine Regionen." in result.output


def test_create_refuses_a_duplicate_slug_in_german(runner, db, create_region):
    create_region(slug="soest", name="Soest")

    result = runner.invoke(args=["regions", "create", "Soest", "--name", "Noch einmal Soest"])

    assert result.exit_code == 1
    assert "Eine Region mit dieser Kurzbezeichnung gibt es bereits." in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(Region.name).where(Region.slug == "soest")) == "Soest"
    assert actions(db) == []


@pytest.mark.parametrize("slug", ["Ungültig!", "a", "-soest", "soest-", "zu_lang" * 10, "1soest"])
def test_create_refuses_a_malformed_slug(runner, db, slug):
    result = runner.invoke(args=["regions", "create", "--name", "Irgendwo", "--", slug])

    assert result.exit_code == 1
    assert "Kleinbuchstaben, Ziffern und Bindestriche" in result.output
    assert db.session.scalar(select(Region.id)) is None


def test_create_refuses_a_too_short_name_and_a_too_long_theme(runner, db):
    short = runner.invoke(args=["regions", "create", "irgendwo", "--name", "X"])
    long_theme = runner.invoke(args=["regions", "create", "irgendwo", "--name", "Irgendwo", "--theme", "x" * 121])

    assert short.exit_code == 1 and "name: 2 bis 120 Zeichen." in short.output
    assert long_theme.exit_code == 1 and "theme: Höchstens 120 Zeichen." in long_theme.output
    assert db.session.scalar(select(Region.id)) is None


def test_create_needs_a_name(runner):
    result = runner.invoke(args=["regions", "create", "irgendwo"])

    assert result.exit_code == 2 and "--name" in result.output


def test_update_changes_only_the_given_settings_and_audits_the_fields(runner, db, create_region):
    region = create_region(slug="soest", name="Soest", theme="Mobilität")

    result = runner.invoke(args=["regions", "update", "soest", "--name", "Kreis Soest", "--description", "Neu."])

    assert result.exit_code == 0, result.output
    assert "Region soest geändert: name, description" in result.output
    db.session.refresh(region)
    assert (region.name, region.theme, region.description) == ("Kreis Soest", "Mobilität", "Neu.")
    assert actions(db) == [("region.updated", None, {"fields": ["name", "description"], "via": "cli"})]


def test_update_can_rename_the_slug_and_records_the_old_one(runner, db, create_region):
    region = create_region(slug="soest", name="Soest")

    result = runner.invoke(args=["regions", "update", "soest", "--slug", "kreis-soest"])

    assert result.exit_code == 0, result.output
    db.session.refresh(region)
    assert region.slug == "kreis-soest"
    assert actions(db) == [("region.updated", None, {"fields": ["slug"], "old_slug": "soest", "via": "cli"})]


def test_update_refuses_a_slug_that_another_region_has(runner, db, create_region):
    create_region(slug="soest", name="Soest")
    create_region(slug="aachen", name="Aachen")

    result = runner.invoke(args=["regions", "update", "aachen", "--slug", "soest"])

    assert result.exit_code == 1 and "gibt es bereits" in result.output
    assert db.session.scalar(select(Region.name).where(Region.slug == "soest")) == "Soest"
    assert actions(db) == []


def test_update_refuses_a_bad_name_and_keeps_the_old_one(runner, db, create_region):
    create_region(slug="soest", name="Soest")

    result = runner.invoke(args=["regions", "update", "soest", "--name", " "])

    assert result.exit_code == 1 and "2 bis 120 Zeichen" in result.output
    assert db.session.scalar(select(Region.name).where(Region.slug == "soest")) == "Soest"


def test_update_of_an_unknown_region_or_without_changes_is_refused(runner, create_region):
    create_region(slug="soest", name="Soest")

    unknown = runner.invoke(args=["regions", "update", "nirgendwo", "--name", "Nirgendwo"])
    nothing = runner.invoke(args=["regions", "update", "soest"])

    assert unknown.exit_code == 1 and "Unbekannte Region: nirgendwo" in unknown.output
    assert nothing.exit_code == 2 and "mindestens eine Änderung" in nothing.output


def test_update_with_the_same_values_changes_nothing_and_writes_no_audit(runner, db, create_region):
    create_region(slug="soest", name="Soest")

    result = runner.invoke(args=["regions", "update", "soest", "--name", "Soest"])

    assert result.exit_code == 0 and "keine Änderung" in result.output
    assert actions(db) == []


def test_admins_add_list_remove_with_audit(runner, db, create_region, create_user):
    region = create_region(slug="soest", name="Soest")
    user = create_user(email="lena@example.org", pseudonym="Lena")

    added = runner.invoke(args=["regions", "admins", "add", "soest", "LENA@example.org"])
    listed = runner.invoke(args=["regions", "admins", "list", "soest"])
    overview = runner.invoke(args=["regions", "list"])

    assert added.exit_code == 0, added.output
    assert "Lena verwaltet jetzt die Region Soest." in added.output
    assert "Lena <lena@example.org>" in listed.output
    assert "Administration: Lena" in overview.output
    db.session.refresh(user)
    assert [r.id for r in user.administered_regions] == [region.id]
    assert user.role == "citizen"  # administering a region is no platform role

    removed = runner.invoke(args=["regions", "admins", "remove", "soest", "lena@example.org"])

    assert removed.exit_code == 0 and "Lena verwaltet die Region Soest nicht mehr." in removed.output
    db.session.refresh(user)
    assert user.administered_regions == []
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id,
                                        AuditEntry.region_id).order_by(AuditEntry.id)).all()
    assert entries == [("region_admin.added", "users", user.id, region.id),
                       ("region_admin.removed", "users", user.id, region.id)]
    assert "noch keine Administration" in runner.invoke(args=["regions", "admins", "list", "soest"]).output


def test_admins_add_twice_and_remove_of_a_non_admin_are_refused(runner, db, create_region, create_user):
    create_region(slug="soest", name="Soest")
    create_user(email="lena@example.org", pseudonym="Lena")

    runner.invoke(args=["regions", "admins", "add", "soest", "lena@example.org"])
    again = runner.invoke(args=["regions", "admins", "add", "soest", "lena@example.org"])
    runner.invoke(args=["regions", "admins", "remove", "soest", "lena@example.org"])
    not_admin = runner.invoke(args=["regions", "admins", "remove", "soest", "lena@example.org"])

    assert again.exit_code == 1 and "Lena verwaltet die Region Soest bereits." in again.output
    assert not_admin.exit_code == 1 and "Lena verwaltet die Region Soest nicht." in not_admin.output
    assert [a for a, _actor, _d in actions(db)] == ["region_admin.added", "region_admin.removed"]


def test_admins_commands_refuse_unknown_regions_and_accounts(runner, create_region, create_user):
    create_region(slug="soest", name="Soest")
    create_user(email="lena@example.org")

    no_region = runner.invoke(args=["regions", "admins", "add", "nirgendwo", "lena@example.org"])
    no_account = runner.invoke(args=["regions", "admins", "add", "soest", "niemand@example.org"])
    no_list = runner.invoke(args=["regions", "admins", "list", "nirgendwo"])

    assert no_region.exit_code == 1 and "Unbekannte Region: nirgendwo" in no_region.output
    assert no_account.exit_code == 1 and "Kein Konto mit der E-Mail-Adresse niemand@example.org." in no_account.output
    assert no_list.exit_code == 1 and "Unbekannte Region" in no_list.output
