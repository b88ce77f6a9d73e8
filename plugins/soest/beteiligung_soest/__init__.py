"""Kreis Soest – "die digitale Region": mobility in the rural district.

Extension points shown here: a problem-definition template with seeded problems, a survey template,
the question type ``soest.district`` with the small-group rule per place, a plugin page that breaks a
survey's answers down by place with one aggregated SQL query, and a comment validator against
phone numbers and e-mail addresses.
"""

from flask import url_for

from beteiligung.plugin_api import DataCategory, Plugin, hookimpl
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
    def personal_data_categories(self):
        """What the plugin does with personal data: it stores none of its own (no table about accounts); it
        reads comments for contact data, and its place question is answered in the core's ballots."""
        return [
            DataCategory(
                key="contact_check", exported=False,
                title=_l("Prüfung von Beiträgen auf Kontaktdaten (Kreis Soest)"),
                data=_l("Der Text eines Beitrags wird vor dem Speichern auf Telefonnummern und E-Mail-Adressen "
                        "geprüft. Dabei wird nichts gespeichert."),
                purpose=_l("Schutz vor der Veröffentlichung von Kontaktdaten – Ihrer eigenen und derer anderer."),
                legal_basis=_l("Art. 6 Abs. 1 lit. e DSGVO (Beteiligung als öffentliche Aufgabe der Kommune)"),
                retention=_l("Nichts wird gespeichert; ein abgelehnter Beitrag wird nicht veröffentlicht."),
                visible_to=_l("Niemand; Sie sehen den Hinweis, warum der Beitrag nicht veröffentlicht wurde."),
                on_deletion=_l("Nichts zu löschen."),
            ),
            DataCategory(
                key="place_of_residence", exported=False, stays=True,
                title=_l("Wohnort in Umfragen (Kreis Soest)"),
                data=_l("In Umfragen mit der Frage nach dem Wohnort: Ihre Stadt oder Gemeinde, als Antwort Ihrer "
                        "Teilnahme gespeichert (im Download unter „Teilnahmen an Umfragen“)."),
                purpose=_l("Die Antworten nach Ort aufschlüsseln, damit der Kreis sieht, wo was fehlt."),
                legal_basis=_l("Art. 6 Abs. 1 lit. e DSGVO (Beteiligung als öffentliche Aufgabe der Kommune)"),
                retention=_l("Solange die Umfrage besteht."),
                visible_to=_l("Niemand mit Ihrem Namen. Ein Ort erscheint nur, wenn genug Menschen von dort "
                              "geantwortet haben, damit niemand erkennbar wird."),
                on_deletion=_l("Bleibt anonym in den Ergebnissen, ohne Verbindung zu Ihnen."),
            ),
        ]

    @hookimpl
    def navigation_entries(self, region):
        return [{"label": _l("Umfragen nach Wohnort"), "url": url_for("soest.overview", region_slug=region.slug),
                 "description": _l("Antworten der Umfragen aufgeschlüsselt nach Stadt oder Gemeinde")}]
