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


def visible_where(viewer, public, region_id):
    """The SQL condition of the rows a viewer may see in lists: the public ones (``public``, a condition) for
    everyone, also those of the regions a moderator moderates (``region_id``, a column), all for admins."""
    from sqlalchemy import or_, true

    if not is_authenticated(viewer) or viewer.role == "citizen":
        return public
    if viewer.role == "admin":
        return true()
    return or_(public, region_id.in_([r.id for r in viewer.moderated_regions]))


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


#: kinds of participation that need a confirmed e-mail address (a region may open some of them to
#: unconfirmed accounts: Region.unconfirmed_may)
PARTICIPATION_KINDS = ("comment", "vote", "report", "ballot", "problem", "proposal", "support")


def unconfirmed_kinds(region):
    """The kinds of participation the region opens to accounts with an unconfirmed address (a set)."""
    allowed = getattr(region, "unconfirmed_may", "") or ""
    return {kind for kind in (part.strip() for part in allowed.split(",")) if kind in PARTICIPATION_KINDS}


def needs_confirmation(user, region, kind):
    """Whether a signed-in account must confirm its address before it may do ``kind`` in the region."""
    if kind not in PARTICIPATION_KINDS:
        raise ValueError(f"unknown kind of participation: {kind}")
    if not is_authenticated(user) or getattr(user, "email_confirmed_at", None) is not None:
        return False
    return kind not in unconfirmed_kinds(region)


def require_confirmed(user, region, kind):
    """Refuse ``kind`` of participation (comment, vote, report, ballot, problem) to an unconfirmed account.

    The one rule for pages, the API and plugins (they all go through the services that call this).
    Who is not signed in is refused by require_login, not here.
    """
    if needs_confirmation(user, region, kind):
        raise NotAllowed(_("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse: Folgen Sie dem Link in der Mail, die wir "
                           "Ihnen nach der Registrierung geschickt haben. Auf jeder Seite können Sie sich den Link "
                           "erneut schicken lassen."))
