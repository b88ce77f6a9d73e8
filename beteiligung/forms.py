"""Helpers shared by the page forms."""

from flask import request


def page_arg(name="page"):
    """A positive page number from the query string; anything else is page 1."""
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 100_000 else 1


def apply_errors(form, error):
    """Attach a domain error's field messages to the form's fields; return the rest."""
    unplaced = []
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = list(field.errors) + list(messages)
    return unplaced
