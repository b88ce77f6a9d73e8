"""Access codes for workshops: generating them and finding the one a participant types in."""

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...audit.services import record
from ...errors import Conflict, Invalid, Unauthorized
from ...extensions import db
from ...policy import require_moderator
from ..models import AccessCode, Audience, PollStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: readable on paper
CODES_PER_REQUEST = 500
CODES_PER_POLL = 5000


def normalise_code(raw):
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:20]


def format_code(code):
    return f"{code[:4]}-{code[4:]}"


def generate_codes(user, poll, count):
    require_moderator(user, poll.region)
    if poll.audience == Audience.ACCOUNTS:
        raise Conflict(_("An dieser Umfrage nehmen nur Konten teil; stellen Sie zuerst die Teilnahme auf "
                         "Zugangscodes um."))
    if poll.status == PollStatus.CLOSED:
        raise Conflict(_("Diese Umfrage ist beendet."))
    if not isinstance(count, int) or not 1 <= count <= CODES_PER_REQUEST:
        raise Invalid(_("Bitte 1 bis %(n)d Codes auf einmal.", n=CODES_PER_REQUEST),
                      {"count": [_("1 bis %(n)d.", n=CODES_PER_REQUEST)]})
    existing = db.session.scalar(select(func.count()).select_from(AccessCode).where(AccessCode.poll_id == poll.id))
    if existing + count > CODES_PER_POLL:
        raise Conflict(_("Eine Umfrage hat höchstens %(n)d Zugangscodes.", n=CODES_PER_POLL))
    codes = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _i in range(8)))
    created = [AccessCode(poll_id=poll.id, code=code) for code in sorted(codes)]
    db.session.add_all(created)
    db.session.flush()
    record(user, "poll.access_codes", poll, poll.region, count=count)
    return created


def code_for(raw):
    """The access code named by a participant, or Unauthorized."""
    code = normalise_code(raw)
    found = db.session.scalar(select(AccessCode).where(AccessCode.code == code)) if len(code) == 8 else None
    if found is None:
        raise Unauthorized(_("Diesen Zugangscode gibt es nicht. Bitte prüfen Sie die Schreibweise."))
    return found


def codes_of(poll):
    """All access codes of a poll, oldest first (the moderators' list)."""
    return db.session.scalars(select(AccessCode).where(AccessCode.poll_id == poll.id).order_by(AccessCode.id)).all()


def unused_codes_query(poll):
    """The poll's codes nobody has used yet, oldest first (a query, for the printed sheets' pages)."""
    return select(AccessCode).where(AccessCode.poll_id == poll.id, AccessCode.used_at.is_(None)).order_by(AccessCode.id)


def code_count(poll):
    return db.session.scalar(select(func.count()).select_from(AccessCode).where(AccessCode.poll_id == poll.id))


def code_of_session(poll, code_id):
    """The access code a participant entered earlier (its id from the session), if it belongs to this poll."""
    code = db.session.get(AccessCode, code_id) if code_id is not None else None
    return code if code is not None and code.poll_id == poll.id else None
