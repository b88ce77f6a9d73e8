"""Plugins that contribute process templates and instrument kinds (tests/test_processes_plugins.py): valid and
broken ones."""

from beteiligung.plugin_api import Consultation, InstrumentKind, Plugin, hookimpl


class WorkshopConsultation(InstrumentKind):
    """The plugin's own kind of instrument: a consultation run as a workshop (here over the core's
    consultations, so that the test needs no table of its own)."""

    key = "werkstatt.workshop"
    label = "Werkstatt-Termin"
    model = Consultation

    def url(self, obj):
        return f"/werkstatt/termine/{obj.id}"

    def status(self, obj, now):
        return str(obj.status_at(now))

    def follow_dates(self, obj, starts_at, ends_at, now):
        changed = (obj.opens_at, obj.closes_at) != (starts_at, ends_at)
        obj.opens_at, obj.closes_at = starts_at, ends_at
        return changed


class WorkshopPlugin(Plugin):
    title = "Werkstatt"
    description = "Eine Prozessvorlage mit eigener Umfragevorlage."
    core_version = ">=1.1,<2"
    poll_templates = [{
        "key": "schulweg",
        "title": "Schulweg-Check",
        "kind": "survey",
        "questions": [{"type": "single_choice", "text": "Wie kommt Ihr Kind zur Schule?",
                       "options": ["Zu Fuß", "Fahrrad", "Bus", "Auto"]}],
    }]

    @hookimpl
    def instrument_kinds(self):
        return [WorkshopConsultation()]

    @hookimpl
    def process_templates(self):
        return [{
            "key": "schule",
            "title": "Digitale Schule",
            "description": "Zwei Phasen für den Schulentwicklungsplan.",
            "phases": [
                {"title": "Schulwege erfassen",
                 "instruments": [{"kind": "poll", "poll_template": "werkstatt:schulweg"}]},
                {"title": "Plan diskutieren",
                 "instruments": [{"kind": "consultation", "title": "Entwurf des Schulentwicklungsplans",
                                  "body": "## Ausstattung\n\nTablets und WLAN.", "follows_phase_dates": False}]},
            ],
        }]


class BrokenTemplatePlugin(Plugin):
    title = "Kaputt"
    core_version = ">=1.1,<2"

    @hookimpl
    def process_templates(self):
        # A poll template of another plugin, and a phase without title: refused at start.
        return [{"key": "falsch", "title": "Falsch",
                 "phases": [{"instruments": [{"kind": "poll", "poll_template": "werkstatt:schulweg"}]}]}]



class BadKindPlugin(Plugin):
    title = "Falsche Art"
    core_version = ">=1.1,<2"

    @hookimpl
    def instrument_kinds(self):
        bad = WorkshopConsultation()
        bad.key = "workshop"  # not "<plugin>.<what>": refused, the plugin adds no kind
        return [bad]
