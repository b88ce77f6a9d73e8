"""Wires the plugin registry into the app: loading, plugin pages per region, slots, hooks, migrations."""

import os

from flask import abort, current_app, g, request
from markupsafe import Markup

from .. import __version__
from .registry import PluginRegistry


def get_registry(app=None):
    return (app or current_app).extensions["beteiligung.plugins"]


def init_plugins(app):
    registry = PluginRegistry(app, __version__)
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
    for name, result in registry.call("render_slot", enabled, slot=slot, context=context, region=region):
        try:
            priority, html = result
            # Plugin code is trusted like core code; it escapes user data itself (see hookspecs).
            parts.append((int(priority), name, Markup(html)))  # noqa: S704
        except (TypeError, ValueError):
            current_app.logger.error("Plugin %s lieferte für den Platz %s kein (Priorität, HTML)", name, slot)
    parts.sort(key=lambda part: part[:2])
    return Markup("\n").join(Markup('<div class="plugin-slot" data-plugin="{}">{}</div>').format(name, html)
                             for _priority, name, html in parts)


def notify(hook, region, **kwargs):
    """Tell the plugins enabled in `region` that something happened (contained, see hookspecs)."""
    registry = get_registry()
    if not registry.plugins or region is None:
        return
    from .services import enabled_names

    enabled = enabled_names(region)
    if enabled:
        registry.call(hook, enabled, region=region, **kwargs)


def refusals(hook, region, **kwargs):
    """Messages of the plugins enabled in `region` that refuse something (e.g. comment_validators)."""
    registry = get_registry()
    if not registry.plugins or region is None:
        return []
    from .services import enabled_names

    enabled = enabled_names(region)
    return [str(message) for _name, message in registry.call(hook, enabled, region=region, **kwargs)
            if message] if enabled else []
