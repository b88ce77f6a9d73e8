"""Pages under /paderborn/<region>/dienste/: the public catalogue and the moderators' forms."""

from flask import Blueprint, flash, redirect, render_template, url_for

from beteiligung.plugin_api import (
    Invalid,
    apply_errors,
    can_moderate,
    current_region,
    current_user,
    db,
    login_required,
)
from beteiligung.plugin_api import gettext as _

from . import services
from .forms import URL_HINT, ServiceForm, ToggleForm

bp = Blueprint("paderborn", __name__)


def _refusal(region):
    """The 403 page for signed-in users who do not moderate the region (None for moderators)."""
    if can_moderate(current_user, region):
        return None
    return render_template("paderborn/forbidden.html", region=region), 403


def _save(form, save):
    """Run ``save`` for a valid submitted form and commit; otherwise put every message next to its field.

    Returns the saved service, or None when refused. The form checks presence and the date's format,
    the service every rule; a refused form shows the messages of both at once.
    """
    if form.validate():
        try:
            service = save(form.values())
            db.session.commit()
            return service
        except Invalid as error:
            db.session.rollback()
            apply_errors(form, error)
    else:
        apply_errors(form, services.clean_service(form.values())[1])
    flash(services.refused(), "error")
    return None


@bp.route("/dienste/")
def catalogue():
    region = current_region()
    return render_template("paderborn/catalogue.html", region=region, page=services.catalogue_page(region),
                           moderator=can_moderate(current_user, region))


@bp.route("/dienste/verwaltung")
@login_required
def manage():
    region = current_region()
    refusal = _refusal(region)
    if refusal:
        return refusal
    return render_template("paderborn/manage.html", region=region,
                           page=services.catalogue_page(region, active_only=False), toggle_form=ToggleForm(),
                           survey_max=services.SURVEY_SERVICES_MAX)


def _edit_page(region, form, service=None, status=200):
    heading = _("Online-Dienst bearbeiten") if service else _("Online-Dienst hinzufügen")
    return render_template("paderborn/form.html", region=region, form=form, service=service, heading=heading,
                           url_hint=URL_HINT), status


@bp.route("/dienste/neu", methods=["GET", "POST"])
@login_required
def create():
    region = current_region()
    refusal = _refusal(region)
    if refusal:
        return refusal
    form = ServiceForm()
    if form.is_submitted():
        service = _save(form, lambda values: services.create_service(current_user, region, values))
        if service is not None:
            flash(_("Der Online-Dienst „%(name)s“ wurde gespeichert.", name=service.name), "success")
            return redirect(url_for(".manage"), code=303)
        return _edit_page(region, form, status=422)
    return _edit_page(region, form)


@bp.route("/dienste/<int:service_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(service_id):
    region = current_region()
    refusal = _refusal(region)
    if refusal:
        return refusal
    service = services.get_service(region, service_id)
    form = ServiceForm(obj=service)
    if form.is_submitted():
        if _save(form, lambda values: services.update_service(current_user, service, region, values)) is not None:
            flash(_("Der Online-Dienst „%(name)s“ wurde gespeichert.", name=service.name), "success")
            return redirect(url_for(".manage"), code=303)
        return _edit_page(region, form, service, status=422)
    return _edit_page(region, form, service)


def _toggle(service_id, active):
    region = current_region()
    refusal = _refusal(region)
    if refusal:
        return refusal
    service = services.get_service(region, service_id)
    if ToggleForm().validate_on_submit():
        services.set_active(current_user, service, region, active)
        db.session.commit()
        flash(_("Gespeichert: „%(name)s“ wird wieder öffentlich angezeigt.", name=service.name) if active else
              _("Gespeichert: „%(name)s“ wird nicht mehr öffentlich angezeigt.", name=service.name), "success")
    return redirect(url_for(".manage"), code=303)


@bp.route("/dienste/<int:service_id>/deaktivieren", methods=["POST"])
@login_required
def deactivate(service_id):
    return _toggle(service_id, False)


@bp.route("/dienste/<int:service_id>/reaktivieren", methods=["POST"])
@login_required
def reactivate(service_id):
    return _toggle(service_id, True)
