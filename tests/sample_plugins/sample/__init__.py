"""A complete plugin: page, template, table with migration, slot, hooks, CLI and a poll template."""

import click
from flask import Blueprint, render_template
from markupsafe import escape
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from beteiligung.plugin_api import AnswerError, Cell, Plugin, QuestionType, current_region, db, hookimpl, share

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


class StarsType(QuestionType):
    """One to three stars: the smallest possible plugin question type."""

    label = "Sterne (1 bis 3)"
    form_template = "sample/stars.html"
    result_template = "sample/stars_result.html"
    value_doc = "integer from 1 to 3"

    def parse(self, question, value):
        if not (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 3):
            raise AnswerError("Bitte vergeben Sie 1 bis 3 Sterne.")
        return [Cell(number=value)]

    def from_form(self, question, form):
        raw = form.get(f"q{question.id}", "")
        return int(raw) if raw in ("1", "2", "3") else (raw or None)

    def summarize(self, question, cells, respondents):
        counts = {number: count for _option, number, count in cells}
        return {"stars": [{"value": n, "count": counts.get(n, 0), "share": share(counts.get(n, 0), respondents)}
                          for n in (1, 2, 3)]}

    def csv_rows(self, question, summary):
        return [(f"{item['value']} Sterne", "count", item["count"]) for item in summary["stars"]]


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
                        "options": ["Bus", "Rad", "Auto"]},
                       {"type": "sample.stars", "text": "Wie gefällt Ihnen der Dorfbus?", "required": True}]},
        {"key": "probleme", "title": "Was drückt im Dorf?", "kind": "problem_definition",
         "problems": ["Der Bus fährt nur zweimal am Tag", "Es gibt keinen sicheren Radweg zur Schule"]},
    )
    question_types = {"stars": StarsType}

    def prepare_poll_template(self, key, template, region):
        """The region's notes become the options of one more question (a template built from plugin data)."""
        notes = db.session.scalars(select(SampleNote.text).where(SampleNote.region_id == region.id)
                                   .order_by(SampleNote.id)).all()
        if key == "mobilitaet" and len(notes) >= 2:
            template["questions"].append({"type": "single_choice", "text": "Welche Notiz ist am wichtigsten?",
                                          "options": notes})
        return template

    @hookimpl
    def comment_created(self, comment, region):
        EVENTS.append(("comment_created", region.slug, comment.id))

    @hookimpl
    def consultation_published(self, consultation, region):
        EVENTS.append(("consultation_published", region.slug, consultation.id))

    @hookimpl
    def ballot_submitted(self, ballot, poll, region):
        EVENTS.append(("ballot_submitted", region.slug, poll.id))

    @hookimpl
    def poll_closed(self, poll, region):
        EVENTS.append(("poll_closed", region.slug, poll.id))

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
