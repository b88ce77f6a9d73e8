from marshmallow import fields

from ..api.fields import GermanSchema


class TokenRequestSchema(GermanSchema):
    email = fields.String(required=True)
    password = fields.String(required=True)
