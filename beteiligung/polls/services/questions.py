"""Question types available in a region, and questions built from their definitions."""

from flask_babel import gettext as _

from ...markup import clean_text
from ...plugins.services import enabled_names
from ..models import (
    HELP_TEXT_MAX,
    OPTION_MAX,
    QUESTION_TEXT_MAX,
    QUESTION_TEXT_MIN,
    QUESTIONS_MAX,
    Option,
    Question,
)
from ..registry import question_types
from ..types import DefinitionError


def available_types(region):
    """The question types new questions in this region may use (core + enabled plugins)."""
    return question_types().available(enabled_names(region))


def build_questions(region, definitions, errors, keep_types=()):
    """Question objects from definitions ({type, text, required, options, settings, allow_other}).

    New questions may use the types available in the region; ``keep_types`` are types the poll
    already uses, which stay allowed (a plugin disabled later must not lock a draft's questions).
    """
    types = dict(available_types(region))
    for key in keep_types:
        if question_types().get(key) is not None:
            types.setdefault(key, question_types().get(key))
    if len(definitions) > QUESTIONS_MAX:
        errors["questions"] = [_("Höchstens %(n)d Fragen.", n=QUESTIONS_MAX)]
        return []
    questions = []
    for index, definition in enumerate(definitions):
        field = f"questions.{index}"
        qtype = types.get(definition.get("type"))
        if qtype is None:
            errors[field] = [_("Den Fragetyp „%(type)s“ gibt es in dieser Region nicht.",
                               type=str(definition.get("type")))]
            continue
        text = clean_text(definition.get("text") or "").strip()
        labels = [clean_text(label).strip() for label in definition.get("options") or []]
        problems = []
        if not QUESTION_TEXT_MIN <= len(text) <= QUESTION_TEXT_MAX:
            problems.append(_("Der Fragetext muss 3 bis 500 Zeichen lang sein."))
        if qtype.has_options:
            if not qtype.min_options <= len(labels) <= qtype.max_options:
                problems.append(_("Diese Frage braucht %(low)d bis %(high)d Antwortmöglichkeiten.",
                                  low=qtype.min_options, high=qtype.max_options))
            if any(not 1 <= len(label) <= OPTION_MAX for label in labels):
                problems.append(_("Jede Antwortmöglichkeit hat 1 bis 300 Zeichen."))
            if len(set(labels)) != len(labels):
                problems.append(_("Jede Antwortmöglichkeit darf nur einmal vorkommen."))
        elif labels:
            problems.append(_("Dieser Fragetyp hat keine Antwortmöglichkeiten."))
        allow_other = bool(definition.get("allow_other", (definition.get("settings") or {}).get("allow_other")))
        if allow_other and not qtype.supports_other:
            problems.append(_("Eine eigene Antwort („Sonstiges“) gibt es nur bei Auswahlfragen."))
        settings = {}
        if not problems:
            try:
                settings = qtype.clean_definition(dict(definition, options=labels, allow_other=allow_other))
            except DefinitionError as error:
                problems.append(str(error))
        if problems:
            errors[field] = problems
            continue
        question = Question(position=index, type=qtype.key, text=text, required=bool(definition.get("required")),
                            allow_other=allow_other, settings=settings,
                            help_text=clean_text(definition.get("help_text") or "").strip()[:HELP_TEXT_MAX])
        question.options = [Option(position=i, label=label) for i, label in enumerate(labels)]
        questions.append(question)
    return questions
