"""POST/PATCH /api/v1/regions and PUT/DELETE /api/v1/regions/{slug}/plugins/{name}: who may, and each refusal."""

import pytest
from api_support import error_of
from sqlalchemy import select

from beteiligung.audit.models import AuditEntry
from beteiligung.plugins.models import RegionPlugin
from beteiligung.regions.models import Region
from beteiligung.testing.fixtures import plugin_entry_point


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [plugin_entry_point("quiet", "sample_plugins.quiet:QuietPlugin")]}


@pytest.fixture
def world(db, create_region, create_user):
    from beteiligung.regions.services import add_region_admin

    soest, aachen = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    region_admin = create_user(pseudonym="Verwaltung Soest")
    add_region_admin(None, soest, region_admin)
    db.session.commit()
    db.session.query(AuditEntry).delete()
    db.session.commit()
    return {"soest": soest, "aachen": aachen, "region_admin": region_admin, "admin": create_user(role="admin"),
            "moderator": create_user(role="moderator", regions=[soest]), "citizen": create_user()}


def audit(db):
    return db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.region_id,
                                     AuditEntry.details).order_by(AuditEntry.id)).all()


# POST /regions

def test_platform_admin_creates_a_region(api, db, world):
    response = api.post("/api/v1/regions", user=world["admin"],
                        json={"slug": "Kreis-Paderborn", "name": " Paderborn ", "theme": "Portale"})

    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"slug": "kreis-paderborn", "name": "Paderborn", "theme": "Portale",
                                   "description": "", "plugins": [], "unconfirmed_may": [],
                                   "contact": {"name": "", "email": "", "phone": ""}}
    region = db.session.scalar(select(Region).where(Region.slug == "kreis-paderborn"))
    assert audit(db) == [("region.created", world["admin"].id, region.id, {"slug": "kreis-paderborn"})]
    assert api.get("/api/v1/regions/kreis-paderborn").get_json()["name"] == "Paderborn"


def test_creating_needs_a_token(api, db, world):
    error = error_of(api.post("/api/v1/regions", json={"slug": "neu", "name": "Neu"}), 401)

    assert error["code"] == "unauthorized"
    assert db.session.scalar(select(Region.id).where(Region.slug == "neu")) is None


@pytest.mark.parametrize("who", ["region_admin", "moderator", "citizen"])
def test_only_platform_admins_create_regions(api, db, world, who):
    error = error_of(api.post("/api/v1/regions", user=world[who], json={"slug": "neu", "name": "Neu"}), 403)

    assert error["code"] == "forbidden"
    assert db.session.scalar(select(Region.id).where(Region.slug == "neu")) is None
    assert audit(db) == []


def test_a_taken_slug_is_a_conflict(api, db, world):
    error = error_of(api.post("/api/v1/regions", user=world["admin"], json={"slug": "SOEST", "name": "Zweites"}),
                     409)

    assert error["fields"] == {"slug": ["Bereits vergeben."]}
    assert db.session.scalar(select(Region.name).where(Region.slug == "soest")) == "Soest"


@pytest.mark.parametrize("body, field", [
    ({"slug": "soest kreis", "name": "Soest"}, "slug"),
    ({"slug": "neu", "name": "N"}, "name"),
    ({"slug": "neu"}, "name"),
    ({"name": "Neu"}, "slug"),
    ({"slug": 12, "name": "Neu"}, "slug"),
    ({"slug": "neu", "name": "Neu", "theme": "x" * 121}, "theme"),
    ({"slug": "neu", "name": "Neu", "description": "x" * 5001}, "description"),
])
def test_invalid_fields_are_named(api, db, world, body, field):
    error = error_of(api.post("/api/v1/regions", user=world["admin"], json=body), 422)

    assert field in error["fields"] and all(isinstance(m, str) for m in error["fields"][field])
    assert db.session.scalar(select(Region.id).where(Region.slug == "neu")) is None


def test_a_body_that_is_no_object_is_malformed(api, world):
    assert error_of(api.post("/api/v1/regions", user=world["admin"], json=["soest"]), 400)["code"] == "bad_request"


# GET and PATCH /regions/{slug}

def test_unknown_region_is_404(api, world):
    assert error_of(api.get("/api/v1/regions/nirgendwo"), 404)
    assert error_of(api.patch("/api/v1/regions/nirgendwo", user=world["admin"], json={"name": "X y"}), 404)
    assert error_of(api.open("PUT", "/api/v1/regions/nirgendwo/plugins/quiet", user=world["admin"]), 404)


def test_region_admin_edits_their_own_region(api, db, world):
    response = api.patch("/api/v1/regions/soest", user=world["region_admin"],
                         json={"name": "Kreis Soest", "theme": "Mobilität", "description": "Land und Stadt."})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"] == "Kreis Soest"
    db.session.refresh(world["soest"])
    assert (world["soest"].name, world["soest"].theme) == ("Kreis Soest", "Mobilität")
    assert audit(db) == [("region.updated", world["region_admin"].id, world["soest"].id,
                          {"fields": ["name", "theme", "description"]})]


def test_region_admin_may_not_edit_another_region(api, db, world):
    error = error_of(api.patch("/api/v1/regions/aachen", user=world["region_admin"], json={"name": "Gekapert"}), 403)

    assert "Aachen" in error["message"]
    db.session.refresh(world["aachen"])
    assert world["aachen"].name == "Aachen" and audit(db) == []


def test_region_admin_may_not_change_the_slug(api, db, world):
    error = error_of(api.patch("/api/v1/regions/soest", user=world["region_admin"], json={"slug": "kreis-soest"}),
                     403)

    assert "slug" in error["fields"]
    assert db.session.scalar(select(Region.id).where(Region.slug == "soest")) is not None
    # The slug as it is may come along with other changes (a client sending back what it read).
    same = api.patch("/api/v1/regions/soest", user=world["region_admin"], json={"slug": "soest", "name": "Kreis Soest"})
    assert same.status_code == 200 and same.get_json()["name"] == "Kreis Soest"
    assert [entry[3] for entry in audit(db)] == [{"fields": ["name"]}]


@pytest.mark.parametrize("who", ["moderator", "citizen"])
def test_moderators_and_citizens_may_not_edit_a_region(api, world, who):
    assert error_of(api.patch("/api/v1/regions/soest", user=world[who], json={"name": "Anders"}), 403)


def test_editing_needs_a_token(api, world):
    assert error_of(api.patch("/api/v1/regions/soest", json={"name": "Anders"}), 401)


def test_platform_admin_renames_a_slug_but_not_onto_a_taken_one(api, db, world):
    taken = error_of(api.patch("/api/v1/regions/aachen", user=world["admin"], json={"slug": "soest"}), 409)
    renamed = api.patch("/api/v1/regions/aachen", user=world["admin"], json={"slug": "staedteregion-aachen"})

    assert taken["fields"] == {"slug": ["Bereits vergeben."]}
    assert renamed.status_code == 200 and renamed.get_json()["slug"] == "staedteregion-aachen"
    assert audit(db)[-1][3] == {"fields": ["slug"], "old_slug": "aachen"}


@pytest.mark.parametrize("body, status", [({}, 422), ({"name": ""}, 422), ({"name": 5}, 422),
                                          ({"theme": "x" * 121}, 422), ({"unbekannt": "x"}, 422)])
def test_an_empty_or_invalid_patch_is_refused(api, db, world, body, status):
    error_of(api.patch("/api/v1/regions/soest", user=world["region_admin"], json=body), status)

    db.session.refresh(world["soest"])
    assert world["soest"].name == "Soest" and audit(db) == []


# PUT/DELETE /regions/{slug}/plugins/{name}

def enabled(db, region):
    return set(db.session.scalars(select(RegionPlugin.plugin).where(RegionPlugin.region_id == region.id)))


def test_region_admin_enables_and_disables_a_plugin_in_their_region(api, db, world):
    on = api.open("PUT", "/api/v1/regions/soest/plugins/quiet", user=world["region_admin"])

    assert on.status_code == 200, on.get_json()
    assert on.get_json()["plugins"] == ["quiet"]
    assert enabled(db, world["soest"]) == {"quiet"}

    off = api.delete("/api/v1/regions/soest/plugins/quiet", user=world["region_admin"])

    assert off.status_code == 200 and off.get_json()["plugins"] == []
    assert enabled(db, world["soest"]) == set()
    actor, region = world["region_admin"].id, world["soest"].id
    assert audit(db) == [("plugin.enabled", actor, region, {"plugin": "quiet"}),
                         ("plugin.disabled", actor, region, {"plugin": "quiet"})]


def test_region_admin_may_not_switch_plugins_of_another_region(api, db, world):
    error_of(api.open("PUT", "/api/v1/regions/aachen/plugins/quiet", user=world["region_admin"]), 403)
    api.open("PUT", "/api/v1/regions/aachen/plugins/quiet", user=world["admin"])
    error_of(api.delete("/api/v1/regions/aachen/plugins/quiet", user=world["region_admin"]), 403)

    assert enabled(db, world["aachen"]) == {"quiet"}
    assert [entry[0] for entry in audit(db)] == ["plugin.enabled"]


@pytest.mark.parametrize("who", ["moderator", "citizen"])
def test_moderators_and_citizens_may_not_switch_plugins(api, db, world, who):
    error_of(api.open("PUT", "/api/v1/regions/soest/plugins/quiet", user=world[who]), 403)

    assert enabled(db, world["soest"]) == set()


def test_switching_needs_a_token(api, world):
    error_of(api.open("PUT", "/api/v1/regions/soest/plugins/quiet"), 401)


def test_unknown_plugin_is_404(api, db, world):
    put = error_of(api.open("PUT", "/api/v1/regions/soest/plugins/gibtsnicht", user=world["region_admin"]), 404)
    delete = error_of(api.delete("/api/v1/regions/soest/plugins/gibtsnicht", user=world["region_admin"]), 404)

    assert "gibtsnicht" in put["message"] and "gibtsnicht" in delete["message"]
    assert audit(db) == []


def test_enabling_twice_or_disabling_what_is_off_is_a_conflict(api, db, world):
    api.open("PUT", "/api/v1/regions/soest/plugins/quiet", user=world["region_admin"])

    twice = error_of(api.open("PUT", "/api/v1/regions/soest/plugins/quiet", user=world["region_admin"]), 409)
    api.delete("/api/v1/regions/soest/plugins/quiet", user=world["region_admin"])
    off = error_of(api.delete("/api/v1/regions/soest/plugins/quiet", user=world["region_admin"]), 409)

    assert "bereits aktiviert" in twice["message"] and "nicht aktiviert" in off["message"]
    assert [entry[0] for entry in audit(db)] == ["plugin.enabled", "plugin.disabled"]


def test_the_openapi_document_describes_the_region_writes(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]

    assert {"get", "post"} <= set(paths["/regions"])
    assert {"get", "patch"} <= set(paths["/regions/{slug}"])
    assert {"put", "delete"} <= set(paths["/regions/{slug}/plugins/{name}"])
    assert paths["/regions"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegionCreate"}
    assert paths["/regions/{slug}"]["patch"]["security"] == [{"bearer": []}]
