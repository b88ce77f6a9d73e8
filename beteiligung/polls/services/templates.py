"""Poll templates that plugins offer: which a region may use, and a create body filled from one."""

import copy

from flask import current_app
from flask_babel import gettext as _

from ...plugins.services import enabled_names
from ..registry import PollTemplateSchema, poll_templates

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


def _template(region, key, errors):
    templates = poll_templates()
    template = templates.get(key)
    if template is None or template["plugin"] not in enabled_names(region):
        errors["template"] = [_("Diese Vorlage gibt es in der Region nicht.")]
        return None
    plugin = templates.owners[template["plugin"]]
    try:
        prepared = plugin.prepare_poll_template(key.split(":", 1)[1], copy.deepcopy(template), region)
        return dict(PollTemplateSchema().load({k: v for k, v in prepared.items() if k != "plugin"}),
                    plugin=template["plugin"])
    except Exception:  # noqa: BLE001 - a failing plugin must not take the page down
        current_app.logger.exception("Plugin %s: prepare_poll_template(%s) failed", template["plugin"], key)
        errors["template"] = [_("Aus dieser Vorlage lässt sich gerade keine Umfrage erstellen.")]
        return None


def templates_for(region):
    """The templates of the plugins enabled in the region."""
    return poll_templates().enabled(enabled_names(region))
