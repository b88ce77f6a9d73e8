from datetime import UTC
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import timeutil
from ..errors import DomainError
from ..extensions import db, limiter, login_manager
from ..forms import show_error, submit_form
from ..ids import parse_id
from . import services
from .forms import ChangePasswordForm, DeleteAccountForm, LoginForm, RegisterForm
from .models import User

bp = Blueprint("accounts", __name__, url_prefix="/konto")

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Bitte melden Sie sich an, um fortzufahren.")
login_manager.login_message_category = "error"


# Session keys: the account's session version when the session started, and when it was last seen
# (seconds since the epoch, refreshed at most once a minute; a cookie value, never a database write).
SESSION_VERSION_KEY = "_sv"
LAST_SEEN_KEY = "_seen"
SEEN_REFRESH_SECONDS = 60


def _now():
    return int(timeutil.utcnow().replace(tzinfo=UTC).timestamp())


def _idle_expired():
    """Whether the session was idle longer than SESSION_IDLE_MINUTES.

    A session without the time (started before sessions had one) starts its clock now (check_session).
    """
    seen = session.get(LAST_SEEN_KEY)
    if not isinstance(seen, int):
        return False
    return _now() - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60


@login_manager.user_loader
def load_user(user_id):
    number = parse_id(user_id)
    if number is None or _idle_expired():
        return None
    user = db.session.scalar(select(User).options(selectinload(User.moderated_regions))
                             .where(User.id == number))
    if user is None:
        return None
    version = session.get(SESSION_VERSION_KEY, 0)
    if not isinstance(version, int) or version < user.session_version:
        return None  # the account logged out elsewhere or changed its password after this session began
    return user


def _start_session(user):
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version
    session[LAST_SEEN_KEY] = _now()


def _end_session():
    logout_user()
    session.pop(SESSION_VERSION_KEY, None)
    session.pop(LAST_SEEN_KEY, None)


@bp.before_app_request
def check_session():
    """End a session that was idle too long or whose account ended it; refresh the last-seen time.

    The JSON API never reads the session cookie (bearer tokens only), so its requests are left alone.
    """
    if "_user_id" not in session or request.blueprint == "api" or request.endpoint == "static":
        return None
    if _idle_expired():
        _end_session()
        flash(_("Sie wurden nach längerer Inaktivität abgemeldet."), "error")
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")), code=303)
        return None
    if not current_user.is_authenticated:
        _end_session()  # stale session version or deleted account: the cookie no longer logs anyone in
        return None
    seen = session.get(LAST_SEEN_KEY)
    if not isinstance(seen, int) or _now() - seen >= SEEN_REFRESH_SECONDS:
        session[LAST_SEEN_KEY] = _now()
    return None


def _safe_next(target):
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def register():
    """A new account, unconfirmed until its owner follows the mailed link; no session starts here.

    An address that has an account gets the very same answer (its owner is mailed instead), so the
    page tells nobody which addresses are registered.
    """
    from .confirmation import register_account

    form = RegisterForm()
    done, status = submit_form(
        form, lambda: register_account(form.email.data, form.password.data, form.pseudonym.data,
                                       form.accept_terms.data, locale=str(get_locale())),
        _("Fast geschafft: Bitte bestätigen Sie Ihre E-Mail-Adresse."),
        lambda _result: url_for("accounts.registered"))
    return done or (render_template("accounts/register.html", form=form), status)


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    from . import throttle  # failed log-ins per account and per known device (issue 11, "Guessing")

    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        device = request.cookies.get(throttle.DEVICE_COOKIE)
        try:
            user = throttle.log_in(form.email.data, form.password.data, device)
        except throttle.LoginBlocked as blocked:
            flash(blocked.message, "error")
            response = current_app.make_response((render_template("accounts/login.html", form=form), 429))
            response.headers["Retry-After"] = str(blocked.retry_after)
            return response
        db.session.commit()  # a failure is counted, a success ends the count
        if user is not None:
            session.pop("poll_codes", None)  # a workshop code belongs to the person before
            _start_session(user)
            flash(_("Sie sind angemeldet."), "success")
            response = redirect(_safe_next(request.args.get("next")), code=303)
            return throttle.set_device_cookie(response, user.id, device)
        flash(_("E-Mail-Adresse oder Passwort sind nicht richtig."), "error")
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/abmelden", methods=["POST"])
@login_required
def logout():
    # Every session of the account ends, also copies of this cookie and sessions on other devices, and
    # its API tokens are revoked (issue 11: log-out, password change and reset end all of them).
    services.end_other_sessions(current_user)
    db.session.commit()
    _end_session()
    session.pop("poll_codes", None)
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("home.index"), code=303)


@bp.route("/")
@login_required
def account():
    return render_template("accounts/account.html", form=DeleteAccountForm())


def _account_key():
    return f"account:{current_user.get_id()}" if current_user.is_authenticated else get_remote_address()


@bp.route("/passwort", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_CHANGE_RATE_LIMIT"], key_func=_account_key, methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            version = services.change_password(current_user._get_current_object(), form.current_password.data,
                                               form.password.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            session[SESSION_VERSION_KEY] = version  # this session goes on, every other one ends
            flash(_("Ihr Passwort ist geändert. Alle anderen Sitzungen und alle Zugangstokens sind beendet."),
                  "success")
            return redirect(url_for("accounts.account"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("accounts/password.html", form=form, min_length=services.PASSWORD_MIN_LENGTH), status


@bp.route("/daten.json")
@login_required
def export():
    response = jsonify(services.export_data(current_user))
    response.headers["Content-Disposition"] = "attachment; filename=meine-daten-beteiligung.json"
    return response


@bp.route("/loeschen", methods=["POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data,
                                    delete_texts=form.delete_texts.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            _end_session()
            flash(_("Ihr Konto ist gelöscht. Ihre Beiträge bleiben als „Gelöschtes Konto“ stehen."), "success")
            return redirect(url_for("home.index"), code=303)
    return render_template("accounts/account.html", form=form), status


@bp.route("/nutzungsbedingungen")
def terms():
    return render_template("legal/terms.html")


@bp.route("/datenschutz")
def privacy():
    return render_template("legal/privacy.html")


# More routes of this blueprint, in modules of their own: e-mail confirmation (confirm_views), my participation
# (participation_views), password reset, new address and profile (recovery_views).
from . import confirm_views, participation_views, recovery_views  # noqa: E402,F401
