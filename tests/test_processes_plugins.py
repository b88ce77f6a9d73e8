"""Process templates that plugins contribute (hook ``process_templates``): offered where the plugin is
enabled, made with the plugin's own poll template; a malformed one is left out, not fatal."""

import logging

import pytest
from sqlalchemy import select

from beteiligung import create_app
from beteiligung.plugins.registry import PluginError
from beteiligung.polls.models import Poll
from beteiligung.processes import services
from beteiligung.processes.models import Process
from beteiligung.processes.templates import process_templates, templates_for
from beteiligung.testing.fixtures import make_test_config, plugin_entry_point
from beteiligung.testing.helpers import text_of

WORKSHOP = plugin_entry_point("werkstatt", "sample_plugins.processes:WorkshopPlugin")
BROKEN = plugin_entry_point("kaputt", "sample_plugins.processes:BrokenTemplatePlugin")


@pytest.fixture
def app_config():
    return {"PLUGIN_ENTRY_POINTS": [WORKSHOP, BROKEN]}


@pytest.fixture
def region(create_region):
    return create_region(slug="aachen", name="Aachen")


@pytest.fixture
def moderator(create_user, region):
    return create_user(role="moderator", regions=[region])


def test_a_plugin_contributes_a_template_where_it_is_enabled(client, auth, db, moderator, region, create_region,
                                                            enable_plugin):
    other_region = create_region(slug="soest", name="Soest")
    assert {"smart_city", "citizen_journey", "werkstatt:schule"} <= set(process_templates())
    assert "werkstatt:schule" not in templates_for(region)
    auth.login(moderator)
    refused = client.post(f"/regionen/{region.slug}/prozesse/neu",
                          data={"title": "Schule digital", "template": "werkstatt:schule"})
    assert refused.status_code == 422
    assert db.session.scalars(select(Process)).all() == []
    enable_plugin(region, "werkstatt")
    assert "Digitale Schule" in text_of(client.get(f"/regionen/{region.slug}/prozesse/neu"))
    response = client.post(f"/regionen/{region.slug}/prozesse/neu",
                           data={"title": "Schule digital", "template": "werkstatt:schule"})
    assert response.status_code == 303
    process = db.session.scalars(select(Process)).one()
    assert process.template == "werkstatt:schule"
    rows = services.phases_of(process)
    assert [phase.title for phase, _instruments in rows] == ["Schulwege erfassen", "Plan diskutieren"]
    poll = db.session.scalars(select(Poll)).one()
    assert (poll.template, poll.title, poll.status) == ("werkstatt:schulweg", "Schulweg-Check", "draft")
    assert [i.follows_phase_dates for _phase, instruments in rows for i in instruments] == [True, False]
    assert "werkstatt:schule" not in templates_for(other_region)


def test_a_malformed_plugin_template_is_left_out_and_logged(app, caplog):
    assert not any(key.startswith("kaputt:") for key in process_templates())
    assert "kaputt" in app.extensions["beteiligung.plugins"].plugins  # the plugin itself still works
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], PLUGIN_ENTRY_POINTS=[BROKEN]))
    assert "Plugin kaputt: Prozessvorlagen werden nicht angeboten" in caplog.text


def test_strict_mode_refuses_a_malformed_plugin_template(app):
    with pytest.raises(PluginError):
        create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], PLUGIN_ENTRY_POINTS=[BROKEN],
                                    PLUGINS_STRICT=True))
