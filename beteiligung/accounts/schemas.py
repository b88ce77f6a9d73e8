from marshmallow import fields, validate

from ..api.fields import GermanSchema
from ..markup import clean_text

TOKEN_NAME_MAX_LENGTH = 80


class TrimmedString(fields.String):
    """Text without leading or trailing white space (trimmed before the length is checked)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return clean_text(super()._deserialize(value, attr, data, **kwargs)).strip()


class TokenRequestSchema(GermanSchema):
    email = fields.String(required=True)
    password = fields.String(required=True)
    #: what the owner calls the token ("Auswertungsskript"), shown on the account page; optional
    name = TrimmedString(load_default="", validate=validate.Length(max=TOKEN_NAME_MAX_LENGTH))
