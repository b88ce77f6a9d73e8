"""Jinja filters and globals shared by all templates."""

from urllib.parse import urlencode

from flask import request
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .comments.services import can_edit
from .policy import can_moderate
from .timeutil import to_local

STATUS_LABELS = {
    "draft": "Entwurf",
    "upcoming": "Demnächst",
    "open": "Offen",
    "closed": "Abgeschlossen",
}


def format_dt(value, fmt="medium"):
    if value is None:
        return ""
    return format_datetime(to_local(value).replace(tzinfo=None), fmt)


def url_with(**changes):
    """The current URL with some query arguments replaced (for filters and pagination)."""
    args = request.args.to_dict()
    args.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        args.pop(key, None)
    return request.path + ("?" + urlencode(args) if args else "")


def register_template_helpers(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["datetime"] = format_dt
    app.jinja_env.globals.update(
        url_with=url_with,
        can_moderate=lambda region: can_moderate(current_user, region),
        can_edit_comment=lambda comment: can_edit(current_user, comment),
        status_label=lambda status: _(STATUS_LABELS.get(status, status)),
        current_locale=lambda: str(get_locale()),
    )
