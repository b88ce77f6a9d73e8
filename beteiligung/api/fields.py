"""marshmallow base schema whose messages are German (the API's language for people)."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..extensions import MAX_ID
from ..ids import parse_id

INVALID_BY_TYPE = (
    (fields.Boolean, "true oder false erwartet."),
    (fields.Integer, "Ganze Zahl erwartet."),
    (fields.DateTime, "Datum mit Uhrzeit nach ISO 8601 erwartet, z. B. 2026-05-01T10:00:00+02:00."),
    (fields.List, "Liste erwartet."),
    (fields.Dict, "Objekt erwartet."),
    (fields.String, "Text erwartet."),
)


def _german_validator(validator, field):
    """A German copy of marshmallow's Length/OneOf/Range (same limits, so the OpenAPI document stays the same)."""
    if getattr(validator, "error", None) not in (None, getattr(type(validator), "default_message", None)):
        return validator  # a message of our own already
    if isinstance(validator, validate.Length):
        unit = "Einträge" if isinstance(field, fields.List) else "Zeichen"
        low, high = validator.min, validator.max
        if validator.equal is not None:
            message = f"Genau {validator.equal} {unit} erwartet."
        elif low == 1 and high is None:
            message = "Darf nicht leer sein." if unit == "Zeichen" else "Mindestens ein Eintrag erwartet."
        elif high is None:
            message = f"Mindestens {low} {unit} erwartet."
        elif low is None:
            message = f"Höchstens {high} {unit} erlaubt."
        else:
            message = f"{low} bis {high} {unit} erwartet."
        return validate.Length(min=low, max=high, equal=validator.equal, error=message)
    if isinstance(validator, validate.OneOf):
        return validate.OneOf(validator.choices, error="Erlaubt: " + ", ".join(map(str, validator.choices)) + ".")
    if isinstance(validator, validate.Range):
        low, high = validator.min, validator.max
        message = (f"Zahl von {low} bis {high} erwartet." if low is not None and high is not None
                   else f"Zahl ab {low} erwartet." if low is not None else f"Zahl bis {high} erwartet.")
        return validate.Range(min=low, max=high, min_inclusive=validator.min_inclusive,
                              max_inclusive=validator.max_inclusive, error=message)
    return validator


def germanise(field):
    """German messages for a field, its validators and its inner fields (lists, dicts)."""
    field.error_messages["required"] = "Pflichtangabe fehlt."
    field.error_messages["null"] = "Darf nicht null sein."
    field.error_messages["validator_failed"] = "Ungültiger Wert."
    field.error_messages["invalid_utf8"] = "Ungültiger Text (kein UTF-8)."
    if isinstance(field, fields.Nested):
        field.error_messages["type"] = "Objekt erwartet."
    for field_type, message in INVALID_BY_TYPE:
        if isinstance(field, field_type):
            field.error_messages["invalid"] = message
            break
    field.validators = [_german_validator(validator, field) for validator in field.validators]
    for inner in (getattr(field, "inner", None), getattr(field, "key_field", None),
                  getattr(field, "value_field", None)):
        if isinstance(inner, fields.Field):
            germanise(inner)


class GermanSchema(Schema):
    """Input schemas of the API: German messages everywhere; unknown keys are ignored.

    The OpenAPI document is generated from these same schemas (api/openapi.py), so every limit
    that a schema checks (Length, Range, OneOf) is also what the document promises.
    """

    error_messages = {"type": "Objekt erwartet.", "unknown": "Unbekanntes Feld."}

    class Meta:
        unknown = EXCLUDE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            germanise(field)


def non_empty(**kwargs):
    """Text that must not be empty (the services refuse empty text too; minLength 1 in the document)."""
    max_length = kwargs.pop("max_length", None)
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def strict_int(**kwargs):
    return fields.Integer(strict=True, **kwargs)


class Id(fields.Integer):
    """An id, read by the one id parser (beteiligung.ids): a JSON integer from 1 to MAX_ID."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=1, max=MAX_ID, error="Unbekannte Id."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)  # type check: a JSON integer, not true/1.0
        if isinstance(value, bool) or parse_id(number) is None:
            raise ValidationError("Unbekannte Id." if not isinstance(value, bool) else "Ganze Zahl erwartet.")
        return number


def id_field(**kwargs):
    """An id in the database's integer range (larger ones can name nothing and would overflow)."""
    return Id(**kwargs)
