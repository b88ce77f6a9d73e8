"""marshmallow base schema whose messages are German (the API's language for people)."""

from marshmallow import EXCLUDE, Schema, fields, validate

from ..extensions import MAX_ID

INVALID_BY_TYPE = (
    (fields.Boolean, "true oder false erwartet."),
    (fields.Integer, "Ganze Zahl erwartet."),
    (fields.DateTime, "Datum mit Uhrzeit nach ISO 8601 erwartet, z. B. 2026-05-01T10:00:00+02:00."),
    (fields.List, "Liste erwartet."),
    (fields.String, "Text erwartet."),
)


class GermanSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "Pflichtangabe fehlt."
            field.error_messages["null"] = "Darf nicht null sein."
            for field_type, message in INVALID_BY_TYPE:
                if isinstance(field, field_type):
                    field.error_messages["invalid"] = message
                    break




def strict_int(**kwargs):
    return fields.Integer(strict=True, **kwargs)


def id_field(**kwargs):
    """An id in the database's integer range (larger ones can name nothing and would overflow)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID, error="Unbekannte Id."),
                          **kwargs)
