"""Pages: the notification centre, the settings, follow buttons and the one-click unsubscribe."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import NotFound
from ..extensions import csrf, db
from ..forms import page_arg
from . import services
from .events import kinds
from .models import CHANNELS

bp = Blueprint("notifications", __name__, url_prefix="/benachrichtigungen")

PER_PAGE = 20


def _account_state():
    """The signed-in account's unread count and follows, one query per request (navigation and buttons)."""
    if "notification_state" not in g:
        g.notification_state = services.account_state(current_user) if current_user.is_authenticated \
            else (0, set())
    return g.notification_state


@bp.app_template_global()
def unread_notifications():
    """base.html: the signed-in account's unread count."""
    return _account_state()[0]


@bp.app_template_global()
def is_following(target_type, target_id):
    return (target_type, target_id) in _account_state()[1]


@bp.app_template_global()
def notification_sentence(notification):
    return services.sentence(notification)


def _back(default):
    """A relative path from the form (the page the button was on), else ``default``."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and len(target) < 500:
        return target
    return default


@bp.route("")
@login_required
def index():
    page = services.notifications_page(current_user, page_arg(), PER_PAGE)
    return render_template("notifications/index.html", page=page)


@bp.route("/<int:notification_id>/gelesen", methods=["POST"])
@login_required
def mark_read(notification_id):
    notification = services.get_own_notification(current_user, notification_id)
    services.mark_read(current_user, notification)
    db.session.commit()
    flash(_("Als gelesen markiert."), "success")
    return redirect(_back(url_for(".index")), code=303)


@bp.route("/alle-gelesen", methods=["POST"])
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("%(n)d Benachrichtigungen als gelesen markiert.", n=count), "success")
    return redirect(url_for(".index"), code=303)


def _labels():
    return {"immediate": _("sofort per E-Mail"), "digest": _("täglich zusammengefasst"), "off": _("keine E-Mail")}


@bp.route("/einstellungen", methods=["GET", "POST"])
@login_required
def settings():
    current = services.preferences(current_user)
    errors = {}
    status = 200
    if request.method == "POST":
        choices = {key: request.form.get(f"kind-{key}", "") for key in current}
        errors = {key: _("Bitte wählen Sie eine der Möglichkeiten.") for key, value in choices.items()
                  if value not in CHANNELS}
        if not errors:
            services.set_preferences(current_user, choices)
            services.set_auto_follow(current_user, request.form.get("auto_follow") == "1")
            db.session.commit()
            flash(_("Ihre Einstellungen für Benachrichtigungen sind gespeichert."), "success")
            return redirect(url_for(".settings"), code=303)
        current = {key: choices[key] if choices[key] in CHANNELS else current[key] for key in current}
        status = 422
    all_kinds = kinds()
    return render_template("notifications/settings.html", choices=current, kinds=all_kinds, errors=errors,
                           labels=_labels(), channels=CHANNELS, follows=services.follows_of(current_user)), status


@bp.route("/folgen/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def follow(target_type, target_id):
    if target_type not in services.FOLLOWABLE:
        raise NotFound(_("Dem können Sie nicht folgen."))
    target = services.resolve_target(current_user, target_type, target_id)
    services.follow(current_user, target_type, target)
    db.session.commit()
    flash(_("Sie folgen jetzt „%(title)s“ und werden über Neues benachrichtigt.",
            title=getattr(target, "title", None) or target.name), "success")
    return redirect(_back(url_for(".settings")), code=303)


@bp.route("/nicht-mehr-folgen/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def unfollow(target_type, target_id):
    if target_type not in services.FOLLOWABLE:
        raise NotFound(_("Dem können Sie nicht folgen."))
    removed = services.unfollow(current_user, target_type, target_id)
    db.session.commit()
    flash(_("Sie folgen dem nicht mehr.") if removed else _("Sie folgten dem nicht."), "success")
    return redirect(_back(url_for(".settings")), code=303)


@bp.route("/abbestellen/<token>", methods=["GET"])
def unsubscribe_confirm(token):
    user, kind_key = services.read_unsubscribe_token(token)
    return render_template("notifications/unsubscribe.html", token=token, kind=kinds()[kind_key], done=False)


@bp.route("/abbestellen/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058: the mail program posts "List-Unsubscribe=One-Click" without a session or a token
def unsubscribe(token):
    _user, kind_key = services.unsubscribe(token)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", token=token, kind=kinds()[kind_key], done=True)
