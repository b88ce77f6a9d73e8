"""Finds installed plugins (entry points), checks them, and calls their hooks safely.

A plugin that cannot be imported or breaks the contract is skipped with an error in the log and a
notice for administrators; in strict mode (``PLUGINS_STRICT``, ``flask plugins check``) the same
problem raises ``PluginError``. Loading reads no database.
"""

import importlib.util
import logging
from importlib.metadata import entry_points
from pathlib import Path

import pluggy
from flask import Blueprint
from jinja2 import ChoiceLoader, FileSystemLoader
from packaging.version import Version

from ..api_version import core_version_problem
from ..polls.registry import (
    NAME_PATTERN,
    ContributionError,
    PollTemplates,
    QuestionTypes,
    check_poll_templates,
    check_question_types,
)
from . import hookspecs
from .base import Plugin

GROUP = "beteiligung.plugins"
log = logging.getLogger("beteiligung.plugins")


def _conventional_migrations(module):
    """``<package>/migrations`` of an entry point's top-level package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module.split(".")[0])
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        folder = Path(location) / "migrations"
        if folder.is_dir() and any(folder.glob("*.py")):
            return folder
    return None


class PluginError(Exception):
    """A plugin breaks the contract (or cannot be imported)."""


class PluginRegistry:
    def __init__(self, app, core_version):
        self.app = app
        self.core_version = Version(core_version)
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.plugins = {}          # name -> Plugin instance, in load order
        self.failed = {}           # name -> message, for the admin page and `plugins list`
        self.slot_contributors = {}  # slot name -> {plugin names}
        self.blueprint_owner = {}  # blueprint name -> plugin name
        # The polls engine's registries, fed here as plugins load (polls.init_question_types installs them).
        self.poll_templates = PollTemplates()   # "plugin:key" -> validated definition
        self.question_types = QuestionTypes()   # core types and "plugin.key" types

    # --- loading -------------------------------------------------------------------------------

    def load(self, found=None, only=None, strict=False):
        """Load the given entry points (default: all installed in the group), or those named in only."""
        found = list(entry_points(group=GROUP) if found is None else found)
        by_name = {}
        for entry_point in found:
            by_name.setdefault(entry_point.name, []).append(entry_point)
        for name, candidates in by_name.items():
            if only is not None and name not in only:
                continue
            try:
                if len(candidates) > 1:
                    raise PluginError(f"{len(candidates)} installierte Plugins heißen „{name}“ "
                                      f"({', '.join(c.value for c in candidates)}); keines wird geladen.")
                self._load_one(name, candidates[0])
            except Exception as error:  # noqa: BLE001 - any failure of a plugin is contained
                message = str(error) if isinstance(error, PluginError) else f"{type(error).__name__}: {error}"
                self.failed[name] = message
                log.error("Plugin %s wird übersprungen: %s", name, message)
                if strict:
                    raise PluginError(f"Plugin {name}: {message}") from error
        if only is not None:
            for name in sorted(set(only) - set(by_name)):
                self.failed[name] = "nicht installiert (in BETEILIGUNG_PLUGINS genannt)"
                if strict:
                    raise PluginError(f"Plugin {name}: nicht installiert")
        self._install_templates()

    def _load_one(self, name, entry_point):
        if not NAME_PATTERN.match(name):
            raise PluginError("Der Name muss aus Kleinbuchstaben, Ziffern und _ bestehen und mit einem Buchstaben "
                              "beginnen.")
        cls = entry_point.load()
        if not (isinstance(cls, type) and issubclass(cls, Plugin)) or cls is Plugin:
            raise PluginError(f"{entry_point.value} ist keine Unterklasse von beteiligung.plugin_api.Plugin.")
        self._check_version(cls)
        tables = self._check_models(name, cls)
        try:
            try:
                question_types = check_question_types(name, cls.question_types)
                templates = check_poll_templates(name, cls.poll_templates, question_types)
            except ContributionError as error:
                raise PluginError(str(error)) from None
            self._check_folders(name, cls)
            blueprints = self._check_blueprints(name, cls)
            plugin = cls(name, self.app)
            self.manager.register(plugin, name=name)
            try:
                self.manager.check_pending()
            except pluggy.PluginValidationError as error:
                self.manager.unregister(plugin)
                raise PluginError(f"Unbekannter Hook: {error}") from None
        except Exception:
            self._forget_tables(tables)
            raise
        for blueprint in blueprints:
            self.app.register_blueprint(blueprint, url_prefix=f"/{name}/<region_slug>")
            self.blueprint_owner[blueprint.name] = name
        for slot in cls.slots:
            self.slot_contributors.setdefault(slot, set()).add(name)
        self.poll_templates.add(name, templates, plugin)
        self.question_types.add_plugin_types(name, question_types)
        self.plugins[name] = plugin
        log.info("Plugin %s geladen", name)

    def _check_version(self, cls):
        problem = core_version_problem(cls.core_version, self.core_version.public)
        if problem:
            raise PluginError(problem)

    def _check_models(self, name, cls):
        tables = []
        for model in cls.models:
            table = getattr(model, "__table__", None)
            if table is None:
                raise PluginError(f"{model!r} ist kein Datenbankmodell.")
            tables.append(table)
        wrong = [t.name for t in tables if not t.name.startswith(f"{name}_")]
        if wrong:
            self._forget_tables(tables)
            raise PluginError(f"Tabellen müssen mit „{name}_“ beginnen: {', '.join(wrong)}.")
        for table in tables:
            table.info["plugin"] = name
        return tables

    def _forget_tables(self, tables):
        # A refused plugin's tables must not reach the schema (create_all, autogenerate).
        for table in tables:
            if table.metadata.tables.get(table.key) is table:
                table.metadata.remove(table)

    def _check_folders(self, name, cls):
        for attribute in ("template_folder", "migrations"):
            folder = cls.resolve_path(getattr(cls, attribute))
            if folder is not None and not folder.is_dir():
                raise PluginError(f"{attribute}: der Ordner {folder} fehlt.")
        folder = cls.resolve_path(cls.template_folder)
        if folder is not None:
            entries = {entry.name for entry in folder.iterdir() if not entry.name.startswith(".")}
            if entries != {name}:
                raise PluginError(f"Vorlagen gehören in {folder}/{name}/ und nur dorthin.")

    def _check_blueprints(self, name, cls):
        blueprints = list(cls.blueprints)
        for blueprint in blueprints:
            if not isinstance(blueprint, Blueprint):
                raise PluginError(f"{blueprint!r} ist kein Flask-Blueprint.")
            if blueprint.name != name and not blueprint.name.startswith(f"{name}_"):
                raise PluginError(f"Der Blueprint „{blueprint.name}“ muss „{name}“ oder „{name}_…“ heißen.")
        return blueprints

    def _install_templates(self):
        folders = [str(type(p).resolve_path(type(p).template_folder)) for p in self.plugins.values()
                   if type(p).template_folder]
        if folders:
            # Core templates come first: a plugin can add templates, never replace the core's.
            self.app.jinja_loader = ChoiceLoader([self.app.jinja_loader, FileSystemLoader(folders)])

    def strict_copy(self, found=None, only=None):
        """Load the plugins again, strictly, into a scratch app: raises PluginError on the first problem.

        The running app is left alone (nothing is registered twice); returns the scratch registry.
        """
        scratch = PluginRegistry(type(self.app)(self.app.import_name), self.core_version.public)
        scratch.load(found=found, only=only, strict=True)
        return scratch

    # --- facts ---------------------------------------------------------------------------------

    def migration_folders(self):
        """The migration folders of the loaded plugins and of installed plugins that are not loaded.

        A database may hold revisions of every installed plugin (``flask db upgrade`` applies them
        all), also of one left out by ``BETEILIGUNG_PLUGINS``; Alembic must still find them. A plugin
        that is installed but not loaded is not imported: its folder is found by the convention
        ``<package>/migrations``.
        """
        folders = [str(type(p).resolve_path(type(p).migrations)) for p in self.plugins.values()
                   if type(p).migrations]
        for entry_point in entry_points(group=GROUP):
            if entry_point.name in self.plugins:
                continue
            folder = _conventional_migrations(entry_point.module)
            if folder is not None and str(folder) not in folders:
                folders.append(str(folder))
        return folders

    # --- calling hooks -------------------------------------------------------------------------

    def call(self, hook, enabled, **kwargs):
        """Call a hook on the plugins named in `enabled`, each on its own; return their results.

        An exception in one plugin is logged and skipped: it never reaches the caller.
        """
        results = []
        for impl in reversed(getattr(self.manager.hook, hook).get_hookimpls()):
            if impl.plugin_name not in enabled:
                continue
            try:
                result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except Exception:  # noqa: BLE001 - a failing plugin must not break the platform
                log.exception("Hook %s des Plugins %s ist fehlgeschlagen", hook, impl.plugin_name)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results
