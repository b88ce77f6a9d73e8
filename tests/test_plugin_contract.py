"""The contract test, run against every installed plugin (and the tests' sample plugin)."""

from importlib.metadata import entry_points

import pytest

from beteiligung.plugins.registry import GROUP
from beteiligung.testing.contract import contract_problems
from beteiligung.testing.fixtures import plugin_entry_point

INSTALLED = sorted(entry_point.name for entry_point in entry_points(group=GROUP))


@pytest.mark.parametrize("name", INSTALLED)
def test_installed_plugin_keeps_the_contract(database_url, name):
    from beteiligung import create_app
    from beteiligung.testing.fixtures import make_test_config

    app = create_app(make_test_config(database_url, BETEILIGUNG_PLUGINS=name))
    with app.app_context():
        assert contract_problems(app, name) == []


def test_sample_plugin_keeps_the_contract(database_url):
    from beteiligung import create_app
    from beteiligung.testing.fixtures import make_test_config

    found = [plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin")]
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))
    with app.app_context():
        assert contract_problems(app, "sample", found) == []


def test_contract_reports_a_broken_plugin(database_url):
    from beteiligung import create_app
    from beteiligung.testing.fixtures import make_test_config

    found = [plugin_entry_point("oldcore", "sample_plugins.broken:OldCorePlugin")]
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))
    with app.app_context():
        problems = contract_problems(app, "oldcore", found)
    assert problems and "Kernversion" in problems[0]


@pytest.mark.plugins("sample")
def test_plugins_marker_limits_the_loaded_plugins(app):
    # No installed plugin is called "sample" (it exists only through test entry points), so the
    # marker leaves the app with no plugin and records that the named one is missing.
    registry = app.extensions["beteiligung.plugins"]
    assert set(registry.plugins) <= {"sample"}
    assert set(registry.plugins) | set(registry.failed) == {"sample"}
