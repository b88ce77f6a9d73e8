"""The stable facade for plugin authors: import from here and nowhere else in the core.

Everything named in ``__all__`` keeps working within a major version of the core (the contract
is described in docs/plugins.md); anything else in the ``beteiligung`` package may change.
"""

from flask import g
from flask_babel import gettext, lazy_gettext, ngettext, pgettext
from sqlalchemy import select

from . import __version__ as core_version
from .accounts.models import User
from .charts import bar_chart, column_chart, format_number, line_chart
from .comments.models import Comment
from .consultations.models import Consultation
from .errors import Conflict, Invalid, NotAllowed, NotFound
from .extensions import db
from .markup import clean_text
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
    int_setting,
    scale_settings,
    share,
    strict_int,
)
from .regions.models import Region
from .templating import format_dt


def current_region():
    """The region of the current plugin page (``/<plugin>/<region>/…``)."""
    return g.region


def poll_results(poll, moderator=False):
    """A poll's results as the API returns them (moderators: with written answers)."""
    from .polls.services import results

    return results(poll, moderator=moderator)


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


__all__ = [
    "Answer", "AnswerError", "Ballot", "Cell", "Comment", "Conflict", "Consultation", "DefinitionError", "Invalid",
    "NotAllowed", "NotFound", "Option", "Plugin", "Poll", "Question", "QuestionType", "Region", "User",
    "bar_chart", "can_moderate", "can_see_results", "clean_text", "column_chart", "core_version", "csv_text",
    "current_region", "db",
    "format_dt",
    "format_number", "gettext", "hookimpl", "int_setting", "is_enabled", "lazy_gettext", "line_chart", "ngettext",
    "pgettext", "poll_results", "polls_query",
    "require_moderator", "results_csv_rows", "scale_settings", "share", "strict_int",
]
