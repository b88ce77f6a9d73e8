"""Process templates that plugins contribute (hook ``process_templates``): offered where the plugin is
enabled, made with the plugin's own poll template; a malformed one is left out, not fatal."""

import logging

import pytest
from sqlalchemy import select

from beteiligung import create_app
from beteiligung.errors import Invalid
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


# --- instrument kinds of plugins (hook ``instrument_kinds``) -------------------------------------------------

KIND_BROKEN = plugin_entry_point("fehlart", "sample_plugins.processes:BadKindPlugin")


def test_a_plugins_instrument_kind_is_offered_and_shown_where_it_is_enabled(client, auth, db, moderator, region,
                                                                           create_consultation, enable_plugin):
    from beteiligung.processes.instruments import kinds_for
    from beteiligung.processes.models import PhaseInstrument

    process = services.create_process(moderator, region, "Schule digital", published=True)
    phase = services.add_phase(moderator, process, "Werkstatt")
    consultation = create_consultation(region, title="Werkstatt am Gymnasium")
    db.session.commit()
    assert "werkstatt.workshop" not in kinds_for(region)
    with pytest.raises(Invalid):  # not enabled in the region: the kind is not there for it
        services.attach_instrument(moderator, phase, "werkstatt.workshop", consultation.id)
    db.session.rollback()

    enable_plugin(region, "werkstatt")
    assert "werkstatt.workshop" in kinds_for(region)
    auth.login(moderator)
    page = client.get(f"/prozesse/{process.id}/phasen/{phase.id}")
    assert "Werkstatt-Termin: Werkstatt am Gymnasium" in text_of(page)
    response = client.post(f"/prozesse/{process.id}/phasen/{phase.id}/instrumente",
                           data={"attach-instrument": f"werkstatt.workshop:{consultation.id}"})
    assert response.status_code == 303
    instrument = db.session.scalars(select(PhaseInstrument)).one()
    assert (instrument.kind, instrument.target_id) == ("werkstatt.workshop", consultation.id)
    html = client.get(f"/prozesse/{process.id}").get_data(as_text=True)
    assert f'href="/werkstatt/termine/{consultation.id}"' in html and "Werkstatt am Gymnasium" in html


def test_a_malformed_plugin_instrument_kind_is_left_out_and_logged(app, caplog):
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                            PLUGIN_ENTRY_POINTS=[WORKSHOP, KIND_BROKEN]))
    assert "Plugin fehlart: Instrumentarten werden nicht angeboten" in caplog.text
    kinds = other.extensions["beteiligung.instrument_kinds"]
    assert "werkstatt.workshop" in kinds and not any(key.startswith("fehlart") or key == "workshop" for key in kinds)
    with pytest.raises(PluginError):
        create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], PLUGIN_ENTRY_POINTS=[KIND_BROKEN],
                                    PLUGINS_STRICT=True))


@pytest.mark.parametrize(("instrument", "accepted"), [
    ({"kind": "proposal_collection", "title": "Ideen für die Schule", "body": "Was fehlt?",
      "categories": ["Digitales", "Gebäude"], "premoderated": True}, True),
    ({"kind": "proposal_collection", "body": "Ohne Titel"}, False),
    ({"kind": "proposal_collection", "title": "Ideen", "categories": ["x" * 81]}, False),
    ({"kind": "map", "title": "Eine Karte"}, False),
])
def test_templates_may_hold_proposal_collections(instrument, accepted):
    from beteiligung.polls.registry import ContributionError
    from beteiligung.processes.templates import check_process_templates

    definition = {"key": "ideen", "title": "Ideen sammeln", "phases": [{"title": "Sammeln",
                                                                        "instruments": [instrument]}]}
    no_question_types = type("QuestionTypes", (), {"types": {}})()
    if not accepted:
        with pytest.raises(ContributionError):
            check_process_templates("werkstatt", [definition], no_question_types, {})
        return
    [template] = check_process_templates("werkstatt", [definition], no_question_types, {}).values()
    [checked] = template["phases"][0]["instruments"]
    assert (checked["kind"], checked["categories"], checked["premoderated"]) == (
        "proposal_collection", ["Digitales", "Gebäude"], True)
