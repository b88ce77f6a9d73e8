"""Helpers shared by the page forms."""

from flask import flash, request

from .extensions import db


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


def show_error(form, error):
    """A refused action: roll back, put field messages on the form's fields, flash the message.

    Returns the HTTP status to render the form with.
    """
    db.session.rollback()
    unplaced = apply_errors(form, error)
    flash(" ".join([error.message, *unplaced]), "error")
    return error.status


def form_errors(form):
    """All of a submitted form's validation messages as one sentence (for a flash)."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
