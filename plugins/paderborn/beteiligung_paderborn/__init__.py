"""Paderborn – digital portals: a catalogue of the municipality's online services (a table of the
plugin's own, with its own migration), moderator pages to keep it, and a survey whose questions are
generated from the catalogue when a moderator creates the poll."""

import click
from flask import url_for
from sqlalchemy import select

from beteiligung.plugin_api import Invalid, Plugin, Region, db, hookimpl, is_enabled
from beteiligung.plugin_api import lazy_gettext as _l

from . import demo, services
from .models import OnlineService
from .views import bp

HEARD_OF = ["Website der Stadt", "Im Bürgerbüro oder bei einer anderen Dienststelle", "Zeitung, Radio oder Amtsblatt",
            "Soziale Medien", "Familie, Freunde oder Bekannte"]

SURVEY = {
    "key": "online_dienste",
    "title": "Wie gut sind unsere Online-Dienste?",
    "description": "Viele Verwaltungsleistungen lassen sich inzwischen online erledigen. Sagen Sie uns, wie gut "
                   "die Online-Dienste funktionieren, welche Sie anderen Kommunen empfehlen würden und was Ihnen "
                   "noch fehlt. Die Umfrage dauert etwa fünf Minuten.",
    "kind": "survey",
    "audience": "both",
    "results_visibility": "after_close",
    # The fixed questions; prepare_poll_template puts those generated from the catalogue before them.
    "questions": [
        {"type": "text", "text": "Welche unserer Online-Dienste würden Sie anderen Kommunen zur Nachnutzung "
                                 "empfehlen – und welcher Dienst fehlt Ihnen noch?",
         "settings": {"max_length": 2000}},
        {"type": "single_choice", "text": "Wie haben Sie von unseren Online-Diensten erfahren?",
         "options": HEARD_OF, "allow_other": True},
    ],
}


class PaderbornPlugin(Plugin):
    title = _l("Digitale Portale Paderborn")
    description = _l("Katalog der Online-Dienste der Kommune mit Fachbereich, Startdatum und Link, gepflegt von der "
                     "Moderation, und eine Umfrage, deren Fragen aus dem Katalog erzeugt werden: Wie gut sind die "
                     "Dienste, und welche eignen sich zur Nachnutzung in anderen Kommunen?")
    home_region = "paderborn"
    core_version = ">=1.1,<2"
    blueprints = (bp,)
    template_folder = "templates"
    models = (OnlineService,)
    migrations = "migrations"
    poll_templates = (SURVEY,)

    def prepare_poll_template(self, key, template, region):
        """The survey asks about the region's own catalogue: which services were used, one rating each."""
        if key == SURVEY["key"]:
            template["questions"] = services.survey_questions(region) + template["questions"]
            template["description"] = (f"{region.name} bietet viele Verwaltungsleistungen online an. Sagen Sie "
                                       "uns, wie gut die Online-Dienste funktionieren, welche Sie anderen Kommunen "
                                       "empfehlen würden und was Ihnen noch fehlt. Die Umfrage dauert etwa fünf "
                                       "Minuten.")
        return template

    @hookimpl
    def navigation_entries(self, region):
        """On the region's page and the regions page: the region's catalogue of online services."""
        return [{"label": _l("Online-Dienste in %(region)s", region=region.name),
                 "url": url_for("paderborn.catalogue", region_slug=region.slug),
                 "description": _l("Katalog der Verwaltungsleistungen, die Sie online erledigen können")}]

    @hookimpl
    def demo_data(self, region, moderator):
        """The demo (``flask demo load``) gets Paderborn's catalogue of online services."""
        services.seed_services(region, demo.SERVICES)

    @hookimpl
    def cli_commands(self, cli):
        @cli.group("paderborn")
        def group():
            """Digitale Portale Paderborn: Katalog der Online-Dienste."""

        @group.command("seed-services")
        @click.option("--region", "region_slug", required=True, help="Kurzname (slug) der Region, z. B. paderborn.")
        def seed_services(region_slug):
            """Die Paderborner Online-Dienste in den Katalog der Region laden (vorhandene Namen bleiben)."""
            region = db.session.scalar(select(Region).where(Region.slug == region_slug))
            if region is None:
                raise click.ClickException(f"Die Region „{region_slug}“ gibt es nicht.")
            try:
                added = services.seed_services(region, demo.SERVICES)
            except Invalid as error:
                db.session.rollback()
                details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.fields.items())
                raise click.ClickException(f"{error.message} {details}") from error
            db.session.commit()
            click.echo(f"Katalog von {region.name}: {added} Online-Dienste neu angelegt, "
                       f"{len(demo.SERVICES) - added} bereits vorhanden.")
            if not is_enabled("paderborn", region):
                click.echo(f"Hinweis: Das Plugin ist in {region.name} noch nicht aktiviert: "
                           f"flask --app wsgi plugins enable paderborn --region {region.slug}")
