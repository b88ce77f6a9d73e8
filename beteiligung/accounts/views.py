from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..errors import DomainError
from ..extensions import db, limiter, login_manager
from ..forms import show_error
from ..ids import parse_id
from . import services
from .forms import DeleteAccountForm, LoginForm, RegisterForm
from .models import User

bp = Blueprint("accounts", __name__, url_prefix="/konto")

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Bitte melden Sie sich an, um fortzufahren.")
login_manager.login_message_category = "error"


@login_manager.user_loader
def load_user(user_id):
    number = parse_id(user_id)
    if number is None:
        return None
    return db.session.scalar(select(User).options(selectinload(User.moderated_regions))
                             .where(User.id == number))


def _safe_next(target):
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("consultations.index")


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def register():
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.password.data, form.pseudonym.data,
                                          form.accept_terms.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            login_user(user)
            flash(_("Willkommen, %(name)s! Ihr Konto ist angelegt.", name=user.pseudonym), "success")
            return redirect(url_for("consultations.index"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("accounts/register.html", form=form), status


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            session.pop("poll_codes", None)  # a workshop code belongs to the person before
            login_user(user)
            flash(_("Sie sind angemeldet."), "success")
            return redirect(_safe_next(request.args.get("next")), code=303)
        flash(_("E-Mail-Adresse oder Passwort sind nicht richtig."), "error")
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/abmelden", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.pop("poll_codes", None)
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("consultations.index"), code=303)


@bp.route("/")
@login_required
def account():
    return render_template("accounts/account.html", form=DeleteAccountForm())


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
            logout_user()
            flash(_("Ihr Konto ist gelöscht. Ihre Beiträge bleiben als „Gelöschtes Konto“ stehen."), "success")
            return redirect(url_for("consultations.index"), code=303)
    return render_template("accounts/account.html", form=form), status


@bp.route("/nutzungsbedingungen")
def terms():
    return render_template("legal/terms.html")


@bp.route("/datenschutz")
def privacy():
    return render_template("legal/privacy.html")
