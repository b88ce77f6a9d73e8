"""Getting back in and changing one's own details: password reset by mail, a new e-mail address
(confirmed at that address), a new public name and the language of mails.

Links are signed and expire (accounts.links); each is single use because its payload names what it
changes: a reset link carries a digest of the current password hash and the session version, an
address link the old and the new address. Once the change is made the link no longer matches.
"""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import timeutil
from ..errors import Conflict, Invalid
from ..extensions import db
from ..jobs import enqueue
from ..mail import external_url, send_mail
from . import throttle
from .links import LinkExpired, LinkInvalid, make_link_token, read_link_token
from .models import User
from .passwords import hash_password, verify_password
from .services import (
    PASSWORD_MAX_LENGTH,
    _check_email,
    _check_password,
    _check_pseudonym,
    end_other_sessions,
    normalize_email,
)

RESET_PURPOSE = "password-reset"
EMAIL_PURPOSE = "email-change"
LOCALES = ("de", "en")


class LinkRefused(Exception):
    """A mailed link that opens nothing: ``reason`` is "expired", "used" or "invalid"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _short_digest(value):
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def _read(purpose, token, max_age_seconds):
    try:
        payload = read_link_token(purpose, token, max_age_seconds)
    except LinkExpired:
        raise LinkRefused("expired") from None
    except LinkInvalid:
        raise LinkRefused("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise LinkRefused("invalid")
    return payload


# --- password reset ---

def reset_token(user):
    """A reset link's token: it works until the password (or the session version) changes."""
    return make_link_token(RESET_PURPOSE, {"u": user.id, "h": _short_digest(user.password_hash),
                                           "v": user.session_version})


def send_reset_link(user):
    """Mail the account a link to set a new password (valid PASSWORD_RESET_MINUTES)."""
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return send_mail(user.email, "reset_link", _l("Neues Passwort festlegen"),
                     context={"user": user, "minutes": minutes,
                              "url": external_url("accounts.reset_password", token=reset_token(user))},
                     locale=user.locale)


def request_reset(email):
    """Someone asked for a reset link for ``email``: the same work whether or not an account has it.

    At most PASSWORD_RESET_MAILS_PER_ADDRESS mails per address (counted on a digest of it); the
    account is looked up and mailed by a background job after the commit, so the answer takes the
    same time for every address. Returns nothing: the requester learns nothing either way.
    """
    address = normalize_email(email) if isinstance(email, str) else ""
    if not address or len(address) > 254:
        return
    if throttle.within_limit(current_app.config["PASSWORD_RESET_MAILS_PER_ADDRESS"], "password-reset", address):
        enqueue(mail_reset_link, address)


def mail_reset_link(address):
    """Background job: mail a reset link if an account has this address (else nothing)."""
    user = db.session.scalar(select(User).where(User.email == address))
    if user is not None:
        send_reset_link(user)
        db.session.commit()


def user_for_reset(token):
    """The account a reset link is for; raises LinkRefused (expired, used, invalid). Reads only."""
    payload = _read(RESET_PURPOSE, token, current_app.config["PASSWORD_RESET_MINUTES"] * 60)
    user = db.session.get(User, payload["u"])
    if user is None:
        raise LinkRefused("invalid")
    if payload.get("h") != _short_digest(user.password_hash) or payload.get("v") != user.session_version:
        raise LinkRefused("used")
    return user


def reset_password(token, new_password):
    """Set a new password with a reset link; ends every session and API token of the account.

    The account is not logged in by this: the new password is used on the log-in page. The link
    proves the owner reads the address, so an unconfirmed address counts as confirmed, and the
    account's wait after failed log-ins ends. The owner is told by mail. Returns the account.
    """
    user = user_for_reset(token)
    _check_password(new_password)
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timeutil.utcnow()
    db.session.flush()
    end_other_sessions(user)
    throttle.clear(f"account:{user.id}")
    send_mail(user.email, "password_changed", _l("Ihr Passwort wurde geändert"),
              context={"user": user, "reset_url": external_url("accounts.reset_request")}, locale=user.locale)
    return user


# --- a new e-mail address ---

def _check_current_password(user, password):
    if not isinstance(password, str) or len(password) > PASSWORD_MAX_LENGTH:
        password = ""
    ok, _new_hash = verify_password(user.password_hash, password)
    if not ok:
        raise Invalid(_("Das aktuelle Passwort ist nicht richtig."),
                      {"current_password": [_("Das Passwort ist nicht richtig.")]})


def _address_taken(address, user):
    return db.session.scalar(select(User.id).where(User.email == address, User.id != user.id)) is not None


def _refuse_address():
    # The same words whatever the reason: the requester does not learn whether another account has it.
    raise Conflict(_("Diese Adresse kann nicht verwendet werden."),
                   {"email": [_("Diese Adresse kann nicht verwendet werden.")]})


def request_email_change(user, password, new_email):
    """Mail a confirmation link to the new address and a notice to the current one.

    Nothing changes until the link is confirmed (:func:`change_email`). Returns the new address.
    """
    _check_current_password(user, password)
    address = _check_email(normalize_email(new_email if isinstance(new_email, str) else ""))
    if address == user.email:
        raise Invalid(_("Das ist bereits Ihre E-Mail-Adresse."),
                      {"email": [_("Bitte geben Sie eine neue Adresse an.")]})
    if _address_taken(address, user):
        _refuse_address()
    hours = current_app.config["EMAIL_CHANGE_HOURS"]
    token = make_link_token(EMAIL_PURPOSE, {"u": user.id, "old": user.email, "new": address})
    send_mail(address, "email_change_confirm", _l("Neue E-Mail-Adresse bestätigen"),
              context={"user": user, "new_email": address, "hours": hours,
                       "url": external_url("accounts.confirm_email_change", token=token)},
              locale=user.locale)
    send_mail(user.email, "email_change_notice", _l("Ihre E-Mail-Adresse soll geändert werden"),
              context={"user": user, "new_email": address, "hours": hours,
                       "password_url": external_url("accounts.change_password"),
                       "reset_url": external_url("accounts.reset_request")},
              locale=user.locale)
    return address


def email_change_for(token):
    """(account, new address) of an address link; raises LinkRefused (expired, used, invalid). Reads only."""
    payload = _read(EMAIL_PURPOSE, token, current_app.config["EMAIL_CHANGE_HOURS"] * 3600)
    old, new = payload.get("old"), payload.get("new")
    if not isinstance(old, str) or not isinstance(new, str):
        raise LinkRefused("invalid")
    user = db.session.get(User, payload["u"])
    if user is None:
        raise LinkRefused("invalid")
    if user.email != old:
        raise LinkRefused("used")  # changed already (by this link or another)
    return user, new


def change_email(token):
    """Confirm a new address with its link: the account now has it, confirmed. Returns the account."""
    user, address = email_change_for(token)
    if _address_taken(address, user):
        _refuse_address()
    user.email = address
    user.email_confirmed_at = timeutil.utcnow()
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # someone registered the address in the same moment
        _refuse_address()
    return user


# --- public name and language ---

def update_profile(user, pseudonym, locale):
    """Change the public name (same rules as at registration) and the language of mails.

    A new name is shown in every discussion the account wrote in: those are rendered again.
    Returns whether the name changed.
    """
    pseudonym = _check_pseudonym(pseudonym if isinstance(pseudonym, str) else "")
    if locale not in LOCALES:
        raise Invalid(_("Bitte wählen Sie eine der angebotenen Sprachen."), {"locale": [_("Unbekannte Sprache.")]})
    key = pseudonym.lower()
    if key != user.pseudonym_key and db.session.scalar(
            select(User.id).where(User.pseudonym_key == key, User.id != user.id)) is not None:
        raise Conflict(_("Dieser Name ist bereits vergeben."), {"pseudonym": [_("Bereits vergeben.")]})
    renamed = pseudonym != user.pseudonym
    user.pseudonym, user.pseudonym_key, user.locale = pseudonym, key, locale
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Dieser Name ist bereits vergeben."), {"pseudonym": [_("Bereits vergeben.")]}) from None
    if renamed:
        _render_discussions_again(user)
    return renamed


def _render_discussions_again(user):
    from ..comments.models import Comment
    from ..consultations.models import Consultation

    written = select(Comment.consultation_id).where(Comment.author_id == user.id).distinct()
    db.session.execute(update(Consultation).where(Consultation.id.in_(written))
                       .values(revision=Consultation.revision + 1).execution_options(synchronize_session=False))
