"""Confirming the e-mail address of an account that registered itself.

Registration stores the account unconfirmed and mails a signed link (accounts.links, purpose
"confirm"); the link carries the account's id and address, so it confirms nothing once the address
has changed, and a second use finds the account confirmed already. Registering with an address that
has an account answers exactly as for a new one and mails the owner instead: nobody learns from
the page which addresses have accounts. Accounts that never confirm are deleted after
UNCONFIRMED_ACCOUNT_DAYS (``flask users purge-unconfirmed``).
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..audit.services import record
from ..errors import Conflict, DomainError
from ..extensions import db
from ..ids import parse_id
from ..timeutil import utcnow
from .links import LinkExpired, LinkInvalid, make_link_token, read_link_token
from .models import User
from .passwords import hash_password
from .services import normalize_email, register_user, remove_account

PURPOSE = "confirm"

__all__ = ["LinkExpired", "LinkInvalid", "confirm_by_operator", "confirm_email", "delete_unconfirmed_accounts",
           "read_confirmation", "register_account", "resend_confirmation"]


def link_hours():
    return current_app.config["EMAIL_CONFIRM_HOURS"]


def make_confirmation_token(user):
    return make_link_token(PURPOSE, {"u": user.id, "e": user.email})


def send_confirmation(user, key):
    """Mail the account a new confirmation link (None when a mail with the same key went out already)."""
    from ..mail import external_url, send_mail

    link = external_url("accounts.confirm", token=make_confirmation_token(user))
    return send_mail(user.email, "confirm_email", _l("Bitte bestätigen Sie Ihre E-Mail-Adresse"),
                     context={"user": user, "link": link, "hours": link_hours()}, locale=user.locale, key=key)


def _hour():
    return utcnow().strftime("%Y%m%d%H")


def register_account(email, password, pseudonym, accepted_terms, locale="de"):
    """Self-registration: the new, unconfirmed account (a confirmation link is mailed), or None.

    None when the address has an account already: then its owner is told by mail, and the caller
    answers exactly as for a new account. The same password hashing is done in both cases, so the
    answer takes about as long. Invalid input and a taken pseudonym (public anyway) are refused as
    always; register_user checks the pseudonym before the address.
    """
    try:
        user = register_user(email, password, pseudonym, accepted_terms, confirmed=False, locale=locale)
    except Conflict as error:
        if "email" not in error.fields:
            raise
        hash_password(password)  # the work a new account costs
        _tell_owner(normalize_email(email), locale)
        return None
    send_confirmation(user, key=f"confirm:{user.id}:{user.email}:registered")
    return user


def _tell_owner(email, locale):
    from ..mail import external_url, send_mail

    owner = db.session.scalar(select(User).where(User.email == email))
    if owner is None:
        return None
    try:
        reset_link = external_url("accounts.reset_request")
    except BuildError:  # an installation without the password reset page
        reset_link = None
    # At most one such mail per hour and account: registering again and again cannot flood its owner.
    return send_mail(owner.email, "register_existing", _l("Registrierung mit Ihrer E-Mail-Adresse"),
                     context={"user": owner, "login_link": external_url("accounts.login"), "reset_link": reset_link},
                     locale=owner.locale, key=f"register-existing:{owner.id}:{_hour()}")


def read_confirmation(token):
    """The account a confirmation link is for; raises LinkExpired or LinkInvalid.

    Invalid also when the account is gone or has another address now. Whether it is confirmed
    already the caller sees from the account (``is_confirmed``).
    """
    payload = read_link_token(PURPOSE, token, link_hours() * 3600)
    if not isinstance(payload, dict):
        raise LinkInvalid
    number = parse_id(str(payload.get("u", "")))
    user = db.session.get(User, number) if number is not None else None
    if user is None or not isinstance(payload.get("e"), str) or payload["e"] != user.email:
        raise LinkInvalid
    return user


def confirm_email(token):
    """Confirm the address the link was made for: (account, whether this confirmed it now).

    A second use changes nothing (False); expired or altered links raise LinkExpired / LinkInvalid.
    """
    user = read_confirmation(token)
    if user.is_confirmed:
        return user, False
    user.email_confirmed_at = utcnow()
    db.session.flush()
    return user, True


def resend_confirmation(user):
    """Mail an unconfirmed account a new link; at most one per hour and address. Returns whether one was sent."""
    if user.is_confirmed:
        return False
    return send_confirmation(user, key=f"confirm:{user.id}:{user.email}:{_hour()}") is not None


def confirm_by_operator(email):
    """The operator confirms an address by hand (command line): (account or None if unknown, whether it changed).

    Audited (without an actor: the command line). An account confirmed already stays as it is (no entry).
    """
    user = db.session.scalar(select(User).where(User.email == normalize_email(email or "")))
    if user is None or user.is_confirmed:
        return user, False
    user.email_confirmed_at = utcnow()
    db.session.flush()
    record(None, "account.confirmed", user)
    return user, True


def delete_unconfirmed_accounts(now=None, kept=None):
    """Delete the accounts still unconfirmed UNCONFIRMED_ACCOUNT_DAYS after registering; returns how many.

    They go the way every account deletion goes (accounts.services.remove_account). Administrator
    accounts are never deleted this way (they are made by operators, confirmed). An account whose
    deletion is refused (a plugin could not delete its data) stays for the next run; its id and the
    reason are appended to ``kept`` if given.
    """
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["UNCONFIRMED_ACCOUNT_DAYS"])
    stale = db.session.scalars(select(User).where(User.email_confirmed_at.is_(None), User.created_at < cutoff,
                                                  User.role != "admin").order_by(User.id)).all()
    deleted = 0
    for user in stale:
        user_id = user.id
        try:
            remove_account(user)
        except DomainError as error:
            if kept is not None:
                kept.append((user_id, error.message))
            continue
        deleted += 1
    return deleted
