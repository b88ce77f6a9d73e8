"""Personal data: the plugin's table (published data sets of closed polls: aggregated results, no names)
refers to regions and polls, never to accounts, so the data export and the deletion of an account have nothing
of it to include (hooks *personal_data*)."""

import pytest
from beteiligung_gelsenkirchen.models import Dataset

from beteiligung.testing.contract import personal_data_problems, personal_tables

pytestmark = pytest.mark.plugins("gelsenkirchen")


def test_the_plugins_table_holds_no_data_about_accounts():
    assert Dataset.__tablename__ == "gelsenkirchen_datasets"
    assert personal_tables([Dataset.__table__]) == []


def test_the_plugin_keeps_the_personal_data_contract(app):
    # A column referring to users would make the contract ask for the three personal-data hooks.
    assert personal_data_problems(app, "gelsenkirchen") == []


def test_the_export_has_no_section_of_the_plugin(client, auth, create_user):
    auth.login(create_user())

    data = client.get("/konto/daten.json").get_json()

    assert not [key for key in data if key.startswith("gelsenkirchen.")]
    assert "incomplete" not in data and set(data["about"]) == set(data) - {"about"}
