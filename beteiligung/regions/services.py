import re

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..markup import clean_text
from ..policy import require_admin
from .models import Region

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,58}[a-z0-9]$")


def create_region(actor, slug, name, theme="", description=""):
    require_admin(actor)
    slug = (slug or "").strip().lower()
    name = clean_text(name).strip()
    errors = {}
    if not SLUG_PATTERN.match(slug):
        errors["slug"] = [_("3 bis 60 Zeichen: Kleinbuchstaben, Ziffern und Bindestriche.")]
    if not 2 <= len(name) <= 120:
        errors["name"] = [_("2 bis 120 Zeichen.")]
    if errors:
        raise Invalid(_("Bitte prüfen Sie die Angaben zur Region."), errors)
    if db.session.scalar(select(Region.id).where(Region.slug == slug)) is not None:
        raise Conflict(_("Eine Region mit dieser Kurzbezeichnung gibt es bereits."),
                       {"slug": [_("Bereits vergeben.")]})
    region = Region(slug=slug, name=name, theme=clean_text(theme).strip()[:120],
                    description=clean_text(description).strip())
    db.session.add(region)
    db.session.flush()
    record(actor, "region.created", region, region, slug=slug)
    return region


def get_region_by_slug(slug):
    """The region with this slug, or None (also for anything that cannot be a slug: no query then)."""
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        return None
    return db.session.scalar(select(Region).where(Region.slug == slug))


def list_regions():
    return db.session.scalars(select(Region).order_by(Region.name)).all()
