"""Regions and their administrators: one set of rules for the admin pages, the API and the CLI.

``actor`` None means the command line (the operator of the installation): no permission check,
the audit entry has no actor.
"""

import re

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.services import record
from ..contacts import is_phone, normalized_email
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..markup import clean_text
from ..policy import PARTICIPATION_KINDS, require_admin, require_region_admin
from .models import Region

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,58}[a-z0-9]$")
NAME_MAX = 120
THEME_MAX = 120
DESCRIPTION_MAX = 5000
CONTACT_NAME_MAX = 120
CONTACT_PHONE_MAX = 40
#: the themes of the five model regions of the NRW programme (offered when a region's theme is set; any other
#: text is allowed for regions outside the programme)
PROGRAMME_THEMES = ("Digitale Daten", "Digitales Lernen", "Digitale Portale", "Digitale Region",
                    "Digitales Rathaus")
#: what a region administrator may change in their own region; the slug (part of every address) only
#: a platform administrator or the command line.
REGION_ADMIN_FIELDS = ("name", "theme", "description", "unconfirmed_may", "contact_name", "contact_email",
                       "contact_phone")
FIELDS = ("slug",) + REGION_ADMIN_FIELDS


def _clean_fields(values):
    """Validate and normalise the given fields ({name: value}); raise Invalid naming every bad field."""
    cleaned, errors = {}, {}
    for key, value in values.items():
        if key == "unconfirmed_may":
            kinds = _clean_kinds(value)
            if kinds is None:
                errors[key] = [_("Erlaubt sind: %(kinds)s.", kinds=", ".join(PARTICIPATION_KINDS))]
            cleaned[key] = kinds
            continue
        if value is not None and not isinstance(value, str):
            errors[key] = [_("Text erwartet.")]
            continue
        if key == "slug":
            slug = (value or "").strip().lower()
            if not SLUG_PATTERN.match(slug):
                errors["slug"] = [_("3 bis 60 Zeichen: Kleinbuchstaben, Ziffern und Bindestriche.")]
            cleaned["slug"] = slug
        elif key == "name":
            name = clean_text(value or "").strip()
            if not 2 <= len(name) <= NAME_MAX:
                errors["name"] = [_("2 bis 120 Zeichen.")]
            cleaned["name"] = name
        elif key == "theme":
            theme = clean_text(value or "").strip()
            if len(theme) > THEME_MAX:
                errors["theme"] = [_("Höchstens 120 Zeichen.")]
            cleaned["theme"] = theme
        elif key == "description":
            description = clean_text(value or "").strip()
            if len(description) > DESCRIPTION_MAX:
                errors["description"] = [_("Höchstens 5000 Zeichen.")]
            cleaned["description"] = description
        elif key in ("contact_name", "contact_email", "contact_phone"):
            cleaned[key] = _clean_contact(key, " ".join(clean_text(value or "").split()), errors)
    if errors:
        raise Invalid(_("Bitte prüfen Sie die Angaben zur Region."), errors)
    return cleaned


def _clean_contact(key, text, errors):
    """One field of the moderation team's contact; empty is allowed (no contact given)."""
    if not text:
        return ""
    if key == "contact_name" and len(text) > CONTACT_NAME_MAX:
        errors[key] = [_("Höchstens %(n)d Zeichen.", n=CONTACT_NAME_MAX)]
    elif key == "contact_email":
        address = normalized_email(text)
        if address is None:
            errors[key] = [_("Ungültige E-Mail-Adresse.")]
        return address or text
    elif key == "contact_phone" and not is_phone(text):
        errors[key] = [_("Eine Telefonnummer aus Ziffern, Leerzeichen und + / - ( ), höchstens %(n)d Zeichen.",
                         n=CONTACT_PHONE_MAX)]
    return text


def _clean_kinds(value):
    """The kinds of participation open to unconfirmed accounts, as stored ("comment,vote"), or None if invalid.

    Accepts a list of kinds (API, form) or the stored comma-separated text; order and repetitions do
    not matter.
    """
    if value is None:
        value = []
    elif isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(kind, str) for kind in value):
        return None
    if any(kind not in PARTICIPATION_KINDS for kind in value):
        return None
    return ",".join(kind for kind in PARTICIPATION_KINDS if kind in value)


def _slug_taken(slug, region=None):
    query = select(Region.id).where(Region.slug == slug)
    if region is not None:
        query = query.where(Region.id != region.id)
    return db.session.scalar(query) is not None


def _refuse_taken(slug, region=None):
    if _slug_taken(slug, region):
        raise Conflict(_("Eine Region mit dieser Kurzbezeichnung gibt es bereits."),
                       {"slug": [_("Bereits vergeben.")]})


def create_region(actor, slug, name, theme="", description=""):
    """A new region (platform administrators and the command line)."""
    if actor is not None:
        require_admin(actor)
    values = _clean_fields({"slug": slug, "name": name, "theme": theme or "", "description": description or ""})
    _refuse_taken(values["slug"])
    region = Region(**values)
    db.session.add(region)
    db.session.flush()
    record(actor, "region.created", region, region, slug=region.slug)
    return region


def update_region(actor, region, changes):
    """Change some of a region's settings ({field: value}); returns the names of the fields that changed.

    Region administrators may change name, theme and description of their own region, and which kinds
    of participation accounts with an unconfirmed e-mail address may use there (``unconfirmed_may``: a
    list of policy.PARTICIPATION_KINDS); the slug only platform administrators (and the command line).
    Unknown keys are refused, not ignored.
    """
    if actor is not None:
        require_region_admin(actor, region)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid(_("Bitte prüfen Sie die Angaben zur Region."),
                      {key: [_("Dieses Feld gibt es nicht.")] for key in unknown})
    values = _clean_fields(changes)
    changed = [key for key in FIELDS if key in values and values[key] != getattr(region, key)]
    if "slug" in changed and actor is not None and actor.role != "admin":
        # The unchanged slug may come along (a client sending back what it read); a new one may not.
        raise NotAllowed(_("Die Kurzbezeichnung einer Region kann nur die Plattform-Administration ändern."),
                         {"slug": [_("Nur die Plattform-Administration kann die Kurzbezeichnung ändern.")]})
    if "slug" in changed:
        _refuse_taken(values["slug"], region)
    old_slug = region.slug
    for key in changed:
        setattr(region, key, values[key])
    if changed:
        db.session.flush()
        details = {"fields": changed}
        if "slug" in changed:
            details["old_slug"] = old_slug
        record(actor, "region.updated", region, region, **details)
    return changed


def get_region_by_slug(slug):
    """The region with this slug, or None (also for anything that cannot be a slug: no query then)."""
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        return None
    return db.session.scalar(select(Region).where(Region.slug == slug))


def region_or_404(slug):
    """The region a page's URL names; 404 when there is none."""
    region = get_region_by_slug(slug)
    if region is None:
        abort(404)
    return region


def list_regions():
    return db.session.scalars(select(Region).order_by(Region.name)).all()


def add_region_admin(actor, region, user):
    """Make the account an administrator of the region (platform administrators and the command line)."""
    if actor is not None:
        require_admin(actor)
    if any(r.id == region.id for r in user.administered_regions):
        raise Conflict(_("%(user)s verwaltet die Region %(region)s bereits.", user=user.pseudonym,
                         region=region.name))
    user.administered_regions.append(region)
    db.session.flush()
    record(actor, "region_admin.added", user, region)
    return user


def remove_region_admin(actor, region, user):
    """Take the administration of the region away from the account (its role elsewhere stays)."""
    if actor is not None:
        require_admin(actor)
    if not any(r.id == region.id for r in user.administered_regions):
        raise Conflict(_("%(user)s verwaltet die Region %(region)s nicht.", user=user.pseudonym,
                         region=region.name))
    user.administered_regions.remove(region)
    db.session.flush()
    record(actor, "region_admin.removed", user, region)
    return user


def regions_administered_by(user):
    """The regions whose settings and plugins this account may change (all for platform administrators)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.role == "admin":
        return list_regions()
    return list(user.administered_regions)
