"""Helpers shared by the page forms."""

from flask import flash, redirect, request

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


def submit_form(form, action, message, target):
    """The flow of a page form that calls one service: on a valid submission ``action()`` runs and is
    committed, ``message`` (or ``message(result)``) is flashed and the answer is a 303 to ``target(result)``;
    a refusal (a DomainError) is rolled back and its messages go on the form. Returns ``(redirect or None,
    status)``: without a redirect, render the form with that status (200 not sent, 422 invalid, the
    refusal's status)::

        done, status = submit_form(form, lambda: services.create_measure(…), _("Angelegt."), lambda m: url_for(…))
        return done or (render_template(…), status)
    """
    from .errors import DomainError

    if not form.is_submitted():
        return None, 200
    if not form.validate():
        return None, 422
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        return None, show_error(form, error)
    flash(message(result) if callable(message) else message, "success")
    return redirect(target(result), code=303), 303


def form_errors(form):
    """All of a submitted form's validation messages as one sentence (for a flash)."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def posted_target(form, missing):
    """(kind, id) of a form whose ``target`` field is a choice "<kind>:<id>" (what a measure came from, what a
    showcase project relates to); raises Invalid with the form's messages, or ``missing``, when the form is
    not valid or names no id."""
    from .errors import Invalid
    from .ids import parse_id

    kind, _sep, target = (form.target.data or "").partition(":")
    target_id = parse_id(target)
    if not form.validate_on_submit() or target_id is None:
        raise Invalid(form_errors(form) or missing)
    return kind, target_id
