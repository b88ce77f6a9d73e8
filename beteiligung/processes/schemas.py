"""The JSON shapes of processes and phases: input schemas (German messages) and output functions."""

from flask import url_for
from marshmallow import fields, validate

from ..api.fields import GermanSchema, id_field, non_empty
from ..consultations.schemas import dates_to_utc
from ..timeutil import isoformat
from .models import KIND_MAX, TEMPLATE_KEY_MAX, TITLE_MAX


class ProcessCreateSchema(GermanSchema):
    region = fields.String(required=True)
    title = non_empty(required=True, max_length=TITLE_MAX)
    summary = fields.String(load_default="")
    body = fields.String(load_default="")
    template = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=TEMPLATE_KEY_MAX))
    published = fields.Boolean(load_default=False)


class ProcessPatchSchema(GermanSchema):
    title = non_empty(max_length=TITLE_MAX)
    summary = fields.String()
    body = fields.String()
    published = fields.Boolean()


class PhaseCreateSchema(GermanSchema):
    title = non_empty(required=True, max_length=TITLE_MAX)
    description = fields.String(load_default="")
    starts_at = fields.DateTime(load_default=None, allow_none=True)
    ends_at = fields.DateTime(load_default=None, allow_none=True)


class PhasePatchSchema(GermanSchema):
    title = non_empty(max_length=TITLE_MAX)
    description = fields.String()
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    move = fields.String(validate=validate.OneOf(["up", "down"]))


class InstrumentCreateSchema(GermanSchema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=KIND_MAX))
    target_id = id_field(required=True)
    follows_phase_dates = fields.Boolean(load_default=True)


def phase_dates_to_utc(data):
    return dates_to_utc(data, keys=("starts_at", "ends_at"))


def process_to_json(process, now, phases=None, with_body=True):
    data = {
        "id": process.id,
        "region": process.region.slug,
        "title": process.title,
        "summary": process.summary,
        "status": str(process.status_at(now, phases)),
        "published": process.published,
        "template": process.template,
        "created_at": isoformat(process.created_at),
        "url": url_for("processes.show", process_id=process.id, _external=True),
    }
    if with_body:
        data["body"] = process.body
        data["body_html"] = process.body_html
    return data


def phase_to_json(phase, status, entries, number):
    return {
        "id": phase.id,
        "process_id": phase.process_id,
        "number": number,
        "title": phase.title,
        "description": phase.description,
        "starts_at": isoformat(phase.starts_at),
        "ends_at": isoformat(phase.ends_at),
        "status": str(status),
        "instruments": [{"id": entry.instrument.id, "kind": entry.instrument.kind,
                         "target_id": entry.instrument.target_id,
                         "follows_phase_dates": entry.instrument.follows_phase_dates, "title": entry.title,
                         "status": entry.status, "opens_at": isoformat(entry.opens_at),
                         "closes_at": isoformat(entry.closes_at), "url": entry.url} for entry in entries],
    }
