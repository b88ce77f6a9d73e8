"""Gelsenkirchen – digitale Daten: participation dashboard, poll results as open data, templates.

Extension points shown here: a public plugin page with server-side charts (blueprint + templates),
a plugin table with its own migration, the ``poll_closed`` hook, and two poll templates.
"""

from flask import url_for

from beteiligung.plugin_api import Plugin, hookimpl
from beteiligung.plugin_api import lazy_gettext as _l

from .content import DATA_TOPICS_TEMPLATE, DATA_WISHES_TEMPLATE
from .models import Dataset
from .opendata import publish_results
from .views import bp


class GelsenkirchenPlugin(Plugin):
    title = _l("Gelsenkirchen – Digitale Daten")
    description = _l("Beteiligungs-Dashboard der Region, Datenwünsche-Umfrage und Problemsammlung zu Datenthemen; "
                     "beendete Umfragen erscheinen automatisch als offener Datensatz (CSV mit DCAT-AP.de-Metadaten).")
    home_region = "gelsenkirchen"
    core_version = ">=1.5,<2"  # month_label
    blueprints = (bp,)
    template_folder = "templates"
    models = (Dataset,)
    migrations = "migrations"
    poll_templates = (DATA_WISHES_TEMPLATE, DATA_TOPICS_TEMPLATE)

    @hookimpl
    def poll_closed(self, poll, region):
        """A closed poll's public results become an open data set of the region."""
        publish_results(poll, region)

    @hookimpl
    def navigation_entries(self, region):
        """The dashboard and the open data sets of the region."""
        return [{"label": _l("Beteiligung in Zahlen"),
                 "url": url_for("gelsenkirchen.dashboard", region_slug=region.slug),
                 "description": _l("Dashboard: Beteiligungen, Beiträge und Teilnahmen je Monat")},
                {"label": _l("Offene Daten aus beendeten Umfragen"),
                 "url": url_for("gelsenkirchen.datasets", region_slug=region.slug),
                 "description": _l("Ergebnisse als CSV mit DCAT-AP.de-Metadaten")}]
