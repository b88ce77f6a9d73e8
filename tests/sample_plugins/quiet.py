"""A plugin without pages, tables or hooks: enabling it only writes the switch (region administration tests)."""

from beteiligung.plugin_api import Plugin


class QuietPlugin(Plugin):
    title = "Leise"
    description = "Tut nichts."
    core_version = ">=1.1,<2"
