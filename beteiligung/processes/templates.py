"""The registry of process templates: the core's (``core_templates``) and those plugins contribute
through the ``process_templates`` hook, checked once when the app starts.

Keys: a core template has a plain key (``smart_city``); a plugin's is ``<plugin>:<key>`` and is offered
only in regions where the plugin is enabled. Each phase of a template lists instrument drafts: a
consultation (title, summary, body), a poll from a definition (the poll create body), a poll from
one of the same plugin's poll templates (``poll_template``), or a proposal collection (title, body as
its description, categories, premoderated).
"""

import logging

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..plugins.services import enabled_names
from ..polls.registry import KEY, ContributionError, check_poll_templates
from ..proposals.models import CATEGORIES_MAX, CATEGORY_MAX
from .core_templates import CORE_TEMPLATES
from .models import BODY_MAX, PHASE_DESCRIPTION_MAX, PHASES_MAX, SUMMARY_MAX, TITLE_MAX, TITLE_MIN

log = logging.getLogger("beteiligung.plugins")
INSTRUMENT_KINDS = ("consultation", "poll", "proposal_collection")
INSTRUMENTS_PER_PHASE = 5


class InstrumentTemplateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(INSTRUMENT_KINDS))
    follows_phase_dates = fields.Boolean(load_default=True)
    # consultation
    title = fields.String(validate=validate.Length(min=TITLE_MIN, max=TITLE_MAX))
    summary = fields.String(load_default="", validate=validate.Length(max=SUMMARY_MAX))
    body = fields.String(load_default="", validate=validate.Length(max=BODY_MAX))
    # poll: a definition (as a poll template, without key) or the key of the plugin's poll template
    poll = fields.Dict(keys=fields.String())
    poll_template = fields.String(validate=validate.Length(max=120))
    # proposal collection (title and body as above)
    categories = fields.List(fields.String(validate=validate.Length(min=1, max=CATEGORY_MAX)), load_default=list,
                             validate=validate.Length(max=CATEGORIES_MAX))
    premoderated = fields.Boolean(load_default=False)

    @validates_schema
    def one_source(self, data, **kwargs):
        if data["kind"] == "consultation" and not data.get("title"):
            raise ValidationError("Eine Beteiligung braucht einen Titel.", "title")
        if data["kind"] == "proposal_collection" and not data.get("title"):
            raise ValidationError("Eine Vorschlagssammlung braucht einen Titel.", "title")
        if data["kind"] == "poll" and ("poll" in data) == ("poll_template" in data):
            raise ValidationError("Eine Umfrage braucht entweder „poll“ oder „poll_template“.", "poll")


class PhaseTemplateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(min=TITLE_MIN, max=TITLE_MAX))
    description = fields.String(load_default="", validate=validate.Length(max=PHASE_DESCRIPTION_MAX))
    instruments = fields.List(fields.Nested(InstrumentTemplateSchema), load_default=list,
                              validate=validate.Length(max=INSTRUMENTS_PER_PHASE))


class ProcessTemplateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(min=TITLE_MIN, max=TITLE_MAX))
    description = fields.String(load_default="", validate=validate.Length(max=SUMMARY_MAX))
    summary = fields.String(load_default="", validate=validate.Length(max=SUMMARY_MAX))
    body = fields.String(load_default="", validate=validate.Length(max=BODY_MAX))
    phases = fields.List(fields.Nested(PhaseTemplateSchema), required=True,
                         validate=validate.Length(min=1, max=PHASES_MAX))


def check_process_templates(plugin, definitions, question_types, poll_templates):
    """{key: validated template} from definitions, or ContributionError (German, for the log).

    ``plugin`` is None for the core's; a plugin's keys become ``<plugin>:<key>``. Poll definitions are
    checked as poll templates are, with the core's question types and the plugin's own; a
    ``poll_template`` must be one of the plugin's own poll templates.
    """
    if not isinstance(definitions, (list, tuple)):
        raise ContributionError("process_templates muss eine Liste von Vorlagen (dicts) liefern.")
    own_types = {key: type(instance) for key, instance in question_types.types.items()
                 if plugin is not None and instance.plugin == plugin}
    templates = {}
    for definition in definitions:
        name = definition.get("key", "?") if isinstance(definition, dict) else "?"
        try:
            data = ProcessTemplateSchema().load(definition)
        except ValidationError as error:
            raise ContributionError(f"Ungültige Prozessvorlage {name!r}: {error.messages}") from None
        key = data["key"] if plugin is None else f"{plugin}:{data['key']}"
        if key in templates:
            raise ContributionError(f"Die Prozessvorlage {key} ist doppelt.")
        for phase in data["phases"]:
            for instrument in phase["instruments"]:
                if "poll" in instrument:
                    poll = dict(instrument["poll"], key="entwurf")
                    checked = check_poll_templates(plugin or "core", [poll], own_types)
                    instrument["poll"] = {k: v for k, v in next(iter(checked.values())).items()
                                          if k not in ("key", "plugin")}
                elif instrument.get("poll_template"):
                    wanted = instrument["poll_template"]
                    if plugin is None or not wanted.startswith(f"{plugin}:") or wanted not in poll_templates:
                        raise ContributionError(f"Prozessvorlage {key}: die Umfragevorlage {wanted} gibt es "
                                                f"nicht, oder sie gehört nicht zu diesem Plugin.")
        templates[key] = dict(data, key=key, plugin=plugin)
    return templates


def collect_templates(app, registry):
    """{key: template}: the core's, then each loaded plugin's (by name). A plugin whose templates break
    the contract contributes none (logged; in strict mode the app does not start)."""
    found = check_process_templates(None, CORE_TEMPLATES, registry.question_types, registry.poll_templates)
    hook = registry.manager.hook.process_templates
    for impl in sorted(hook.get_hookimpls(), key=lambda impl: impl.plugin_name):
        try:
            found.update(check_process_templates(impl.plugin_name, impl.function(), registry.question_types,
                                                 registry.poll_templates))
        except Exception as error:  # noqa: BLE001 - a failing plugin must not break the platform
            log.error("Plugin %s: Prozessvorlagen werden nicht angeboten: %s", impl.plugin_name, error)
            if app.config.get("PLUGINS_STRICT"):
                from ..plugins.registry import PluginError

                raise PluginError(f"Plugin {impl.plugin_name}: {error}") from error
    return found


def install_templates(app, registry):
    app.extensions["beteiligung.process_templates"] = collect_templates(app, registry)


def process_templates():
    return current_app.extensions["beteiligung.process_templates"]


def templates_for(region):
    """The templates a moderator may use in the region: the core's and those of its enabled plugins."""
    enabled = enabled_names(region)
    return {key: template for key, template in process_templates().items()
            if template["plugin"] is None or template["plugin"] in enabled}
