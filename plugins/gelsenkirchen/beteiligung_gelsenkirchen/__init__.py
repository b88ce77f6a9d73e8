"""Gelsenkirchen – digitale Daten: participation dashboard, poll results as open data, templates.

Extension points shown here: a public plugin page with server-side charts (blueprint + templates),
a plugin table with its own migration, the ``poll_closed`` hook, and two poll templates.
"""

from beteiligung.plugin_api import Plugin, hookimpl

from .content import DATA_TOPICS_TEMPLATE, DATA_WISHES_TEMPLATE
from .models import Dataset
from .opendata import publish_results
from .views import bp


class GelsenkirchenPlugin(Plugin):
    title = "Gelsenkirchen – Digitale Daten"
    description = ("Beteiligungs-Dashboard der Region, Datenwünsche-Umfrage und Problemsammlung zu Datenthemen; "
                   "beendete Umfragen erscheinen automatisch als offener Datensatz (CSV mit DCAT-AP.de-Metadaten).")
    home_region = "gelsenkirchen"
    core_version = ">=0.1,<1"
    blueprints = (bp,)
    template_folder = "templates"
    models = (Dataset,)
    migrations = "migrations"
    poll_templates = (DATA_WISHES_TEMPLATE, DATA_TOPICS_TEMPLATE)

    @hookimpl
    def poll_closed(self, poll, region):
        """A closed poll's public results become an open data set of the region."""
        publish_results(poll, region)
