from flask import url_for
from marshmallow import fields

from ..api.fields import GermanSchema, non_empty
from ..errors import Invalid
from ..timeutil import isoformat, to_utc


class ConsultationCreateSchema(GermanSchema):
    region = fields.String(required=True)
    title = non_empty(required=True)
    summary = fields.String(load_default="")
    body = fields.String(load_default="")
    published = fields.Boolean(load_default=False)
    opens_at = fields.DateTime(load_default=None, allow_none=True)
    closes_at = fields.DateTime(load_default=None, allow_none=True)


class ConsultationUpdateSchema(GermanSchema):
    title = non_empty()
    summary = fields.String()
    body = fields.String()
    published = fields.Boolean()
    opens_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(allow_none=True)


def dates_to_utc(data, keys=("opens_at", "closes_at")):
    """The given dates of an API body (``keys``) in UTC; years outside 2000-2199 are refused (Invalid)."""
    errors = {}
    for key in keys:
        if data.get(key) is not None:
            if not 2000 <= data[key].year <= 2199:
                errors[key] = ["Datum zwischen den Jahren 2000 und 2199 erwartet."]
            else:
                data[key] = to_utc(data[key])
    if errors:
        raise Invalid("Einige Angaben sind ungültig.", errors)
    return data


def section_to_json(section):
    return {"id": section.id, "title": section.title, "anchor": section.anchor, "body_html": section.body_html}


def consultation_to_json(consultation, with_body=True):
    data = {
        "id": consultation.id,
        "region": consultation.region.slug,
        "title": consultation.title,
        "summary": consultation.summary,
        "status": consultation.status,
        "published": consultation.published,
        "opens_at": isoformat(consultation.opens_at),
        "closes_at": isoformat(consultation.closes_at),
        "sections": [section_to_json(section) for section in consultation.sections],
        "comment_count": consultation.comment_count,
        "created_at": isoformat(consultation.created_at),
        "url": url_for("consultations.show", consultation_id=consultation.id, _external=True),
    }
    if with_body:
        data["body"] = consultation.body
        data["intro_html"] = consultation.intro_html
    return data
