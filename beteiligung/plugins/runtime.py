"""Wires the plugin registry into the app: loading, plugin pages per region, slots, hooks, migrations."""

import logging
import os
from pathlib import Path

from flask import abort, current_app, g, redirect, render_template, request
from flask_babel import Domain
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from ..api_version import API_VERSION
from ..extensions import db
from .registry import PluginRegistry

log = logging.getLogger("beteiligung.plugins")


def get_registry(app=None):
    return (app or current_app).extensions["beteiligung.plugins"]


def init_plugins(app):
    registry = PluginRegistry(app, API_VERSION)
    app.extensions["beteiligung.plugins"] = registry
    only = app.config.get("BETEILIGUNG_PLUGINS")
    if isinstance(only, str):
        only = [name.strip() for name in only.split(",") if name.strip()]
    registry.load(found=app.config.get("PLUGIN_ENTRY_POINTS"), only=only,
                  strict=bool(app.config.get("PLUGINS_STRICT")))

    @app.url_value_preprocessor
    def plugin_region(endpoint, values):
        """Plugin pages live under /<plugin>/<region>/ and exist only where the plugin is enabled."""
        owner = registry.blueprint_owner.get(request.blueprint) if request.blueprint else None
        if owner is None or values is None or "region_slug" not in values:
            return
        from ..regions.services import get_region_by_slug
        from .services import enabled_names

        region = get_region_by_slug(values.pop("region_slug"))
        if region is None or owner not in enabled_names(region):
            abort(404)
        g.region, g.plugin = region, registry.plugins[owner]

    @app.url_defaults
    def plugin_region_default(endpoint, values):
        blueprint = endpoint.rpartition(".")[0]
        if blueprint in registry.blueprint_owner and "region_slug" not in values and "region" in g:
            values["region_slug"] = g.region.slug

    app.jinja_env.globals["render_slot"] = render_slot
    app.jinja_env.globals["plugin_navigation"] = navigation
    app.jinja_env.globals["plugin_menu"] = menu
    install_translations(app, registry)
    for name in registry.plugins:
        # /<plugin>/ alone: the plugin's page in the region(s) where it is enabled.
        app.add_url_rule(f"/{name}/", endpoint="plugin_landing", view_func=plugin_landing,
                         defaults={"plugin_name": name})
    from .cli import register_plugin_cli

    register_plugin_cli(app)
    for name in registry.plugins:
        registry.call("cli_commands", {name}, cli=app.cli)

    migrate = app.extensions["migrate"].migrate
    if _plugin_migrations not in migrate.configure_callbacks:
        # Flask-Migrate keeps one list of callbacks for every app: register once, and let the
        # callback ask the app it runs for (current_app) which plugins it has.
        migrate.configure(_plugin_migrations)

    return registry


def _plugin_migrations(config):
    core = config.get_main_option("script_location") + "/versions"
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations",
                           os.pathsep.join([core, *get_registry().migration_folders()]))
    return config


def call_contained(hook, enabled, failures=None, **kwargs):
    """Call `hook` on the plugins named in `enabled`, each in its own SAVEPOINT; return their results.

    Every hook that runs while a request (or a command) has a transaction open goes through here: a
    plugin that raises, or whose SQL statement fails, loses its own writes (ROLLBACK TO SAVEPOINT)
    and nothing else; the caller's writes (the citizen's comment, the ballot) and the other plugins'
    writes stay, and the transaction is still usable on PostgreSQL. The failure is logged. Results
    are ``[(plugin name, result), …]`` for the plugins that returned something, in the order of
    ``PluginRegistry.call``. ``failures``: a list that gets the names of the plugins that failed (for a
    caller that must not go on without them, such as the deletion of an account).
    """
    registry = get_registry()
    results = []
    for impl in reversed(getattr(registry.manager.hook, hook).get_hookimpls()):
        if impl.plugin_name not in enabled:
            continue
        savepoint = db.session.begin_nested()  # flushes the caller's pending changes first
        try:
            result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            if savepoint.is_active:
                savepoint.commit()  # RELEASE SAVEPOINT; flushes the plugin's pending objects first
            else:
                log.error("Hook %s des Plugins %s hat die Transaktion beendet (commit/rollback); Plugins "
                          "dürfen das nicht", hook, impl.plugin_name)
        except Exception:  # noqa: BLE001 - a failing plugin must not break the platform
            if db.session().get_nested_transaction() is savepoint:  # also when a failed flush deactivated it
                savepoint.rollback()  # ROLLBACK TO SAVEPOINT: only this plugin's writes are undone
            log.exception("Hook %s des Plugins %s ist fehlgeschlagen; seine Änderungen wurden verworfen",
                          hook, impl.plugin_name)
            if failures is not None:
                failures.append(impl.plugin_name)
            continue
        if result is not None:
            results.append((impl.plugin_name, result))
    return results


def render_slot(slot, region, **context):
    """Jinja: ``{{ render_slot("consultation.aside", consultation.region, consultation=consultation) }}``.

    Costs nothing (no query) when no loaded plugin declares the slot.
    """
    registry = get_registry()
    contributors = registry.slot_contributors.get(slot)
    if not contributors or region is None:
        return Markup("")
    from .services import enabled_names

    enabled = enabled_names(region) & contributors
    if not enabled:
        return Markup("")
    parts = []
    for name, result in call_contained("render_slot", enabled, slot=slot, context=context, region=region):
        try:
            priority, html = result
            # Plugin code is trusted like core code; it escapes user data itself (see hookspecs).
            parts.append((int(priority), name, Markup(html)))  # noqa: S704
        except (TypeError, ValueError):
            current_app.logger.error("Plugin %s lieferte für den Platz %s kein (Priorität, HTML)", name, slot)
    parts.sort(key=lambda part: part[:2])
    return Markup("\n").join(Markup('<div class="plugin-slot" data-plugin="{}">{}</div>').format(name, html)
                             for _priority, name, html in parts)


def _implemented(registry, hook):
    """Whether any loaded plugin implements the hook: a hook nobody implements costs no query."""
    return bool(getattr(registry.manager.hook, hook).get_hookimpls())


def notify(hook, region, **kwargs):
    """Tell the plugins enabled in `region` that something happened (contained, see hookspecs)."""
    registry = get_registry()
    if not registry.plugins or region is None or not _implemented(registry, hook):
        return
    from .services import enabled_names

    enabled = enabled_names(region)
    if enabled:
        call_contained(hook, enabled, region=region, **kwargs)


def refusals(hook, region, **kwargs):
    """Messages of the plugins enabled in `region` that refuse something (e.g. comment_validators)."""
    registry = get_registry()
    if not registry.plugins or region is None or not _implemented(registry, hook):
        return []
    from .services import enabled_names

    enabled = enabled_names(region)
    return [str(message) for _name, message in call_contained(hook, enabled, region=region, **kwargs)
            if message] if enabled else []


# --- translations --------------------------------------------------------------------------------

class _PerAppDomain(Domain):
    """Flask-Babel's default domain, with its cache per app.

    The Babel extension (and so its domain and cache) is shared by every app of the process, but
    apps with different plugins have different catalogues (tests build many apps).
    """

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("beteiligung.translations", {})


def install_translations(app, registry):
    """Add the catalogues of the loaded plugins to the app's: one ``messages`` domain, merged.

    Order: the plugins (by name), then the core. A catalogue loaded later wins for the same msgid,
    so the core's translations can't be changed by a plugin, and two plugins that use the same
    msgid share one translation (that of the plugin whose name sorts last): the same German text
    means the same thing everywhere. A text whose meaning depends on the plugin takes a context
    (``pgettext("<plugin>", …)``). A missing ``.mo`` (not compiled yet) leaves the texts German.
    """
    babel_config = app.extensions["babel"]
    folders = []
    for name in sorted(registry.plugins):
        folder = type(registry.plugins[name]).resolve_path(type(registry.plugins[name]).translations)
        if folder is None or not Path(folder).is_dir():
            continue
        missing = [str(po) for po in Path(folder).glob("*/LC_MESSAGES/messages.po")
                   if not po.with_suffix(".mo").exists()]
        if missing:
            app.logger.warning("Plugin %s: Übersetzungen nicht kompiliert (make translations), die Texte bleiben "
                               "deutsch: %s", name, ", ".join(missing))
        folders.append(str(folder))
    core = [folder for folder in babel_config.translation_directories if folder not in folders]
    babel_config.translation_directories = folders + core
    babel = babel_config.instance
    if not isinstance(babel.__dict__.get("domain_instance"), _PerAppDomain):  # a cached_property: no app yet
        babel.domain_instance = _PerAppDomain(domain="messages")


# --- navigation ----------------------------------------------------------------------------------

def _entries(name, result):
    """A plugin's navigation_entries result as a list of dicts; malformed entries are dropped."""
    entries = []
    for entry in result if isinstance(result, list | tuple) else ():
        if isinstance(entry, dict):
            label, url, description = entry.get("label"), entry.get("url"), entry.get("description")
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            (label, url), description = entry, None
        else:
            label = url = description = None
        if not (label and isinstance(url, str) and url):
            current_app.logger.error("Plugin %s lieferte einen ungültigen Navigationseintrag: %r", name, entry)
            continue
        entries.append({"plugin": name, "label": str(label), "url": url,
                        "description": str(description) if description else ""})
    return entries


def navigation(region):
    """The navigation entries of the plugins enabled in `region`, by plugin name (see hookspecs)."""
    registry = get_registry()
    if not registry.plugins or region is None or not _implemented(registry, "navigation_entries"):
        return []
    from .services import enabled_names

    enabled = enabled_names(region)
    if not enabled:
        return []
    results = sorted(call_contained("navigation_entries", enabled, region=region), key=lambda item: item[0])
    return [entry for name, result in results for entry in _entries(name, result)]


def page_region(context):
    """The region a page belongs to, from its template context: ``nav_region`` when a view sets it,
    the region of a plugin page (``g.region``), a ``region`` the page shows or was filtered by
    (``?region=…``), or the region of the page's consultation or poll; else ``None``."""
    from ..regions.models import Region

    candidates = [context.get("nav_region"), g.get("region"), context.get("region")]
    candidates += [getattr(context.get(name), "region", None) for name in ("consultation", "poll")]
    return next((value for value in candidates if isinstance(value, Region)), None)


@pass_context
def menu(context):
    """Jinja (base.html): ``(region, entries)`` for the main menu: the first (most important) entry of
    each plugin enabled in the page's region (see ``page_region``); none on pages of no region. The
    region's page lists all entries; the menu has room for few."""
    if not get_registry().manager.hook.navigation_entries.get_hookimpls():
        return None, []  # no query on any page when no loaded plugin names pages
    region = page_region(context)
    if region is None:
        return None, []
    first = {}
    for entry in navigation(region):
        first.setdefault(entry["plugin"], entry)
    return region, list(first.values())


def plugin_landing(plugin_name):
    """``/<plugin>/``: one region with the plugin's page → there; several → choose; none → 404."""
    from ..errors import NotFound
    from .services import regions_with_plugin

    registry = get_registry()
    plugin = registry.plugins[plugin_name]
    choices = []
    for region in regions_with_plugin(plugin_name):
        entries = [entry for name, result in call_contained("navigation_entries", {plugin_name}, region=region)
                   for entry in _entries(name, result)]
        if entries:
            choices.append((region, entries[0]))
    if not choices:
        raise NotFound(_("„%(plugin)s“ ist in keiner Region aktiviert, oder es hat dort keine eigene Seite. "
                         "Die Seiten der Regionen finden Sie unter „Regionen“.", plugin=plugin.title or plugin_name))
    if len(choices) == 1:
        return redirect(choices[0][1]["url"], code=302)
    return render_template("plugins/choose_region.html", plugin=plugin, choices=choices)
