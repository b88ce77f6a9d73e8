"""The plugin contract: the checks every plugin must pass, as a documented part of the plugin API.

A plugin's own tests run them in one line (docs/plugins.md, "7. Testing")::

    from beteiligung.testing.contract import contract_test

    test_contract = contract_test("soest")

The core's suite runs the same checks against every installed plugin. Each check returns German
sentences, one per problem (empty: the plugin keeps the contract):

- ``contract_problems(app, name)`` – all of the following;
- loading and hook signatures: the plugin loads strictly (class, name, ``core_version``, models, templates,
  blueprints) and every ``@hookimpl`` matches a hook specification (pluggy's validation);
- routes: every page of the plugin lies under ``/<name>/<region_slug>/``;
- ``migration_problems(app, name)``: the plugin's branch exists, starts at the right place and the
  database – upgraded to all heads – holds exactly the plugin's models: tables, columns, types,
  nullability, primary keys, indexes, unique, foreign-key and check constraints;
- ``personal_data_problems``: once the core declares hooks for personal data (a hook whose name
  contains ``personal_data``), a plugin whose tables refer to accounts implements them all;
- ``translation_problems(app, name)``: the English catalogue exists, compiles, and translates every
  text extracted from the plugin's sources (Python and templates).
"""

import io
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from sqlalchemy import CheckConstraint, inspect

from beteiligung.extensions import db
from beteiligung.plugins.cli import migration_problems as branch_problems
from beteiligung.plugins.cli import owner_of_table, plugin_names, table_of

__all__ = ["assert_contract", "catalogue_coverage", "contract_problems", "contract_test", "migration_problems",
           "personal_data_problems", "route_problems", "translation_problems"]

#: The names under which texts are marked in plugins (``_l`` and ``lazy_gettext`` for import-time texts).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
EXTRACTION = [("**/migrations/**", "ignore"), ("**/tests/**", "ignore"), ("**.py", "python"),
              ("**/templates/**.html", "jinja2.ext:babel_extract")]
EXTRACTION_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
CATALOGUE = "en/LC_MESSAGES/messages.po"


def _registry(app):
    return app.extensions["beteiligung.plugins"]


def contract_problems(app, name, entry_points=None):
    """Sentences describing how the named plugin breaks the contract (empty: it keeps it).

    ``app`` must have loaded the plugin (``BETEILIGUNG_PLUGINS`` or the test marker
    ``@pytest.mark.plugins(name)``) and run inside an app context; its database must be migrated to all
    heads (the test fixtures do it). ``entry_points``: where to find the plugin when it is not
    installed (tests' ``PLUGIN_ENTRY_POINTS``).
    """
    registry = _registry(app)
    if name not in registry.plugins:
        return [registry.failed.get(name) or f"Das Plugin {name} ist nicht geladen (BETEILIGUNG_PLUGINS oder "
                                              f"@pytest.mark.plugins(\"{name}\"))."]
    problems = []
    try:
        registry.strict_copy(found=entry_points, only=[name])
    except Exception as error:  # noqa: BLE001 - reported, not raised
        problems.append(str(error))
    problems += route_problems(app, name)
    problems += migration_problems(app, name)
    problems += personal_data_problems(app, name)
    problems += translation_problems(app, name)
    return problems


def assert_contract(app, name, entry_points=None):
    """Fail (AssertionError) with every problem of ``contract_problems``, one per line."""
    problems = contract_problems(app, name, entry_points)
    if problems:
        raise AssertionError(f"Das Plugin {name} hält den Vertrag nicht ein:\n- " + "\n- ".join(problems))


def contract_test(name):
    """A pytest test that checks the named plugin's contract: ``test_contract = contract_test("soest")``."""
    import pytest

    @pytest.mark.plugins(name)
    def test_plugin_keeps_the_contract(app):
        assert_contract(app, name)

    test_plugin_keeps_the_contract.__doc__ = f"The plugin {name} keeps the core's plugin contract."
    return test_plugin_keeps_the_contract


# --- routes ----------------------------------------------------------------------------------------

def route_problems(app, name):
    registry = _registry(app)
    problems = []
    for blueprint_name, owner in registry.blueprint_owner.items():
        if owner != name:
            continue
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith(blueprint_name + ".") and not rule.rule.startswith(f"/{name}/<region_slug>"):
                problems.append(f"Die Seite {rule.rule} liegt nicht unter /{name}/<region_slug>/.")
    return problems


# --- migrations ------------------------------------------------------------------------------------

def _plugin_tables(app, name):
    """The names of the plugin's tables in the models and in the database."""
    names = plugin_names(app) | {name}
    in_models = {table.name for table in db.metadata.sorted_tables if owner_of_table(table.name, names) == name}
    in_database = {table for table in inspect(db.engine).get_table_names() if owner_of_table(table, names) == name}
    return in_models, in_database


def migration_problems(app, name):
    """Whether the plugin's migrations create exactly its models' schema, as German sentences.

    Compares the database (which must be upgraded to all heads) with the models, restricted to the
    tables carrying the plugin's prefix.
    """
    registry = _registry(app)
    plugin = registry.plugins[name]
    problems = [problem for problem in branch_problems(app, registry) if problem.startswith(f"{name}:")]
    in_models, in_database = _plugin_tables(app, name)
    if not type(plugin).migrations:
        if in_models:
            problems.append(f"{name}: das Plugin hat Tabellen ({', '.join(sorted(in_models))}), aber keinen Ordner "
                            "für Migrationen (Klassenattribut migrations).")
        return problems
    if problems:
        return problems
    problems += _not_upgraded(app, name)
    if problems:
        return problems
    tables = in_models | in_database

    def only_the_plugins(obj, object_name, type_, reflected, compare_to):
        return table_of(obj, type_) in tables

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": only_the_plugins})
        differences = compare_metadata(context, db.metadata)
        problems += [_sentence(difference) for difference in _flatten(differences)]
        problems += _constraint_differences(connection, in_models & in_database)
    return problems


def _not_upgraded(app, name):
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    try:
        wanted = {revision.revision for revision in script.get_revisions(f"{name}@head")}
    except Exception as error:  # noqa: BLE001 - Alembic's errors become a sentence
        return [f"{name}: die Migrationen lassen sich nicht lesen: {error}"]
    with db.engine.connect() as connection:
        stored = set(MigrationContext.configure(connection).get_current_heads())
    if wanted - stored:
        return [f"Die Datenbank steht nicht auf der neuesten Migration des Plugins {name} "
                f"({', '.join(sorted(wanted))}): zuerst flask --app wsgi db upgrade."]
    return []


def _flatten(differences):
    for difference in differences:
        if isinstance(difference, list):
            yield from difference
        else:
            yield difference


def _columns(constraint):
    return ", ".join(column.name for column in constraint.columns)


def _sentence(difference):
    kind = difference[0]
    if kind == "add_table":
        return f"Die Tabelle {difference[1].name} fehlt in den Migrationen (das Modell hat sie)."
    if kind == "remove_table":
        return f"Die Migrationen legen die Tabelle {difference[1].name} an, aber kein Modell beschreibt sie."
    if kind in ("add_column", "remove_column"):
        _kind, _schema, table, column = difference
        if kind == "add_column":
            return f"Die Spalte {table}.{column.name} fehlt in den Migrationen (das Modell hat sie)."
        return f"Die Migrationen legen die Spalte {table}.{column.name} an, aber das Modell hat sie nicht."
    if kind in ("add_index", "remove_index"):
        index = difference[1]
        where = f"{index.table.name} ({_columns(index)})"
        if kind == "add_index":
            return f"Der Index {index.name} auf {where} fehlt in den Migrationen (das Modell hat ihn)."
        return f"Die Migrationen legen den Index {index.name} auf {where} an, aber das Modell hat ihn nicht."
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = difference[1]
        what = "Fremdschlüssel" if kind.endswith("_fk") else "Eindeutigkeitsregel (unique)"
        where = f"{constraint.table.name} ({_columns(constraint)})"
        if kind.startswith("add"):
            return f"{what} {constraint.name or ''} auf {where} fehlt in den Migrationen (das Modell hat sie)." \
                .replace("  ", " ")
        return f"Die Migrationen legen {what} {constraint.name or ''} auf {where} an, aber das Modell hat sie " \
               "nicht.".replace("  ", " ")
    if kind == "modify_nullable":
        _kind, _schema, table, column, _existing, migrated, modelled = difference
        says = {True: "darf leer sein", False: "darf nicht leer sein"}
        return (f"Die Spalte {table}.{column} {says[migrated]} laut Migrationen, aber {says[modelled]} laut "
                "Modell (nullable).")
    if kind == "modify_type":
        _kind, _schema, table, column, _existing, migrated, modelled = difference
        return f"Die Spalte {table}.{column} hat in den Migrationen den Typ {migrated}, im Modell {modelled}."
    if kind == "modify_default":
        _kind, _schema, table, column, _existing, migrated, modelled = difference
        return f"Die Spalte {table}.{column} hat in den Migrationen den Standardwert {migrated}, im Modell {modelled}."
    return f"Migrationen und Modelle unterscheiden sich: {difference!r}"


def _constraint_differences(connection, tables):
    """Primary keys and named check constraints, which Alembic's comparison leaves out."""
    problems = []
    inspector = inspect(connection)
    for name in sorted(tables):
        table = db.metadata.tables[name]
        modelled_pk = [column.name for column in table.primary_key.columns]
        migrated_pk = inspector.get_pk_constraint(name).get("constrained_columns") or []
        if modelled_pk != migrated_pk:
            problems.append(f"Der Primärschlüssel von {name} ist in den Migrationen ({', '.join(migrated_pk) or '–'})"
                            f" ein anderer als im Modell ({', '.join(modelled_pk) or '–'}).")
        modelled = {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint) and c.name}
        migrated = {c["name"] for c in inspector.get_check_constraints(name) if c.get("name")}
        for missing in sorted(modelled - migrated):
            problems.append(f"Die Prüfregel (check) {missing} auf {name} fehlt in den Migrationen (das Modell hat "
                            "sie).")
        for extra in sorted(migrated - modelled):
            problems.append(f"Die Migrationen legen die Prüfregel (check) {extra} auf {name} an, aber das Modell "
                            "hat sie nicht.")
    return problems


# --- personal data -----------------------------------------------------------------------------------

def personal_data_hooks(manager):
    """The core's hooks for personal data (export and deletion of a person's data): those named ``*personal_data*``."""
    return sorted(hook for hook in vars(manager.hook) if "personal_data" in hook and not hook.startswith("_"))


def personal_tables(tables):
    """The tables that refer to accounts (a foreign key to ``users``): they hold data about persons."""
    return sorted(table.name for table in tables
                  if any(fk.column.table.name == "users" for fk in table.foreign_keys))


def personal_data_problems(app, name):
    """Once the core has hooks for personal data, a plugin whose tables refer to accounts implements them."""
    registry = _registry(app)
    hooks = personal_data_hooks(registry.manager)
    if not hooks:
        return []
    plugin = registry.plugins[name]
    tables = personal_tables(model.__table__ for model in type(plugin).models)
    return missing_personal_data_hooks(name, tables, hooks, registry.manager.get_hookcallers(plugin) or [])


def missing_personal_data_hooks(name, tables, hooks, callers):
    implemented = {caller.name for caller in callers}
    return [f"Die Tabellen {', '.join(tables)} speichern Daten zu Personen: das Plugin {name} muss den Hook "
            f"{hook} umsetzen (Auskunft und Löschung)." for hook in hooks if tables and hook not in implemented]


# --- translations ----------------------------------------------------------------------------------

def extracted_messages(folder):
    """``{(msgid, context): "file:line"}`` of the texts marked in a plugin's Python files and templates."""
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(folder), EXTRACTION, EXTRACTION_OPTIONS, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple | list) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _translated(catalog, msgid, context):
    message = catalog.get(msgid, context=context) if catalog is not None else None
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def _read_catalogue(path):
    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def catalogue_problems(po_path):
    """The catalogue can be read and compiled (placeholders of translation and source agree)."""
    try:
        catalog = _read_catalogue(po_path)
    except (OSError, PoFileError, ValueError) as error:
        return None, [f"Der Katalog {po_path} lässt sich nicht lesen: {error}"]
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"Der Katalog {po_path}, Text „{message.id}“: {error}")
    try:
        write_mo(io.BytesIO(), catalog)
    except Exception as error:  # noqa: BLE001 - any failure to compile is the problem
        problems.append(f"Der Katalog {po_path} lässt sich nicht kompilieren: {error}")
    return catalog, problems


def _core_catalogue():
    path = Path(__file__).resolve().parent.parent / "translations" / CATALOGUE
    return _read_catalogue(path) if path.exists() else None


def translation_problems(app, name):
    """The English catalogue exists, compiles, and translates every text marked in the plugin's sources.

    A text the core's catalogue translates needs no translation of its own (the core's wins anyway).
    """
    plugin_cls = type(_registry(app).plugins[name])
    folder = plugin_cls.resolve_path(plugin_cls.translations)
    return catalogue_coverage(name, plugin_cls.root(), folder / CATALOGUE if folder is not None else None)


def catalogue_coverage(name, source, po_path):
    """Problems of the catalogue ``po_path`` for the texts marked in the files under ``source``."""
    messages = extracted_messages(source)
    if not messages:
        return []
    if po_path is None or not Path(po_path).exists():
        return [f"Das Plugin {name} hat {len(messages)} übersetzbare Texte, aber keinen englischen Katalog "
                f"{po_path or 'translations/' + CATALOGUE} (pybabel init -l en, siehe docs/plugins.md)."]
    catalog, problems = catalogue_problems(po_path)
    if catalog is None:
        return problems
    core = _core_catalogue()
    for (msgid, context), where in sorted(messages.items(), key=lambda item: item[1]):
        if not (_translated(catalog, msgid, context) or _translated(core, msgid, context)):
            problems.append(f"Keine englische Übersetzung für „{msgid}“ ({Path(where).as_posix()}) in "
                            f"{Path(po_path).name} (pybabel extract und update, siehe docs/plugins.md).")
    return problems
