"""Who may do what: the one place where roles and regions are checked."""

from flask_babel import gettext as _

from .errors import NotAllowed, Unauthorized


def is_authenticated(user):
    return user is not None and getattr(user, "is_authenticated", False)


def can_moderate(user, region):
    if not is_authenticated(user):
        return False
    if user.role == "admin":
        return True
    return user.role == "moderator" and any(r.id == region.id for r in user.moderated_regions)


def require_login(user):
    if not is_authenticated(user):
        raise Unauthorized(_("Bitte melden Sie sich an."))


def require_moderator(user, region):
    require_login(user)
    if not can_moderate(user, region):
        raise NotAllowed(_("Sie sind nicht Moderatorin oder Moderator der Region %(region)s.",
                           region=region.name))


def require_admin(user):
    require_login(user)
    if user.role != "admin":
        raise NotAllowed(_("Diese Aktion ist Administratorinnen und Administratoren vorbehalten."))


def is_platform_admin(user):
    return is_authenticated(user) and user.role == "admin"


def can_administer_region(user, region):
    """Platform administrators everywhere; a region administrator in their own region only."""
    if not is_authenticated(user) or region is None:
        return False
    if user.role == "admin":
        return True
    return any(r.id == region.id for r in user.administered_regions)


def require_region_admin(user, region):
    require_login(user)
    if not can_administer_region(user, region):
        raise NotAllowed(_("Sie verwalten die Region %(region)s nicht.", region=region.name))
