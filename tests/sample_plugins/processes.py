"""Plugins that contribute process templates (tests/test_processes.py): one valid, one broken."""

from beteiligung.plugin_api import Plugin, hookimpl


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
