from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import User
from ..accounts.services import set_moderator
from ..comments.forms import ActionForm
from ..errors import DomainError
from ..extensions import db
from ..forms import page_arg, show_error
from ..plugins.runtime import get_registry
from ..plugins.services import switch_plugin
from ..policy import require_admin
from ..regions.models import Region
from ..regions.services import create_region, list_regions
from .forms import ModeratorForm, RegionForm
from .services import audit_page, plugins_by_region, search_accounts

bp = Blueprint("admin", __name__, url_prefix="/verwaltung")


@bp.before_request
@login_required
def only_admins():
    require_admin(current_user)


@bp.route("/", methods=["GET", "POST"])
def index():
    form = RegionForm()
    status = 200
    if form.validate_on_submit():
        try:
            region = create_region(current_user, form.slug.data, form.name.data, form.theme.data,
                                   form.description.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Die Region %(name)s wurde angelegt.", name=region.name), "success")
            return redirect(url_for(".index"), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("admin/index.html", form=form, regions=list_regions()), status


@bp.route("/konten")
def users():
    search = (request.args.get("q") or "").strip()[:100]
    page = search_accounts(search, page_arg(), 25)
    form = ModeratorForm()
    form.region.choices = [(r.id, r.name) for r in list_regions()]
    return render_template("admin/users.html", page=page, form=form, search=search)


@bp.route("/konten/<int:user_id>/moderation", methods=["POST"])
def moderation(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = ModeratorForm()
    form.region.choices = [(r.id, r.name) for r in list_regions()]
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie Region und Aktion."), "error")
        return redirect(url_for(".users"), code=303)
    region = db.session.get(Region, form.region.data)
    add = form.action.data == "add"
    changed = set_moderator(current_user, user, region, moderator=add)
    db.session.commit()
    if add:
        message = (_("%(user)s moderiert jetzt %(region)s.", user=user.pseudonym, region=region.name) if changed
                   else _("%(user)s moderiert %(region)s bereits.", user=user.pseudonym, region=region.name))
    else:
        message = (_("%(user)s moderiert %(region)s nicht mehr.", user=user.pseudonym, region=region.name)
                   if changed else _("%(user)s moderiert %(region)s nicht.", user=user.pseudonym, region=region.name))
    flash(message, "success")
    return redirect(url_for(".users", q=request.args.get("q")), code=303)


@bp.route("/protokoll")
def audit_log():
    page, entries = audit_page(page_arg(), 50)
    return render_template("admin/audit.html", page=page, entries=entries)


@bp.route("/plugins")
def plugins():
    registry = get_registry()
    return render_template("admin/plugins.html", registry=registry, regions=list_regions(),
                           enabled=plugins_by_region(), form=ActionForm())


@bp.route("/plugins/<name>/<int:region_id>", methods=["POST"])
def toggle_plugin(name, region_id):
    region = db.session.get(Region, region_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    message = switch_plugin(current_user, region, name, request.form.get("enable") == "1")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".plugins"), code=303)


@bp.route("/zustellung")
def delivery():
    """Mails that failed or hang, and background jobs that failed: the dead letters."""
    from ..mail.admin import delivery_overview

    overview = delivery_overview(page_arg())
    return render_template("admin/delivery.html", form=ActionForm(), **overview)


@bp.route("/zustellung/<int:mail_id>/erneut", methods=["POST"])
def retry_mail(mail_id):
    from ..mail.admin import retry_mail as retry

    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        retry(current_user, mail_id)
        db.session.commit()
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Die Mail wird erneut zugestellt."), "success")
    return redirect(url_for(".delivery"), code=303)
