"""A complete plugin: page, template, table with migration, slot, hooks, CLI and a poll template."""

import click
from flask import Blueprint, render_template
from markupsafe import escape
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from beteiligung.plugin_api import Plugin, current_region, db, hookimpl

EVENTS = []  # what the hooks saw, for the tests

bp = Blueprint("sample", __name__)


class SampleNote(db.Model):
    __tablename__ = "sample_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(String(200))


@bp.route("/")
def index():
    region = current_region()
    count = db.session.scalar(select(func.count(SampleNote.id)).where(SampleNote.region_id == region.id))
    return render_template("sample/index.html", region=region, count=count)


class SamplePlugin(Plugin):
    title = "Beispiel"
    description = "Ein Plugin nur für die Tests."
    home_region = "soest"
    core_version = ">=0.1,<1"
    blueprints = (bp,)
    template_folder = "templates"
    models = (SampleNote,)
    migrations = "migrations"
    slots = ("consultation.aside",)
    poll_templates = (
        {"key": "mobilitaet", "title": "Mobilität im Dorf", "kind": "survey",
         "questions": [{"type": "single_choice", "text": "Wie kommen Sie zur Arbeit?",
                        "options": ["Bus", "Rad", "Auto"]}]},
    )

    @hookimpl
    def comment_created(self, comment, region):
        EVENTS.append(("comment_created", region.slug, comment.id))

    @hookimpl
    def consultation_published(self, consultation, region):
        EVENTS.append(("consultation_published", region.slug, consultation.id))

    @hookimpl
    def comment_validators(self, body):
        if "0171" in body:
            return "Bitte veröffentlichen Sie keine Telefonnummern."
        return None

    @hookimpl
    def render_slot(self, slot, context, region):
        return 10, f"<p>Hinweis aus {escape(region.name)} zu {escape(context['consultation'].title)}</p>"

    @hookimpl
    def cli_commands(self, cli):
        @cli.group("sample")
        def group():
            """Befehle des Beispiel-Plugins."""

        @group.command("hello")
        def hello():
            click.echo("Hallo aus dem Beispiel-Plugin")
