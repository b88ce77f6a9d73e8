"""Region administrators appoint and remove the moderators of their own region: on the settings page, over the
API and with `flask regions moderators …`, by one rule (accounts.services.set_moderator), audited."""

import html
import json

import pytest
from api_support import error_of
from sqlalchemy import insert, select
from sqlalchemy.orm.attributes import set_committed_value

from beteiligung.accounts.models import User, region_moderators
from beteiligung.accounts.services import set_moderator
from beteiligung.audit.models import AuditEntry
from beteiligung.errors import Conflict, NotAllowed
from beteiligung.policy import can_moderate
from beteiligung.regions.models import Region


@pytest.fixture
def world(db, create_region, create_user):
    from beteiligung.regions.services import add_region_admin

    soest, aachen = create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")
    region_admin = create_user(pseudonym="Verwaltung Soest", email="verwaltung@example.org")
    add_region_admin(None, soest, region_admin)
    db.session.commit()
    db.session.query(AuditEntry).delete()
    db.session.commit()
    return {"soest": soest, "aachen": aachen, "region_admin": region_admin,
            "admin": create_user(role="admin", pseudonym="Admina", email="admina@example.org"),
            "moderator": create_user(role="moderator", regions=[soest], pseudonym="Moderation Soest",
                                     email="moderation@example.org"),
            "aachen_moderator": create_user(role="moderator", regions=[aachen], pseudonym="Moderation Aachen",
                                            email="moderation.aachen@example.org"),
            "citizen": create_user(pseudonym="Carla", email="carla@example.org")}


def audit(db):
    return db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target_type,
                                     AuditEntry.target_id, AuditEntry.region_id).order_by(AuditEntry.id)).all()


def fresh(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def regions_of(db, user):
    return [region.slug for region in fresh(db, user).moderated_regions]


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


# The rule (service and policy)

def test_region_admin_appoints_in_their_region_and_the_new_moderator_moderates_only_there(db, world):
    soest, aachen, carla = world["soest"], world["aachen"], world["citizen"]

    assert set_moderator(world["region_admin"], carla, soest) is True
    db.session.commit()

    carla = fresh(db, carla)
    assert carla.role == "moderator" and regions_of(db, carla) == ["soest"]
    assert can_moderate(carla, soest) and not can_moderate(carla, aachen)
    assert audit(db) == [("moderator.added", world["region_admin"].id, "users", carla.id, soest.id)]


def test_region_admin_cannot_touch_the_moderation_of_another_region(db, world):
    with pytest.raises(NotAllowed, match="Sie verwalten die Region Aachen nicht."):
        set_moderator(world["region_admin"], world["citizen"], world["aachen"])
    with pytest.raises(NotAllowed):
        set_moderator(world["region_admin"], world["aachen_moderator"], world["aachen"], moderator=False)
    db.session.rollback()

    assert regions_of(db, world["citizen"]) == [] and regions_of(db, world["aachen_moderator"]) == ["aachen"]
    assert audit(db) == []


@pytest.mark.parametrize("who", ["moderator", "citizen"])
def test_moderators_and_citizens_cannot_appoint(db, world, who):
    with pytest.raises(NotAllowed):
        set_moderator(world[who], world["citizen"], world["soest"])
    db.session.rollback()

    assert fresh(db, world["citizen"]).role == "citizen" and audit(db) == []


def test_the_role_moves_only_between_citizen_and_moderator(db, world):
    soest, admin = world["soest"], world["admin"]

    set_moderator(world["region_admin"], admin, soest)
    set_moderator(world["region_admin"], world["region_admin"], soest)
    db.session.commit()
    assert fresh(db, admin).role == "admin" and fresh(db, world["region_admin"]).role == "moderator"

    set_moderator(world["region_admin"], admin, soest, moderator=False)
    set_moderator(world["region_admin"], world["region_admin"], soest, moderator=False)
    db.session.commit()
    assert fresh(db, admin).role == "admin" and fresh(db, world["region_admin"]).role == "citizen"
    # The region administrator administers Soest still: moderation and administration are separate.
    assert [r.slug for r in fresh(db, world["region_admin"]).administered_regions] == ["soest"]


def test_a_moderator_of_two_regions_keeps_the_role_when_one_is_taken_away(db, world):
    world_admin, moderator = world["admin"], world["moderator"]
    set_moderator(world_admin, moderator, world["aachen"])
    db.session.commit()

    assert set_moderator(world["region_admin"], moderator, world["soest"], moderator=False) is True
    db.session.commit()

    assert fresh(db, moderator).role == "moderator" and regions_of(db, moderator) == ["aachen"]


def test_repeating_an_appointment_or_a_removal_changes_nothing_and_is_not_audited(db, world):
    soest, actor = world["soest"], world["region_admin"]

    assert set_moderator(actor, world["moderator"], soest) is False
    assert set_moderator(actor, world["citizen"], soest, moderator=False) is False
    db.session.commit()

    assert regions_of(db, world["moderator"]) == ["soest"] and fresh(db, world["citizen"]).role == "citizen"
    assert audit(db) == []


def test_a_simultaneous_appointment_is_a_conflict_not_a_crash(db, world):
    soest, carla = world["soest"], world["citizen"]
    assert carla.moderated_regions == []
    # Another request appoints Carla between this request's read and its write.
    db.session.execute(insert(region_moderators).values(region_id=soest.id, user_id=carla.id))
    db.session.commit()
    set_committed_value(carla, "moderated_regions", [])

    with pytest.raises(Conflict, match="gleichzeitig"):
        set_moderator(world["region_admin"], carla, soest)

    assert regions_of(db, carla) == ["soest"] and audit(db) == []


# The settings page

def test_the_settings_page_lists_the_moderators_with_a_form(client, auth, world):
    auth.login(world["region_admin"])

    page = text_of(client.get("/regionen/soest/verwaltung"))

    assert "Moderation der Region" in page and "Moderation Soest" in page
    assert "Moderation Aachen" not in page
    assert 'name="moderation-email"' in page and "Zur Moderation hinzufügen" in page
    assert "moderation@example.org" not in page  # the page names moderators by their public name


def test_region_admin_appoints_and_removes_on_the_page_with_audit(client, auth, db, world):
    carla, soest, actor = world["citizen"], world["soest"], world["region_admin"]
    auth.login(actor)

    added = client.post("/regionen/soest/verwaltung/moderation", data={"moderation-email": " Carla@Example.org "})

    assert added.status_code == 303
    page = text_of(client.get(added.location))
    assert "Carla moderiert jetzt Soest." in page
    assert fresh(db, carla).role == "moderator" and regions_of(db, carla) == ["soest"]

    removed = client.post(f"/regionen/soest/verwaltung/moderation/{carla.id}/entfernen")

    assert removed.status_code == 303
    assert "Carla moderiert Soest nicht mehr." in text_of(client.get(removed.location))
    assert fresh(db, carla).role == "citizen" and regions_of(db, carla) == []
    assert audit(db) == [("moderator.added", actor.id, "users", carla.id, soest.id),
                         ("moderator.removed", actor.id, "users", carla.id, soest.id)]


def test_a_repeated_appointment_on_the_page_says_so(client, auth, db, world):
    auth.login(world["region_admin"])

    response = client.post("/regionen/soest/verwaltung/moderation", data={"moderation-email": "moderation@example.org"},
                           follow_redirects=True)

    assert response.status_code == 200 and "Moderation Soest moderiert Soest bereits." in text_of(response)
    assert audit(db) == []


@pytest.mark.parametrize("email, message", [("niemand@example.org", "Es gibt kein Konto mit dieser E-Mail-Adresse."),
                                            ("", "Bitte geben Sie die E-Mail-Adresse eines Kontos an."),
                                            ("x" * 255, "Höchstens 254 Zeichen.")])
def test_an_unknown_or_missing_address_is_refused_on_the_page(client, auth, db, world, email, message):
    auth.login(world["region_admin"])

    response = client.post("/regionen/soest/verwaltung/moderation", data={"moderation-email": email})

    assert response.status_code == 422
    page = text_of(response)
    assert "Bitte geben Sie die E-Mail-Adresse eines registrierten Kontos an." in page
    assert 'id="moderation-email-error"' in page and message in page
    # The settings form above keeps the region's values (it was not what was sent).
    assert 'value="Soest"' in page
    assert audit(db) == [] and fresh(db, world["citizen"]).role == "citizen"


def test_region_admin_is_refused_on_the_page_of_another_region(client, auth, db, world):
    auth.login(world["region_admin"])

    add = client.post("/regionen/aachen/verwaltung/moderation", data={"moderation-email": "carla@example.org"})
    remove = client.post(f"/regionen/aachen/verwaltung/moderation/{world['aachen_moderator'].id}/entfernen")

    assert add.status_code == 403 and "Sie verwalten die Region Aachen nicht." in text_of(add)
    assert remove.status_code == 403
    assert regions_of(db, world["citizen"]) == [] and regions_of(db, world["aachen_moderator"]) == ["aachen"]
    assert audit(db) == []


@pytest.mark.parametrize("who", ["moderator", "citizen"])
def test_moderators_and_citizens_are_refused_on_the_page(client, auth, db, world, who):
    auth.login(world[who])

    add = client.post("/regionen/soest/verwaltung/moderation", data={"moderation-email": "carla@example.org"})
    remove = client.post(f"/regionen/soest/verwaltung/moderation/{world['moderator'].id}/entfernen")

    assert (add.status_code, remove.status_code) == (403, 403)
    assert regions_of(db, world["moderator"]) == ["soest"] and audit(db) == []


def test_removing_an_unknown_account_on_the_page_is_404(client, auth, db, world):
    auth.login(world["region_admin"])

    assert client.post("/regionen/soest/verwaltung/moderation/999999/entfernen").status_code == 404
    assert audit(db) == []


def test_the_platform_admin_appoints_in_any_region_on_the_same_page(client, auth, db, world):
    auth.login(world["admin"])

    response = client.post("/regionen/aachen/verwaltung/moderation", data={"moderation-email": "carla@example.org"})

    assert response.status_code == 303 and regions_of(db, world["citizen"]) == ["aachen"]
    assert audit(db) == [("moderator.added", world["admin"].id, "users", world["citizen"].id, world["aachen"].id)]


def test_the_audit_log_tells_who_appointed_whom(client, auth, db, world):
    set_moderator(world["region_admin"], world["citizen"], world["soest"])
    db.session.commit()
    auth.login(world["admin"])

    page = text_of(client.get("/verwaltung/protokoll"))

    assert "Verwaltung Soest hat Carla zur Moderation der Region „Soest“ hinzugefügt." in page


def test_the_accounts_page_of_the_platform_admin_reports_a_repeat(client, auth, db, world):
    auth.login(world["admin"])

    response = client.post(f"/verwaltung/konten/{world['moderator'].id}/moderation",
                           data={"region": str(world["soest"].id), "action": "add"}, follow_redirects=True)

    assert "Moderation Soest moderiert Soest bereits." in text_of(response) and audit(db) == []


# The API

def test_region_admin_lists_appoints_and_removes_over_the_api(api, db, world):
    soest, carla, actor = world["soest"], world["citizen"], world["region_admin"]

    listing = api.get("/api/v1/regions/soest/moderators", user=actor)
    assert listing.status_code == 200
    assert listing.get_json() == {"items": [{"id": world["moderator"].id, "pseudonym": "Moderation Soest"}],
                                  "page": 1, "per_page": 20, "total": 1}

    added = api.post("/api/v1/regions/soest/moderators", user=actor, json={"email": "CARLA@example.org"})
    assert added.status_code == 201 and added.get_json() == {"id": carla.id, "pseudonym": "Carla"}
    again = api.post("/api/v1/regions/soest/moderators", user=actor, json={"email": "carla@example.org"})
    assert again.status_code == 200 and again.get_json() == {"id": carla.id, "pseudonym": "Carla"}
    assert [item["pseudonym"] for item in api.get("/api/v1/regions/soest/moderators", user=actor)
            .get_json()["items"]] == ["Carla", "Moderation Soest"]

    removed = api.delete(f"/api/v1/regions/soest/moderators/{carla.id}", user=actor)
    assert removed.status_code == 204 and removed.get_data() == b""
    assert api.delete(f"/api/v1/regions/soest/moderators/{carla.id}", user=actor).status_code == 204

    assert fresh(db, carla).role == "citizen" and regions_of(db, carla) == []
    assert audit(db) == [("moderator.added", actor.id, "users", carla.id, soest.id),
                         ("moderator.removed", actor.id, "users", carla.id, soest.id)]


def test_unknown_account_over_the_api_is_404_with_the_field(api, db, world):
    error = error_of(api.post("/api/v1/regions/soest/moderators", user=world["region_admin"],
                              json={"email": "niemand@example.org"}), 404)

    assert error["message"] == "Es gibt kein Konto mit dieser E-Mail-Adresse."
    assert error["fields"] == {"email": ["Kein Konto mit dieser E-Mail-Adresse."]}
    assert error_of(api.delete("/api/v1/regions/soest/moderators/999999", user=world["region_admin"]),
                    404)["message"] == "Dieses Konto gibt es nicht."
    assert audit(db) == []


@pytest.mark.parametrize("body, status, fields", [
    ({}, 422, {"email": ["Pflichtangabe fehlt."]}),
    ({"email": ""}, 422, {"email": ["1 bis 254 Zeichen erwartet."]}),
    ({"email": 5}, 422, {"email": ["Text erwartet."]}),
    ({"email": "x" * 255}, 422, {"email": ["1 bis 254 Zeichen erwartet."]}),
    (["carla@example.org"], 400, {}),
])
def test_malformed_bodies_are_refused(api, db, world, body, status, fields):
    error = error_of(api.post("/api/v1/regions/soest/moderators", user=world["region_admin"], json=body), status)

    assert error["fields"] == fields
    assert regions_of(db, world["citizen"]) == [] and audit(db) == []


def test_a_body_that_is_no_json_is_400(api, db, world):
    response = api.post("/api/v1/regions/soest/moderators", user=world["region_admin"], data="email=carla",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert error_of(response, 400)["code"] == "bad_request" and audit(db) == []


@pytest.mark.parametrize("who", ["moderator", "citizen", "aachen_moderator"])
def test_others_are_refused_over_the_api(api, db, world, who):
    user = world[who]

    assert error_of(api.get("/api/v1/regions/soest/moderators", user=user), 403)["code"] == "forbidden"
    error_of(api.post("/api/v1/regions/soest/moderators", user=user, json={"email": "carla@example.org"}), 403)
    error_of(api.delete(f"/api/v1/regions/soest/moderators/{world['moderator'].id}", user=user), 403)

    assert regions_of(db, world["citizen"]) == [] and regions_of(db, world["moderator"]) == ["soest"]
    assert audit(db) == []


def test_region_admin_of_soest_is_refused_in_aachen_over_the_api(api, db, world):
    actor, victim = world["region_admin"], world["aachen_moderator"]

    error = error_of(api.post("/api/v1/regions/aachen/moderators", user=actor, json={"email": "carla@example.org"}),
                     403)
    assert error["message"] == "Sie verwalten die Region Aachen nicht."
    error_of(api.delete(f"/api/v1/regions/aachen/moderators/{victim.id}", user=actor), 403)
    error_of(api.get("/api/v1/regions/aachen/moderators", user=actor), 403)

    assert regions_of(db, victim) == ["aachen"] and regions_of(db, world["citizen"]) == [] and audit(db) == []


def test_without_a_token_401_and_unknown_region_404(api, db, world):
    error_of(api.get("/api/v1/regions/soest/moderators"), 401)
    error_of(api.post("/api/v1/regions/soest/moderators", json={"email": "carla@example.org"}), 401)
    error_of(api.delete(f"/api/v1/regions/soest/moderators/{world['moderator'].id}"), 401)
    error_of(api.post("/api/v1/regions/nirgendwo/moderators", user=world["admin"],
                      json={"email": "carla@example.org"}), 404)
    assert audit(db) == []


def test_the_platform_admin_appoints_in_any_region_over_the_api(api, db, world):
    response = api.post("/api/v1/regions/aachen/moderators", user=world["admin"], json={"email": "carla@example.org"})

    assert response.status_code == 201 and regions_of(db, world["citizen"]) == ["aachen"]


def test_the_openapi_document_describes_the_moderator_operations(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]

    assert set(paths["/regions/{slug}/moderators"]) == {"get", "post"}
    post = paths["/regions/{slug}/moderators"]["post"]
    assert {"200", "201", "403", "404", "422"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegionModerator"}
    assert "204" in paths["/regions/{slug}/moderators/{id}"]["delete"]["responses"]


# The command line

def test_cli_adds_lists_and_removes_moderators_with_audit(runner, db, world):
    carla, soest = world["citizen"], world["soest"]

    added = runner.invoke(args=["regions", "moderators", "add", "soest", "Carla@Example.org"])
    assert added.exit_code == 0, added.output
    assert "Carla moderiert jetzt die Region Soest." in added.output
    again = runner.invoke(args=["regions", "moderators", "add", "soest", "carla@example.org"])
    assert again.exit_code == 0 and "bereits: keine Änderung" in again.output

    listing = runner.invoke(args=["regions", "moderators", "list", "soest"])
    assert listing.exit_code == 0
    assert listing.output.splitlines() == ["Carla <carla@example.org>", "Moderation Soest <moderation@example.org>"]

    removed = runner.invoke(args=["regions", "moderators", "remove", "soest", "carla@example.org"])
    assert removed.exit_code == 0 and "Carla moderiert die Region Soest nicht mehr." in removed.output
    assert fresh(db, carla).role == "citizen"
    assert audit(db) == [("moderator.added", None, "users", carla.id, soest.id),
                         ("moderator.removed", None, "users", carla.id, soest.id)]


def test_cli_refuses_unknown_accounts_and_regions_in_german(runner, db, world):
    unknown_account = runner.invoke(args=["regions", "moderators", "add", "soest", "niemand@example.org"])
    unknown_region = runner.invoke(args=["regions", "moderators", "add", "atlantis", "carla@example.org"])

    assert unknown_account.exit_code == 1
    assert "Kein Konto mit der E-Mail-Adresse niemand@example.org." in unknown_account.output
    assert unknown_region.exit_code == 1 and "Unbekannte Region: atlantis" in unknown_region.output
    assert "Traceback" not in unknown_account.output + unknown_region.output
    assert audit(db) == []


def test_cli_list_of_a_region_without_moderators_says_so(runner, world):
    result = runner.invoke(args=["regions", "moderators", "list", "aachen"])
    assert result.exit_code == 0 and "Moderation Aachen" in result.output

    set_moderator(None, world["aachen_moderator"], world["aachen"], moderator=False)
    from beteiligung.extensions import db
    db.session.commit()
    result = runner.invoke(args=["regions", "moderators", "list", "aachen"])
    assert result.exit_code == 0 and "Die Region Aachen hat noch keine Moderation." in result.output


# Small follow-ups: region bodies up to 64 KiB, the personal-data export

@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_5000_character_description_in_escapes_fits_the_body_limit(api, db, world, method):
    description = "ä" * 5000
    body = json.dumps({"slug": "kreis-paderborn", "name": "Paderborn", "description": description}) \
        if method == "post" else json.dumps({"description": description})
    assert len(body) > 16 * 1024  # more than the default limit of API writes: the region's own limit counts
    url = "/api/v1/regions" if method == "post" else "/api/v1/regions/soest"

    response = api.open(method.upper(), url, user=world["admin"], data=body,
                        headers={"Content-Type": "application/json"})

    assert response.status_code == (201 if method == "post" else 200), response.get_data(as_text=True)
    slug = "kreis-paderborn" if method == "post" else "soest"
    assert db.session.scalar(select(Region.description).where(Region.slug == slug)) == description


def test_the_export_names_the_administered_regions(client, auth, world):
    auth.login(world["region_admin"])

    data = json.loads(client.get("/konto/daten.json").get_data(as_text=True))

    assert data["account"]["administered_regions"] == ["soest"]
    assert data["account"]["moderated_regions"] == []
