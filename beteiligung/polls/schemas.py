"""JSON shapes of polls (marshmallow input schemas, plain dicts out)."""

from flask import url_for
from marshmallow import fields, validate

from ..api.fields import GermanSchema, id_field, non_empty, strict_int
from ..timeutil import isoformat
from .models import AUDIENCES, KINDS, PHASES, PROBLEM_STATUSES, VISIBILITIES
from .services import PROBLEM_MAX, PROBLEM_MIN


class QuestionSchema(GermanSchema):
    type = fields.String(required=True, validate=validate.Length(max=80))
    text = non_empty(required=True)
    help_text = fields.String(load_default="")
    required = fields.Boolean(load_default=False)
    allow_other = fields.Boolean(load_default=False)
    options = fields.List(fields.String(), load_default=list, validate=validate.Length(max=50))
    settings = fields.Dict(keys=fields.String(), load_default=dict)


class PollCreateSchema(GermanSchema):
    region = fields.String(required=True)
    template = fields.String(load_default=None, validate=validate.Length(max=120))
    title = fields.String(load_default=None)
    description = fields.String(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    consultation_id = id_field(load_default=None, allow_none=True)
    audience = fields.String(load_default=None, validate=validate.OneOf(AUDIENCES))
    results_visibility = fields.String(load_default=None, validate=validate.OneOf(VISIBILITIES))
    opens_at = fields.DateTime(load_default=None, allow_none=True)
    closes_at = fields.DateTime(load_default=None, allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema), load_default=None, validate=validate.Length(max=50))


class PollPatchSchema(GermanSchema):
    title = fields.String()
    description = fields.String()
    consultation_id = id_field(allow_none=True)
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    results_visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    phase = fields.String(validate=validate.OneOf(PHASES))
    opens_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema), validate=validate.Length(max=50))


class AnswerSchema(GermanSchema):
    question_id = id_field(required=True)
    value = fields.Raw(required=True, allow_none=True)


class BallotSchema(GermanSchema):
    answers = fields.List(fields.Nested(AnswerSchema), required=True, validate=validate.Length(max=200))


class AccessCodesSchema(GermanSchema):
    count = strict_int(required=True, validate=validate.Range(min=1, max=500, error="1 bis 500."))


class ProblemSchema(GermanSchema):
    text = fields.String(required=True, validate=validate.Length(min=PROBLEM_MIN, max=PROBLEM_MAX))


class ProblemPatchSchema(GermanSchema):
    status = fields.String(required=True, validate=validate.OneOf(PROBLEM_STATUSES[1:]))
    reason = fields.String(load_default=None, allow_none=True)
    merged_into = id_field(load_default=None, allow_none=True)


class ComparisonSchema(GermanSchema):
    winner_id = id_field(required=True)
    loser_id = id_field(required=True)
    undecided = fields.Boolean(load_default=False)


def option_to_json(option):
    return {"id": option.id, "label": option.label}


def question_to_json(question):
    return {"id": question.id, "type": question.type, "text": question.text, "help_text": question.help_text,
            "required": question.required, "allow_other": question.allow_other, "settings": question.settings,
            "options": [option_to_json(option) for option in question.options]}


def poll_to_json(poll, with_questions=True):
    data = {
        "id": poll.id, "region": poll.region.slug, "title": poll.title, "description": poll.description,
        "kind": poll.kind, "status": poll.status, "audience": poll.audience,
        "results_visibility": poll.results_visibility, "consultation_id": poll.consultation_id,
        "opens_at": isoformat(poll.opens_at), "closes_at": isoformat(poll.closes_at), "template": poll.template,
        "total_ballots": poll.ballot_count, "created_at": isoformat(poll.created_at),
        "url": url_for("polls.show", poll_id=poll.id, _external=True),
    }
    if poll.kind == "problem_definition":
        data["phase"] = poll.phase
    if with_questions:
        data["questions"] = [question_to_json(question) for question in poll.questions]
    return data


def problem_to_json(problem, moderator=False):
    data = {"id": problem.id, "poll_id": problem.poll_id, "text": problem.text, "status": problem.status,
            "merged_into": problem.merged_into_id, "created_at": isoformat(problem.created_at)}
    if problem.status in ("rejected", "merged"):
        data["reason"] = problem.reason
    return data
