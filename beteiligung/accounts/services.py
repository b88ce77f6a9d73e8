import functools
import hashlib
import re
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..markup import clean_text
from ..policy import require_admin
from ..timeutil import utcnow
from .models import ROLES, ApiToken, User
from .passwords import hash_password, verify_password

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
PSEUDONYM_PATTERN = re.compile(r"^[\w][\w .\-]{1,38}[\w.]$")


def normalize_email(email):
    return clean_text(email).strip().lower()


def _check_email(email):
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid(_("Bitte geben Sie eine gültige E-Mail-Adresse an."),
                      {"email": [_("Ungültige E-Mail-Adresse.")]}) from None


def _check_password(password):
    if not isinstance(password, str) or not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise Invalid(_("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=PASSWORD_MIN_LENGTH),
                      {"password": [_("Mindestens %(n)d Zeichen.", n=PASSWORD_MIN_LENGTH)]})


def _check_pseudonym(pseudonym):
    pseudonym = (pseudonym or "").strip()
    if not PSEUDONYM_PATTERN.match(pseudonym):
        raise Invalid(_("Der Name muss 3 bis 40 Zeichen lang sein und darf Buchstaben, Ziffern, Leerzeichen, "
                        "Punkt, Binde- und Unterstrich enthalten."),
                      {"pseudonym": [_("3 bis 40 Zeichen: Buchstaben, Ziffern, Leerzeichen, . - _")]})
    return pseudonym


def register_user(email, password, pseudonym, accepted_terms, role="citizen"):
    """Create an account. The e-mail is stored lower-case; the pseudonym is the public name."""
    if not accepted_terms:
        raise Invalid(_("Bitte stimmen Sie den Nutzungsbedingungen und der Datenschutzerklärung zu."),
                      {"accept_terms": [_("Zustimmung erforderlich.")]})
    if role not in ROLES:
        raise Invalid(_("Unbekannte Rolle."), {"role": [_("Unbekannte Rolle.")]})
    email = _check_email(normalize_email(email))
    _check_password(password)
    pseudonym = _check_pseudonym(pseudonym)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(_("Für diese E-Mail-Adresse gibt es bereits ein Konto."),
                       {"email": [_("Bereits registriert.")]})
    if db.session.scalar(select(User.id).where(User.pseudonym_key == pseudonym.lower())) is not None:
        raise Conflict(_("Dieser Name ist bereits vergeben."), {"pseudonym": [_("Bereits vergeben.")]})
    user = User(email=email, pseudonym=pseudonym, pseudonym_key=pseudonym.lower(),
                password_hash=hash_password(password), role=role, terms_accepted_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise Conflict(_("E-Mail-Adresse oder Name sind bereits vergeben.")) from None
    return user


def authenticate(email, password):
    """The user with this e-mail and password, or None."""
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX_LENGTH:
        return None
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        # Same work as for a known address, so response times do not reveal which addresses exist.
        verify_password(_dummy_hash(), password)
        return None
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        return None
    if new_hash:
        user.password_hash = new_hash
    return user


@functools.cache
def _dummy_hash():
    return hash_password(secrets.token_hex(8))


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user, days):
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), expires_at=utcnow() + timedelta(days=days)))
    return token


def user_for_token(token):
    row = db.session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(ApiToken.token_hash == _digest(token))
    ).first()
    if row is None or row.ApiToken.expires_at <= utcnow():
        return None
    return row.User


def assign_moderator(user, region):
    """Make the user a moderator of the region (no permission check: for the CLI and set_moderator)."""
    if region not in user.moderated_regions:
        user.moderated_regions.append(region)
    if user.role == "citizen":
        user.role = "moderator"


def set_moderator(actor, user, region, moderator=True):
    """Make a user moderator of a region, or take that away again."""
    require_admin(actor)
    if moderator:
        assign_moderator(user, region)
        record(actor, "moderator.added", user, region)
    else:
        if region in user.moderated_regions:
            user.moderated_regions.remove(region)
        if user.role == "moderator" and not user.moderated_regions:
            user.role = "citizen"
        record(actor, "moderator.removed", user, region)
    db.session.flush()
    return user
