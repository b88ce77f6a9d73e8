"""Pages to get back in and to change one's own details: password reset, new e-mail address, profile.

Imported at the end of accounts/views.py, so the routes hang on the accounts blueprint.
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db, limiter
from ..forms import show_error, submit_form
from . import recovery, services
from .recovery_forms import ConfirmForm, EmailChangeForm, ProfileForm, ResetPasswordForm, ResetRequestForm
from .views import _account_key, bp

# Status of the page for a link that opens nothing: altered or made for something else / too old or used.
LINK_STATUS = {"invalid": 400, "expired": 410, "used": 410}


def _reset_refused(reason):
    messages = {
        "expired": _("Dieser Link ist abgelaufen: Links zum Zurücksetzen gelten %(minutes)d Minuten. Bitte fordern "
                     "Sie einen neuen an.", minutes=current_app.config["PASSWORD_RESET_MINUTES"]),
        "used": _("Dieser Link wurde bereits benutzt, oder Ihr Passwort wurde danach geändert. Er gilt nicht mehr."),
        "invalid": _("Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen "
                     "haben, oder fordern Sie einen neuen an."),
    }
    return render_template("accounts/reset_failed.html", message=messages[reason]), LINK_STATUS[reason]


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data)
        db.session.commit()
        # The same answer for every address: nobody learns here which addresses have an account.
        flash(_("Falls es ein Konto mit dieser Adresse gibt, haben wir einen Link geschickt, mit dem Sie ein neues "
                "Passwort festlegen können. Er gilt %(minutes)d Minuten.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"]), "success")
        return redirect(url_for("accounts.reset_request"), code=303)
    return render_template("accounts/reset_request.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token):
    try:
        user = recovery.user_for_reset(token)
    except recovery.LinkRefused as refused:
        return _reset_refused(refused.reason)
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.password.data)
            db.session.commit()
        except recovery.LinkRefused as refused:
            return _reset_refused(refused.reason)
        except DomainError as error:
            status = show_error(form, error)
        else:
            # Not logged in by the link: the new password is used once, on the log-in page, like any other.
            flash(_("Ihr Passwort ist geändert. Alle Sitzungen und Zugangstokens Ihres Kontos sind beendet. Bitte "
                    "melden Sie sich mit dem neuen Passwort an."), "success")
            return redirect(url_for("accounts.login"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("accounts/reset_password.html", form=form, account=user,
                           min_length=services.PASSWORD_MIN_LENGTH), status


@bp.route("/email", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["EMAIL_CHANGE_RATE_LIMIT"], key_func=_account_key, methods=["POST"])
@login_required
def change_email():
    form = EmailChangeForm()
    done, status = submit_form(
        form, lambda: recovery.request_email_change(current_user._get_current_object(), form.current_password.data,
                                                    form.email.data),
        lambda address: _("Wir haben einen Link an %(email)s geschickt. Ihre Adresse ändert sich erst, wenn Sie ihn "
                          "öffnen und die Änderung bestätigen; er gilt %(hours)d Stunden.", email=address,
                          hours=current_app.config["EMAIL_CHANGE_HOURS"]),
        lambda _address: url_for("accounts.account"))
    return done or (render_template("accounts/email.html", form=form), status)


def _email_refused(reason):
    messages = {
        "expired": _("Dieser Link ist abgelaufen: Er galt %(hours)d Stunden. Bitte beantragen Sie die Änderung "
                     "erneut.", hours=current_app.config["EMAIL_CHANGE_HOURS"]),
        "used": _("Dieser Link wurde bereits benutzt, oder die Adresse des Kontos hat sich inzwischen geändert. Er "
                  "gilt nicht mehr."),
        "invalid": _("Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen "
                     "haben."),
    }
    return render_template("accounts/email_failed.html", message=messages[reason]), LINK_STATUS[reason]


@bp.route("/email-bestaetigen/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["WRITE_RATE_LIMIT"], methods=["POST"])
def confirm_email_change(token):
    try:
        user, address = recovery.email_change_for(token)
    except recovery.LinkRefused as refused:
        return _email_refused(refused.reason)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            recovery.change_email(token)
            db.session.commit()
        except recovery.LinkRefused as refused:
            return _email_refused(refused.reason)
        except DomainError as error:
            db.session.rollback()
            return render_template("accounts/email_failed.html", message=error.message), error.status
        flash(_("Ihre E-Mail-Adresse ist jetzt %(email)s.", email=address), "success")
        mine = current_user.is_authenticated and current_user.id == user.id
        return redirect(url_for("accounts.account" if mine else "accounts.login"), code=303)
    return render_template("accounts/email_confirm.html", form=form, account=user, new_email=address), \
        422 if form.is_submitted() else 200


@bp.route("/profil", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["WRITE_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["PROFILE_RATE_LIMIT"], key_func=_account_key, methods=["POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(data={"pseudonym": user.pseudonym, "locale": user.locale})  # what is sent wins
    done, status = submit_form(
        form, lambda: recovery.update_profile(user, form.pseudonym.data, form.locale.data),
        _("Ihr Name und Ihre Sprache sind gespeichert."),
        lambda _result: url_for("accounts.account"))
    return done or (render_template("accounts/profile.html", form=form), status)
