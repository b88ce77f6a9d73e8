"""Taking part in a survey: who takes part, whether they may, and storing their ballot once."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, insert, select, update

from ... import events
from ...accounts.models import User
from ...errors import Conflict, Invalid, NotAllowed, Unauthorized, store_once
from ...extensions import db
from ...policy import is_authenticated, require_confirmed
from ...timeutil import utcnow
from ..models import AccessCode, Answer, Audience, Ballot, Comparison, PollKind, PollStatus
from ..types import AnswerError
from . import tallies
from .questions import question_types


@dataclass
class Participant:
    """Who takes part: an account or a workshop access code (or nobody)."""

    user: object = None
    code: AccessCode | None = None

    @property
    def known(self):
        return is_authenticated(self.user) or self.code is not None

    def ballot_filter(self, poll):
        if self.code is not None:
            return Ballot.access_code_id == self.code.id
        return and_(Ballot.poll_id == poll.id, Ballot.user_id == self.user.id)

    def comparison_filter(self, poll):
        if self.code is not None:
            return Comparison.access_code_id == self.code.id
        return and_(Comparison.poll_id == poll.id, Comparison.user_id == self.user.id)

    def lock(self):
        """Serialise this participant's concurrent requests (row lock on the account or the code).

        Limits that are counted before an insert (problems, pairs) hold under concurrency this way;
        other participants are not held up.
        """
        if self.code is not None:
            db.session.execute(select(AccessCode.id).where(AccessCode.id == self.code.id).with_for_update())
        elif is_authenticated(self.user):
            db.session.execute(select(User.id).where(User.id == self.user.id).with_for_update())

    def owner_columns(self):
        if self.code is not None:
            return {"access_code_id": self.code.id}
        return {"user_id": self.user.id}


def _require_running(poll):
    status = poll.status
    if status == PollStatus.DRAFT:
        raise Conflict(_("Diese Umfrage hat noch nicht begonnen."))
    if status == PollStatus.CLOSED:
        raise Conflict(_("Diese Umfrage ist beendet; eine Teilnahme ist nicht mehr möglich."))


def _check_participant(participant, poll, kind=None):
    """Whether this participant may take part in the poll; ``kind`` ("ballot", "problem"): a write, for
    which an account needs a confirmed address (workshop access codes have no account: not asked)."""
    if participant.code is not None:
        if participant.code.poll_id != poll.id:
            raise NotAllowed(_("Dieser Zugangscode gilt für eine andere Umfrage."))
        if poll.audience == Audience.ACCOUNTS:
            raise NotAllowed(_("An dieser Umfrage nehmen nur angemeldete Personen teil."))
        return
    if not is_authenticated(participant.user):
        raise Unauthorized(_("Bitte melden Sie sich an oder geben Sie Ihren Zugangscode ein."))
    if poll.audience == Audience.ACCESS_CODES:
        raise NotAllowed(_("An dieser Umfrage nehmen Sie mit einem Zugangscode aus der Veranstaltung teil."))
    if kind is not None:
        require_confirmed(participant.user, poll.region, kind)


def has_taken_part(participant, poll):
    if not participant.known:
        return False
    return db.session.scalar(select(Ballot.id).where(participant.ballot_filter(poll))) is not None


def parse_answers(poll, answers):
    """{question_id: value} → cells per question, or Invalid with a message per question."""
    errors = {}
    types = question_types()
    known = {question.id for question in poll.questions}
    unknown = [qid for qid in answers if qid not in known]
    if unknown:
        errors["answers"] = [_("Die Frage %(id)s gehört nicht zu dieser Umfrage.", id=unknown[0])]
    parsed = {}
    for question in poll.questions:
        value = answers.get(question.id)
        qtype = types.get(question.type)
        cells = None
        if value not in (None, "", [], {}):
            if qtype is None:
                errors[f"question_{question.id}"] = [_("Dieser Fragetyp ist nicht mehr verfügbar.")]
                continue
            try:
                cells = qtype.parse(question, value)
            except AnswerError as error:
                errors[f"question_{question.id}"] = [str(error)]
                continue
        if cells:
            parsed[question.id] = cells
        elif question.required:
            errors[f"question_{question.id}"] = [_("Bitte beantworten Sie diese Frage.")]
    if not errors and not parsed:
        errors["answers"] = [_("Bitte beantworten Sie mindestens eine Frage.")]
    if errors:
        raise Invalid(_("Bitte prüfen Sie Ihre Antworten."), errors)
    return parsed


def submit_ballot(participant, poll, answers):
    """Store one participant's answers: once per account or access code (unique in the database)."""
    _check_participant(participant, poll, "ballot")
    if poll.kind != PollKind.SURVEY:
        raise Conflict(_("Bei einer Problemsammlung vergleichen Sie Probleme, statt Fragen zu beantworten."))
    _require_running(poll)
    already = _("Sie haben an dieser Umfrage bereits teilgenommen. Vielen Dank!")
    if participant.code is not None and participant.code.used_at is not None:
        raise Conflict(_("Dieser Zugangscode wurde bereits verwendet."))
    parsed = parse_answers(poll, answers)
    # The unique constraints on ballots decide whether this participant took part already (no query first).
    ballot = Ballot(poll_id=poll.id, **participant.owner_columns())
    store_once(ballot, already)
    if participant.code is not None:
        used = db.session.execute(update(AccessCode).where(AccessCode.id == participant.code.id,
                                                           AccessCode.used_at.is_(None))
                                  .values(used_at=utcnow())).rowcount
        if not used:
            raise Conflict(_("Dieser Zugangscode wurde bereits verwendet."))
    # Every row names every column: one cached statement, sent as one INSERT with many VALUES.
    rows = [{"ballot_id": ballot.id, "poll_id": poll.id, "question_id": question_id, "seq": seq,
             "option_id": cell.option_id, "number": cell.number, "text": cell.text}
            for question_id, cells in parsed.items() for seq, cell in enumerate(cells)]
    db.session.execute(insert(Answer.__table__), rows)
    tallies.add_ballot(poll, ballot.id, parsed)
    db.session.expire(poll, ["ballot_count"])
    events.notify("ballot_submitted", poll.region, ballot=ballot, poll=poll)
    return ballot
