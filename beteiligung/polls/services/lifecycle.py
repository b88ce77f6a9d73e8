"""Creating, changing, opening, closing and deleting polls (moderators)."""

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ... import events
from ...audit.services import record
from ...consultations.models import Consultation
from ...errors import Conflict, Invalid
from ...extensions import db
from ...markup import clean_text
from ...notifications import services as notifications
from ...policy import require_moderator
from ...timeutil import utcnow
from ..models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Comparison,
    Phase,
    Poll,
    PollKind,
    PollStatus,
    Problem,
    ProblemStatus,
)
from .questions import build_questions
from .templates import _template, with_template


def _clean_meta(data, errors):
    clean = {}
    if "title" in data:
        title = clean_text(data["title"] or "").strip()
        if not TITLE_MIN <= len(title) <= TITLE_MAX:
            errors["title"] = [_("Der Titel muss 3 bis %(n)d Zeichen lang sein.", n=TITLE_MAX)]
        clean["title"] = title
    if "description" in data:
        description = clean_text(data["description"] or "").strip()
        if len(description) > DESCRIPTION_MAX:
            errors["description"] = [_("Höchstens %(n)d Zeichen.", n=DESCRIPTION_MAX)]
        clean["description"] = description
    for key in ("audience", "results_visibility", "opens_at", "closes_at"):
        if key in data:
            clean[key] = data[key]
    return clean


def _check_dates(opens_at, closes_at, errors):
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("Das Ende muss nach dem Beginn liegen.")]


def _consultation(region, consultation_id, errors):
    if consultation_id is None:
        return None
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.region_id != region.id:
        errors["consultation_id"] = [_("Diese Beteiligung gibt es in der Region nicht.")]
        return None
    return consultation


def create_poll(user, region, data):
    """A new poll (draft) from ``data`` as the API's create body, or from a plugin template."""
    require_moderator(user, region)
    errors = {}
    template = None
    if data.get("template"):
        template = _template(region, data["template"], errors)
        if template is None:
            raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
        if data.get("kind") not in (None, template["kind"]):
            errors["kind"] = [_("Die Art der Umfrage ergibt sich aus der Vorlage.")]
            raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
        data = with_template(template, data)
    meta = _clean_meta({"description": "", **data}, errors)
    kind = data.get("kind") or PollKind.SURVEY
    consultation = _consultation(region, data.get("consultation_id"), errors)
    _check_dates(meta.get("opens_at"), meta.get("closes_at"), errors)
    questions = build_questions(region, data.get("questions") or [], errors) if kind == PollKind.SURVEY else []
    if kind == PollKind.PROBLEM_DEFINITION and data.get("questions"):
        errors["questions"] = [_("Eine Problemsammlung hat keine Fragen, sondern Problembeschreibungen.")]
    if kind == PollKind.SURVEY and meta.get("opens_at") and not data.get("questions"):
        errors.setdefault("questions", [_("Eine Umfrage mit Startdatum braucht mindestens eine Frage.")])
    if errors:
        raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
    poll = Poll(region=region, consultation=consultation, kind=kind, created_by_id=user.id,
                template=data["template"] if template else None, **meta)
    poll.questions = questions
    db.session.add(poll)
    db.session.flush()
    if template and kind == PollKind.PROBLEM_DEFINITION:
        now = utcnow()
        for text in template.get("problems", []):
            db.session.add(Problem(poll_id=poll.id, text=text, status=ProblemStatus.APPROVED, moderated_at=now))
    record(user, "poll.create", poll, region, title=poll.title, template=poll.template)
    return poll


def has_ballots(poll):
    return poll.ballot_count > 0 or db.session.scalar(
        select(func.count()).select_from(Comparison).where(Comparison.poll_id == poll.id)) > 0


def update_poll(user, poll, data):
    """Change a poll's details; its questions only while nobody has taken part."""
    require_moderator(user, poll.region)
    if poll.status == PollStatus.CLOSED:
        raise Conflict(_("Diese Umfrage ist beendet und kann nicht mehr geändert werden."))
    errors = {}
    meta = _clean_meta(data, errors)
    opens_at = meta.get("opens_at", poll.opens_at)
    closes_at = meta.get("closes_at", poll.closes_at)
    _check_dates(opens_at, closes_at, errors)
    if "consultation_id" in data:
        poll.consultation = _consultation(poll.region, data["consultation_id"], errors)
    if poll.status == PollStatus.OPEN and "opens_at" in data and data["opens_at"] != poll.opens_at:
        errors["opens_at"] = [_("Die Umfrage läuft bereits; der Beginn lässt sich nicht mehr ändern.")]
    questions = None
    if data.get("questions") is not None:
        if poll.kind != PollKind.SURVEY:
            errors["questions"] = [_("Eine Problemsammlung hat keine Fragen.")]
        elif has_ballots(poll):
            raise Conflict(_("An dieser Umfrage haben bereits Menschen teilgenommen. Die Fragen können "
                             "deshalb nicht mehr geändert werden."))
        else:
            questions = build_questions(poll.region, data["questions"], errors,
                                        keep_types={question.type for question in poll.questions})
    if "phase" in data:
        if poll.kind != PollKind.PROBLEM_DEFINITION:
            errors["phase"] = [_("Nur Problemsammlungen haben Phasen.")]
        elif data["phase"] not in (Phase.COLLECTING, Phase.COMPARING):
            errors["phase"] = [_("Erlaubt: collecting, comparing.")]
    if (poll.kind == PollKind.SURVEY and opens_at is not None and poll.status == PollStatus.DRAFT
            and not (questions if questions is not None else poll.questions)):
        errors.setdefault("questions", [_("Eine Umfrage mit Startdatum braucht mindestens eine Frage.")])
    if errors:
        raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
    for key, value in meta.items():
        setattr(poll, key, value)
    if questions is not None:
        poll.questions.clear()
        db.session.flush()
        poll.questions.extend(questions)
    if "phase" in data and data["phase"] != poll.phase:
        poll.phase = data["phase"]
        record(user, "poll.phase", poll, poll.region, phase=poll.phase)
    record(user, "poll.update", poll, poll.region, fields=sorted(set(data) - {"questions"}) +
           (["questions"] if questions is not None else []))
    return poll


def open_poll(user, poll):
    require_moderator(user, poll.region)
    status = poll.status
    if status == PollStatus.OPEN:
        raise Conflict(_("Die Umfrage läuft bereits."))
    if status == PollStatus.CLOSED:
        raise Conflict(_("Eine beendete Umfrage kann nicht wieder geöffnet werden."))
    if poll.kind == PollKind.SURVEY and not poll.questions:
        raise Conflict(_("Eine Umfrage braucht mindestens eine Frage, bevor sie starten kann."))
    now = utcnow()
    if poll.closes_at is not None and poll.closes_at <= now:
        raise Conflict(_("Das Enddatum liegt in der Vergangenheit; bitte ändern Sie es zuerst."))
    poll.state, poll.opened_at = PollStatus.OPEN, now
    if poll.opens_at is None or poll.opens_at > now:
        poll.opens_at = now
    record(user, "poll.open", poll, poll.region)
    notifications.poll_event("poll_opened", poll, actor=user)
    return poll


def close_poll(user, poll):
    require_moderator(user, poll.region)
    status = poll.status
    if status == PollStatus.DRAFT:
        raise Conflict(_("Die Umfrage hat noch nicht begonnen."))
    if status == PollStatus.CLOSED:
        raise Conflict(_("Die Umfrage ist bereits beendet."))
    changed = db.session.execute(update(Poll).where(Poll.id == poll.id, Poll.state != PollStatus.CLOSED)
                                 .values(state=PollStatus.CLOSED, closed_at=utcnow())).rowcount
    if not changed:
        raise Conflict(_("Die Umfrage ist bereits beendet."))
    db.session.refresh(poll)
    record(user, "poll.close", poll, poll.region)
    events.notify("poll_closed", poll.region, poll=poll)
    notifications.poll_closed_event(poll, actor=user)
    return poll


def delete_poll(user, poll):
    require_moderator(user, poll.region)
    if poll.status != PollStatus.DRAFT or has_ballots(poll):
        raise Conflict(_("Nur Entwürfe ohne Teilnahme können gelöscht werden."))
    record(user, "poll.delete", poll, poll.region, title=poll.title)
    db.session.delete(poll)
