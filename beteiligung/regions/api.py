from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User, region_moderators
from ..accounts.services import set_moderator
from ..admin.services import find_user_by_email
from ..api import api_user, bp, load, load_changes, page_args, paged, require_api_user
from ..errors import Invalid, NotFound
from ..extensions import db
from ..pagination import paginate
from ..plugins.runtime import get_registry
from ..plugins.services import disable_plugin, enable_plugin, enabled_by_region, enabled_names
from ..policy import PARTICIPATION_KINDS, require_admin, require_region_admin, unconfirmed_kinds
from . import services
from .models import Region
from .schemas import RegionCreateSchema, RegionModeratorSchema, RegionPatchSchema
from .services import get_region_by_slug


def region_to_json(region, plugins=()):
    opened = unconfirmed_kinds(region)
    return {"slug": region.slug, "name": region.name, "theme": region.theme, "description": region.description,
            "plugins": sorted(plugins), "unconfirmed_may": [kind for kind in PARTICIPATION_KINDS if kind in opened],
            "contact": {"name": region.contact_name, "email": region.contact_email, "phone": region.contact_phone}}


@bp.route("/regions")
def list_regions():
    api_user()  # an invalid token is refused here as everywhere
    page = paginate(select(Region).order_by(Region.name), *page_args())
    enabled = enabled_by_region() if get_registry().plugins else {}
    loaded = set(get_registry().plugins)
    return paged(page, [region_to_json(region, enabled.get(region.id, set()) & loaded) for region in page.items])


def _region_or_404(slug):
    region = get_region_by_slug(slug)
    if region is None:
        raise NotFound(_("Diese Region gibt es nicht."))
    return region


def _region_json(region):
    return region_to_json(region, enabled_names(region))


@bp.route("/regions", methods=["POST"])
def create_region():
    """A new region: platform administrators only."""
    user = require_api_user()
    require_admin(user)
    data = load(RegionCreateSchema())
    region = services.create_region(user, data["slug"], data["name"], data["theme"], data["description"])
    db.session.commit()
    return jsonify(_region_json(region)), 201


@bp.route("/regions/<slug>")
def get_region(slug):
    api_user()
    return jsonify(_region_json(_region_or_404(slug)))


@bp.route("/regions/<slug>", methods=["PATCH"])
def update_region(slug):
    """Change a region's settings: its administrators (name, theme, description) or platform administrators."""
    user = require_api_user()
    region = _region_or_404(slug)
    require_region_admin(user, region)
    data = load_changes(RegionPatchSchema())
    services.update_region(user, region, data)
    db.session.commit()
    return jsonify(_region_json(region))


@bp.route("/regions/<slug>/plugins/<name>", methods=["PUT", "DELETE"])
def switch_plugin(slug, name):
    """Enable (PUT) or disable (DELETE) an installed plugin in a region; a second time: 409."""
    user = require_api_user()
    region = _region_or_404(slug)
    require_region_admin(user, region)
    (enable_plugin if request.method == "PUT" else disable_plugin)(user, region, name)
    db.session.commit()
    return jsonify(_region_json(region))


def moderator_to_json(user):
    """A moderator as the API shows them: id and public name, never the e-mail address."""
    return {"id": user.id, "pseudonym": user.pseudonym}


@bp.route("/regions/<slug>/moderators")
def list_moderators(slug):
    """The region's moderators, for its administrators and the platform administration."""
    user = require_api_user()
    region = _region_or_404(slug)
    require_region_admin(user, region)
    query = (select(User).join(region_moderators, region_moderators.c.user_id == User.id)
             .where(region_moderators.c.region_id == region.id).order_by(User.pseudonym_key, User.id))
    page = paginate(query, *page_args())
    return paged(page, [moderator_to_json(moderator) for moderator in page.items])


@bp.route("/regions/<slug>/moderators", methods=["POST"])
def add_moderator(slug):
    """Appoint the account with this e-mail address: 201, or 200 when it moderates the region already."""
    user = require_api_user()
    region = _region_or_404(slug)
    require_region_admin(user, region)
    data = load(RegionModeratorSchema())
    moderator = find_user_by_email(data["email"])
    if moderator is None:
        raise NotFound(_("Es gibt kein Konto mit dieser E-Mail-Adresse."),
                       {"email": [_("Kein Konto mit dieser E-Mail-Adresse.")]})
    changed = set_moderator(user, moderator, region, moderator=True)
    db.session.commit()
    return jsonify(moderator_to_json(moderator)), 201 if changed else 200


@bp.route("/regions/<slug>/moderators/<int:user_id>", methods=["DELETE"])
def remove_moderator(slug, user_id):
    """Take the moderation of the region away from the account; 204 also when it had none there."""
    user = require_api_user()
    region = _region_or_404(slug)
    require_region_admin(user, region)
    moderator = db.session.get(User, user_id)
    if moderator is None:
        raise NotFound(_("Dieses Konto gibt es nicht."))
    set_moderator(user, moderator, region, moderator=False)
    db.session.commit()
    return "", 204


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
