"""Plugins that break the contract are skipped (or fail loudly in strict mode); failures are contained."""

import pytest
from sqlalchemy import func, select

from beteiligung import create_app
from beteiligung.comments.models import Comment
from beteiligung.plugins.registry import PluginError
from beteiligung.plugins.services import enable_plugin
from beteiligung.testing.fixtures import make_test_config, plugin_entry_point

BROKEN = {
    "prefix": ("sample_plugins.broken:WrongPrefixPlugin", "beginnen"),
    "oldcore": ("sample_plugins.broken:OldCorePlugin", "Kernversion"),
    "noversion": ("sample_plugins.broken:NoCoreVersionPlugin", "core_version fehlt"),
    "badtemplate": ("sample_plugins.broken:InvalidTemplatePlugin", "Umfragevorlage"),
    "notaplugin": ("sample_plugins.broken:NotAPlugin", "keine Unterklasse"),
    "typo": ("sample_plugins.broken:UnknownHookPlugin", "Unbekannter Hook"),
    "unimportable": ("sample_plugins.unimportable:Whatever", "ImportError"),
}


def load(database_url, *entry_points, **config):
    return create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=list(entry_points), **config))


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_plugin_is_skipped_with_a_reason_and_the_platform_runs(database_url, name):
    value, reason = BROKEN[name]
    app = load(database_url, plugin_entry_point(name, value))

    registry = app.extensions["beteiligung.plugins"]
    assert name not in registry.plugins
    assert reason in registry.failed[name]
    assert app.test_client().get("/").status_code == 200


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_plugin_fails_loudly_in_strict_mode(database_url, name):
    value, reason = BROKEN[name]
    with pytest.raises(PluginError, match=reason):
        load(database_url, plugin_entry_point(name, value), PLUGINS_STRICT=True)


def test_refused_plugin_tables_do_not_reach_the_schema(database_url, db):
    load(database_url, plugin_entry_point("prefix", BROKEN["prefix"][0]))

    assert "notes_without_prefix" not in db.metadata.tables


def test_two_plugins_with_the_same_name_are_both_refused(database_url):
    app = load(database_url, plugin_entry_point("twin", "sample_plugins.sample:SamplePlugin"),
               plugin_entry_point("twin", "sample_plugins.broken:OldCorePlugin"))

    registry = app.extensions["beteiligung.plugins"]
    assert registry.plugins == {}
    assert "2 installierte Plugins" in registry.failed["twin"]


def test_invalid_plugin_name_is_refused(database_url):
    app = load(database_url, plugin_entry_point("Sample-Plugin", "sample_plugins.sample:SamplePlugin"))

    assert "Kleinbuchstaben" in app.extensions["beteiligung.plugins"].failed["Sample-Plugin"]


def test_only_plugins_named_in_the_setting_are_loaded(database_url):
    app = load(database_url, plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin"),
               plugin_entry_point("raising", "sample_plugins.broken:RaisingPlugin"), BETEILIGUNG_PLUGINS="raising")

    assert list(app.extensions["beteiligung.plugins"].plugins) == ["raising"]


def test_failed_plugins_are_shown_to_administrators(database_url, create_user):
    app = load(database_url, plugin_entry_point("oldcore", BROKEN["oldcore"][0]))
    admin = create_user(role="admin")
    client = app.test_client()
    client.post("/konto/anmelden", data={"email": admin.email, "password": "richtig-geheim-42"})

    page = client.get("/verwaltung/plugins").get_data(as_text=True)

    assert "oldcore" in page and "nicht geladen" in page


@pytest.fixture
def raising_app(database_url, db, create_region):
    region = create_region(slug="wuppertal", name="Wuppertal")
    app = load(database_url, plugin_entry_point("raising", "sample_plugins.broken:RaisingPlugin"))
    with app.app_context():
        enable_plugin(None, region, "raising")
        from beteiligung.extensions import db as app_db

        app_db.session.commit()
    return app, region


def test_exceptions_in_every_hook_kind_are_contained(raising_app, db, create_user, create_consultation,
                                                     api_headers):
    app, region = raising_app
    consultation = create_consultation(region=region)
    moderator = create_user(role="moderator", regions=[region])
    client = app.test_client()

    page = client.get(f"/beteiligungen/{consultation.id}")
    created = client.post(f"/api/v1/consultations/{consultation.id}/comments", json={"body": "Trotzdem da"},
                          headers=api_headers(create_user()))
    published = client.post("/api/v1/consultations", headers=api_headers(moderator),
                            json={"region": "wuppertal", "title": "Digitales Amt", "published": True})

    assert page.status_code == 200
    assert created.status_code == 201
    assert published.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(Comment.body)) == "Trotzdem da"


def test_exceptions_in_poll_hooks_are_contained(raising_app, db, create_user, create_poll, api_headers):
    from beteiligung.polls.models import Ballot, Poll

    app, region = raising_app
    poll = create_poll(region=region, questions=[{"type": "scale", "text": "Wie zufrieden sind Sie?"}])
    moderator = create_user(role="moderator", regions=[region])
    client = app.test_client()

    ballot = client.post(f"/api/v1/polls/{poll.id}/ballots", headers=api_headers(create_user()),
                         json={"answers": [{"question_id": poll.questions[0].id, "value": 3}]})
    closed = client.post(f"/api/v1/polls/{poll.id}/close", headers=api_headers(moderator))

    assert ballot.status_code == 201
    assert closed.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Ballot.id))) == 1
    assert db.session.get(Poll, poll.id).state == "closed"
