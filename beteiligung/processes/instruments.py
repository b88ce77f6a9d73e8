"""The kinds of instrument a phase can hold: consultations and polls today, proposal collections and
kinds that plugins add later.

A kind knows how to load its objects (one query for many), whether the public may see one, its status,
dates and a short count for the timeline, and how it follows the dates of its phase. The registry is
the app's (``app.extensions["beteiligung.instrument_kinds"]``): a new kind is one ``InstrumentKind``
registered with ``add_kind``; the phases' table stores only the kind's key and the target's id.
"""

import logging
import re

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import event, func, select

from ..consultations.models import Consultation, ConsultationStatus
from ..extensions import db
from ..object_kinds import ObjectKind
from ..polls.models import Poll, PollKind, PollStatus, Problem, ProblemStatus

log = logging.getLogger("beteiligung.plugins")  # what plugins contribute is logged with the plugins


class InstrumentKind(ObjectKind):
    """One kind of instrument. Subclasses set ``key``, ``label`` and ``model`` and fill in the methods."""

    def status(self, obj, now):
        """draft, upcoming, open or closed."""
        raise NotImplementedError

    def is_public(self, obj, now):
        return self.status(obj, now) != "draft"

    def dates(self, obj):
        return obj.opens_at, obj.closes_at

    def counts(self, objects):
        """{id: a short text such as "12 Beiträge"} for the timeline; at most one query."""
        return {}

    def follow_dates(self, obj, starts_at, ends_at, now):
        """Take the phase's dates (a moderator set or changed them); returns whether anything changed."""
        raise NotImplementedError

    def choices_query(self, region):
        """A select() of (id, title) of the region's objects that a moderator may attach."""
        return select(self.model.id, self.model.title).where(self.model.region_id == region.id).order_by(
            self.model.title)


class ConsultationInstrument(InstrumentKind):
    key = "consultation"
    label = _l("Beteiligung")
    model = Consultation

    def url(self, obj):
        return url_for("consultations.show", consultation_id=obj.id)

    def status(self, obj, now):
        return str(obj.status_at(now))

    def counts(self, objects):
        return {obj.id: ngettext("%(num)d Beitrag", "%(num)d Beiträge", obj.comment_count) for obj in objects}

    def follow_dates(self, obj, starts_at, ends_at, now):
        if (obj.opens_at, obj.closes_at) == (starts_at, ends_at):
            return False
        obj.opens_at, obj.closes_at = starts_at, ends_at
        obj.revision = Consultation.revision + 1  # cached pages are keyed by it
        return True


class PollInstrument(InstrumentKind):
    key = "poll"
    label = _l("Umfrage")
    model = Poll

    def url(self, obj):
        return url_for("polls.show", poll_id=obj.id)

    def status(self, obj, now):
        # A draft whose start lies ahead opens by itself: for the public it is coming.
        status = obj.status_at(now)
        if status == PollStatus.DRAFT and obj.opens_at is not None and obj.state == PollStatus.DRAFT:
            return str(ConsultationStatus.UPCOMING)
        return str(status)

    def is_public(self, obj, now):
        return obj.status_at(now) != PollStatus.DRAFT

    def counts(self, objects):
        problem_polls = [obj.id for obj in objects if obj.kind == PollKind.PROBLEM_DEFINITION]
        problems = dict(db.session.execute(
            select(Problem.poll_id, func.count()).where(Problem.poll_id.in_(problem_polls),
                                                        Problem.status == ProblemStatus.APPROVED)
            .group_by(Problem.poll_id)).all()) if problem_polls else {}
        return {obj.id: (ngettext("%(num)d Problem", "%(num)d Probleme", problems.get(obj.id, 0))
                         if obj.kind == PollKind.PROBLEM_DEFINITION
                         else ngettext("%(num)d Teilnahme", "%(num)d Teilnahmen", obj.ballot_count))
                for obj in objects}

    def follow_dates(self, obj, starts_at, ends_at, now):
        status = obj.status_at(now)
        if status == PollStatus.CLOSED:
            return False  # what has ended stays as it ended
        opens_at = obj.opens_at
        if status == PollStatus.DRAFT and (obj.kind != PollKind.SURVEY or obj.questions):
            opens_at = starts_at  # a survey without questions cannot start by itself
        if (obj.opens_at, obj.closes_at) == (opens_at, ends_at):
            return False
        obj.opens_at, obj.closes_at = opens_at, ends_at
        return True


CORE_KINDS = (ConsultationInstrument, PollInstrument)


PLUGIN_KIND_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def install_kinds(app, registry=None):
    """The core's kinds, then each loaded plugin's (hook ``instrument_kinds``). A plugin whose kinds break
    the contract contributes none (logged; in strict mode the app does not start)."""
    kinds = {cls.key: cls() for cls in CORE_KINDS}
    app.extensions["beteiligung.instrument_kinds"] = kinds
    app.extensions["beteiligung.instrument_kind_plugins"] = {}
    if registry is None:
        return
    hook = registry.manager.hook.instrument_kinds
    for impl in sorted(hook.get_hookimpls(), key=lambda impl: impl.plugin_name):
        try:
            offered = check_plugin_kinds(impl.plugin_name, impl.function(), kinds)
        except Exception as error:  # noqa: BLE001 - a failing plugin must not break the platform
            log.error("Plugin %s: Instrumentarten werden nicht angeboten: %s", impl.plugin_name, error)
            if app.config.get("PLUGINS_STRICT"):
                from ..plugins.registry import PluginError

                raise PluginError(f"Plugin {impl.plugin_name}: {error}") from error
            continue
        for kind in offered:
            kinds[kind.key] = kind
            app.extensions["beteiligung.instrument_kind_plugins"][kind.key] = impl.plugin_name


def check_plugin_kinds(plugin, offered, existing):
    """The plugin's kinds, checked (ValueError with the reason otherwise)."""
    offered = list(offered or [])
    keys = set()
    for kind in offered:
        if not isinstance(kind, InstrumentKind):
            raise ValueError(f"{kind!r} ist keine InstrumentKind")
        key = kind.key
        if not isinstance(key, str) or len(key) > 40 or not PLUGIN_KIND_KEY.match(key) \
                or key.partition(".")[0] != plugin:
            raise ValueError(f"Instrumentart {key!r}: erwartet „{plugin}.<name>“ (Kleinbuchstaben, Ziffern, _; "
                             "höchstens 40 Zeichen)")
        if key in existing or key in keys:
            raise ValueError(f"Instrumentart {key} ist doppelt")
        model = kind.model
        if model is None or not all(hasattr(model, name) for name in ("id", "region_id", "title")):
            raise ValueError(f"Instrumentart {key}: model braucht id, region_id und title")
        keys.add(key)
    return offered


def plugin_of_kind(key):
    """The plugin that added this kind of instrument, or None for the core's."""
    return current_app.extensions.get("beteiligung.instrument_kind_plugins", {}).get(key)


def kinds_for(region):
    """The kinds a moderator may use in the region: the core's and those of its enabled plugins."""
    from ..plugins.services import enabled_names

    enabled = enabled_names(region)
    return {key: kind for key, kind in instrument_kinds().items()
            if plugin_of_kind(key) is None or plugin_of_kind(key) in enabled}


def add_kind(app, kind):
    """Register another kind of instrument (an ``InstrumentKind`` instance) for this app."""
    kinds = app.extensions["beteiligung.instrument_kinds"]
    if not kind.key or len(kind.key) > 40 or kind.key in kinds:
        raise ValueError(f"Instrument kind {kind.key!r}: a new key of at most 40 characters")
    kinds[kind.key] = kind


def instrument_kinds():
    return current_app.extensions["beteiligung.instrument_kinds"]



def _leave_phase(kind):
    def listener(mapper, connection, target):
        from .services import forget_target

        forget_target(connection, kind, target.id)
    return listener


# A deleted consultation or poll leaves its phase with it (the table has no foreign key to either).
event.listen(Consultation, "after_delete", _leave_phase(ConsultationInstrument.key))
event.listen(Poll, "after_delete", _leave_phase(PollInstrument.key))
