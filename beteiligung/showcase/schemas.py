"""The query arguments of the showcase's JSON API (German messages); the output is
``services.project_to_json``."""

from marshmallow import fields, validate

from ..api.fields import GermanSchema
from .models import QUERY_MAX
from .services import STATUSES


class ProjectQuerySchema(GermanSchema):
    """Filters of GET /api/v1/showcase/projects; an empty value is no filter (as on the overview page)."""

    region = fields.String(load_default="", validate=validate.Length(max=100))
    status = fields.String(load_default="", validate=validate.OneOf(("", *STATUSES)))
    q = fields.String(load_default="", validate=validate.Length(max=QUERY_MAX))
