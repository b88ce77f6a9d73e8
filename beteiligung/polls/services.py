"""The poll engine: creating and running polls, ballots, problems, comparisons and results.

Pages and the JSON API call these functions; they check who may act (policy), validate, and
leave committing to the caller.
"""

import copy
import csv
import io
import random
import secrets
from dataclasses import asdict, dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, insert, not_, or_, select, update

from .. import events
from ..accounts.models import User
from ..audit.services import record
from ..consultations.models import Consultation
from ..errors import Conflict, Invalid, NotAllowed, NotFound, Unauthorized, store_once
from ..extensions import cache, db
from ..markup import clean_text
from ..plugins.services import enabled_names, registry
from ..plugins.templates import PollTemplateSchema
from ..policy import can_moderate, is_authenticated, require_moderator
from ..timeutil import utcnow
from .models import AccessCode, Answer, Ballot, Comparison, Option, Poll, Problem, Question
from .ranking import MIN_COMPARISONS, choose_pair, fit_bradley_terry, place_problems
from .types import AnswerError, DefinitionError

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
QUESTIONS_MAX = 50
PROBLEM_MIN, PROBLEM_MAX = 10, 500
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: readable on paper
CODES_PER_REQUEST = 500
CODES_PER_POLL = 5000


def question_types():
    return current_app.extensions["beteiligung.question_types"]


def available_types(region):
    """The question types new questions in this region may use (core + enabled plugins)."""
    return question_types().available(enabled_names(region))


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


# --- reading ---------------------------------------------------------------------------------

def status_condition(status, now):
    """SQL for Poll.status_at(now) == status."""
    started = or_(Poll.state == "open", and_(Poll.opens_at.is_not(None), Poll.opens_at <= now))
    ended = and_(Poll.closes_at.is_not(None), Poll.closes_at <= now)
    if status == "closed":
        return or_(Poll.state == "closed", and_(started, ended))
    if status == "open":
        return and_(Poll.state != "closed", started, not_(ended))
    return and_(Poll.state == "draft", not_(started))


def poll_query(user, region=None, status=None, consultation=None):
    """Polls a user may see: everything but drafts, and drafts of regions they moderate."""
    now = utcnow()
    query = select(Poll)
    if region is not None:
        query = query.where(Poll.region_id == region.id)
    if consultation is not None:
        query = query.where(Poll.consultation_id == consultation.id)
    if status is not None:
        query = query.where(status_condition(status, now))
    if not is_authenticated(user) or user.role == "citizen":
        query = query.where(not_(status_condition("draft", now)))
    elif user.role == "moderator":
        region_ids = [r.id for r in user.moderated_regions]
        query = query.where(or_(not_(status_condition("draft", now)), Poll.region_id.in_(region_ids)))
    return query.order_by(Poll.created_at.desc(), Poll.id.desc())


def settle(poll):
    """Record a change of status that the poll's dates caused, and tell the plugins of a closing.

    Only the scheduled job calls this (``flask polls settle``); pages and the API derive the
    status from the dates when they read, and never write. Each change is a conditional UPDATE,
    so when two hosts run the job at the same time only one of them records it and fires
    ``poll_closed``: exactly once. Returns whether this call recorded a change.
    """
    status = poll.status
    if status == poll.state:
        return False
    if status == "open":
        changed = db.session.execute(update(Poll).where(Poll.id == poll.id, Poll.state == "draft")
                                     .values(state="open", opened_at=poll.opens_at)).rowcount
        if changed:
            db.session.refresh(poll)
        return bool(changed)
    if status == "closed":
        changed = db.session.execute(update(Poll).where(Poll.id == poll.id, Poll.state != "closed")
                                     .values(state="closed", closed_at=poll.closes_at)).rowcount
        if changed:
            db.session.refresh(poll)
            events.notify("poll_closed", poll.region, poll=poll)
        return bool(changed)
    return False


def settle_due_polls():
    """The scheduled job: record every poll whose dates opened or closed it, one commit per poll.

    Returns the number of polls this run changed (another host's run may have taken some).
    """
    now = utcnow()
    due = or_(and_(Poll.state == "draft", not_(status_condition("draft", now))),
              and_(Poll.state == "open", status_condition("closed", now)))
    ids = db.session.scalars(select(Poll.id).where(due).order_by(Poll.id)).all()
    changed = 0
    for poll_id in ids:
        poll = db.session.get(Poll, poll_id)
        if poll is not None and settle(poll):
            changed += 1
        db.session.commit()
    return changed


def get_poll(user, poll_id):
    poll = db.session.get(Poll, poll_id)
    if poll is None or (poll.status == "draft" and not can_moderate(user, poll.region)):
        raise NotFound(_("Diese Umfrage gibt es nicht oder sie ist noch nicht veröffentlicht."))
    return poll


def can_see_results(user, poll):
    if can_moderate(user, poll.region):
        return True
    status = poll.status
    if status == "draft" or poll.results_visibility == "moderators":
        return False
    return poll.results_visibility == "live" or status == "closed"


def require_results_visible(user, poll):
    if not can_see_results(user, poll):
        if poll.results_visibility == "moderators":
            raise NotAllowed(_("Die Ergebnisse dieser Umfrage sehen nur die Moderatorinnen und Moderatoren."))
        raise NotAllowed(_("Die Ergebnisse werden nach dem Ende der Umfrage veröffentlicht."))


# --- creating and changing -------------------------------------------------------------------

def _clean_meta(data, errors):
    clean = {}
    if "title" in data:
        title = clean_text(data["title"] or "").strip()
        if not 3 <= len(title) <= TITLE_MAX:
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


def build_questions(region, definitions, errors, keep_types=()):
    """Question objects from definitions ({type, text, required, options, settings, allow_other}).

    New questions may use the types available in the region; ``keep_types`` are types the poll
    already uses, which stay allowed (a plugin disabled later must not lock a draft's questions).
    """
    types = dict(available_types(region))
    for key in keep_types:
        if question_types().get(key) is not None:
            types.setdefault(key, question_types().get(key))
    if len(definitions) > QUESTIONS_MAX:
        errors["questions"] = [_("Höchstens %(n)d Fragen.", n=QUESTIONS_MAX)]
        return []
    questions = []
    for index, definition in enumerate(definitions):
        field = f"questions.{index}"
        qtype = types.get(definition.get("type"))
        if qtype is None:
            errors[field] = [_("Den Fragetyp „%(type)s“ gibt es in dieser Region nicht.",
                               type=str(definition.get("type")))]
            continue
        text = clean_text(definition.get("text") or "").strip()
        labels = [clean_text(label).strip() for label in definition.get("options") or []]
        problems = []
        if not 3 <= len(text) <= 500:
            problems.append(_("Der Fragetext muss 3 bis 500 Zeichen lang sein."))
        if qtype.has_options:
            if not qtype.min_options <= len(labels) <= qtype.max_options:
                problems.append(_("Diese Frage braucht %(low)d bis %(high)d Antwortmöglichkeiten.",
                                  low=qtype.min_options, high=qtype.max_options))
            if any(not 1 <= len(label) <= 300 for label in labels):
                problems.append(_("Jede Antwortmöglichkeit hat 1 bis 300 Zeichen."))
            if len(set(labels)) != len(labels):
                problems.append(_("Jede Antwortmöglichkeit darf nur einmal vorkommen."))
        elif labels:
            problems.append(_("Dieser Fragetyp hat keine Antwortmöglichkeiten."))
        allow_other = bool(definition.get("allow_other", (definition.get("settings") or {}).get("allow_other")))
        if allow_other and not qtype.supports_other:
            problems.append(_("Eine eigene Antwort („Sonstiges“) gibt es nur bei Auswahlfragen."))
        settings = {}
        if not problems:
            try:
                settings = qtype.clean_definition(dict(definition, options=labels, allow_other=allow_other))
            except DefinitionError as error:
                problems.append(str(error))
        if problems:
            errors[field] = problems
            continue
        question = Question(position=index, type=qtype.key, text=text, required=bool(definition.get("required")),
                            allow_other=allow_other, settings=settings,
                            help_text=clean_text(definition.get("help_text") or "").strip()[:1000])
        question.options = [Option(position=i, label=label) for i, label in enumerate(labels)]
        questions.append(question)
    return questions


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
    kind = data.get("kind") or "survey"
    consultation = _consultation(region, data.get("consultation_id"), errors)
    _check_dates(meta.get("opens_at"), meta.get("closes_at"), errors)
    questions = build_questions(region, data.get("questions") or [], errors) if kind == "survey" else []
    if kind == "problem_definition" and data.get("questions"):
        errors["questions"] = [_("Eine Problemsammlung hat keine Fragen, sondern Problembeschreibungen.")]
    if kind == "survey" and meta.get("opens_at") and not data.get("questions"):
        errors.setdefault("questions", [_("Eine Umfrage mit Startdatum braucht mindestens eine Frage.")])
    if errors:
        raise Invalid(_("Bitte prüfen Sie die markierten Angaben."), errors)
    poll = Poll(region=region, consultation=consultation, kind=kind, created_by_id=user.id,
                template=data["template"] if template else None, **meta)
    poll.questions = questions
    db.session.add(poll)
    db.session.flush()
    if template and kind == "problem_definition":
        now = utcnow()
        for text in template.get("problems", []):
            db.session.add(Problem(poll_id=poll.id, text=text, status="approved", moderated_at=now))
    record(user, "poll.create", poll, region, title=poll.title, template=poll.template)
    return poll


TEMPLATE_FIELDS = ("title", "description", "audience", "results_visibility")


def with_template(template, data):
    """A create body with a template: each of the template's values holds unless ``data`` sets it.

    A value counts as set when it is given and not None (the API body's keys; the page's form,
    which shows the template's values before it is sent). Kind, questions and problems always come
    from the template.
    """
    chosen = {key: value for key, value in data.items()
              if value is not None and key not in ("kind", "questions", "problems")}
    return {**{key: template[key] for key in TEMPLATE_FIELDS}, "kind": template["kind"],
            "questions": template["questions"], **chosen}


def template_defaults(region, key):
    """The values a template gives a new poll in a region (for the form that shows them), or None."""
    template = templates_for(region).get(key)
    if template is None:
        return None
    return {key: template[key] for key in (*TEMPLATE_FIELDS, "kind")}


def _template(region, key, errors):
    templates = registry().poll_templates
    template = templates.get(key)
    if template is None or template["plugin"] not in enabled_names(region):
        errors["template"] = [_("Diese Vorlage gibt es in der Region nicht.")]
        return None
    plugin = registry().plugins[template["plugin"]]
    try:
        prepared = plugin.prepare_poll_template(key.split(":", 1)[1], copy.deepcopy(template), region)
        return dict(PollTemplateSchema().load({k: v for k, v in prepared.items() if k != "plugin"}),
                    plugin=template["plugin"])
    except Exception:  # noqa: BLE001 - a failing plugin must not take the page down
        current_app.logger.exception("Plugin %s: prepare_poll_template(%s) failed", template["plugin"], key)
        errors["template"] = [_("Aus dieser Vorlage lässt sich gerade keine Umfrage erstellen.")]
        return None


def templates_for(region):
    enabled = enabled_names(region)
    return {key: t for key, t in registry().poll_templates.items() if t["plugin"] in enabled}


def has_ballots(poll):
    return poll.ballot_count > 0 or db.session.scalar(
        select(func.count()).select_from(Comparison).where(Comparison.poll_id == poll.id)) > 0


def update_poll(user, poll, data):
    """Change a poll's details; its questions only while nobody has taken part."""
    require_moderator(user, poll.region)
    if poll.status == "closed":
        raise Conflict(_("Diese Umfrage ist beendet und kann nicht mehr geändert werden."))
    errors = {}
    meta = _clean_meta(data, errors)
    opens_at = meta.get("opens_at", poll.opens_at)
    closes_at = meta.get("closes_at", poll.closes_at)
    _check_dates(opens_at, closes_at, errors)
    if "consultation_id" in data:
        poll.consultation = _consultation(poll.region, data["consultation_id"], errors)
    if poll.status == "open" and "opens_at" in data and data["opens_at"] != poll.opens_at:
        errors["opens_at"] = [_("Die Umfrage läuft bereits; der Beginn lässt sich nicht mehr ändern.")]
    questions = None
    if data.get("questions") is not None:
        if poll.kind != "survey":
            errors["questions"] = [_("Eine Problemsammlung hat keine Fragen.")]
        elif has_ballots(poll):
            raise Conflict(_("An dieser Umfrage haben bereits Menschen teilgenommen. Die Fragen können "
                             "deshalb nicht mehr geändert werden."))
        else:
            questions = build_questions(poll.region, data["questions"], errors,
                                        keep_types={question.type for question in poll.questions})
    if "phase" in data:
        if poll.kind != "problem_definition":
            errors["phase"] = [_("Nur Problemsammlungen haben Phasen.")]
        elif data["phase"] not in ("collecting", "comparing"):
            errors["phase"] = [_("Erlaubt: collecting, comparing.")]
    if (poll.kind == "survey" and opens_at is not None and poll.status == "draft"
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
    if status == "open":
        raise Conflict(_("Die Umfrage läuft bereits."))
    if status == "closed":
        raise Conflict(_("Eine beendete Umfrage kann nicht wieder geöffnet werden."))
    if poll.kind == "survey" and not poll.questions:
        raise Conflict(_("Eine Umfrage braucht mindestens eine Frage, bevor sie starten kann."))
    now = utcnow()
    if poll.closes_at is not None and poll.closes_at <= now:
        raise Conflict(_("Das Enddatum liegt in der Vergangenheit; bitte ändern Sie es zuerst."))
    poll.state, poll.opened_at = "open", now
    if poll.opens_at is None or poll.opens_at > now:
        poll.opens_at = now
    record(user, "poll.open", poll, poll.region)
    return poll


def close_poll(user, poll):
    require_moderator(user, poll.region)
    status = poll.status
    if status == "draft":
        raise Conflict(_("Die Umfrage hat noch nicht begonnen."))
    if status == "closed":
        raise Conflict(_("Die Umfrage ist bereits beendet."))
    changed = db.session.execute(update(Poll).where(Poll.id == poll.id, Poll.state != "closed")
                                 .values(state="closed", closed_at=utcnow())).rowcount
    if not changed:
        raise Conflict(_("Die Umfrage ist bereits beendet."))
    db.session.refresh(poll)
    record(user, "poll.close", poll, poll.region)
    events.notify("poll_closed", poll.region, poll=poll)
    return poll


def delete_poll(user, poll):
    require_moderator(user, poll.region)
    if poll.status != "draft" or has_ballots(poll):
        raise Conflict(_("Nur Entwürfe ohne Teilnahme können gelöscht werden."))
    record(user, "poll.delete", poll, poll.region, title=poll.title)
    db.session.delete(poll)


# --- access codes ----------------------------------------------------------------------------

def normalise_code(raw):
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:20]


def format_code(code):
    return f"{code[:4]}-{code[4:]}"


def generate_codes(user, poll, count):
    require_moderator(user, poll.region)
    if poll.audience == "accounts":
        raise Conflict(_("An dieser Umfrage nehmen nur Konten teil; stellen Sie zuerst die Teilnahme auf "
                         "Zugangscodes um."))
    if poll.status == "closed":
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


# --- taking part -----------------------------------------------------------------------------

def _require_running(poll):
    status = poll.status
    if status == "draft":
        raise Conflict(_("Diese Umfrage hat noch nicht begonnen."))
    if status == "closed":
        raise Conflict(_("Diese Umfrage ist beendet; eine Teilnahme ist nicht mehr möglich."))


def _check_participant(participant, poll):
    if participant.code is not None:
        if participant.code.poll_id != poll.id:
            raise NotAllowed(_("Dieser Zugangscode gilt für eine andere Umfrage."))
        if poll.audience == "accounts":
            raise NotAllowed(_("An dieser Umfrage nehmen nur angemeldete Personen teil."))
        return
    if not is_authenticated(participant.user):
        raise Unauthorized(_("Bitte melden Sie sich an oder geben Sie Ihren Zugangscode ein."))
    if poll.audience == "access_codes":
        raise NotAllowed(_("An dieser Umfrage nehmen Sie mit einem Zugangscode aus der Veranstaltung teil."))


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
    _check_participant(participant, poll)
    if poll.kind != "survey":
        raise Conflict(_("Bei einer Problemsammlung vergleichen Sie Probleme, statt Fragen zu beantworten."))
    _require_running(poll)
    already = _("Sie haben an dieser Umfrage bereits teilgenommen. Vielen Dank!")
    if participant.code is not None and participant.code.used_at is not None:
        raise Conflict(_("Dieser Zugangscode wurde bereits verwendet."))
    if has_taken_part(participant, poll):
        raise Conflict(already)
    parsed = parse_answers(poll, answers)
    ballot = Ballot(poll_id=poll.id, **participant.owner_columns())
    store_once(ballot, already)
    if participant.code is not None:
        used = db.session.execute(update(AccessCode).where(AccessCode.id == participant.code.id,
                                                           AccessCode.used_at.is_(None))
                                  .values(used_at=utcnow())).rowcount
        if not used:
            raise Conflict(_("Dieser Zugangscode wurde bereits verwendet."))
    rows = [{"ballot_id": ballot.id, "poll_id": poll.id, "question_id": question_id, "seq": seq,
             "option_id": cell.option_id, "number": cell.number, "text": cell.text}
            for question_id, cells in parsed.items() for seq, cell in enumerate(cells)]
    db.session.execute(insert(Answer), rows)
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(ballot_count=Poll.ballot_count + 1))
    events.notify("ballot_submitted", poll.region, ballot=ballot, poll=poll)
    return ballot


# --- problem-definition polls ----------------------------------------------------------------

def _require_problem_poll(poll):
    if poll.kind != "problem_definition":
        raise Conflict(_("Diese Umfrage ist keine Problemsammlung."))


def submit_problem(participant, poll, text):
    _require_problem_poll(poll)
    _check_participant(participant, poll)
    _require_running(poll)
    if poll.phase != "collecting":
        raise Conflict(_("Die Sammelphase ist vorbei; jetzt werden die Probleme verglichen."))
    text = clean_text(text if isinstance(text, str) else "").strip()
    if not PROBLEM_MIN <= len(text) <= PROBLEM_MAX:
        raise Invalid(_("Bitte beschreiben Sie das Problem in %(low)d bis %(high)d Zeichen.",
                        low=PROBLEM_MIN, high=PROBLEM_MAX),
                      {"text": [_("%(low)d bis %(high)d Zeichen.", low=PROBLEM_MIN, high=PROBLEM_MAX)]})
    participant.lock()
    owner = (Problem.access_code_id == participant.code.id if participant.code is not None
             else Problem.author_id == participant.user.id)
    mine = db.session.scalar(select(func.count()).select_from(Problem).where(Problem.poll_id == poll.id, owner))
    limit = current_app.config["POLL_PROBLEMS_PER_PARTICIPANT"]
    if mine >= limit:
        raise Conflict(_("Sie haben bereits %(n)d Probleme eingereicht; mehr sind nicht möglich.", n=limit))
    problem = Problem(poll_id=poll.id, text=text,
                      author_id=participant.user.id if participant.code is None else None,
                      access_code_id=participant.code.id if participant.code is not None else None)
    db.session.add(problem)
    db.session.flush()
    return problem


def problems_of(user, poll, status=None):
    """Problems of a poll: approved ones for everybody; others for the region's moderators."""
    _require_problem_poll(poll)
    moderator = can_moderate(user, poll.region)
    if status is not None and status != "approved" and not moderator:
        raise NotAllowed(_("Nicht freigegebene Probleme sehen nur die Moderatorinnen und Moderatoren."))
    query = select(Problem).where(Problem.poll_id == poll.id)
    if status is not None:
        query = query.where(Problem.status == status)
    elif not moderator:
        query = query.where(Problem.status == "approved")
    return query.order_by(Problem.created_at, Problem.id)


def get_problem(problem_id):
    problem = db.session.get(Problem, problem_id)
    if problem is None:
        raise NotFound(_("Dieses Problem gibt es nicht."))
    return problem


def moderate_problem(user, problem, status, reason=None, merged_into_id=None):
    poll = db.session.get(Poll, problem.poll_id)
    require_moderator(user, poll.region)
    if poll.status == "closed":
        raise Conflict(_("Diese Problemsammlung ist beendet."))
    reason = clean_text(reason or "").strip() or None
    if status == "rejected" and (reason is None or not 3 <= len(reason) <= 1000):
        raise Invalid(_("Bitte begründen Sie die Ablehnung (3 bis 1000 Zeichen)."), {"reason": [_("Pflichtangabe.")]})
    merged_into = None
    if status == "merged":
        merged_into = db.session.get(Problem, merged_into_id) if merged_into_id else None
        if (merged_into is None or merged_into.poll_id != poll.id or merged_into.id == problem.id
                or merged_into.status != "approved"):
            raise Invalid(_("Bitte wählen Sie ein freigegebenes anderes Problem derselben Sammlung."),
                          {"merged_into": [_("Unbekanntes oder nicht freigegebenes Problem.")]})
    problem.status = status
    problem.reason = reason if status in ("rejected", "merged") else None
    problem.merged_into_id = merged_into.id if merged_into else None
    problem.moderated_at = utcnow()
    record(user, f"problem.{status}", problem, poll.region, reason=reason,
           merged_into=merged_into.id if merged_into else None)
    return problem


def _comparison_counts(poll):
    """{approved problem id: number of comparisons it took part in}: one pass over the comparisons,
    grouped by pair (at most n·(n-1)/2 rows, however many comparisons there are)."""
    counts = {pid: 0 for pid in db.session.scalars(
        select(Problem.id).where(Problem.poll_id == poll.id, Problem.status == "approved"))}
    for first, second, count in db.session.execute(
            select(Comparison.first_id, Comparison.second_id, func.count())
            .where(Comparison.poll_id == poll.id).group_by(Comparison.first_id, Comparison.second_id)):
        for problem_id in (first, second):
            if problem_id in counts:
                counts[problem_id] += count
    return counts


def next_pair(participant, poll, rng=None):
    """The next pair of approved problems for this participant, or None when they have compared enough."""
    _require_problem_poll(poll)
    _check_participant(participant, poll)
    _require_running(poll)
    if poll.phase != "comparing":
        raise Conflict(_("Noch werden Probleme gesammelt; der Vergleich beginnt später."))
    counts = _comparison_counts(poll)
    done = {frozenset(pair) for pair in db.session.execute(
        select(Comparison.first_id, Comparison.second_id).where(participant.comparison_filter(poll)))}
    pair = choose_pair(counts, done, rng or random.Random(), limit=current_app.config["POLL_PAIRS_PER_PARTICIPANT"])
    if pair is None:
        return None
    problems = {p.id: p for p in db.session.scalars(select(Problem).where(Problem.id.in_(pair)))}
    return problems[pair[0]], problems[pair[1]]


def compare(participant, poll, winner_id, loser_id, undecided=False):
    """Store one verdict on a pair (winner first), or "can't decide" when undecided."""
    _require_problem_poll(poll)
    _check_participant(participant, poll)
    _require_running(poll)
    if poll.phase != "comparing":
        raise Conflict(_("Noch werden Probleme gesammelt; der Vergleich beginnt später."))
    if winner_id == loser_id:
        raise Invalid(_("Bitte vergleichen Sie zwei verschiedene Probleme."), {"loser_id": [_("Gleiches Problem.")]})
    found = db.session.scalars(select(Problem.id).where(Problem.id.in_((winner_id, loser_id)),
                                                        Problem.poll_id == poll.id, Problem.status == "approved"))
    if len(set(found)) != 2:
        raise Invalid(_("Diese Probleme gehören nicht (freigegeben) zu dieser Sammlung."),
                      {"winner_id": [_("Unbekanntes Problem.")]})
    first, second = sorted((winner_id, loser_id))
    participant.lock()
    done = db.session.scalar(select(func.count()).select_from(Comparison).where(participant.comparison_filter(poll)))
    if done >= current_app.config["POLL_PAIRS_PER_PARTICIPANT"]:
        raise Conflict(_("Sie haben genug Paare verglichen. Vielen Dank!"))
    comparison = Comparison(poll_id=poll.id, first_id=first, second_id=second,
                            winner_id=None if undecided else winner_id, **participant.owner_columns())
    return store_once(comparison, _("Dieses Paar haben Sie bereits verglichen."))


def comparison_progress(participant, poll):
    """(pairs this participant compared, pairs they may compare in all) for "7 von 30"."""
    done = db.session.scalar(select(func.count()).select_from(Comparison).where(participant.comparison_filter(poll)))
    approved = db.session.scalar(select(func.count()).select_from(Problem).where(
        Problem.poll_id == poll.id, Problem.status == "approved"))
    possible = min(current_app.config["POLL_PAIRS_PER_PARTICIPANT"], approved * (approved - 1) // 2)
    return done, max(possible, done)


def problems_submitted_by(participant, poll):
    """The problems this participant submitted to the poll, oldest first, whatever their status."""
    if participant.code is not None:
        owner = Problem.access_code_id == participant.code.id
    elif is_authenticated(participant.user):
        owner = Problem.author_id == participant.user.id
    else:
        return []
    return db.session.scalars(select(Problem).where(Problem.poll_id == poll.id, owner)
                              .order_by(Problem.created_at, Problem.id)).all()


def ranking(poll):
    """Approved problems ranked by a Bradley–Terry fit (three grouped queries)."""
    problems = dict(db.session.execute(select(Problem.id, Problem.text).where(
        Problem.poll_id == poll.id, Problem.status == "approved")).all())
    verdicts = db.session.execute(
        select(Comparison.winner_id, Comparison.first_id, Comparison.second_id, func.count())
        .where(Comparison.poll_id == poll.id)
        .group_by(Comparison.winner_id, Comparison.first_id, Comparison.second_id)).all()
    outcomes = [(w, f + s - w, n) for w, f, s, n in verdicts if w is not None]
    ties = [(f, s, n) for w, f, s, n in verdicts if w is None]
    total = sum(n for *_rest, n in verdicts)
    ranked = fit_bradley_terry(problems, outcomes, ties)
    places = place_problems(ranked, min_comparisons())
    return total, [dict(asdict(r), text=problems[r.problem_id], **place)
                   for r, place in zip(ranked, places, strict=True)]


def min_comparisons():
    """Comparisons a problem needs before its place counts (see ranking.enough_comparisons)."""
    return current_app.config.get("POLL_MIN_COMPARISONS", MIN_COMPARISONS)


# --- results ---------------------------------------------------------------------------------

def results(poll, moderator=False):
    """The results as the JSON of DESIGN.md; breakdowns of small groups are withheld."""
    min_group = current_app.config["POLL_MIN_GROUP_SIZE"]
    data = {"poll_id": poll.id, "title": poll.title, "kind": poll.kind, "status": poll.status,
            "total_ballots": poll.ballot_count, "min_group_size": min_group, "questions": []}
    if poll.kind == "problem_definition":
        total, ranked = ranking(poll)
        data["total_comparisons"] = total
        # Participants: distinct accounts and access codes that compared (all deleted accounts count as one).
        data["total_ballots"] = db.session.scalar(select(func.count()).select_from(
            select(Comparison.user_id, Comparison.access_code_id).where(Comparison.poll_id == poll.id)
            .distinct().subquery()))
        data["ranking"] = [{key: item[key] for key in ("problem_id", "text", "score", "low", "high", "comparisons",
                                                       "win_rate", "wins", "losses", "ties", "place", "place_to",
                                                       "tied", "enough_data")} for item in ranked]
        data["min_comparisons"] = min_comparisons()
        data["enough_data"] = bool(ranked) and all(item["enough_data"] for item in ranked)
        return data
    # Answers change only with a new ballot (and questions only while there are none): results are
    # cached per ballot count, so a finished or quiet poll is aggregated once, not on every request.
    # The "2" names the shape of the cached results; raise it when summaries gain fields.
    key = f"poll-results:2:{poll.id}:{poll.ballot_count}:{int(moderator)}:{min_group}" if poll.ballot_count else None
    cached = cache.get(key) if key else None
    if cached is not None:
        data["questions"] = cached
        return data
    data["questions"] = _question_results(poll, moderator, min_group)
    if key:
        cache.set(key, data["questions"])
    return data


def _question_results(poll, moderator, min_group):
    questions = []
    cells, respondents = {}, {}
    for question_id, option_id, number, count, heads in db.session.execute(
            select(Answer.question_id, Answer.option_id, Answer.number, func.count(),
                   func.sum(case((Answer.seq == 0, 1), else_=0)))
            .where(Answer.poll_id == poll.id)
            .group_by(Answer.question_id, Answer.option_id, Answer.number)):
        cells.setdefault(question_id, []).append((option_id, number, count))
        respondents[question_id] = respondents.get(question_id, 0) + int(heads or 0)
    texts = _texts(poll) if moderator else {}
    types = question_types()
    for question in poll.questions:
        qtype = types.get(question.type)
        answered = respondents.get(question.id, 0)
        item = {"question_id": question.id, "type": question.type, "text": question.text, "answers": answered,
                "withheld": answered < min_group}
        if qtype is not None and not item["withheld"]:
            item.update(qtype.summarize(question, cells.get(question.id, []), answered))
        if moderator and question.id in texts:
            item["texts"] = [text for _option, text in texts[question.id]]
            if any(option_id is not None for option_id, _text in texts[question.id]):
                by_option = {}
                for option_id, text in texts[question.id]:
                    by_option.setdefault(option_id, []).append(text)
                item["texts_by_option"] = by_option
        questions.append(item)
    return questions


TEXTS_PER_QUESTION = 500


def _texts(poll):
    """Written answers (free text, "other", remarks) for moderators: the latest per question, one query.

    {question_id: [(option_id, text)]}; option_id says which item a remark belongs to (None: the
    question as a whole, or "other").
    """
    numbered = (select(Answer.question_id, Answer.option_id, Answer.text, func.row_number().over(
        partition_by=Answer.question_id, order_by=Answer.id.desc()).label("n"))
        .where(Answer.poll_id == poll.id, Answer.text.is_not(None)).subquery())
    texts = {}
    for question_id, option_id, text in db.session.execute(
            select(numbered.c.question_id, numbered.c.option_id, numbered.c.text)
            .where(numbered.c.n <= TEXTS_PER_QUESTION)):
        texts.setdefault(question_id, []).append((option_id, text))
    return texts


def csv_text(rows):
    """CSV of the rows; a cell starting with = + - @ (a formula in a spreadsheet) is quoted as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r")
                         else cell for cell in row])
    return buffer.getvalue()


CSV_HEADER = ("question_id", "question", "type", "option", "measure", "value")
RANKING_HEADER = ("rank", "problem_id", "problem", "score", "low", "high", "comparisons", "win_rate", "rank_to",
                  "tied", "enough_data")


def csv_rows(poll, data):
    """Rows (header first) of a results CSV: one per option and measure, or one per problem."""
    if data["kind"] == "problem_definition":
        yield RANKING_HEADER
        for item in data["ranking"]:
            yield (item["place"], item["problem_id"], item["text"], item["score"], item["low"], item["high"],
                   item["comparisons"], item["win_rate"], item["place_to"], int(item["tied"]),
                   int(item["enough_data"]))
        return
    yield CSV_HEADER
    types = question_types()
    questions = {question.id: question for question in poll.questions}
    for item in data["questions"]:
        base = (item["question_id"], item["text"], item["type"])
        yield (*base, "", "answers", item["answers"])
        qtype = types.get(item["type"])
        if item["withheld"] or qtype is None:
            continue
        for option, measure, value in qtype.csv_rows(questions[item["question_id"]], item):
            yield (*base, option, measure, value)
