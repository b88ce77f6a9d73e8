from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..api import api_user, bp, page_args, paged
from ..errors import Invalid
from ..pagination import paginate
from ..plugins.runtime import get_registry
from ..plugins.services import enabled_by_region, enabled_names
from .models import Region
from .services import get_region_by_slug


def region_to_json(region, plugins=()):
    return {"slug": region.slug, "name": region.name, "theme": region.theme, "description": region.description,
            "plugins": sorted(plugins)}


@bp.route("/regions")
def list_regions():
    api_user()  # an invalid token is refused here as everywhere
    page = paginate(select(Region).order_by(Region.name), *page_args())
    enabled = enabled_by_region() if get_registry().plugins else {}
    loaded = set(get_registry().plugins)
    return paged(page, [region_to_json(region, enabled.get(region.id, set()) & loaded) for region in page.items])


@bp.route("/poll-templates")
def list_poll_templates():
    """The poll and survey templates that the plugins enabled in a region offer."""
    slug = request.args.get("region")
    region = get_region_by_slug(slug) if slug else None
    if region is None:
        raise Invalid(_("Bitte geben Sie eine bekannte Region an (?region=…)."), {"region": [_("Unbekannte Region.")]})
    enabled = enabled_names(region)
    items = [dict(template, key=key) for key, template in sorted(get_registry().poll_templates.items())
             if template["plugin"] in enabled]
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})
