"""Kreis Soest – "die digitale Region": mobility in the rural district.

Extension points shown here: a problem-definition template with seeded problems, a survey template,
the question type ``soest.district`` with the small-group rule per place, a plugin page that breaks a
survey's answers down by place with one aggregated SQL query, and a comment validator against
phone numbers and e-mail addresses.
"""

from flask import url_for

from beteiligung.plugin_api import Plugin, hookimpl
from beteiligung.plugin_api import lazy_gettext as _l

from .contact import refusal
from .content import MOBILITY_TEMPLATE, PLACE_SURVEY_TEMPLATE
from .district import KEY, DistrictType
from .views import bp


class SoestPlugin(Plugin):
    title = _l("Kreis Soest – Mobilität im ländlichen Raum")
    description = _l("Problemsammlung und Ortsbefragung zur Mobilität in den 14 Städten und Gemeinden des Kreises "
                     "Soest, Auswertung nach Wohnort mit Schutz kleiner Gruppen und ein Schutz vor Telefonnummern "
                     "und E-Mail-Adressen in Beiträgen.")
    home_region = "soest"
    core_version = ">=1.1,<2"
    blueprints = (bp,)
    template_folder = "templates"
    poll_templates = (MOBILITY_TEMPLATE, PLACE_SURVEY_TEMPLATE)
    question_types = {KEY: DistrictType}

    @hookimpl
    def comment_validators(self, body):
        return refusal(body)

    @hookimpl
    def navigation_entries(self, region):
        return [{"label": _l("Umfragen nach Wohnort"), "url": url_for("soest.overview", region_slug=region.slug),
                 "description": _l("Antworten der Umfragen aufgeschlüsselt nach Stadt oder Gemeinde")}]
