"""Digitales Lernen in Aachen: the question type "Matrixfrage" and a survey template for schools and adult education."""

from flask import url_for

from beteiligung.plugin_api import Plugin, hookimpl
from beteiligung.plugin_api import lazy_gettext as _l

from .matrix import MatrixType
from .views import bp

AGREEMENT = {"1": "sehr unsicher", "5": "sehr sicher"}
USEFULNESS = {"1": "gar nicht hilfreich", "5": "sehr hilfreich"}

DIGITALES_LERNEN = {
    "key": "digitales_lernen",
    "title": "Digitales Lernen in Aachen: Geräte, Fähigkeiten, Angebote",
    "description": (
        "Die Stadt Aachen möchte Schulen, Volkshochschule und Medienzentrum beim digitalen Lernen gezielter "
        "unterstützen. Dafür fragen wir Schülerinnen und Schüler, Eltern, Lehrkräfte und Teilnehmende der "
        "Erwachsenenbildung: Welche Geräte gibt es zu Hause, wie sicher fühlen Sie sich im Umgang mit digitalen "
        "Werkzeugen, und welche Angebote würden Ihnen helfen? Die Teilnahme dauert etwa fünf Minuten und ist "
        "anonym; Ergebnisse veröffentlichen wir nur zusammengefasst."
    ),
    "kind": "survey",
    "audience": "both",
    "results_visibility": "after_close",
    "questions": [
        {"type": "single_choice", "text": "In welcher Rolle beantworten Sie diese Umfrage?", "required": True,
         "options": ["Schülerin/Schüler", "Eltern", "Lehrkraft", "Teilnehmende der Erwachsenenbildung"]},
        {"type": "multiple_choice", "text": "Welche Geräte stehen Ihnen zu Hause zum Lernen zur Verfügung?",
         "options": ["Eigener Laptop oder PC", "Gemeinsam genutzter Familien-PC", "Tablet", "Smartphone",
                     "Drucker", "Stabiler Internetanschluss mit WLAN", "Keines davon"]},
        {"type": "aachen.matrix", "text": "Wie sicher fühlen Sie sich bei diesen Tätigkeiten?", "required": True,
         "options": ["Dokumente gemeinsam online bearbeiten", "Videokonferenzen leiten",
                     "Lernplattform der Schule nutzen (z. B. logineo NRW LMS)", "Informationen im Internet prüfen",
                     "KI-Werkzeuge sinnvoll einsetzen"],
         "settings": {"min": 1, "max": 5, "labels": AGREEMENT}},
        {"type": "aachen.matrix", "text": "Wie hilfreich wären diese Angebote für Sie?",
         "options": ["Kurse der VHS Aachen", "Elternabende zu Medienerziehung", "Sprechstunde im Medienzentrum",
                     "Online-Selbstlernkurse"],
         "settings": {"min": 1, "max": 5, "labels": USEFULNESS}},
        {"type": "ranking", "text": "Was sollte in Aachen beim digitalen Lernen zuerst besser werden?",
         "options": ["WLAN in Schulen und Kursräumen", "Leihgeräte für Familien", "Fortbildungen für Lehrkräfte",
                     "Beratung für Eltern", "Offene Lernorte, z. B. in der Stadtbibliothek"],
         "settings": {"top": 3}},
        {"type": "scale", "text": "Wie zufrieden sind Sie insgesamt mit den digitalen Lernangeboten in Aachen?",
         "settings": {"min": 1, "max": 5, "labels": {"1": "gar nicht zufrieden", "5": "sehr zufrieden"}}},
        {"type": "text", "text": "Was wünschen Sie sich für das digitale Lernen in Aachen?",
         "settings": {"max_length": 1000}},
    ],
}


class AachenPlugin(Plugin):
    title = _l("Digitales Lernen Aachen")
    description = _l("Matrixfragen (mehrere Einträge auf einer gemeinsamen Skala) und die Umfragevorlage „Digitales "
                     "Lernen in Aachen“ für Schulen und Erwachsenenbildung.")
    home_region = "aachen"
    core_version = ">=1.1,<2"
    template_folder = "templates"
    blueprints = (bp,)
    question_types = {"matrix": MatrixType}
    poll_templates = (DIGITALES_LERNEN,)

    @hookimpl
    def navigation_entries(self, region):
        return [{"label": _l("Umfragen zum digitalen Lernen"), "url": url_for("aachen.polls", region_slug=region.slug),
                 "description": _l("Umfragen mit Matrixfragen für Schulen und Erwachsenenbildung")}]
