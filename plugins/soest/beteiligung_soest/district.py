"""The question type ``soest.district`` ("Wohnort") and the breakdown of a poll's answers by place.

Both apply the core's small-group rule per place (``plugin_api.suppress_small_groups`` and
``withheld``): a place with fewer than ``POLL_MIN_GROUP_SIZE`` answers is never shown on its own.
"""

from flask import url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from beteiligung.plugin_api import (
    Answer,
    AnswerError,
    Cell,
    DefinitionError,
    QuestionType,
    db,
    is_enabled,
    share,
    suppress_small_groups,
    withheld,
)
from beteiligung.plugin_api import gettext as _
from beteiligung.plugin_api import lazy_gettext as _l

KEY = "district"
# Stored in results (cached for every language) and the CSV: German; pages show combined_label().
COMBINED_LABEL = "weitere Orte (zusammengefasst)"
PLACE_NAME_MAX = 100
# Question types whose answers the page /umfragen/<id>/nach-ort breaks down by place.
BREAKDOWN_TYPES = ("single_choice", "multiple_choice", "scale")


def _strict_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class DistrictType(QuestionType):
    """Where the participant lives: one of the places the moderator lists as options."""

    label = _l("Wohnort (Stadt oder Gemeinde im Kreis Soest)")
    has_options = True
    min_options = 2
    max_options = 40
    form_template = "soest/district.html"
    result_template = "soest/district_result.html"
    value_doc = "option id (integer) of the place where the participant lives; the options are the places"

    def clean_definition(self, definition):
        settings = definition.get("settings")
        if settings not in (None, {}):
            raise DefinitionError(_("Eine Wohnort-Frage hat keine Einstellungen: Die Orte sind ihre "
                                    "Antwortmöglichkeiten."))
        places = definition.get("options") or []
        if any(len(place) > PLACE_NAME_MAX for place in places):
            raise DefinitionError(_("Ein Ortsname hat höchstens %(max)d Zeichen.", max=PLACE_NAME_MAX))
        folded = [place.casefold() for place in places]
        if len(set(folded)) != len(folded):
            raise DefinitionError(_("Jeder Ort darf nur einmal vorkommen, auch nicht in anderer Schreibweise."))
        if COMBINED_LABEL.casefold() in folded:
            raise DefinitionError(_("„%(label)s“ ist der Auswertung vorbehalten; bitte nennen Sie die "
                                    "Antwortmöglichkeit anders, etwa „anderswo“.", label=COMBINED_LABEL))
        return {}

    def parse(self, question, value):
        if not _strict_int(value) or value not in {option.id for option in question.options}:
            raise AnswerError(_("Bitte wählen Sie Ihren Wohnort aus der Liste."))
        return [Cell(option_id=value)]

    def from_form(self, question, form):
        raw = form.get(f"q{question.id}", "")
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 11 else (raw or None)

    def summarize(self, question, cells, respondents):
        """Counts per place; places below the limit only as their sum, and only if that reaches the limit."""
        counts = {}
        for option_id, _number, count in cells:
            counts[option_id] = counts.get(option_id, 0) + count
        places = [{"option_id": option.id, "label": option.label, "count": counts.get(option.id, 0),
                   "share": share(counts.get(option.id, 0), respondents)} for option in question.options]
        # The total number of answers is public, so a hidden remainder of 1 … limit-1 could be worked
        # out by subtraction: the core's rule hides the smallest places shown as well (complementary
        # suppression) until the remainder reaches the limit, then shows it as one combined group.
        result = suppress_small_groups(places, tiebreak=lambda place: place["label"])
        places, below = result.shown, len(result.hidden)
        combined = None
        if result.combined:
            combined = {"label": COMBINED_LABEL, "count": result.rest, "share": share(result.rest, respondents)}
        return {"places": places, "combined": combined, "places_below_limit": below}

    def csv_rows(self, question, summary):
        rows = [(place["label"], "count", place["count"]) for place in summary["places"]]
        if summary["combined"]:
            rows.append((summary["combined"]["label"], "count", summary["combined"]["count"]))
        return rows

    def breakdown_url(self, question):
        """The page that breaks the poll's answers down by place, where this plugin is enabled (else None)."""
        poll = question.poll
        if not is_enabled(self.plugin, poll.region):
            return None
        return url_for(f"{self.plugin}.by_place", region_slug=poll.region.slug, poll_id=poll.id)


def breakdown(poll, district):
    """For each choice and scale question of the poll: a table of the places with enough respondents.

    One aggregated query: every ballot's place cell joined with the ballot's other cells, grouped by
    place and cell, however many ballots there are.
    """
    questions = [question for question in poll.questions if question.type in BREAKDOWN_TYPES]
    if not questions:
        return []
    place, answer = aliased(Answer), aliased(Answer)
    cells, respondents = {}, {}
    for place_id, question_id, option_id, number, count, heads in db.session.execute(
            select(place.option_id, answer.question_id, answer.option_id, answer.number, func.count(),
                   func.sum(case((answer.seq == 0, 1), else_=0)))
            .join(answer, answer.ballot_id == place.ballot_id)
            .where(place.poll_id == poll.id, place.question_id == district.id, place.seq == 0,
                   answer.question_id.in_([question.id for question in questions]))
            .group_by(place.option_id, answer.question_id, answer.option_id, answer.number)):
        cells.setdefault((question_id, place_id), []).append((option_id, number, count))
        respondents[question_id, place_id] = respondents.get((question_id, place_id), 0) + int(heads or 0)
    tables = []
    for question in questions:
        rows, hidden = [], 0
        for option in district.options:
            answered = respondents.get((question.id, option.id), 0)
            if withheld(answered):
                hidden += 1
                continue
            row = _row(question, cells.get((question.id, option.id), []), answered)
            rows.append(dict(row, place=option.label, respondents=answered))
        tables.append({"question": question, "scale": question.type == "scale", "rows": rows, "hidden": hidden,
                       "columns": _columns(question)})
    return tables


def _columns(question):
    if question.type == "scale":
        return []
    labels = [option.label for option in question.options]
    return [*labels, _("Sonstiges")] if question.allow_other else labels


def _row(question, cells, answered):
    if question.type == "scale":
        numbered = [(number, count) for _option, number, count in cells if number is not None]
        total = sum(count for _number, count in numbered)
        return {"mean": round(sum(number * count for number, count in numbered) / total, 2) if total else None}
    counts = {}
    for option_id, _number, count in cells:
        counts[option_id] = counts.get(option_id, 0) + count
    ids = [option.id for option in question.options] + ([None] if question.allow_other else [])
    return {"counts": [{"count": counts.get(i, 0), "share": share(counts.get(i, 0), answered)} for i in ids]}
