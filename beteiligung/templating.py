"""Jinja filters and globals shared by all templates."""

from urllib.parse import urlencode

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from . import charts
from .comments.services import can_edit
from .policy import can_moderate
from .timeutil import to_local

STATUS_LABELS = {
    "draft": _l("Entwurf"),
    "upcoming": _l("Demnächst"),
    "open": _l("Offen"),
    "closed": _l("Abgeschlossen"),
}

COMMENT_STATUS_LABELS = {"visible": _l("sichtbar"), "hidden": _l("ausgeblendet"), "deleted": _l("gelöscht")}

COMMENT_LABELS = {
    "deleted_account": _l("Gelöschtes Konto"), "official": _l("Offizielle Stellungnahme"), "edited": _l("bearbeitet"),
    "to_section": _l("zum Abschnitt"),
    "deleted": _l("Dieser Beitrag wurde von der Verfasserin oder dem Verfasser gelöscht."),
    "votes": _l("Bewertung"), "agree": _l("Zustimmen"), "disagree": _l("Ablehnen"), "edit": _l("Bearbeiten"),
    "delete": _l("Löschen"), "report": _l("Melden"), "hide": _l("Ausblenden"), "restore": _l("Wiederherstellen"),
    "reply": _l("Antworten"),
}


def comment_labels():
    """The fixed texts of a comment, translated once per page instead of once per comment."""
    return {key: str(text) for key, text in COMMENT_LABELS.items()}


DATE_FORMATS = {"de": "%d.%m.%Y, %H:%M Uhr", "en": "%d %b %Y, %H:%M"}


def format_dt(value, fmt=None):
    """A stored (UTC) time as local time on pages; strftime is far cheaper than Babel per comment."""
    if value is None:
        return ""
    return to_local(value).strftime(DATE_FORMATS.get(str(get_locale()), DATE_FORMATS["de"]))


DAY_FORMATS = {"de": "%d.%m.%Y", "en": "%d %b %Y"}


def format_day(value):
    """A stored (UTC) time, or a date, as the local day: "24.12.2026"."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = to_local(value)
    return value.strftime(DAY_FORMATS.get(str(get_locale()), DAY_FORMATS["de"]))


def iso_time(value):
    """The machine-readable form for ``<time datetime="…">`` (local time with its offset, or a date)."""
    if value is None:
        return ""
    return to_local(value).isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()


def url_if(endpoint, **values):
    """The URL of an endpoint, or None where it does not exist (a part of the platform not installed)."""
    from flask import current_app
    from werkzeug.routing import BuildError

    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def url_with(**changes):
    """The current URL with some query arguments replaced (for filters and pagination)."""
    args = request.args.to_dict()
    args.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        args.pop(key, None)
    return request.path + ("?" + urlencode(args) if args else "")


def content_lang():
    """`` lang="de"`` for what people wrote (in German) when the page is not German, else nothing.

    ``<h1{{ content_lang() }}>{{ consultation.title }}</h1>``: screen readers then read it in German.
    """
    locale = get_locale()
    return Markup("") if locale is None or locale.language == "de" else Markup(' lang="de"')


@pass_context
def de_span(context, text):
    """``{{ poll.title|de_span }}``: the text in ``<span lang="de">`` on a page that is not German, else as it is.

    It takes the context only so that Jinja never folds it into a template at compile time: on a constant
    (``"Wie gut …"|de_span``) it would otherwise keep the language of the request that compiled the template.
    """
    lang = content_lang()
    return Markup("<span{}>{}</span>").format(lang, text) if lang else escape(text)


POLL_KIND_LABELS = {"survey": _l("Umfrage"), "problem_definition": _l("Problemsammlung")}


def register_template_helpers(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["datetime"] = format_dt
    app.jinja_env.filters["de_span"] = de_span
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["iso"] = iso_time
    app.jinja_env.globals.update(
        url_with=url_with,
        url_if=url_if,
        can_moderate=lambda region: can_moderate(current_user, region),
        can_edit_comment=lambda comment: can_edit(current_user, comment),
        status_label=lambda status: str(STATUS_LABELS.get(status, status)),
        comment_labels=comment_labels,
        comment_status_label=lambda status: str(COMMENT_STATUS_LABELS.get(status, status)),
        current_locale=lambda: str(get_locale()),
        content_lang=content_lang,
        poll_kind_label=lambda kind: str(POLL_KIND_LABELS.get(kind, kind)),
        bar_chart=charts.bar_chart, column_chart=charts.column_chart, line_chart=charts.line_chart,
        format_number=charts.format_number,
    )
