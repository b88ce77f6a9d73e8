"""The kinds of notification: the core's and those that plugins define (hook ``notification_kinds``).

A kind has a key, a German sentence (``lazy_gettext`` with ``%(name)s`` placeholders filled from the
notification's params), a mail subject, a default channel (immediate, digest or off) and an audience:
``"participants"`` (anyone the event names: followers, the author) or ``"moderators"`` (only accounts
with the moderator or admin role receive it).
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..audit.services import sentence_msgid

AUDIENCES = ("participants", "moderators")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
MAX_KEY = 40


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification. Plugins return these from their ``notification_kinds`` hook with keys
    ``"<plugin>.<what>"``."""

    key: str
    sentence: object
    label: object
    default_channel: str = "immediate"
    audience: str = "participants"

    def text(self, params):
        """The sentence in the current language with the params; a sentence that does not fit its params
        still reads (its German or translated text without the substitution)."""
        msgid = sentence_msgid(self.sentence)
        try:
            return gettext(msgid, **{name: value for name, value in (params or {}).items()})
        except (KeyError, TypeError, ValueError):
            return gettext(msgid).replace("%(", "(").replace(")s", ")")


CORE_KINDS = (
    NotificationKind("comment_replied", _l("%(actor)s hat auf Ihren Beitrag in „%(title)s“ geantwortet."),
                     _l("Antworten auf meine Beiträge")),
    NotificationKind("official_statement",
                     _l("Die Moderation hat in „%(title)s“ eine offizielle Stellungnahme veröffentlicht."),
                     _l("Offizielle Stellungnahmen in Diskussionen, denen ich folge")),
    NotificationKind("consultation_opened", _l("Die Beteiligung „%(title)s“ hat begonnen."),
                     _l("Eine Beteiligung, der ich folge, beginnt")),
    NotificationKind("consultation_closing", _l("Die Beteiligung „%(title)s“ endet in 48 Stunden."),
                     _l("Eine Beteiligung, der ich folge, endet bald"), default_channel="digest"),
    NotificationKind("consultation_closed", _l("Die Beteiligung „%(title)s“ ist beendet."),
                     _l("Eine Beteiligung, der ich folge, ist beendet"), default_channel="digest"),
    NotificationKind("poll_opened", _l("Die Umfrage „%(title)s“ hat begonnen."),
                     _l("Eine Umfrage, der ich folge, beginnt")),
    NotificationKind("poll_closing", _l("Die Umfrage „%(title)s“ endet in 48 Stunden."),
                     _l("Eine Umfrage, der ich folge, endet bald"), default_channel="digest"),
    NotificationKind("poll_closed", _l("Die Umfrage „%(title)s“ ist beendet."),
                     _l("Eine Umfrage, der ich folge, ist beendet"), default_channel="digest"),
    NotificationKind("results_published",
                     _l("Die Umfrage „%(title)s“ ist beendet; ihre Ergebnisse sind veröffentlicht."),
                     _l("Ergebnisse einer Umfrage, der ich folge")),
    NotificationKind("problem_approved", _l("Ihr Problem „%(problem)s“ in „%(title)s“ wurde freigegeben."),
                     _l("Mein Problem wurde freigegeben, abgelehnt oder zusammengeführt")),
    NotificationKind("problem_rejected",
                     _l("Ihr Problem „%(problem)s“ in „%(title)s“ wurde abgelehnt. Begründung: %(reason)s"),
                     _l("Mein Problem wurde abgelehnt")),
    NotificationKind("problem_merged",
                     _l("Ihr Problem „%(problem)s“ in „%(title)s“ wurde mit „%(merged_into)s“ zusammengeführt."),
                     _l("Mein Problem wurde mit einem anderen zusammengeführt")),
    NotificationKind("comment_hidden",
                     _l("Die Moderation hat Ihren Beitrag in „%(title)s“ ausgeblendet. Begründung: %(reason)s"),
                     _l("Mein Beitrag wurde ausgeblendet")),
    NotificationKind("report_created", _l("Ein Beitrag in „%(title)s“ wurde gemeldet: %(reason)s"),
                     _l("Moderation: neue Meldungen"), audience="moderators"),
    NotificationKind("problem_submitted", _l("Ein neues Problem in „%(title)s“ wartet auf Freigabe."),
                     _l("Moderation: neue Probleme zur Freigabe"), audience="moderators"),
    NotificationKind("comment_flagged",
                     _l("Ein Beitrag in „%(title)s“ wurde von einer Regel markiert: %(reason)s"),
                     _l("Moderation: von einer Regel markierte Beiträge"), audience="moderators"),
    NotificationKind("proposal_status",
                     _l("Der Vorschlag „%(title)s“ hat jetzt den Status „%(status)s“."),
                     _l("Status und Antwort zu Vorschlägen, die ich eingereicht oder unterstützt habe")),
    NotificationKind("proposal_published", _l("Ihr Vorschlag „%(title)s“ wurde freigegeben."),
                     _l("Mein Vorschlag wurde freigegeben")),
    NotificationKind("proposal_hidden",
                     _l("Die Moderation hat Ihren Vorschlag „%(title)s“ ausgeblendet. Begründung: %(reason)s"),
                     _l("Mein Vorschlag wurde ausgeblendet")),
    NotificationKind("proposal_merged",
                     _l("Ihr Vorschlag „%(title)s“ wurde mit „%(merged_into)s“ zusammengeführt."),
                     _l("Mein Vorschlag wurde mit einem anderen zusammengeführt")),
    NotificationKind("phase_started", _l("Im Beteiligungsprozess „%(title)s“ hat die Phase „%(phase)s“ begonnen."),
                     _l("Eine neue Phase in einem Prozess, dem ich folge")),
    NotificationKind("measure_updated",
                     _l("Neues zur Maßnahme „%(measure)s“ im Beteiligungsprozess „%(title)s“: "
                        "%(progress)s %% umgesetzt."),
                     _l("Fortschritt von Maßnahmen in Prozessen, denen ich folge"), default_channel="digest"),
    NotificationKind("proposal_submitted", _l("Ein neuer Vorschlag in „%(title)s“ wartet auf Freigabe."),
                     _l("Moderation: neue Vorschläge zur Freigabe"), audience="moderators"),
)


def check_kind(kind, plugin=None):
    """Refuse a malformed kind (a plugin's: loudly, at app start)."""
    if not isinstance(kind, NotificationKind):
        raise ValueError(f"{kind!r} is not a NotificationKind")
    if not KEY_PATTERN.match(kind.key) or len(kind.key) > MAX_KEY:
        raise ValueError(f"Notification kind {kind.key!r}: lower-case letters, digits and _, {MAX_KEY} characters "
                         "at most")
    if plugin is not None and kind.key.partition(".")[0] != plugin or plugin is None and "." in kind.key:
        raise ValueError(f"Notification kind {kind.key!r} must be named '<plugin>.<what>' by plugin {plugin!r}")
    if kind.default_channel not in ("immediate", "digest", "off"):
        raise ValueError(f"Notification kind {kind.key!r}: default_channel immediate, digest or off")
    if kind.audience not in AUDIENCES:
        raise ValueError(f"Notification kind {kind.key!r}: audience one of {', '.join(AUDIENCES)}")
    sentence_msgid(kind.sentence)  # raises for a sentence that cannot be stored and translated
    return kind


def collect_kinds(app):
    """{key: kind} of the core and of every loaded plugin, in order (core first, then plugins by name)."""
    from ..plugins.runtime import get_registry

    kinds = {kind.key: kind for kind in CORE_KINDS}
    registry = get_registry(app)
    for name in sorted(registry.plugins):
        hook = getattr(registry.manager.hook, "notification_kinds", None)
        if hook is None:
            break
        for impl in hook.get_hookimpls():
            if impl.plugin_name != name:
                continue
            for kind in impl.function() or ():
                check_kind(kind, plugin=name)
                if kind.key in kinds:
                    raise ValueError(f"Notification kind {kind.key!r} is defined twice")
                kinds[kind.key] = kind
    return kinds


def kinds():
    """The kinds of this app, {key: NotificationKind}."""
    app = current_app._get_current_object()
    found = app.extensions.get("beteiligung.notification_kinds")
    if found is None:
        found = app.extensions["beteiligung.notification_kinds"] = collect_kinds(app)
    return found


def get_kind(key):
    found = kinds().get(key)
    if found is None:
        raise KeyError(f"Unknown notification kind {key!r}")
    return found
