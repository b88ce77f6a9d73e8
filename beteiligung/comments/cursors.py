"""Where a page of a discussion continues (keyset pagination): an opaque cursor for page links and the API.

A cursor names the discussion (its kind and id), the sort, the number of the page it leads to and the sort
values of the last top-level comment shown before it. The next page is then read from the index of that
sort, starting right after that comment (``services.list_threads``), without counting or skipping the
comments before it: its cost does not grow with the length of the discussion.

It is plain (base64 of a short JSON list), not signed: it only says where to start reading a public list.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from ..errors import DomainError

EPOCH = datetime(1970, 1, 1)
MAX_LENGTH = 200  # characters; a real cursor has about 60
KINDS = {"consultation": "c", "proposal": "p"}
SORT_CODES = {"newest": "n", "top": "t"}
MAX_PAGE = 100_000_000


class CursorRefused(DomainError):
    """A cursor that cannot be followed; pages show the first page instead."""


class MalformedCursor(CursorRefused):
    status = 400
    code = "bad_request"


class ForeignCursor(CursorRefused):
    """A well-formed cursor of another discussion or another sort."""

    status = 422
    code = "invalid"


@dataclass(frozen=True)
class Cursor:
    page: int  # the number of the page the cursor leads to
    created_at: datetime
    id: int
    score: int | None = None  # sort "top" only


def write_cursor(kind, subject_id, sort, page, root):
    """The cursor of page ``page`` of a discussion: it starts after the top-level comment ``root``."""
    micros = (root.created_at - EPOCH) // timedelta(microseconds=1)
    values = [KINDS[kind], subject_id, SORT_CODES[sort], page, micros, root.id]
    if sort == "top":
        values.append(root.score)
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def read_cursor(raw, kind, subject_id, sort):
    """The Cursor in ``raw`` (the ``after`` argument) for this discussion and sort.

    MalformedCursor (400) if it is not a cursor at all, ForeignCursor (422) if it belongs to another
    discussion or sort; never anything else, whatever ``raw`` holds.
    """
    values = _decode(raw)
    expected = [KINDS[kind], subject_id, SORT_CODES[sort]]
    if values is None:
        raise MalformedCursor(_("Der Wert von „after“ ist kein gültiger Verweis auf eine Seite dieser Liste."),
                              {"after": [_("Ungültiger Wert; bitte verwenden Sie den Wert von „next“.")]})
    if values[:3] != expected:
        raise ForeignCursor(_("Der Wert von „after“ gehört zu einer anderen Diskussion oder Sortierung."),
                            {"after": [_("Passt nicht zu dieser Liste; bitte beginnen Sie auf der ersten Seite.")]})
    page, micros, comment_id = values[3:6]
    return Cursor(page, EPOCH + timedelta(microseconds=micros), comment_id, values[6] if sort == "top" else None)


def _decode(raw):
    """The list of values of a cursor, checked for shape and ranges; None if ``raw`` is none."""
    if not isinstance(raw, str) or not 0 < len(raw) <= MAX_LENGTH or not raw.isascii():
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) not in (6, 7):
        return None
    kind, subject_id, sort, page, micros, comment_id, *score = values
    numbers = [subject_id, page, micros, comment_id, *score]
    if kind not in KINDS.values() or sort not in SORT_CODES.values() \
            or any(type(number) is not int for number in numbers) or len(score) != (sort == SORT_CODES["top"]):
        return None
    # Dates between 1970 and 9999, positive ids, a second page or later, a score a comment can have.
    if not (0 < subject_id < 2**63 and 1 < page <= MAX_PAGE and 0 <= micros < 253_402_300_800_000_000
            and 0 < comment_id < 2**63 and all(abs(value) < 2**62 for value in score)):
        return None
    return values
