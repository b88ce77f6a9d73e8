"""The stable facade for plugin authors: import from here and nowhere else in the core.

Everything named in ``__all__`` keeps working within a major version of the facade
(``API_VERSION``; the contract is described in docs/plugins.md, "The stability promise"); anything
else in the ``beteiligung`` package may change. A name that is to go away stays for one more release
through :func:`deprecated` and warns (``DeprecationWarning``) when it is used.
"""

import warnings

from flask import g
from flask_babel import gettext, lazy_gettext, ngettext, pgettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from . import __version__ as core_version
from .accounts.models import User
from .api_version import API_VERSION, core_version_problem
from .charts import bar_chart, column_chart, format_number, line_chart
from .comments.models import Comment
from .consultations.models import Consultation, ConsultationStatus
from .disclosure import min_group_size, suppress_small_groups, withheld
from .errors import Conflict, Invalid, NotAllowed, NotFound
from .extensions import db
from .forms import page_arg
from .markup import clean_text
from .notifications.events import NotificationKind
from .pagination import paginate as _paginate
from .plugins.base import Plugin
from .plugins.hookspecs import hookimpl
from .plugins.services import enabled_names
from .policy import can_moderate, require_moderator
from .polls.models import Answer, Ballot, Option, Poll, Question
from .polls.types import (
    AnswerError,
    Cell,
    DefinitionError,
    QuestionType,
    Setting,
    int_setting,
    scale_settings,
    share,
    strict_int,
)
from .privacy import DataCategory
from .processes.instruments import InstrumentKind
from .processes.models import Process
from .regions.models import Region
from .statistics import month_label, monthly_activity, participation
from .templating import format_dt


def current_region():
    """The region of the current plugin page (``/<plugin>/<region>/…``)."""
    return g.region


def poll_results(poll, moderator=False):
    """A poll's results as the API returns them (moderators: with written answers)."""
    from .polls.services import results

    return results(poll, moderator=moderator)


def answer_counts(question):
    """{(option_id, number): (cells, texts)} of a question over all ballots: how often each cell was given
    and how often with a text. Read from the tallies kept with each ballot, so it costs the same at ten
    ballots and at a million (use it rather than counting ``Answer`` rows)."""
    from .polls.services import tallies

    return {(option_id, number): (cells, texts)
            for question_id, option_id, number, cells, _heads, texts in tallies.answer_cells(question.poll)
            if question_id == question.id}


def results_csv_rows(poll, data):
    """The rows (header first) of the results CSV for ``data = poll_results(poll)``."""
    from .polls.services import csv_rows

    return list(csv_rows(poll, data))


def csv_text(rows):
    """CSV text of rows, with spreadsheet formulas neutralised (as the core's exports)."""
    from .polls.services import csv_text as text

    return text(rows)


def polls_query(region=None, status=None, question_type=None):
    """A select() of the polls the public sees (no drafts), newest first; status draft|open|closed;
    with ``question_type`` (e.g. ``"aachen.matrix"``) only polls that ask a question of that type."""
    from .polls.services import poll_query

    query = poll_query(None, region, status)
    if question_type is not None:
        query = query.where(Poll.id.in_(select(Question.poll_id).where(Question.type == question_type)))
    return query


def can_see_results(user, poll):
    """The platform's rule for a poll's results: moderators of its region always; others once the poll
    is public and its results are (live, or after closing)."""
    from .polls.services import can_see_results as rule

    return rule(user, poll)


def is_enabled(plugin_name, region):
    """Whether the named plugin is enabled in the region."""
    return plugin_name in enabled_names(region)


CONSULTATION_STATUSES = tuple(status.value for status in ConsultationStatus if status != ConsultationStatus.DRAFT)


def consultations_query(region=None, status=None):
    """A select() of the consultations the public sees (published ones), newest first; ``status``
    upcoming|open|closed by their dates, as the core's list of consultations."""
    from .consultations.services import consultation_query

    if status is not None and status not in CONSULTATION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(CONSULTATION_STATUSES)} (or None)")
    return consultation_query(None, region, status)


def processes_query(region=None):
    """A select() of the participation processes the public sees (published ones), newest first. A process's
    ``status`` (upcoming|running|finished) and its ``phases`` (in order, each with ``title``, ``starts_at``,
    ``ends_at`` and ``status``: upcoming|current|past) follow their dates when read."""
    from .processes.services import process_query

    return process_query(None, region)


def phase_of(target):
    """The ``ProcessPhase`` (with ``.process``) that a ``Consultation`` or ``Poll`` belongs to, or None."""
    from .processes.services import phase_of as find

    kind = {Consultation: "consultation", Poll: "poll"}.get(type(target))
    if kind is None:
        raise ValueError("phase_of: the target is a Consultation or Poll")
    return find(kind, target.id)


def paginate(query, page=None, per_page=20):
    """One page of a select() of ORM rows: ``.items``, ``.page``, ``.pages``, ``.total``, ``.has_prev``,
    ``.has_next`` (two queries). ``page`` defaults to the page's ``?page=`` (anything invalid: 1); a page
    after the last gives the last. For the template: ``{% from "plugin_api/forms.html" import
    pagination %}`` and ``{{ pagination(page, "Seiten des Katalogs") }}``."""
    result = _paginate(query, page_arg() if page is None else max(1, page), per_page)
    if result.page > result.pages:
        result = _paginate(query, result.pages, per_page)
    return result


def apply_errors(form, error):
    """Put a domain error's field messages (``Invalid(…, fields={"name": […]})``, or such a dict itself)
    next to the form's fields, leaving out messages a field already shows; returns the messages that
    belong to no field of the form."""
    fields = error if isinstance(error, dict) else getattr(error, "fields", {}) or {}
    unplaced = []
    for name, messages in fields.items():
        field = form._fields.get(name) if hasattr(form, "_fields") else None
        if field is None:
            unplaced.extend(messages)
            continue
        field.errors = list(field.errors) + [message for message in messages if message not in field.errors]
    return unplaced


def audit(action, target, sentence, *, region=None, actor=None, **details):
    """Record a plugin's moderation act in the core's audit log, in the current transaction.

    ``action`` is ``"<plugin>.<what>"`` (e.g. ``"paderborn.service_disabled"``; the plugin must be
    loaded); ``target`` the changed row (its table and id are kept); ``sentence`` the German sentence
    the log page shows, as ``lazy_gettext("%(actor)s hat den Online-Dienst „%(name)s“ deaktiviert.")``
    – it is stored in German and read in the reader's language from the plugin's catalogue; its
    placeholders are ``actor``, ``region``, ``id`` (the target's id) and the names of ``details``
    (JSON values). ``region`` defaults to the region of the plugin page, ``actor`` to the signed-in
    user (no one on the command line). Returns the entry.
    """
    from .audit.services import record_plugin_action
    from .plugins.runtime import get_registry

    plugin = action.partition(".")[0]
    if plugin not in get_registry().plugins:
        raise ValueError(f"Audit action {action!r} must start with the name of a loaded plugin and a dot.")
    if actor is None and getattr(current_user, "is_authenticated", False):
        actor = current_user._get_current_object()
    if region is None:
        region = g.get("region")
    return record_plugin_action(plugin, actor, action, target, sentence, region=region, **details)


def notify_users(kind, users, params, url, key, actor=None):
    """Notify these accounts (``User`` objects or ids) of an event of ``kind`` (a core kind or one of the
    plugin's ``notification_kinds``), once per ``key`` (e.g. the id of what happened): a second call with the
    same kind and key does nothing. ``params`` (JSON) fill the kind's sentence, ``url`` is the page it leads
    to, ``actor`` (the account that caused it) is never notified. Runs in the current transaction; mails go
    out after its commit, per each account's choice. Returns whether the event was new."""
    from .notifications.services import emit

    return emit(kind, list(users), params, url, key, actor=actor)


def notify_followers(kind, target, params, url, key, actor=None):
    """As ``notify_users``, for the followers of ``target`` (a ``Consultation``, ``Poll`` or ``Region``) and,
    for a consultation or poll, of its region."""
    from .notifications.services import emit, followers

    target_type = {Consultation: "consultation", Poll: "poll", Region: "region"}.get(type(target))
    if target_type is None:
        raise ValueError("notify_followers: the target is a Consultation, Poll or Region")
    targets = [(target_type, target.id)]
    if target_type != "region":
        targets.append(("region", target.region_id))
    return emit(kind, followers(*targets), params, url, key, actor=actor)


def notify_moderators(kind, region, params, url, key, actor=None):
    """As ``notify_users``, for the moderators of ``region`` (for kinds whose audience is ``"moderators"``)."""
    from .notifications.services import emit, moderators_of

    return emit(kind, moderators_of(region), params, url, key, actor=actor)


def flag_comment(comment, reason, rule):
    """A plugin's rule marks a comment for the moderation (it stays visible): the region's moderators are
    notified (kind ``comment_flagged``) once per comment and ``rule`` (a short name, e.g. ``"links"``).
    ``reason`` is the German sentence they read. Returns whether this was new."""
    from .comments.subjects import of_comment
    from .notifications.services import emit, moderators_of

    kind, subject = of_comment(comment)
    return emit("comment_flagged", moderators_of(kind.region(subject)),
                {"title": subject.title, "reason": str(reason), "rule": str(rule)},
                kind.link(subject.id, comment.id), f"{comment.id}:{rule}")


_DEPRECATED = {}


def deprecated(name, replacement, removed_in):
    """Keep ``plugin_api.<name>`` working as ``replacement`` (a name of the facade) until the facade's
    version ``removed_in``, with a DeprecationWarning on every use. For the core's maintainers: a name
    leaves ``__all__`` through this, never at once."""
    if name in globals():
        raise ValueError(f"{name} is still defined in the facade; remove it before deprecating it.")
    if replacement not in globals():
        raise ValueError(f"{replacement} is not a name of the facade.")
    _DEPRECATED[name] = (replacement, removed_in)


def __getattr__(name):
    if name in _DEPRECATED:
        replacement, removed_in = _DEPRECATED[name]
        warnings.warn(f"beteiligung.plugin_api.{name} is deprecated and will be removed in plugin API "
                      f"{removed_in}; use {replacement}.", DeprecationWarning, stacklevel=2)
        return globals()[replacement]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "API_VERSION", "Answer", "AnswerError", "answer_counts", "Ballot", "Cell", "Comment", "Conflict", "Consultation",
    "DataCategory", "DefinitionError", "FlaskForm", "Invalid", "NotAllowed", "NotFound", "Option", "Plugin", "Poll",
    "Question",
    "QuestionType", "Region", "Setting", "User",
    "apply_errors", "audit", "bar_chart", "can_moderate", "can_see_results", "clean_text", "column_chart",
    "consultations_query", "core_version", "core_version_problem", "csv_text", "current_region", "current_user",
    "db", "format_dt", "format_number", "gettext", "hookimpl", "int_setting", "is_enabled", "lazy_gettext",
    "line_chart", "login_required", "min_group_size", "month_label", "monthly_activity", "ngettext", "page_arg",
    "paginate", "participation", "pgettext", "poll_results", "polls_query", "require_moderator", "results_csv_rows",
    "scale_settings", "share", "strict_int", "suppress_small_groups", "withheld",
    # notifications (docs/plugins.md, "Notifications")
    "NotificationKind", "flag_comment", "notify_followers", "notify_moderators", "notify_users",
    # processes (docs/plugins.md, "Process templates", "Instrument kinds")
    "InstrumentKind", "Process", "phase_of", "processes_query",
]
