"""`flask plugins new` and `flask plugins revision`: the generated package, its first migration, the next
ones, the names refused, and the plugins commands before the database is set up."""

import re
import sys
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from beteiligung import create_app
from beteiligung.extensions import db as _db
from beteiligung.plugins import scaffold
from beteiligung.plugins.cli import NOT_MIGRATED, CommandFailed, core_heads, make_revision, script_directory
from beteiligung.testing.contract import contract_problems, migration_problems
from beteiligung.testing.fixtures import make_test_config, plugin_entry_point

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"


def generate(target, name, **overrides):
    options = {"title": "Digitale Stadt", "region": None, "core_head": "0001_core", "core_version": ">=0.1,<1",
               "core_requirement": ">=0.1,<1"}
    options.update(overrides)
    return scaffold.generate(target, name, **options)


@pytest.fixture
def load_generated(tmp_path, database_url):
    """load_generated(name, edit=None, first_migration=True) -> app with a freshly generated plugin loaded.

    The plugin is generated into tmp_path and imported from there; ``edit(package_folder)`` changes it
    before the import. Afterwards its branch is downgraded and its tables leave the shared metadata."""
    loaded = []

    def load(name, edit=None, first_migration=True):
        root = tmp_path / name
        probe = create_app(make_test_config(database_url, BETEILIGUNG_PLUGINS=""))
        with probe.app_context():
            heads = core_heads(probe, script_directory(probe)[1])
        generate(root, name, core_head=heads[0])
        package = root / f"beteiligung_{name}"
        if not first_migration:
            for migration in (package / "migrations").glob("*.py"):
                migration.unlink()
        if edit is not None:
            edit(package)
        sys.path.insert(0, str(root))
        found = [plugin_entry_point(name, f"beteiligung_{name}:{scaffold.class_name(name)}")]
        app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))
        loaded.append((name, app, root))
        return app, found

    yield load
    for name, app, root in loaded:
        with app.app_context():
            downgrade(revision=f"{name}@base")
            _db.engine.dispose()
        for table in [t for t in _db.metadata.sorted_tables if t.name.startswith(f"{name}_")]:
            _db.metadata.remove(table)
        for module in [m for m in sys.modules if m == f"beteiligung_{name}" or m.startswith(f"beteiligung_{name}.")]:
            del sys.modules[module]
        sys.path.remove(str(root))


def test_every_template_is_rendered_and_the_python_compiles(tmp_path):
    written = generate(tmp_path / "pkg", "rhein_erft", title='Rhein-Erft "digital"', region="rhein-erft",
                       core_head=("0003_polls", "0004_x"))

    names = {path.relative_to(tmp_path / "pkg").as_posix() for path in written}
    assert {"setup.cfg", "pyproject.toml", "README.md", "babel.cfg", "beteiligung_rhein_erft/__init__.py",
            "beteiligung_rhein_erft/models.py", "beteiligung_rhein_erft/views.py",
            "beteiligung_rhein_erft/question_types.py", "beteiligung_rhein_erft/templates/rhein_erft/index.html",
            "beteiligung_rhein_erft/migrations/rhein_erft_0001_entries.py",
            "beteiligung_rhein_erft/translations/en/LC_MESSAGES/messages.po",
            "beteiligung_rhein_erft/translations/en/LC_MESSAGES/messages.mo",
            "tests/test_rhein_erft.py"} <= names
    for path in written:
        if path.suffix != ".mo":
            assert "@@" not in path.read_text(encoding="utf-8"), path
        if path.suffix == ".py":
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
    plugin = (tmp_path / "pkg/beteiligung_rhein_erft/__init__.py").read_text(encoding="utf-8")
    assert "class RheinErftPlugin(Plugin):" in plugin
    assert 'title = "Rhein-Erft \\"digital\\""' in plugin and 'home_region = "rhein-erft"' in plugin
    migration = (tmp_path / "pkg/beteiligung_rhein_erft/migrations/rhein_erft_0001_entries.py").read_text()
    assert 'depends_on = ("0003_polls", "0004_x")' in migration and 'branch_labels = ("rhein_erft",)' in migration
    assert "rhein_erft = beteiligung_rhein_erft:RheinErftPlugin" in (tmp_path / "pkg/setup.cfg").read_text()
    assert "name = beteiligung-rhein-erft" in (tmp_path / "pkg/setup.cfg").read_text()
    assert "    beteiligung>=0.1,<1\n" in (tmp_path / "pkg/setup.cfg").read_text()


@pytest.mark.parametrize(("name", "message"), [
    ("Hamm", "kein gültiger Plugin-Name: nur Kleinbuchstaben"),
    ("1hamm", "kein gültiger Plugin-Name: nur Kleinbuchstaben"),
    ("hamm-nord", "kein gültiger Plugin-Name: nur Kleinbuchstaben"),
    ("class", "kein Python-Schlüsselwort"),
    ("hamm_", "kein _ am Ende"),
    ("x" * 31, "zu lang: höchstens 30 Zeichen"),
    ("soest", "Ein Plugin „soest“ ist schon installiert"),
    ("api", "„api“ ist schon ein Pfad der Plattform (/api/…)"),
    ("verwaltung", "„verwaltung“ ist schon ein Pfad der Plattform"),
])
def test_a_name_that_cannot_be_a_plugins_is_refused_with_a_clear_message(runner, tmp_path, name, message):
    taken = {"soest"}  # the shipped plugins may be uninstalled where these tests run
    with pytest.raises(scaffold.ScaffoldError, match=re.escape(message)):
        scaffold.check_name(name, taken, {"api", "verwaltung"})
    if name not in taken:
        result = runner.invoke(args=["plugins", "new", name, "--path", str(tmp_path / "x")])
        assert result.exit_code == 1
        assert message in result.output and "Traceback" not in result.output
        assert not (tmp_path / "x").exists()


def test_the_core_paths_are_reserved(app):
    from beteiligung.plugins.cli import reserved_names

    assert {"api", "verwaltung", "static", "regionen", "umfragen"} <= reserved_names(app)


def test_new_writes_the_package_and_its_first_migration_on_the_core_head(app, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(args=["plugins", "new", "hamm", "--title", "Digitale Stadt Hamm", "--region", "hamm"])
    again = runner.invoke(args=["plugins", "new", "hamm"])
    elsewhere = runner.invoke(args=["plugins", "new", "hamm", "--path", str(tmp_path / "anywhere" / "hamm")])
    bad_region = runner.invoke(args=["plugins", "new", "hamm", "--path", str(tmp_path / "y"), "--region", "Hamm!"])

    assert result.exit_code == 0, result.output
    assert "Das Plugin hamm liegt jetzt in plugins/hamm." in result.output
    migration = (tmp_path / "plugins/hamm/beteiligung_hamm/migrations/hamm_0001_entries.py").read_text()
    heads = core_heads(app, script_directory(app)[1])
    assert f'depends_on = "{heads[0]}"' in migration and "down_revision = None" in migration
    assert again.exit_code == 1 and "Den Ordner plugins/hamm gibt es schon" in again.output
    assert elsewhere.exit_code == 0 and (tmp_path / "anywhere/hamm/beteiligung_hamm/models.py").exists()
    assert bad_region.exit_code == 1 and "„Hamm!“ ist keine Kurzbezeichnung einer Region" in bad_region.output


def test_core_heads_are_the_newest_core_revisions_only(app):
    heads = core_heads(app, script_directory(app)[1])
    newest = sorted(Path(app.extensions["migrate"].directory, "versions").glob("*.py"))[-1].read_text()

    assert len(heads) == 1
    assert f"revision = '{heads[0]}'" in newest or f'revision = "{heads[0]}"' in newest


def test_the_generated_plugin_keeps_the_contract(load_generated):
    app, found = load_generated("scaffoldok")
    with app.app_context():
        upgrade(revision="heads")
        assert "scaffoldok_entries" in inspect(_db.engine).get_table_names()
        assert contract_problems(app, "scaffoldok", found) == []


def _drift(package):
    models = package / "models.py"
    text = models.read_text()
    text = text.replace('        CheckConstraint("length(title) > 0", name="title_not_empty"),\n', "")
    text = text.replace("    body: Mapped[str] = mapped_column(Text, default=\"\")",
                        "    body: Mapped[str | None] = mapped_column(Text)\n"
                        "    place: Mapped[str] = mapped_column(String(80), index=True)")
    text = text.replace("title: Mapped[str] = mapped_column(String(200))", "title: Mapped[str] = mapped_column(Text)")
    models.write_text(text)


def test_the_contract_names_every_difference_between_migration_and_models(load_generated):
    app, _found = load_generated("scaffolddrift", edit=_drift)
    with app.app_context():
        with pytest.raises(CommandFailed, match="Die Datenbank steht nicht auf dem neuesten Stand: zuerst flask"):
            make_revision(app, "scaffolddrift", "too early", autogenerate=True)
        upgrade(revision="heads")
        problems = migration_problems(app, "scaffolddrift")
        assert "Die Spalte scaffolddrift_entries.place fehlt in den Migrationen (das Modell hat sie)." in problems
        assert ("Der Index ix_scaffolddrift_entries_place auf scaffolddrift_entries (place) fehlt in den Migrationen "
                "(das Modell hat ihn).") in problems
        assert ("Die Spalte scaffolddrift_entries.body darf nicht leer sein laut Migrationen, aber darf leer sein "
                "laut Modell (nullable).") in problems
        assert any(p.startswith("Die Spalte scaffolddrift_entries.title hat in den Migrationen den Typ VARCHAR(200)")
                   for p in problems), problems
        assert ("Die Migrationen legen die Prüfregel (check) ck_scaffolddrift_entries_title_not_empty auf "
                "scaffolddrift_entries an, aber das Modell hat sie nicht.") in problems
        assert len(problems) == 5, problems

        # The next revision, made from the models, closes the gaps Alembic sees; check constraints it does not
        # compare, and the contract still names the one left.
        path = make_revision(app, "scaffolddrift", "place and longer titles", autogenerate=True)
        assert path.name == "scaffolddrift_0002_place_and_longer_titles.py"
        assert path.parent.name == "migrations" and path.parent.parent.name == "beteiligung_scaffolddrift"
        upgrade(revision="heads")
        assert migration_problems(app, "scaffolddrift") == [problems[-1]]
        assert "Prüfregel" in problems[-1]
        assert make_revision(app, "scaffolddrift", "nothing", autogenerate=True) is None


def test_the_first_revision_starts_the_plugins_branch_after_the_core(load_generated):
    app, found = load_generated("scaffoldfirst", first_migration=False)
    with app.app_context():
        problems = contract_problems(app, "scaffoldfirst", found)
        assert any('keine Revision mit branch_labels=("scaffoldfirst",)' in p for p in problems), problems

        path = make_revision(app, "scaffoldfirst", "entries", autogenerate=True)
        upgrade(revision="heads")

        text = path.read_text()
        heads = core_heads(app, script_directory(app)[1])
        assert path.name == "scaffoldfirst_0001_entries.py"
        assert "down_revision = None" in text and "branch_labels = ('scaffoldfirst',)" in text
        assert f"depends_on = '{heads[0]}'" in text
        assert "op.create_table('scaffoldfirst_entries'" in text
        assert "gelsenkirchen" not in text and "sample" not in text  # other plugins' tables are left alone
        assert contract_problems(app, "scaffoldfirst", found) == []


def test_revision_refuses_a_plugin_that_is_not_loaded(app, runner):
    unknown = runner.invoke(args=["plugins", "revision", "gibtsnicht", "-m", "x"])
    missing_message = runner.invoke(args=["plugins", "revision", "gibtsnicht"])

    assert unknown.exit_code == 1
    assert unknown.output.strip() == ("Das Plugin gibtsnicht ist nicht installiert (oder mit BETEILIGUNG_PLUGINS "
                                      "ausgelassen).")
    assert missing_message.exit_code == 2 and "-m" in missing_message.output


def test_revision_names_a_plugin_that_failed_to_load(database_url):
    found = [plugin_entry_point("oldcore", "sample_plugins.broken:OldCorePlugin")]
    app = create_app(make_test_config(database_url, PLUGIN_ENTRY_POINTS=found))

    result = app.test_cli_runner().invoke(args=["plugins", "revision", "oldcore", "-m", "x"])

    assert result.exit_code == 1
    assert result.output.startswith("Das Plugin oldcore konnte nicht geladen werden: "
                                    "Unterstützt die Plugin-Schnittstelle")


@pytest.mark.parametrize("args", [["plugins", "list"], ["plugins", "enable", "soest", "--region", "soest"],
                                  ["plugins", "disable", "soest", "--region", "soest"]])
def test_plugins_commands_before_db_upgrade_say_so_in_one_line(tmp_path, args):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'empty.db'}", BETEILIGUNG_PLUGINS=""))

    result = app.test_cli_runner().invoke(args=args)

    assert result.exit_code == 1
    assert result.output.strip() == NOT_MIGRATED
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_plugins_list_names_an_unreachable_database(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'missing' / 'folder' / 'x.db'}",
                                      BETEILIGUNG_PLUGINS=""))

    result = app.test_cli_runner().invoke(args=["plugins", "list"])

    assert result.exit_code == 1
    assert result.output.startswith("Die Datenbank ist nicht erreichbar (") and "DATABASE_URL" in result.output


def test_the_docs_show_the_setup_cfg_the_generator_writes(tmp_path):
    generate(tmp_path / "hamm", "hamm", title="Digitale Stadt Hamm", region="hamm")
    written = (tmp_path / "hamm" / "setup.cfg").read_text(encoding="utf-8").strip()

    blocks = re.findall(r"```ini\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)

    assert written in [block.strip() for block in blocks]
