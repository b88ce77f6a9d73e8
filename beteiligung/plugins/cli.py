"""`flask --app wsgi plugins list | enable NAME --region SLUG | disable NAME --region SLUG | check
| new NAME | revision NAME -m MESSAGE`."""

import re
from importlib.metadata import entry_points
from pathlib import Path

import click
from alembic import command as alembic_command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask.cli import AppGroup
from flask_migrate.cli import db as migrate_db
from packaging.version import Version
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from ..errors import DomainError
from ..extensions import db
from .registry import GROUP, PluginError
from .runtime import get_registry

plugins_cli = AppGroup("plugins", help="Plugins der Regionen verwalten / manage region plugins.")
NOT_MIGRATED = "Die Datenbank ist noch nicht eingerichtet: flask --app wsgi db upgrade"


class CommandFailed(click.ClickException):
    """A refusal of a plugins command: one German line on stderr, exit status 1, no traceback."""

    def show(self, file=None):
        click.echo(self.format_message(), err=True)


def require_database():
    """Refuse clearly when the database is unreachable or not migrated yet (instead of SQL errors)."""
    try:
        ready = inspect(db.engine).has_table("region_plugins")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise CommandFailed(f"Die Datenbank ist nicht erreichbar ({reason}): prüfen Sie DATABASE_URL.") from None
    if not ready:
        raise CommandFailed(NOT_MIGRATED)


def _region(slug):
    from ..regions.services import get_region_by_slug

    region = get_region_by_slug(slug)
    if region is None:
        raise click.BadParameter(f"Unbekannte Region: {slug}", param_hint="--region")
    return region


@plugins_cli.command("list")
def list_command():
    """Installed plugins, the regions where each is enabled, and plugins that failed to load."""
    from ..regions.services import list_regions
    from .services import enabled_by_region

    require_database()
    registry = get_registry()
    enabled = enabled_by_region()
    regions = list_regions()
    if not registry.plugins and not registry.failed:
        click.echo("Keine Plugins installiert.")
    for name, plugin in registry.plugins.items():
        where = [r.slug for r in regions if name in enabled.get(r.id, set())]
        click.echo(f"{name:<16} {plugin.title}  aktiviert in: {', '.join(where) or '–'}")
    for name, message in registry.failed.items():
        click.echo(f"{name:<16} FEHLER: {message}")


def _change(name, slug, enable):
    from .services import disable_plugin, enable_plugin

    require_database()
    region = _region(slug)
    try:
        (enable_plugin if enable else disable_plugin)(None, region, name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise CommandFailed(error.message) from None
    click.echo(f"{name} ist in {region.name} jetzt {'aktiviert' if enable else 'deaktiviert'}.")


@plugins_cli.command("enable")
@click.argument("name")
@click.option("--region", "slug", required=True, help="Kurzbezeichnung der Region.")
def enable_command(name, slug):
    """Enable an installed plugin in one region."""
    _change(name, slug, True)


@plugins_cli.command("disable")
@click.argument("name")
@click.option("--region", "slug", required=True, help="Kurzbezeichnung der Region.")
def disable_command(name, slug):
    """Disable a plugin in one region (its data stays)."""
    _change(name, slug, False)


def script_directory(app, autogenerate=False):
    config = app.extensions["migrate"].migrate.get_config(opts=["autogenerate"] if autogenerate else None)
    return config, ScriptDirectory.from_config(config)


def _as_tuple(value):
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def branch_revisions(script, name):
    """The revisions on the plugin's branch: its base (the one labelled ``name``) and everything after it."""
    revisions = {rev.revision: rev for rev in script.walk_revisions()}
    # Alembic passes a branch label on to the revisions after it; the base is the one that declares it.
    bases = [rev for rev in revisions.values() if name in _as_tuple(getattr(rev.module, "branch_labels", None))]
    found, todo = {}, list(bases)
    while todo:
        rev = todo.pop()
        if rev.revision in found:
            continue
        found[rev.revision] = rev
        todo += [revisions[child] for child in rev.nextrev if child in revisions]
    return bases, list(found.values())


def core_heads(app, script):
    """The newest revision(s) of the core's own history (``migrations/versions``), plugins left out."""
    folder = Path(app.extensions["migrate"].directory, "versions").resolve()
    core = {rev.revision: rev for rev in script.walk_revisions() if Path(rev.path).resolve().parent == folder}
    parents = {parent for rev in core.values() for parent in _as_tuple(rev.down_revision)}
    return sorted(revision for revision in core if revision not in parents)


def migration_problems(app, registry):
    """Problems of the plugins' migrations and of the database's revisions, as sentences."""
    problems = []
    _config, script = script_directory(app)
    for name in registry.plugins:
        if not type(registry.plugins[name]).migrations:
            continue
        bases, _revisions = branch_revisions(script, name)
        if not bases:
            problems.append(f"{name}: keine Revision mit branch_labels=(\"{name}\",) – die erste Migration schreibt "
                            f"flask --app wsgi plugins revision {name} -m \"…\".")
        elif len(bases) > 1 or bases[0].down_revision is not None:
            problems.append(f"{name}: die Revision mit dem Branch-Label muss die erste des Plugins sein "
                            "(down_revision = None), und nur sie trägt es.")
        elif not bases[0].dependencies:
            problems.append(f"{name}: die erste Revision braucht depends_on auf eine Revision des Kerns.")
    try:
        migrated = inspect(db.engine).has_table("alembic_version")
    except SQLAlchemyError as error:
        return [*problems, f"Die Datenbank ist nicht erreichbar: {str(getattr(error, 'orig', error)).splitlines()[0]}"]
    if migrated:
        known = {rev.revision for rev in script.walk_revisions()}
        with db.engine.connect() as conn:
            stored = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
        for revision in stored:
            if revision not in known:
                problems.append(f"Die Datenbank steht auf Revision {revision}, die kein installiertes Paket kennt: "
                                "vermutlich ein deinstalliertes Plugin. Installieren Sie es wieder und führen Sie "
                                "`flask --app wsgi db downgrade <plugin>@base` aus, bevor Sie es entfernen.")
    return problems


@plugins_cli.command("check")
def check_command():
    """Load every installed plugin strictly and check migrations; exit 1 on any problem."""
    app = current_app._get_current_object()
    problems, loaded = [], []
    try:
        loaded = list(get_registry().strict_copy(found=app.config.get("PLUGIN_ENTRY_POINTS")).plugins)
    except PluginError as error:
        problems.append(str(error))
    problems += migration_problems(app, get_registry())
    for problem in problems:
        click.echo(f"FEHLER: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{len(loaded)} Plugin(s) in Ordnung: {', '.join(loaded) or '–'}")


# --- plugins new -------------------------------------------------------------------------------------

def plugin_names(app):
    """Names of the installed plugins (loaded or not) and of those the app loaded from elsewhere."""
    return set(get_registry(app).plugins) | set(get_registry(app).failed) | {
        entry_point.name for entry_point in entry_points(group=GROUP)}


def reserved_names(app):
    """First path segments of the core's URLs (/api/…, /admin/…): a plugin named so would collide."""
    registry = get_registry(app)
    names = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if rule.endpoint == "plugin_landing" or registry.blueprint_owner.get(blueprint):
            continue
        segment = rule.rule.lstrip("/").split("/", 1)[0]
        if segment and not segment.startswith("<"):
            names.add(segment)
    return names


def version_range(version):
    """From this minor version up to the next major one: ``>=0.1,<1``."""
    version = Version(str(version))
    return f">={version.major}.{version.minor},<{version.major + 1}"


def core_versions(app):
    """(``core_version`` of a new plugin class: what the registry checks, the core requirement of its package)."""
    from .. import __version__

    return version_range(get_registry(app).core_version), version_range(__version__)


@plugins_cli.command("new")
@click.argument("name")
@click.option("--path", "path", type=click.Path(path_type=Path), default=None,
              help="Ordner des neuen Pakets (Standard: plugins/NAME im aktuellen Ordner).")
@click.option("--title", default=None, help="Titel für die Verwaltung (Standard: der Name).")
@click.option("--region", "region", default=None,
              help="Kurzbezeichnung der Region, für die das Plugin gedacht ist (home_region).")
def new_command(name, path, title, region):
    """Generate a working, installable plugin package (page, table with its first migration, tests …)."""
    from . import scaffold

    app = current_app._get_current_object()
    target = path if path is not None else Path("plugins") / name
    try:
        scaffold.check_name(name, plugin_names(app), reserved_names(app))
        title = scaffold.check_title(title if title is not None else name.replace("_", " ").title())
        scaffold.check_region(region)
        _config, script = script_directory(app)
        heads = core_heads(app, script)
        spec, requirement = core_versions(app)
        scaffold.generate(target, name, title, region, heads[0] if len(heads) == 1 else tuple(heads), spec,
                          requirement)
    except scaffold.ScaffoldError as error:
        raise CommandFailed(str(error)) from None
    click.echo(f"Das Plugin {name} liegt jetzt in {target}. Weiter geht es so:\n"
               f"  pip install -e {target}\n"
               "  flask --app wsgi db upgrade\n"
               f"  flask --app wsgi plugins enable {name} --region <Region>\n"
               f"  python -m pytest {target / 'tests'}\n"
               "Die Anleitung steht in docs/plugins.md und in der README.md des Plugins.")


# --- plugins revision --------------------------------------------------------------------------------

def owner_of_table(table_name, names):
    """The plugin whose prefix a table carries (the longest matching name: ``a_b_x`` belongs to ``a_b``)."""
    matching = [name for name in names if table_name.startswith(f"{name}_")]
    return max(matching, key=len) if matching else None


def table_of(obj, type_):
    """The name of the table an object of Alembic's comparison belongs to (a table, column, index, constraint)."""
    if type_ == "table":
        return obj.name
    return getattr(getattr(obj, "table", None), "name", None)


def next_revision_id(name, revisions):
    numbers = [int(match.group(1)) for rev in revisions if (match := re.fullmatch(rf"{name}_(\d+)", rev.revision))]
    return f"{name}_{max(numbers, default=len(revisions)) + 1:04d}"


def make_revision(app, name, message, autogenerate=False):
    """Write the next migration on the plugin's branch into its own migrations folder; return its path (or None
    when autogenerate found nothing to do). The first one starts the branch and depends on the core's head."""
    registry = get_registry(app)
    if name in registry.failed:
        raise CommandFailed(f"Das Plugin {name} konnte nicht geladen werden: {registry.failed[name]}")
    if name not in registry.plugins:
        raise CommandFailed(f"Das Plugin {name} ist nicht installiert (oder mit BETEILIGUNG_PLUGINS ausgelassen).")
    plugin_cls = type(registry.plugins[name])
    if not plugin_cls.migrations:
        raise CommandFailed(f"Das Plugin {name} hat keinen Ordner für Migrationen: setzen Sie migrations = "
                            "\"migrations\" in der Plugin-Klasse und legen Sie den Ordner an.")
    folder = plugin_cls.resolve_path(plugin_cls.migrations)
    config, script = script_directory(app, autogenerate)
    bases, revisions = branch_revisions(script, name)
    heads = core_heads(app, script)
    options = {"head": f"{name}@head"} if bases else {
        "head": "base", "branch_label": name, "depends_on": heads[0] if len(heads) == 1 else heads or None}
    names = plugin_names(app) | {name}

    def only_the_plugins(obj, object_name, type_, reflected, compare_to):
        return owner_of_table(table_of(obj, type_), names) == name if table_of(obj, type_) else True

    configure_args = app.extensions["migrate"].configure_args
    configure_args["include_object"] = only_the_plugins
    try:
        written = alembic_command.revision(config, message=message, autogenerate=autogenerate,
                                           version_path=str(folder), rev_id=next_revision_id(name, revisions),
                                           **options)
    except CommandError as error:
        if "not up to date" in str(error):
            raise CommandFailed("Die Datenbank steht nicht auf dem neuesten Stand: zuerst flask --app wsgi db "
                                "upgrade, dann die neue Migration erzeugen.") from None
        raise CommandFailed(f"Alembic: {error}") from None
    except SQLAlchemyError as error:
        raise CommandFailed(f"Die Datenbank ist nicht erreichbar ({str(getattr(error, 'orig', error)).splitlines()[0]})"
                            ": prüfen Sie DATABASE_URL.") from None
    finally:
        configure_args.pop("include_object", None)
    scripts = written if isinstance(written, list) else [written]
    return next((Path(item.path) for item in scripts if item is not None), None)


@plugins_cli.command("revision")
@click.argument("name")
@click.option("-m", "--message", required=True, help="Was die Migration ändert.")
@click.option("--autogenerate", is_flag=True, help="Die Änderungen aus den Modellen des Plugins ableiten "
                                                    "(die Datenbank muss auf dem neuesten Stand sein).")
def revision_command(name, message, autogenerate):
    """Write the plugin's next migration (the first one starts its Alembic branch) into its migrations folder."""
    path = make_revision(current_app._get_current_object(), name, message, autogenerate)
    if path is None:
        click.echo(f"Keine Änderungen an den Tabellen von {name} gefunden: keine Migration geschrieben.")
        return
    click.echo(f"Neue Migration: {path}")


def upgrade_all_heads_command():
    """`flask db upgrade` applies the core's and every installed plugin's migrations (all heads)."""
    original = migrate_db.commands["upgrade"]
    params = []
    for param in original.params:
        if param.name == "revision":
            param = click.Argument(["revision"], default="heads")
        params.append(param)
    return click.Command("upgrade", callback=original.callback, params=params,
                         help="Upgrade to a later version (default: all heads – core and every plugin)")


def register_plugin_cli(app):
    app.cli.add_command(plugins_cli)
    group = click.Group("db", callback=migrate_db.callback, params=migrate_db.params, help=migrate_db.help,
                        commands=dict(migrate_db.commands))
    group.add_command(upgrade_all_heads_command())
    app.cli.add_command(group)
