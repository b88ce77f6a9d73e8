"""The contract test (beteiligung.testing.contract), run against every installed plugin and the tests' sample
plugin, and shown to notice each kind of breach: loading, migrations against models, translations, personal data."""

from importlib.metadata import entry_points

import pluggy
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from beteiligung import create_app
from beteiligung.plugins.hookspecs import PROJECT
from beteiligung.plugins.registry import GROUP
from beteiligung.testing.contract import (
    assert_contract,
    catalogue_coverage,
    contract_problems,
    contract_test,
    missing_personal_data_hooks,
    personal_data_hooks,
    personal_data_problems,
    personal_tables,
)
from beteiligung.testing.fixtures import make_test_config, plugin_entry_point

INSTALLED = sorted(entry_point.name for entry_point in entry_points(group=GROUP))


@pytest.mark.parametrize("name", INSTALLED)
def test_installed_plugin_keeps_the_contract(database_url, name):
    app = create_app(make_test_config(database_url, BETEILIGUNG_PLUGINS=name))
    with app.app_context():
        assert contract_problems(app, name) == []


def test_sample_plugin_keeps_the_contract(database_url):
    found = [plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin")]
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))
    with app.app_context():
        upgrade(revision="heads")
        try:
            assert contract_problems(app, "sample", found) == []
        finally:
            downgrade(revision="sample@base")  # the sample plugin exists only in the tests that load it


def test_the_sample_plugin_before_its_migration_ran_is_told_to_upgrade(database_url):
    found = [plugin_entry_point("sample", "sample_plugins.sample:SamplePlugin")]
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))
    with app.app_context():
        problems = contract_problems(app, "sample", found)
    assert problems == ["Die Datenbank steht nicht auf der neuesten Migration des Plugins sample (sample_0001): "
                        "zuerst flask --app wsgi db upgrade."]


def test_contract_reports_a_broken_plugin(database_url):
    found = [plugin_entry_point("oldcore", "sample_plugins.broken:OldCorePlugin")]
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))
    with app.app_context():
        problems = contract_problems(app, "oldcore", found)
    assert problems and "Kernversion" in problems[0]


def test_a_plugin_that_is_not_loaded_is_named(database_url):
    app = create_app(make_test_config(database_url, BETEILIGUNG_PLUGINS=""))
    with app.app_context():
        assert contract_problems(app, "soest") == [
            'Das Plugin soest ist nicht geladen (BETEILIGUNG_PLUGINS oder @pytest.mark.plugins("soest")).']
        with pytest.raises(AssertionError, match="Das Plugin soest hält den Vertrag nicht ein:\n- Das Plugin soest"):
            assert_contract(app, "soest")


def test_contract_test_makes_a_test_that_loads_the_plugin():
    test = contract_test("soest")

    assert test.__name__.startswith("test_")
    assert [mark.args for mark in test.pytestmark if mark.name == "plugins"] == [("soest",)]


@pytest.mark.plugins("sample")
def test_plugins_marker_limits_the_loaded_plugins(app):
    # No installed plugin is called "sample" (it exists only through test entry points), so the
    # marker leaves the app with no plugin and records that the named one is missing.
    registry = app.extensions["beteiligung.plugins"]
    assert set(registry.plugins) <= {"sample"}
    assert set(registry.plugins) | set(registry.failed) == {"sample"}


# --- translations ------------------------------------------------------------------------------------

PO_HEADER = ('msgid ""\nmsgstr ""\n"Language: en\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
             '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


@pytest.fixture
def sources(tmp_path):
    package = tmp_path / "beteiligung_probe"
    (package / "templates" / "probe").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from beteiligung.plugin_api import gettext, lazy_gettext as _l, ngettext\n"
        "TITLE = _l('Ein Titel')\n"
        "def count(n):\n    return ngettext('%(num)s Eintrag', '%(num)s Einträge', n)\n"
        "def hello(name):\n    return gettext('Hallo %(name)s', name=name)\n")
    (package / "templates" / "probe" / "index.html").write_text(
        '{% set rows = [] %}{% do rows.append(1) %}<h1>{{ _("Die Seite der Probe") }}</h1><p>{{ _("Anzahl") }}</p>')
    po = package / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    return package, po


def test_every_marked_text_needs_an_english_translation(sources):
    package, po = sources
    po.write_text(PO_HEADER + 'msgid "Ein Titel"\nmsgstr "A title"\n\n'
                  '#, fuzzy\nmsgid "Die Seite der Probe"\nmsgstr "The probe\'s page"\n\n'
                  'msgid "%(num)s Eintrag"\nmsgid_plural "%(num)s Einträge"\nmsgstr[0] "%(num)s entry"\n'
                  'msgstr[1] ""\n', encoding="utf-8")

    problems = catalogue_coverage("probe", package, po)

    # "Anzahl" is translated by the core's catalogue; the rest is missing, fuzzy, or lacks a plural form.
    assert [problem.split(" (")[0] for problem in problems] == [
        "Keine englische Übersetzung für „%(num)s Eintrag“",
        "Keine englische Übersetzung für „Hallo %(name)s“",
        "Keine englische Übersetzung für „Die Seite der Probe“",
    ]
    assert "(__init__.py:4)" in problems[0] and "(templates/probe/index.html:1)" in problems[2]


def test_a_complete_catalogue_passes_and_a_broken_one_is_named(sources):
    package, po = sources
    complete = (PO_HEADER + 'msgid "Ein Titel"\nmsgstr "A title"\n\nmsgid "Die Seite der Probe"\nmsgstr "The page"\n\n'
                'msgid "%(num)s Eintrag"\nmsgid_plural "%(num)s Einträge"\nmsgstr[0] "%(num)s entry"\n'
                'msgstr[1] "%(num)s entries"\n\n#, python-format\nmsgid "Hallo %(name)s"\nmsgstr "Hello %(name)s"\n')
    po.write_text(complete, encoding="utf-8")
    assert catalogue_coverage("probe", package, po) == []

    po.write_text(complete.replace('msgstr "Hello %(name)s"', 'msgstr "Hello %(nom)s"'), encoding="utf-8")
    assert any("Hallo %(name)s" in problem and "nom" in problem for problem in catalogue_coverage("probe", package, po))

    po.write_text(complete + 'msgid "kaputt\n', encoding="utf-8")
    assert catalogue_coverage("probe", package, po)[0].startswith(f"Der Katalog {po} lässt sich nicht lesen")

    po.unlink()
    assert catalogue_coverage("probe", package, po) == [
        f"Das Plugin probe hat 5 übersetzbare Texte, aber keinen englischen Katalog {po} (pybabel init -l en, siehe "
        "docs/plugins.md)."]


def test_a_plugin_without_marked_texts_needs_no_catalogue(tmp_path):
    (tmp_path / "plain.py").write_text("TITLE = 'Nur deutsch'\n")
    assert catalogue_coverage("plain", tmp_path, None) == []


# --- personal data -----------------------------------------------------------------------------------

def test_personal_data_hooks_are_required_only_once_the_core_declares_them(app):
    registry = app.extensions["beteiligung.plugins"]
    assert personal_data_hooks(registry.manager) == [  # the core's (hookspecs, "personal data")
        "delete_personal_data", "export_personal_data", "personal_data_categories"]

    class Specs:
        @pluggy.HookspecMarker(PROJECT)
        def personal_data_exported(self, user):
            """A person asked for their data."""

    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(Specs)
    assert personal_data_hooks(manager) == ["personal_data_exported"]


def test_tables_that_refer_to_accounts_need_the_personal_data_hooks():
    metadata = MetaData()
    Table("users", metadata, Column("id", Integer, primary_key=True))
    Table("regions", metadata, Column("id", Integer, primary_key=True))
    votes = Table("probe_votes", metadata, Column("id", Integer, primary_key=True),
                  Column("user_id", ForeignKey("users.id")))
    places = Table("probe_places", metadata, Column("id", Integer, primary_key=True),
                   Column("region_id", ForeignKey("regions.id")))
    tables = personal_tables([votes, places])

    class Caller:
        def __init__(self, name):
            self.name = name

    assert tables == ["probe_votes"]
    assert missing_personal_data_hooks("probe", tables, ["personal_data_deleted", "personal_data_exported"],
                                       [Caller("personal_data_exported")]) == [
        "Die Tabellen probe_votes speichern Daten zu Personen: das Plugin probe muss den Hook personal_data_deleted "
        "umsetzen (Auskunft und Löschung)."]
    assert missing_personal_data_hooks("probe", [], ["personal_data_deleted"], []) == []


@pytest.mark.plugins("paderborn")
def test_a_plugin_without_tables_about_accounts_needs_no_personal_data_hook(app):
    assert personal_data_problems(app, "paderborn") == []
