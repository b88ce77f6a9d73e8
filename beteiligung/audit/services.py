from flask_babel import LazyString
from flask_babel import gettext as _gettext

from ..extensions import db
from .models import AuditEntry


def record(actor, action, target, region=None, **details):
    """Write an audit entry for a moderation or administration act, in the caller's transaction.

    Without an actor the act comes from the command line (the operator); the entry says so, so that it reads
    differently from an act of an account deleted since."""
    if actor is None:
        details.setdefault("via", "cli")
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__tablename__,
        target_id=target.id,
        region_id=region.id if region is not None else None,
        details=details,
    )
    db.session.add(entry)
    return entry


def sentence_msgid(sentence):
    """The German text of a sentence given as ``lazy_gettext("…")`` or as a plain string.

    The log stores the German text (the msgid) and translates it when the page is read, so one
    entry reads in every language the plugin's catalogue has.
    """
    if isinstance(sentence, LazyString):
        args = getattr(sentence, "_args", ())
        if (getattr(sentence, "_func", None) is not _gettext or len(args) != 1 or not isinstance(args[0], str)
                or getattr(sentence, "_kwargs", None)):
            raise ValueError("The sentence must be lazy_gettext(\"…\") without arguments, or a plain string.")
        return args[0]
    if isinstance(sentence, str) and sentence.strip():
        return sentence
    raise ValueError("The sentence must be lazy_gettext(\"…\") or a non-empty string.")


def record_plugin_action(plugin, actor, action, target, sentence, region=None, **details):
    """An audit entry for a plugin's act: ``action`` is ``<plugin>.<what>``; the entry keeps the plugin's
    name and the sentence (German, with ``%(actor)s``, ``%(region)s``, ``%(id)s`` and the details' names as
    placeholders) that the log page shows in the reader's language."""
    prefix, dot, what = action.partition(".")
    if prefix != plugin or not dot or not what or len(action) > 60 or not what.replace("_", "").isalnum():
        raise ValueError(f"Audit action {action!r}: '{plugin}.<what>', <what> of letters, digits and _, "
                         "60 characters at most.")
    if "plugin" in details or "sentence" in details:
        raise ValueError("The details 'plugin' and 'sentence' are set by the core.")
    return record(actor, action, target, region=region, plugin=plugin, sentence=sentence_msgid(sentence),
                  **details)
