"""`flask --app wsgi plugins list | enable NAME --region SLUG | disable NAME --region SLUG | check`."""

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from flask_migrate.cli import db as migrate_db
from sqlalchemy import inspect, text

from ..errors import DomainError
from ..extensions import db
from .registry import PluginError
from .runtime import get_registry

plugins_cli = AppGroup("plugins", help="Plugins der Regionen verwalten / manage region plugins.")


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

    region = _region(slug)
    try:
        (enable_plugin if enable else disable_plugin)(None, region, name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
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


def migration_problems(app, registry):
    """Problems of the plugins' migrations and of the database's revisions, as sentences."""
    problems = []
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    for name in registry.plugins:
        if not type(registry.plugins[name]).migrations:
            continue
        bases = [rev for rev in script.walk_revisions() if name in (rev.branch_labels or ())]
        if not bases:
            problems.append(f"{name}: keine Revision mit branch_labels=(\"{name}\",).")
        elif any(rev.down_revision is not None for rev in bases):
            problems.append(f"{name}: die Revision mit dem Branch-Label muss die erste des Plugins sein.")
        elif not all(rev.dependencies for rev in bases):
            problems.append(f"{name}: die erste Revision braucht depends_on auf eine Revision des Kerns.")
    if inspect(db.engine).has_table("alembic_version"):
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
