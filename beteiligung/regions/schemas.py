from marshmallow import fields, validate

from ..api.fields import GermanSchema, non_empty
from ..policy import PARTICIPATION_KINDS


class RegionCreateSchema(GermanSchema):
    slug = fields.String(required=True, validate=validate.Length(min=3, max=60))
    name = non_empty(required=True, max_length=120)
    theme = fields.String(load_default="", validate=validate.Length(max=120))
    description = fields.String(load_default="", validate=validate.Length(max=5000))


class RegionPatchSchema(GermanSchema):
    """Region administrators: name, theme, description of their own region and what accounts with an unconfirmed
    e-mail address may do there; the slug: platform administrators."""

    slug = fields.String(validate=validate.Length(min=3, max=60))
    name = non_empty(max_length=120)
    theme = fields.String(validate=validate.Length(max=120))
    description = fields.String(validate=validate.Length(max=5000))
    unconfirmed_may = fields.List(fields.String(validate=validate.OneOf(PARTICIPATION_KINDS)),
                                  validate=validate.Length(max=len(PARTICIPATION_KINDS) * 2))
    contact_name = fields.String(validate=validate.Length(max=120))
    contact_email = fields.String(validate=validate.Length(max=254))
    contact_phone = fields.String(validate=validate.Length(max=40))


class RegionModeratorSchema(GermanSchema):
    """Appointing a moderator: the e-mail address of an existing account (never shown back)."""

    email = non_empty(required=True, max_length=254)
