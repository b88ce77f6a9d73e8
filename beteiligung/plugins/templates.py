"""The shape of poll and survey templates that plugins offer (validated when a plugin loads).

Instantiating a template into a poll is the poll engine's job; this schema only guarantees that a
template a plugin ships is complete and well-formed, so that an error shows at start-up and not
when a moderator picks the template.
"""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

CORE_QUESTION_TYPES = ("single_choice", "multiple_choice", "scale", "ranking", "text")
KEY = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben.")
# A type a plugin adds is named "<plugin>.<type>".
QUESTION_TYPE = validate.Regexp("^(" + "|".join(CORE_QUESTION_TYPES) + r"|[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)$",
                                error="Unbekannter Fragetyp.")


class QuestionTemplateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=QUESTION_TYPE)
    text = fields.String(required=True, validate=validate.Length(min=3, max=500))
    help_text = fields.String(load_default="", validate=validate.Length(max=1000))
    required = fields.Boolean(load_default=False)
    allow_other = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list)
    settings = fields.Dict(keys=fields.String(), load_default=dict)

    @validates_schema
    def choices_have_options(self, data, **kwargs):
        if data["type"] in ("single_choice", "multiple_choice", "ranking") and len(data["options"]) < 2:
            raise ValidationError("Auswahlfragen brauchen mindestens zwei Antwortmöglichkeiten.", "options")


class PollTemplateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(load_default="")
    kind = fields.String(required=True, validate=validate.OneOf(("survey", "problem_definition")))
    audience = fields.String(load_default="accounts", validate=validate.OneOf(("accounts", "access_codes", "both")))
    results_visibility = fields.String(load_default="after_close",
                                       validate=validate.OneOf(("live", "after_close", "moderators")))
    questions = fields.List(fields.Nested(QuestionTemplateSchema), load_default=list)
    problems = fields.List(fields.String(validate=validate.Length(min=3, max=500)), load_default=list)

    @validates_schema
    def has_content(self, data, **kwargs):
        if data["kind"] == "survey" and not data["questions"]:
            raise ValidationError("Eine Umfrage braucht mindestens eine Frage.", "questions")
