from marshmallow import fields, validate

from ..api.fields import GermanSchema, non_empty


class RegionCreateSchema(GermanSchema):
    slug = fields.String(required=True, validate=validate.Length(min=3, max=60))
    name = non_empty(required=True, max_length=120)
    theme = fields.String(load_default="", validate=validate.Length(max=120))
    description = fields.String(load_default="", validate=validate.Length(max=5000))


class RegionPatchSchema(GermanSchema):
    """Region administrators: name, theme, description of their own region; the slug: platform administrators."""

    slug = fields.String(validate=validate.Length(min=3, max=60))
    name = non_empty(max_length=120)
    theme = fields.String(validate=validate.Length(max=120))
    description = fields.String(validate=validate.Length(max=5000))


class RegionModeratorSchema(GermanSchema):
    """Appointing a moderator: the e-mail address of an existing account (never shown back)."""

    email = non_empty(required=True, max_length=254)
