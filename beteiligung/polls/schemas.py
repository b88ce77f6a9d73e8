"""JSON shapes of polls (marshmallow input schemas, plain dicts out)."""

from flask import url_for
from marshmallow import fields, validate

from ..api.fields import GermanSchema, id_field, non_empty, strict_int
from ..choices import values
from ..timeutil import isoformat
from .models import (
    PROBLEM_MAX,
    PROBLEM_MIN,
    QUESTIONS_MAX,
    TEMPLATE_KEY_MAX,
    Audience,
    Phase,
    PollKind,
    ProblemStatus,
    ResultsVisibility,
)
from .services.codes import CODES_PER_REQUEST


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
    template = fields.String(load_default=None, validate=validate.Length(max=TEMPLATE_KEY_MAX))
    title = fields.String(load_default=None)
    description = fields.String(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(values(PollKind)))
    consultation_id = id_field(load_default=None, allow_none=True)
    audience = fields.String(load_default=None, validate=validate.OneOf(values(Audience)))
    results_visibility = fields.String(load_default=None, validate=validate.OneOf(values(ResultsVisibility)))
    opens_at = fields.DateTime(load_default=None, allow_none=True)
    closes_at = fields.DateTime(load_default=None, allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema), load_default=None,
                            validate=validate.Length(max=QUESTIONS_MAX))


class PollPatchSchema(GermanSchema):
    title = fields.String()
    description = fields.String()
    consultation_id = id_field(allow_none=True)
    audience = fields.String(validate=validate.OneOf(values(Audience)))
    results_visibility = fields.String(validate=validate.OneOf(values(ResultsVisibility)))
    phase = fields.String(validate=validate.OneOf(values(Phase)))
    opens_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema), validate=validate.Length(max=QUESTIONS_MAX))


class AnswerSchema(GermanSchema):
    question_id = id_field(required=True)
    value = fields.Raw(required=True, allow_none=True)


class BallotSchema(GermanSchema):
    answers = fields.List(fields.Nested(AnswerSchema), required=True, validate=validate.Length(max=200))


class AccessCodesSchema(GermanSchema):
    count = strict_int(required=True, validate=validate.Range(min=1, max=CODES_PER_REQUEST,
                                                              error=f"1 bis {CODES_PER_REQUEST}."))


class ProblemSchema(GermanSchema):
    text = fields.String(required=True, validate=validate.Length(min=PROBLEM_MIN, max=PROBLEM_MAX))


class ProblemPatchSchema(GermanSchema):
    # A moderator's decision: every status but the one a problem starts with.
    status = fields.String(required=True, validate=validate.OneOf(values(ProblemStatus)[1:]))
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
    if poll.kind == PollKind.PROBLEM_DEFINITION:
        data["phase"] = poll.phase
    if with_questions:
        data["questions"] = [question_to_json(question) for question in poll.questions]
    return data


def problem_to_json(problem, moderator=False):
    data = {"id": problem.id, "poll_id": problem.poll_id, "text": problem.text, "status": problem.status,
            "merged_into": problem.merged_into_id, "created_at": isoformat(problem.created_at)}
    if problem.status in (ProblemStatus.REJECTED, ProblemStatus.MERGED):
        data["reason"] = problem.reason
    return data
