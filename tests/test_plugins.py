"""The plugin contract, proved with the tests-only plugins in tests/sample_plugins."""

import pytest
from flask_migrate import downgrade, upgrade
from sample_plugins import sample
from sqlalchemy import event, inspect, select, text

from beteiligung import create_app
from beteiligung.audit.models import AuditEntry
from beteiligung.comments.models import Comment
from beteiligung.plugins.services import enable_plugin
from beteiligung.testing.fixtures import make_test_config, plugin_entry_point

SAMPLE = plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin")


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [SAMPLE]}


@pytest.fixture(autouse=True)
def migrated(app):
    """The sample plugin's table, created by its own migration, and dropped again afterwards: the sample
    plugin exists only in these tests, and other tests' apps must not meet its revision in the database."""
    upgrade(revision="heads")
    yield
    downgrade(revision="sample@base")


@pytest.fixture
def regions(create_region):
    return create_region(slug="soest", name="Soest"), create_region(slug="aachen", name="Aachen")


@pytest.fixture
def enabled(db, regions):
    soest, _aachen = regions
    enable_plugin(None, soest, "sample")
    db.session.commit()
    return soest


@pytest.fixture(autouse=True)
def clear_events():
    sample.EVENTS.clear()


def registry(app):
    return app.extensions["beteiligung.plugins"]


def test_installed_plugin_is_loaded_and_listed(app, runner, regions):
    assert list(registry(app).plugins) == ["sample"]
    assert registry(app).failed == {}

    result = runner.invoke(args=["plugins", "list"])

    assert result.exit_code == 0
    assert "sample" in result.output and "aktiviert in: –" in result.output


def test_enabling_from_the_command_line_is_audited_and_shown(app, runner, db, regions):
    result = runner.invoke(args=["plugins", "enable", "sample", "--region", "soest"])

    assert result.exit_code == 0, result.output
    assert "aktiviert in: soest" in runner.invoke(args=["plugins", "list"]).output
    assert db.session.scalar(select(AuditEntry.action)) == "plugin.enabled"
    again = runner.invoke(args=["plugins", "enable", "sample", "--region", "soest"])
    assert again.exit_code != 0 and "bereits aktiviert" in again.output
    unknown = runner.invoke(args=["plugins", "enable", "gibtsnicht", "--region", "soest"])
    assert unknown.exit_code != 0 and "nicht installiert" in unknown.output


def test_plugin_page_is_served_under_its_prefix_only_where_enabled(client, runner, enabled):
    page = client.get("/sample/soest/")
    assert page.status_code == 200
    assert "Beispiel in Soest" in page.get_data(as_text=True)
    assert client.get("/sample/aachen/").status_code == 404
    assert client.get("/sample/nirgendwo/").status_code == 404

    runner.invoke(args=["plugins", "disable", "sample", "--region", "soest"])

    assert client.get("/sample/soest/").status_code == 404


def test_db_upgrade_command_applies_every_head(runner, db):
    from flask_migrate import downgrade as down

    down(revision="sample@base")
    result = runner.invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    assert "sample_notes" in inspect(db.engine).get_table_names()


def test_plugin_table_is_created_by_upgrade_and_dropped_by_downgrade_of_its_branch(app, db):
    def tables():
        return set(inspect(db.engine).get_table_names())

    assert "sample_notes" in tables()
    downgrade(revision="sample@base")
    assert "sample_notes" not in tables()
    assert "comments" in tables()  # the core stays
    upgrade(revision="heads")
    assert "sample_notes" in tables()


def test_poll_templates_are_offered_only_where_the_plugin_is_enabled(client, enabled):
    soest = client.get("/api/v1/poll-templates?region=soest").get_json()
    aachen = client.get("/api/v1/poll-templates?region=aachen").get_json()

    assert [t["key"] for t in soest["items"]] == ["sample:mobilitaet", "sample:probleme"]
    assert soest["items"][0]["questions"][0]["options"] == ["Bus", "Rad", "Auto"]
    assert aachen["items"] == []
    assert client.get("/api/v1/poll-templates").status_code == 422


def test_regions_api_names_enabled_plugins(client, enabled):
    items = {r["slug"]: r["plugins"] for r in client.get("/api/v1/regions").get_json()["items"]}

    assert items == {"soest": ["sample"], "aachen": []}


def test_notification_hooks_fire_only_for_events_of_enabled_regions(client, create_user, create_consultation,
                                                                    api_headers, enabled, regions):
    _soest, aachen = regions
    here = create_consultation(region=enabled)
    there = create_consultation(region=aachen)
    headers = api_headers(create_user())

    created = client.post(f"/api/v1/consultations/{here.id}/comments", json={"body": "Gut"}, headers=headers)
    client.post(f"/api/v1/consultations/{there.id}/comments", json={"body": "Auch gut"}, headers=headers)

    assert [("comment_created", "soest", created.get_json()["id"])] == sample.EVENTS


def test_consultation_published_hook_fires(client, create_user, api_headers, enabled):
    moderator = create_user(role="moderator", regions=[enabled])
    response = client.post("/api/v1/consultations", headers=api_headers(moderator),
                           json={"region": "soest", "title": "Bürgerbus", "published": True})

    assert [("consultation_published", "soest", response.get_json()["id"])] == sample.EVENTS


def test_comment_validator_refuses_only_where_enabled(client, db, create_user, create_consultation, api_headers,
                                                     enabled, regions):
    headers = api_headers(create_user())
    here = create_consultation(region=enabled)
    there = create_consultation(region=regions[1])
    body = {"body": "Ruft mich an: 0171 2345678"}

    refused = client.post(f"/api/v1/consultations/{here.id}/comments", json=body, headers=headers)
    accepted = client.post(f"/api/v1/consultations/{there.id}/comments", json=body, headers=headers)

    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["body"] == ["Bitte veröffentlichen Sie keine Telefonnummern."]
    assert accepted.status_code == 201
    assert db.session.scalar(select(Comment.consultation_id)) == there.id


def test_slot_content_renders_only_where_enabled_and_follows_disabling(client, runner, create_consultation,
                                                                      enabled, regions):
    here = create_consultation(region=enabled, title="Rufbus <Dorf>")
    there = create_consultation(region=regions[1])

    page = client.get(f"/beteiligungen/{here.id}").get_data(as_text=True)
    assert "Hinweis aus Soest zu Rufbus &lt;Dorf&gt;" in page
    assert "Hinweis aus" not in client.get(f"/beteiligungen/{there.id}").get_data(as_text=True)

    runner.invoke(args=["plugins", "disable", "sample", "--region", "soest"])

    assert "Hinweis aus" not in client.get(f"/beteiligungen/{here.id}").get_data(as_text=True)


def test_plugin_adds_cli_commands(runner):
    result = runner.invoke(args=["sample", "hello"])

    assert result.exit_code == 0
    assert "Hallo aus dem Beispiel-Plugin" in result.output


def _statements_per_request(database_url, entry_points, url):
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=entry_points))
    client = app.test_client()
    client.get(url)  # warm the cache, as a second reader would find it
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        from beteiligung.extensions import db

        event.listen(db.engine, "before_cursor_execute", listener)
        response = client.get(url)
        event.remove(db.engine, "before_cursor_execute", listener)
        db.engine.dispose()
    assert response.status_code == 200
    return len(statements)


def test_loading_plugins_adds_no_query_to_pages_without_contributions(database_url, create_consultation, enabled):
    consultation = create_consultation(region=enabled)

    for url in ("/", "/api/v1/consultations", f"/api/v1/consultations/{consultation.id}/comments"):
        with_plugin = _statements_per_request(database_url, [SAMPLE], url)
        without = _statements_per_request(database_url, [], url)
        assert with_plugin == without, url


def test_administrators_enable_and_disable_plugins_on_the_admin_page(client, auth, db, create_user, regions):
    soest, _aachen = regions
    admin = create_user(role="admin")
    auth.login(admin)

    page = client.get("/verwaltung/plugins")
    assert page.status_code == 200 and "Beispiel" in page.get_data(as_text=True)
    response = client.post(f"/verwaltung/plugins/sample/{soest.id}", data={"enable": "1"})
    assert response.status_code == 303
    assert client.get("/sample/soest/").status_code == 200
    client.post(f"/verwaltung/plugins/sample/{soest.id}", data={"enable": "0"})
    assert client.get("/sample/soest/").status_code == 404
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["plugin.enabled", "plugin.disabled"]


def test_citizens_and_moderators_cannot_enable_plugins(client, auth, create_user, regions):
    soest, _aachen = regions
    for user in (create_user(), create_user(role="moderator", regions=[soest])):
        auth.login(user)
        assert client.post(f"/verwaltung/plugins/sample/{soest.id}", data={"enable": "1"}).status_code == 403
        auth.logout()
    assert client.get("/sample/soest/").status_code == 404


def test_plugins_check_passes_for_a_sound_plugin(runner):
    result = runner.invoke(args=["plugins", "check"])

    assert result.exit_code == 0, result.output
    assert "1 Plugin(s) in Ordnung: sample" in result.output


def test_plugins_check_names_an_orphaned_revision(app, runner, db):
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('weg_0001')"))
    try:
        result = runner.invoke(args=["plugins", "check"])
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = 'weg_0001'"))

    assert result.exit_code == 1
    assert "weg_0001" in result.output and "downgrade <plugin>@base" in result.output
