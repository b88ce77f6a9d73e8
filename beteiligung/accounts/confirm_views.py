"""Confirming the e-mail address: the page after registering, the mailed link, and sending it again.

Imported at the end of accounts/views.py, so the routes hang on the accounts blueprint. The link's
page asks for a click (POST): a GET never confirms, so a mail scanner that opens links confirms nothing.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..comments.forms import ActionForm
from ..extensions import db, limiter
from ..policy import needs_confirmation
from . import confirmation
from .views import _account_key, _safe_next, bp


@bp.app_context_processor
def confirmation_helpers():
    """For every page: whether the signed-in account must confirm its address before ``kind`` in a region."""
    return {"confirmation_needed": lambda region, kind: needs_confirmation(current_user, region, kind),
            "confirmation_hours": confirmation.link_hours}


@bp.route("/registriert")
def registered():
    """Where registration leads, for a new address and for one that has an account alike."""
    return render_template("accounts/registered.html", hours=confirmation.link_hours())


def _after_confirming(user):
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.account"), code=303)
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/bestaetigen/<token>", methods=["GET", "POST"])
def confirm(token):
    try:
        user = confirmation.read_confirmation(token)
    except confirmation.LinkExpired:
        return render_template("accounts/confirm_expired.html", hours=confirmation.link_hours()), 410
    except confirmation.LinkInvalid:
        return render_template("accounts/confirm_invalid.html"), 404
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("accounts/confirm.html", form=form, token=token,
                               already=user.is_confirmed, own=_is_own(user)), status
    user, now_confirmed = confirmation.confirm_email(token)
    db.session.commit()
    if now_confirmed:
        flash(_("Vielen Dank! Ihre E-Mail-Adresse ist bestätigt.") if _is_own(user) else
              _("Vielen Dank! Ihre E-Mail-Adresse ist bestätigt. Bitte melden Sie sich an."), "success")
    else:
        flash(_("Diese E-Mail-Adresse ist bereits bestätigt; der Link wird nicht mehr gebraucht."), "success")
    return _after_confirming(user)


def _is_own(user):
    return current_user.is_authenticated and current_user.id == user.id


@bp.route("/bestaetigen/erneut", methods=["POST"])
@limiter.limit(lambda: current_app.config["CONFIRM_RESEND_RATE_LIMIT"], key_func=_account_key)
@login_required
def resend_confirmation():
    """Send the signed-in account a new confirmation link (one mail per hour and address at most)."""
    back = _safe_next(request.form.get("next"))
    if not ActionForm().validate_on_submit():
        flash(_("Bitte versuchen Sie es erneut."), "error")
        return redirect(back, code=303)
    user = current_user._get_current_object()
    if user.is_confirmed:
        flash(_("Ihre E-Mail-Adresse ist bereits bestätigt."), "success")
        return redirect(back, code=303)
    sent = confirmation.resend_confirmation(user)
    db.session.commit()
    if sent:
        flash(_("Wir haben Ihnen einen neuen Bestätigungslink an %(email)s geschickt. Er gilt %(hours)d Stunden.",
                email=user.email, hours=confirmation.link_hours()), "success")
    else:
        flash(_("Sie haben in dieser Stunde bereits einen neuen Link erhalten. Bitte sehen Sie in Ihrem Postfach "
                "nach, auch im Spam-Ordner."), "success")
    return redirect(back, code=303)
