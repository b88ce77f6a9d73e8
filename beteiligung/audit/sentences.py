"""Audit entries as sentences for people: who did what to which thing, in the reader's language.

The log stores an action key (``poll.open``), the target's table and id, and a few details. The
page shows "Moderation Gelsenkirchen hat die Umfrage „Radwege“ geöffnet.": the targets of one page
are loaded with one query per kind of target, never one per entry. Actions this module does not
know (a plugin's own) get a sentence from their key, target and details.
"""

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db

FIELD_LABELS = {
    "title": _l("Titel"), "summary": _l("Zusammenfassung"), "body": _l("Text"), "description": _l("Beschreibung"),
    "region": _l("Region"), "opens_at": _l("Beginn"), "closes_at": _l("Ende"), "published": _l("Veröffentlichung"),
    "questions": _l("Fragen"), "audience": _l("Teilnahme"), "results_visibility": _l("Sichtbarkeit der Ergebnisse"),
    "phase": _l("Phase"), "kind": _l("Art"), "consultation_id": _l("Beteiligung"), "template": _l("Vorlage"),
    "reason": _l("Begründung"), "resolution": _l("Entscheidung"), "comment_id": _l("Beitrag"),
    "merged_into": _l("zusammengeführt mit"), "plugin": _l("Erweiterung"), "slug": _l("Kurzname"),
    "count": _l("Anzahl"), "name": _l("Name"), "theme": _l("Schwerpunkt"), "old_slug": _l("bisheriger Kurzname"),
    "starts_at": _l("Beginn"), "ends_at": _l("Ende"),
    "unconfirmed_may": _l("Teilnahme ohne bestätigte E-Mail-Adresse"),
    "office": _l("Zuständige Stelle"), "status": _l("Stand"), "progress": _l("Fortschritt"),
    "starts_on": _l("Beginn"), "ends_on": _l("Ende"), "links": _l("Verknüpfungen"),
    "categories": _l("Kategorien"), "premoderated": _l("Freigabe vor Veröffentlichung"),
}
PHASE_LABELS = {"collecting": _l("Sammeln"), "comparing": _l("Vergleichen")}
TARGET_LABELS = {
    "polls": _l("Umfrage"), "consultations": _l("Beteiligung"), "comments": _l("Beitrag"),
    "comment_reports": _l("Meldung"), "regions": _l("Region"), "users": _l("Konto"), "poll_problems": _l("Problem"),
    "processes": _l("Beteiligungsprozess"), "process_phases": _l("Phase"), "measures": _l("Maßnahme"),
    "proposal_collections": _l("Vorschlagssammlung"), "proposals": _l("Vorschlag"),
    "showcase_projects": _l("Projekt im Projektschaufenster"),
}
INSTRUMENT_LABELS = {"consultation": _l("Beteiligung"), "poll": _l("Umfrage"),
                     "proposal_collection": _l("Vorschlagssammlung")}


def _target_models():
    from ..accounts.models import User
    from ..comments.models import Comment, CommentReport
    from ..consultations.models import Consultation
    from ..measures.models import Measure
    from ..polls.models import Poll, Problem
    from ..processes.models import Process, ProcessPhase
    from ..proposals.models import Proposal, ProposalCollection
    from ..regions.models import Region

    return {model.__tablename__: model for model in (User, Comment, CommentReport, Consultation, Poll, Problem, Region,
                                                     Process, ProcessPhase, Measure, Proposal, ProposalCollection)}


def load_targets(entries):
    """{(table, id): object} for the targets of these entries that still exist; one query per table."""
    wanted = defaultdict(set)
    for entry in entries:
        if entry.target_id is not None:
            wanted[entry.target_type].add(entry.target_id)
    models, found = _target_models(), {}
    for table, ids in wanted.items():
        model = models.get(table)
        if model is not None:
            for obj in db.session.scalars(select(model).where(model.id.in_(ids))).unique():
                found[(table, obj.id)] = obj
    return found


def _value(value):
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(key)}: {_value(item)}" for key, item in value.items())
    return str(value)


def _label(key):
    return str(FIELD_LABELS.get(key, key))


def _fields(details):
    return ", ".join(_label(name) for name in details.get("fields") or [])


def _shorten(text, limit=80):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class _Entry:
    """What a sentence needs: the actor's name, the target (if it still exists) and the details."""

    def __init__(self, entry, target):
        self.entry, self.target = entry, target
        self.details = entry.details if isinstance(entry.details, dict) else {}
        if entry.actor is not None:
            self.actor = entry.actor.pseudonym
        elif self.details.get("via") == "cli":
            self.actor = _("Die Betriebsführung (Kommandozeile)")
        else:
            self.actor = _("Ein gelöschtes Konto")
        self.id = entry.target_id
        self.region = entry.region.name if entry.region is not None else None

    def title(self, attribute="title"):
        value = getattr(self.target, attribute, None) if self.target is not None else None
        return value or self.details.get(attribute) or f"#{self.id}"


def _comment_hidden(e):
    return _("%(actor)s hat den Beitrag #%(id)s ausgeblendet: %(reason)s", actor=e.actor, id=e.id,
             reason=e.details.get("reason") or "–")


def _report_resolved(e):
    comment = e.details.get("comment_id") or getattr(e.target, "comment_id", None) or "?"
    if e.details.get("resolution") == "hidden":
        return _("%(actor)s hat die Meldung #%(id)s bearbeitet und den Beitrag #%(comment)s ausgeblendet.",
                 actor=e.actor, id=e.id, comment=comment)
    return _("%(actor)s hat die Meldung #%(id)s zum Beitrag #%(comment)s zurückgewiesen; der Beitrag bleibt "
             "sichtbar.", actor=e.actor, id=e.id, comment=comment)


def _consultation_updated(e):
    fields = _fields(e.details)
    if fields:
        return _("%(actor)s hat die Beteiligung „%(title)s“ geändert (%(fields)s).", actor=e.actor,
                 title=e.title(), fields=fields)
    return _("%(actor)s hat die Beteiligung „%(title)s“ geändert.", actor=e.actor, title=e.title())


def _poll_created(e):
    template = e.details.get("template")
    if template:
        return _("%(actor)s hat die Umfrage „%(title)s“ aus der Vorlage „%(template)s“ angelegt.", actor=e.actor,
                 title=e.title(), template=template)
    return _("%(actor)s hat die Umfrage „%(title)s“ angelegt.", actor=e.actor, title=e.title())


def _poll_updated(e):
    fields = _fields(e.details)
    if fields:
        return _("%(actor)s hat die Umfrage „%(title)s“ geändert (%(fields)s).", actor=e.actor, title=e.title(),
                 fields=fields)
    return _("%(actor)s hat die Umfrage „%(title)s“ geändert.", actor=e.actor, title=e.title())


def _poll_phase(e):
    phase = e.details.get("phase")
    return _("%(actor)s hat die Umfrage „%(title)s“ in die Phase „%(phase)s“ gebracht.", actor=e.actor,
             title=e.title(), phase=str(PHASE_LABELS.get(phase, phase)))


def _problem(e, status):
    text = _shorten(e.title("text"))
    if status == "approved":
        return _("%(actor)s hat das Problem #%(id)s „%(text)s“ freigegeben.", actor=e.actor, id=e.id, text=text)
    if status == "rejected":
        return _("%(actor)s hat das Problem #%(id)s „%(text)s“ abgelehnt: %(reason)s", actor=e.actor, id=e.id,
                 text=text, reason=e.details.get("reason") or "–")
    if status == "merged":
        return _("%(actor)s hat das Problem #%(id)s „%(text)s“ mit dem Problem #%(other)s zusammengeführt.",
                 actor=e.actor, id=e.id, text=text, other=e.details.get("merged_into") or "?")
    return _("%(actor)s hat das Problem #%(id)s „%(text)s“ wieder offen gestellt.", actor=e.actor, id=e.id, text=text)


def _member(e):
    """(account, region) of a moderation or administration membership entry, for its sentence."""
    return (e.target.pseudonym if e.target is not None else _("ein gelöschtes Konto")), e.region or "–"


def _moderator(e, added):
    user, region = _member(e)
    if added:
        return _("%(actor)s hat %(user)s zur Moderation der Region „%(region)s“ hinzugefügt.", actor=e.actor,
                 user=user, region=region)
    return _("%(actor)s hat %(user)s aus der Moderation der Region „%(region)s“ entfernt.", actor=e.actor,
             user=user, region=region)


def _region_admin(e, added):
    user, region = _member(e)
    if added:
        return _("%(actor)s hat %(user)s zur Administration der Region „%(region)s“ hinzugefügt.", actor=e.actor,
                 user=user, region=region)
    return _("%(actor)s hat %(user)s aus der Administration der Region „%(region)s“ entfernt.", actor=e.actor,
             user=user, region=region)


def _region_updated(e):
    fields = _fields(e.details)
    if fields:
        return _("%(actor)s hat die Einstellungen der Region „%(name)s“ geändert (%(fields)s).", actor=e.actor,
                 name=e.title("name"), fields=fields)
    return _("%(actor)s hat die Einstellungen der Region „%(name)s“ geändert.", actor=e.actor, name=e.title("name"))


def _plugin(e, enabled):
    region = e.title("name") if e.target is not None else (e.region or f"#{e.id}")
    plugin = e.details.get("plugin") or "?"
    if enabled:
        return _("%(actor)s hat die Erweiterung „%(plugin)s“ in der Region „%(region)s“ eingeschaltet.",
                 actor=e.actor, plugin=plugin, region=region)
    return _("%(actor)s hat die Erweiterung „%(plugin)s“ in der Region „%(region)s“ ausgeschaltet.",
             actor=e.actor, plugin=plugin, region=region)


def _process_created(e):
    template = e.details.get("template")
    if template:
        return _("%(actor)s hat den Beteiligungsprozess „%(title)s“ aus der Vorlage „%(template)s“ angelegt.",
                 actor=e.actor, title=e.title(), template=template)
    return _("%(actor)s hat den Beteiligungsprozess „%(title)s“ angelegt.", actor=e.actor, title=e.title())


def _phase_updated(e):
    fields = _fields(e.details) or "–"
    if e.details.get("instruments"):
        return _("%(actor)s hat die Phase „%(title)s“ geändert (%(fields)s); %(count)s Beteiligungen oder Umfragen "
                 "haben die neuen Daten übernommen.", actor=e.actor, title=e.title(), fields=fields,
                 count=e.details["instruments"])
    return _("%(actor)s hat die Phase „%(title)s“ geändert (%(fields)s).", actor=e.actor, title=e.title(),
             fields=fields)


def _instrument(e, attached):
    kind = e.details.get("kind")
    values = {"actor": e.actor, "target": e.details.get("instrument") or "?", "phase": e.title(),
              "kind": str(INSTRUMENT_LABELS.get(kind, kind))}
    if attached:
        return _("%(actor)s hat „%(target)s“ (%(kind)s) der Phase „%(phase)s“ zugeordnet.", **values)
    return _("%(actor)s hat „%(target)s“ (%(kind)s) aus der Phase „%(phase)s“ genommen.", **values)


def _measure_progress(e):
    status, progress = e.details.get("status"), e.details.get("progress")
    if status or progress is not None:
        from ..measures.services import status_label

        change = ", ".join(part for part in (status_label(status) if status else "",
                                             f"{progress} %" if progress is not None else "") if part)
        return _("%(actor)s hat bei der Maßnahme „%(title)s“ einen neuen Stand eingetragen (%(change)s).",
                 actor=e.actor, title=e.title(), change=change)
    return _("%(actor)s hat bei der Maßnahme „%(title)s“ einen neuen Stand eingetragen.", actor=e.actor,
             title=e.title())


def _proposal_status(e):
    from ..proposals.labels import STATUS_LABELS

    status = e.details.get("status")
    return _("%(actor)s hat dem Vorschlag „%(title)s“ den Status „%(status)s“ gegeben.", actor=e.actor,
             title=e.title(), status=str(STATUS_LABELS.get(status, status or "?")))


SENTENCES = {
    "comment.hidden": _comment_hidden,
    "comment.restored": lambda e: _("%(actor)s hat den Beitrag #%(id)s wieder sichtbar gemacht.", actor=e.actor,
                                    id=e.id),
    "comment.official_statement": lambda e: _("%(actor)s hat den Beitrag #%(id)s als offizielle Stellungnahme "
                                              "veröffentlicht.", actor=e.actor, id=e.id),
    "report.resolved": _report_resolved,
    "consultation.created": lambda e: _("%(actor)s hat die Beteiligung „%(title)s“ angelegt.", actor=e.actor,
                                        title=e.title()),
    "consultation.updated": _consultation_updated,
    "consultation.published": lambda e: _("%(actor)s hat die Beteiligung „%(title)s“ veröffentlicht.",
                                          actor=e.actor, title=e.title()),
    "consultation.unpublished": lambda e: _("%(actor)s hat die Veröffentlichung der Beteiligung „%(title)s“ "
                                            "zurückgenommen.", actor=e.actor, title=e.title()),
    "poll.create": _poll_created,
    "poll.update": _poll_updated,
    "poll.phase": _poll_phase,
    "poll.open": lambda e: _("%(actor)s hat die Umfrage „%(title)s“ geöffnet.", actor=e.actor, title=e.title()),
    "poll.close": lambda e: _("%(actor)s hat die Umfrage „%(title)s“ beendet.", actor=e.actor, title=e.title()),
    "poll.delete": lambda e: _("%(actor)s hat den Entwurf der Umfrage „%(title)s“ gelöscht.", actor=e.actor,
                               title=e.title()),
    "poll.access_codes": lambda e: _("%(actor)s hat %(count)s Zugangscodes für die Umfrage „%(title)s“ erzeugt.",
                                     actor=e.actor, count=e.details.get("count", "?"), title=e.title()),
    "problem.approved": lambda e: _problem(e, "approved"),
    "problem.rejected": lambda e: _problem(e, "rejected"),
    "problem.merged": lambda e: _problem(e, "merged"),
    "problem.pending": lambda e: _problem(e, "pending"),
    "region.created": lambda e: _("%(actor)s hat die Region „%(name)s“ angelegt.", actor=e.actor,
                                  name=e.title("name")),
    "region.updated": _region_updated,
    "region_admin.added": lambda e: _region_admin(e, True),
    "region_admin.removed": lambda e: _region_admin(e, False),
    "moderator.added": lambda e: _moderator(e, True),
    "moderator.removed": lambda e: _moderator(e, False),
    "plugin.enabled": lambda e: _plugin(e, True),
    "plugin.disabled": lambda e: _plugin(e, False),
    "account.confirmed": lambda e: _("%(actor)s hat die E-Mail-Adresse des Kontos %(user)s bestätigt.",
                                     actor=e.actor, user=_member(e)[0]),
    "mail.retried": lambda e: _("%(actor)s hat die Mail #%(id)s erneut zur Zustellung gegeben.", actor=e.actor,
                                id=e.id),
    "process.created": _process_created,
    "process.updated": lambda e: _("%(actor)s hat den Beteiligungsprozess „%(title)s“ geändert (%(fields)s).",
                                   actor=e.actor, title=e.title(), fields=_fields(e.details) or "–"),
    "process.published": lambda e: _("%(actor)s hat den Beteiligungsprozess „%(title)s“ veröffentlicht.",
                                     actor=e.actor, title=e.title()),
    "process.unpublished": lambda e: _("%(actor)s hat die Veröffentlichung des Beteiligungsprozesses „%(title)s“ "
                                       "zurückgenommen.", actor=e.actor, title=e.title()),
    "phase.created": lambda e: _("%(actor)s hat dem Beteiligungsprozess „%(process)s“ die Phase „%(title)s“ "
                                 "hinzugefügt.", actor=e.actor, process=e.details.get("process") or "?",
                                 title=e.title()),
    "phase.updated": _phase_updated,
    "phase.deleted": lambda e: _("%(actor)s hat die Phase „%(title)s“ des Beteiligungsprozesses „%(process)s“ "
                                 "gelöscht.", actor=e.actor, title=e.title(), process=e.details.get("process") or "?"),
    "phase.moved": lambda e: (_("%(actor)s hat die Phase „%(title)s“ nach oben verschoben.", actor=e.actor,
                                title=e.title()) if e.details.get("direction") == "up" else
                              _("%(actor)s hat die Phase „%(title)s“ nach unten verschoben.", actor=e.actor,
                                title=e.title())),
    "instrument.attached": lambda e: _instrument(e, True),
    "instrument.detached": lambda e: _instrument(e, False),
    "process.image_set": lambda e: _("%(actor)s hat ein Titelbild für den Beteiligungsprozess „%(title)s“ "
                                     "hochgeladen („%(alt)s“).", actor=e.actor, title=e.title(),
                                     alt=e.details.get("alt") or "–"),
    "measure.created": lambda e: _("%(actor)s hat im Beteiligungsprozess „%(process)s“ die Maßnahme „%(title)s“ "
                                   "angelegt.", actor=e.actor, process=e.details.get("process") or "?",
                                   title=e.title()),
    "measure.updated": lambda e: _("%(actor)s hat die Maßnahme „%(title)s“ geändert (%(fields)s).", actor=e.actor,
                                   title=e.title(), fields=_fields(e.details) or "–"),
    "measure.deleted": lambda e: _("%(actor)s hat die Maßnahme „%(title)s“ des Beteiligungsprozesses „%(process)s“ "
                                   "gelöscht.", actor=e.actor, title=e.title(),
                                   process=e.details.get("process") or "?"),
    "measure.progress": _measure_progress,
    "showcase.created": lambda e: _("%(actor)s hat im Projektschaufenster das Projekt „%(title)s“ angelegt.",
                                    actor=e.actor, title=e.title()),
    "showcase.updated": lambda e: _("%(actor)s hat das Projekt „%(title)s“ geändert (%(fields)s).", actor=e.actor,
                                    title=e.title(), fields=_fields(e.details) or "–"),
    "showcase.deleted": lambda e: _("%(actor)s hat das Projekt „%(title)s“ gelöscht.", actor=e.actor,
                                    title=e.title()),
    "proposal_collection.created": lambda e: _("%(actor)s hat die Vorschlagssammlung „%(title)s“ angelegt.",
                                               actor=e.actor, title=e.title()),
    "proposal_collection.updated": lambda e: _("%(actor)s hat die Vorschlagssammlung „%(title)s“ geändert "
                                               "(%(fields)s).", actor=e.actor, title=e.title(),
                                               fields=_fields(e.details) or "–"),
    "proposal.published": lambda e: _("%(actor)s hat den Vorschlag „%(title)s“ freigegeben.", actor=e.actor,
                                      title=e.title()),
    "proposal.restored": lambda e: _("%(actor)s hat den Vorschlag „%(title)s“ wieder sichtbar gemacht.",
                                     actor=e.actor, title=e.title()),
    "proposal.hidden": lambda e: _("%(actor)s hat den Vorschlag „%(title)s“ ausgeblendet: %(reason)s",
                                   actor=e.actor, title=e.title(), reason=e.details.get("reason") or "–"),
    "proposal.merged": lambda e: _("%(actor)s hat den Vorschlag „%(title)s“ mit „%(other)s“ zusammengeführt.",
                                   actor=e.actor, title=e.title(), other=e.details.get("merged_into") or "?"),
    "proposal.status": _proposal_status,
    "proposal.image_removed": lambda e: _("%(actor)s hat das Bild des Vorschlags „%(title)s“ entfernt.",
                                          actor=e.actor, title=e.title()),
    "process.image_removed": lambda e: _("%(actor)s hat das Titelbild des Beteiligungsprozesses „%(title)s“ "
                                         "entfernt.", actor=e.actor, title=e.title()),
}


def _plugin_sentence(e):
    """A plugin's act (``plugin_api.audit``): the German sentence it stored, in the reader's language,
    with ``%(actor)s``, ``%(region)s`` and the details filled in."""
    values = {key: _value(value) for key, value in e.details.items() if key not in ("sentence", "plugin")}
    values.update(actor=e.actor, region=e.region or "–", id=e.id)
    return _(e.details["sentence"], **values)


def _fallback(e):
    """An action of a plugin (or a newer core) that has no sentence of its own."""
    kind = TARGET_LABELS.get(e.entry.target_type)
    target = f"{kind} #{e.id}" if kind is not None else f"{e.entry.target_type} #{e.id}"
    sentence = _("%(actor)s: Aktion „%(action)s“ (%(target)s).", actor=e.actor, action=e.entry.action,
                 target=target)
    details = "; ".join(f"{_label(key)}: {_value(value)}" for key, value in e.details.items()
                        if key != "sentence" and value not in (None, "", [], {}))
    return f"{sentence} {details}" if details else sentence


def describe(entry, targets=None):
    """The entry as one sentence in the current language."""
    target = (targets or {}).get((entry.target_type, entry.target_id))
    e = _Entry(entry, target)
    sentence = SENTENCES.get(entry.action, _fallback)
    plugin = e.details.get("plugin")
    if (sentence is _fallback and isinstance(plugin, str) and entry.action.startswith(f"{plugin}.")
            and isinstance(e.details.get("sentence"), str)):
        sentence = _plugin_sentence
    try:
        return sentence(e)
    except (AttributeError, KeyError, TypeError, ValueError):
        # Details of an old or unusual shape: still a readable line rather than a broken page.
        return _fallback(e)


def describe_all(entries):
    """[(entry, sentence)] for a page of entries, with the targets loaded in one query per kind."""
    targets = load_targets(entries)
    return [(entry, describe(entry, targets)) for entry in entries]
