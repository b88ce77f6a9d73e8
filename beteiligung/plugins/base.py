"""The class every plugin subclasses (through beteiligung.plugin_api)."""

import sys
from pathlib import Path


class Plugin:
    """A region plugin. Subclass it, set the attributes you need, point an entry point at it.

    The entry point's name (group ``beteiligung.plugins``) is the plugin's name; it prefixes
    everything the plugin owns: URLs ``/<name>/<region>/…``, templates ``<name>/…``, tables
    ``<name>_…``, its Alembic branch label and its poll template keys ``<name>:<template>``.
    """

    #: shown to administrators (German)
    title = ""
    description = ""
    #: slug of the region the plugin was written for; ``demo load`` enables it there
    home_region = None
    #: PEP 440 specifier of the core versions this plugin works with, e.g. ``">=0.1,<1"``
    core_version = None
    #: Flask blueprints; each is mounted under ``/<name>/<region slug>`` and answers only in regions
    #: where the plugin is enabled (``flask.g.region`` is the region)
    blueprints = ()
    #: folder with ``<name>/…`` templates, relative to the plugin's module (``None``: none)
    template_folder = None
    #: model classes (from ``plugin_api.db.Model``); every table name must start with ``<name>_``
    models = ()
    #: folder with the plugin's Alembic revisions, relative to the plugin's module
    migrations = None
    #: folder with the plugin's message catalogues, relative to the plugin's module:
    #: ``translations/<locale>/LC_MESSAGES/messages.po`` (compiled to ``.mo`` by ``make translations``);
    #: used when it exists (see docs/plugins.md, "Translations")
    translations = "translations"
    #: names of the template slots this plugin fills through the ``render_slot`` hook
    slots = ()
    #: poll and survey templates: dicts validated at load (see docs/plugins.md)
    poll_templates = ()
    #: question types this plugin adds: ``{"matrix": MatrixType}`` (subclasses of
    #: ``plugin_api.QuestionType``), used in polls as ``<name>.matrix`` where the plugin is enabled
    question_types = {}

    def prepare_poll_template(self, key, template, region):
        """Adjust one of this plugin's templates just before a moderator's poll is made from it.

        ``key`` is the template's own key (without the plugin name), ``template`` a copy of its
        validated definition, ``region`` where the poll is created. Return the definition to use,
        e.g. with questions generated from the plugin's own tables. The result is checked like any
        poll definition. Default: the template unchanged.
        """
        return template

    def __init__(self, name, app):
        self.name = name
        self.app = app

    @classmethod
    def root(cls):
        return Path(sys.modules[cls.__module__].__file__).resolve().parent

    @classmethod
    def resolve_path(cls, relative):
        """A folder given relative to the plugin's module, as an absolute path (None stays None)."""
        return None if relative is None else cls.root() / relative

    def __repr__(self):
        return f"<Plugin {self.name}>"
