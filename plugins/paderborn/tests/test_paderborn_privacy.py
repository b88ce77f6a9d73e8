"""Personal data: the plugin's table (the catalogue of the region's online services) refers to regions,
never to accounts, so the data export and the deletion of an account have nothing of it to include (hooks
*personal_data*)."""

import pytest
from beteiligung_paderborn.models import OnlineService

from beteiligung.testing.contract import personal_data_problems, personal_tables

pytestmark = pytest.mark.plugins("paderborn")


def test_the_plugins_table_holds_no_data_about_accounts():
    assert OnlineService.__tablename__ == "paderborn_services"
    assert personal_tables([OnlineService.__table__]) == []


def test_the_plugin_keeps_the_personal_data_contract(app):
    # A column referring to users would make the contract ask for the three personal-data hooks.
    assert personal_data_problems(app, "paderborn") == []


def test_the_export_has_no_section_of_the_plugin(client, auth, create_user):
    auth.login(create_user())

    data = client.get("/konto/daten.json").get_json()

    assert not [key for key in data if key.startswith("paderborn.")]
    assert "incomplete" not in data and set(data["about"]) == set(data) - {"about"}
