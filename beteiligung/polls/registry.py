"""The registries of question types and poll templates, with the checks a plugin's contributions pass.

The polls engine owns both registries; the plugin registry feeds them when it loads a plugin
(``add_question_types`` after ``check_question_types``, ``PollTemplates.add`` after
``check_poll_templates``), and ``install`` makes them the app's. Nothing here imports the plugin
machinery: a refused contribution raises ``ContributionError``, which the loader reports as the
plugin's error.
"""

import re

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..choices import values
from .models import (
    HELP_TEXT_MAX,
    OPTION_MAX,
    PROBLEM_MAX,
    QUESTION_TEXT_MAX,
    QUESTION_TEXT_MIN,
    TITLE_MAX,
    TITLE_MIN,
    Audience,
    PollKind,
    ResultsVisibility,
)
from .types import CORE_TYPES, DefinitionError, QuestionType, TypeRegistry

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
KEY = validate.Regexp(NAME_PATTERN.pattern, error="Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben.")
# A type a plugin adds is named "<plugin>.<type>".
QUESTION_TYPE = validate.Regexp("^(" + "|".join(CORE_TYPES) + r"|[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)$",
                                error="Unbekannter Fragetyp.")


class ContributionError(ValueError):
    """A plugin's question type or poll template breaks the contract."""


# --- the shape of a poll template ------------------------------------------------------------

class QuestionTemplateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=QUESTION_TYPE)
    text = fields.String(required=True, validate=validate.Length(min=QUESTION_TEXT_MIN, max=QUESTION_TEXT_MAX))
    help_text = fields.String(load_default="", validate=validate.Length(max=HELP_TEXT_MAX))
    required = fields.Boolean(load_default=False)
    allow_other = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=OPTION_MAX)), load_default=list)
    settings = fields.Dict(keys=fields.String(), load_default=dict)

    @validates_schema
    def choices_have_options(self, data, **kwargs):
        if data["type"] in ("single_choice", "multiple_choice", "ranking") and len(data["options"]) < 2:
            raise ValidationError("Auswahlfragen brauchen mindestens zwei Antwortmöglichkeiten.", "options")


class PollTemplateSchema(Schema):
    """A poll template a plugin ships: validated when the plugin loads, so that an error shows at
    start-up and not when a moderator picks the template."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(min=TITLE_MIN, max=TITLE_MAX))
    description = fields.String(load_default="")
    kind = fields.String(required=True, validate=validate.OneOf(values(PollKind)))
    audience = fields.String(load_default=Audience.ACCOUNTS.value, validate=validate.OneOf(values(Audience)))
    results_visibility = fields.String(load_default=ResultsVisibility.AFTER_CLOSE.value,
                                       validate=validate.OneOf(values(ResultsVisibility)))
    questions = fields.List(fields.Nested(QuestionTemplateSchema), load_default=list)
    # A template's problems are approved from the start: short ones (from 3 characters) are allowed.
    problems = fields.List(fields.String(validate=validate.Length(min=3, max=PROBLEM_MAX)), load_default=list)

    @validates_schema
    def has_content(self, data, **kwargs):
        if data["kind"] == PollKind.SURVEY and not data["questions"]:
            raise ValidationError("Eine Umfrage braucht mindestens eine Frage.", "questions")


# --- checking a plugin's contributions -------------------------------------------------------

def check_question_types(plugin, declared):
    """{"<plugin>.<key>": QuestionType subclass} from a plugin's ``question_types``, or ContributionError."""
    if not isinstance(declared, dict):
        raise ContributionError("question_types muss ein dict {Schlüssel: Fragetyp-Klasse} sein.")
    found = {}
    for key, type_cls in declared.items():
        if not (isinstance(key, str) and NAME_PATTERN.match(key)):
            raise ContributionError(f"Der Fragetyp-Schlüssel {key!r} muss aus Kleinbuchstaben, Ziffern und _ "
                                    f"bestehen.")
        if not (isinstance(type_cls, type) and issubclass(type_cls, QuestionType)):
            raise ContributionError(f"Fragetyp {key}: {type_cls!r} ist keine Unterklasse von "
                                    f"plugin_api.QuestionType.")
        if not (type_cls.label and type_cls.form_template and type_cls.result_template):
            raise ContributionError(f"Fragetyp {key}: label, form_template und result_template sind nötig.")
        found[f"{plugin}.{key}"] = type_cls
    return found


def check_poll_templates(plugin, definitions, plugin_types):
    """{"<plugin>:<key>": validated template} from a plugin's ``poll_templates``, or ContributionError.

    A template's questions may use the core's types and ``plugin_types`` (the plugin's own, as
    returned by ``check_question_types``).
    """
    templates = {}
    for definition in definitions:
        try:
            data = PollTemplateSchema().load(definition)
        except ValidationError as error:
            raise ContributionError(f"Ungültige Umfragevorlage {definition.get('key', '?')!r}: "
                                    f"{error.messages}") from None
        key = f"{plugin}:{data['key']}"
        if key in templates:
            raise ContributionError(f"Die Umfragevorlage {key} ist doppelt.")
        for question in data["questions"]:
            type_cls = CORE_TYPES.get(question["type"]) or plugin_types.get(question["type"])
            if type_cls is None:
                raise ContributionError(f"Umfragevorlage {key}: der Fragetyp {question['type']} ist weder ein "
                                        f"Kerntyp noch einer dieses Plugins.")
            try:
                type_cls().clean_definition(question)
            except DefinitionError as error:
                raise ContributionError(f"Umfragevorlage {key}, Frage „{question['text']}“: {error}") from None
        templates[key] = dict(data, plugin=plugin)
    return templates


# --- the registries --------------------------------------------------------------------------

class QuestionTypes(TypeRegistry):
    """All question types of an app: the core's (from the start) and those the plugin registry adds."""

    def add_plugin_types(self, plugin, types):
        for key, type_cls in types.items():
            self.add(key, type_cls, plugin)


class PollTemplates(dict):
    """All poll templates of an app: ``"<plugin>:<key>"`` → the validated template (with ``plugin``)."""

    def __init__(self):
        super().__init__()
        self.owners = {}  # plugin name -> the plugin (its prepare_poll_template is called at use)

    def add(self, plugin, templates, owner):
        self.update(templates)
        self.owners[plugin] = owner

    def enabled(self, plugins):
        """The templates of the named plugins (those enabled in a region)."""
        return {key: template for key, template in self.items() if template["plugin"] in plugins}


def install(app, question_types, poll_templates):
    """Make the registries the app's (``question_types()`` and ``poll_templates()`` find them)."""
    app.extensions["beteiligung.question_types"] = question_types
    app.extensions["beteiligung.poll_templates"] = poll_templates


def question_types():
    return current_app.extensions["beteiligung.question_types"]


def poll_templates():
    return current_app.extensions["beteiligung.poll_templates"]
