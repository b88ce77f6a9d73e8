"""The JSON input shapes of measures (German messages); the output is ``services.measure_to_json``."""

from marshmallow import fields, validate

from ..api.fields import GermanSchema, id_field, non_empty
from ..choices import values
from .models import DESCRIPTION_MAX, KIND_MAX, LINKS_MAX, OFFICE_MAX, TITLE_MAX, UPDATE_MAX, MeasureStatus

DATE_MESSAGE = "Datum nach ISO 8601 erwartet, z. B. 2026-05-01."


class _Dates(GermanSchema):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, fields.Date):
                field.error_messages["invalid"] = DATE_MESSAGE


class LinkSchema(GermanSchema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=KIND_MAX))
    target_id = id_field(required=True)


def _links(**kwargs):
    return fields.List(fields.Nested(LinkSchema), validate=validate.Length(max=LINKS_MAX), **kwargs)


def _progress(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=100), **kwargs)


class MeasureCreateSchema(_Dates):
    process_id = id_field(required=True)
    title = non_empty(required=True, max_length=TITLE_MAX)
    description = fields.String(load_default="", validate=validate.Length(max=DESCRIPTION_MAX))
    office = fields.String(load_default="", validate=validate.Length(max=OFFICE_MAX))
    status = fields.String(load_default=MeasureStatus.PLANNED.value, validate=validate.OneOf(values(MeasureStatus)))
    progress = _progress(load_default=0)
    starts_on = fields.Date(load_default=None, allow_none=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    links = _links(load_default=list)


class MeasurePatchSchema(_Dates):
    title = non_empty(max_length=TITLE_MAX)
    description = fields.String(validate=validate.Length(max=DESCRIPTION_MAX))
    office = fields.String(validate=validate.Length(max=OFFICE_MAX))
    status = fields.String(validate=validate.OneOf(values(MeasureStatus)))
    progress = _progress()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    links = _links()


class MeasureUpdateCreateSchema(GermanSchema):
    body = non_empty(required=True, max_length=UPDATE_MAX)
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(values(MeasureStatus)))
    progress = _progress(load_default=None, allow_none=True)


def link_pairs(data):
    return [(link["kind"], link["target_id"]) for link in data]
