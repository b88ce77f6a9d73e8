"""The page of one region (its consultations, polls and the pages of its enabled plugins) and its settings
page for the region's administrators."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.models import User
from ..accounts.services import set_moderator
from ..admin.forms import RegionAdminForm, RegionSettingsForm
from ..admin.services import find_user_by_email
from ..comments.forms import ActionForm
from ..consultations.services import consultation_query
from ..errors import DomainError
from ..extensions import db
from ..forms import show_error
from ..plugins import services as plugin_services
from ..plugins.runtime import get_registry, navigation
from ..plugins.services import enabled_names
from ..policy import can_administer_region, require_admin, require_region_admin, unconfirmed_kinds
from ..polls.services import poll_query
from ..timeutil import utcnow
from .services import PROGRAMME_THEMES, add_region_admin, region_or_404, remove_region_admin, update_region

bp = Blueprint("regions", __name__)


class RegionSettingsPageForm(RegionSettingsForm):
    """The settings, and what accounts whose e-mail address is not yet confirmed may do in the region."""

    unconfirmed = SelectMultipleField(
        _l("Auch Konten mit unbestätigter E-Mail-Adresse dürfen:"),
        choices=[("comment", _l("kommentieren")), ("vote", _l("Beiträge bewerten")), ("report", _l("Beiträge melden")),
                 ("ballot", _l("an Umfragen teilnehmen")), ("problem", _l("Probleme einreichen und vergleichen")),
                 ("proposal", _l("Vorschläge einreichen")), ("support", _l("Vorschläge unterstützen"))],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


def _settings_form(region, **kwargs):
    return RegionSettingsPageForm(obj=region, unconfirmed=sorted(unconfirmed_kinds(region)), **kwargs)

#: how many of the newest consultations and polls the page lists (the rest: the filtered lists)
NEWEST = 10


def _newest(query):
    """The newest items of a query and whether there are more (one query)."""
    items = db.session.scalars(query.limit(NEWEST + 1)).all()
    return items[:NEWEST], len(items) > NEWEST


#: the months of a region's dashboard
DASHBOARD_MONTHS = 18


@bp.route("/regionen/<region_slug>")
def show(region_slug):
    from ..home import services as home
    from ..statistics import live_figures, month_label, monthly_activity

    region = region_or_404(region_slug)
    now = utcnow()
    overview = home.overview(current_user, region, now)
    running, finished = home.region_processes(current_user, region, now)
    consultations, more_consultations = _newest(consultation_query(current_user, region))
    polls, more_polls = _newest(poll_query(current_user, region))
    series = [(month_label(key), comments, ballots)
              for key, comments, ballots in monthly_activity(region, DASHBOARD_MONTHS, now)]
    return render_template("regions/show.html", region=region, consultations=consultations, polls=polls,
                           more_consultations=more_consultations, more_polls=more_polls,
                           plugin_pages=navigation(region), overview=overview, now=now,
                           running=running, finished=finished, series=series,
                           figures=live_figures(region, overview.total, now),
                           outcomes=home.outcomes(current_user, region, limit=4, now=now),
                           can_administer=can_administer_region(current_user, region))


def _administered_region(region_slug):
    """The region of the URL (404) that the signed-in account may administer (403 with a German sentence)."""
    region = region_or_404(region_slug)
    require_region_admin(current_user, region)
    return region


def _moderator_form(**kwargs):
    """The e-mail field for appointing a moderator (prefixed: the page has a second e-mail form)."""
    return RegionAdminForm(prefix="moderation", **kwargs)


def _settings_page(region, form, status=200, moderator_form=None):
    registry = get_registry()
    admin_form = RegionAdminForm(formdata=None) if current_user.role == "admin" else None
    return render_template("regions/settings.html", region=region, form=form, registry=registry,
                           enabled=enabled_names(region), action_form=ActionForm(), admin_form=admin_form,
                           programme_themes=PROGRAMME_THEMES,
                           administrators=region.administrators, moderators=region.moderators,
                           moderator_form=moderator_form or _moderator_form(formdata=None)), status


@bp.route("/regionen/<region_slug>/verwaltung", methods=["GET", "POST"])
@login_required
def settings(region_slug):
    """A region's settings and plugins, for its administrators and the platform administration."""
    region = _administered_region(region_slug)
    form = _settings_form(region)
    if form.validate_on_submit():
        try:
            changed = update_region(current_user, region, {"name": form.name.data, "theme": form.theme.data,
                                                           "description": form.description.data,
                                                           "unconfirmed_may": form.unconfirmed.data or [],
                                                           "contact_name": form.contact_name.data,
                                                           "contact_email": form.contact_email.data,
                                                           "contact_phone": form.contact_phone.data})
            db.session.commit()
        except DomainError as error:
            return _settings_page(region, form, show_error(form, error))
        if changed:
            flash(_("Die Einstellungen der Region %(name)s sind gespeichert.", name=region.name), "success")
        else:
            flash(_("Es gab nichts zu ändern."), "success")
        return redirect(url_for(".settings", region_slug=region.slug), code=303)
    if form.is_submitted():
        flash(_("Bitte prüfen Sie die Angaben zur Region."), "error")
        return _settings_page(region, form, 422)
    return _settings_page(region, form)


@bp.route("/regionen/<region_slug>/verwaltung/plugins/<name>", methods=["POST"])
@login_required
def switch_plugin(region_slug, name):
    region = _administered_region(region_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    message = plugin_services.switch_plugin(current_user, region, name, request.form.get("enable") == "1")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".settings", region_slug=region.slug), code=303)


@bp.route("/regionen/<region_slug>/verwaltung/administration", methods=["POST"])
@login_required
def add_administrator(region_slug):
    """Platform administrators make an account (by e-mail) an administrator of the region."""
    region = _administered_region(region_slug)
    require_admin(current_user)
    form = RegionAdminForm()
    if not form.validate_on_submit():
        flash(_("Bitte geben Sie die E-Mail-Adresse eines Kontos an."), "error")
        return redirect(url_for(".settings", region_slug=region.slug), code=303)
    user = find_user_by_email(form.email.data)
    if user is None:
        flash(_("Es gibt kein Konto mit dieser E-Mail-Adresse."), "error")
        return redirect(url_for(".settings", region_slug=region.slug), code=303)
    add_region_admin(current_user, region, user)
    db.session.commit()
    flash(_("%(user)s verwaltet jetzt die Region %(region)s.", user=user.pseudonym, region=region.name), "success")
    return redirect(url_for(".settings", region_slug=region.slug), code=303)


def _posted_account(user_id):
    """The account a removal button names (400 without a valid form, 404 for an unknown account)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return db.session.get(User, user_id) or abort(404)


@bp.route("/regionen/<region_slug>/verwaltung/administration/<int:user_id>/entfernen", methods=["POST"])
@login_required
def remove_administrator(region_slug, user_id):
    region = _administered_region(region_slug)
    require_admin(current_user)
    user = _posted_account(user_id)
    remove_region_admin(current_user, region, user)
    db.session.commit()
    flash(_("%(user)s verwaltet die Region %(region)s nicht mehr.", user=user.pseudonym, region=region.name),
          "success")
    return redirect(url_for(".settings", region_slug=region.slug), code=303)


@bp.route("/regionen/<region_slug>/verwaltung/moderation", methods=["POST"])
@login_required
def add_moderator(region_slug):
    """The region's administrators (and the platform administration) appoint a moderator by e-mail."""
    region = _administered_region(region_slug)
    form = _moderator_form()
    user = None
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            form.email.errors = [_("Es gibt kein Konto mit dieser E-Mail-Adresse.")]
    if user is None:
        flash(_("Bitte geben Sie die E-Mail-Adresse eines registrierten Kontos an."), "error")
        return _settings_page(region, _settings_form(region, formdata=None), 422, moderator_form=form)
    if set_moderator(current_user, user, region, moderator=True):
        db.session.commit()
        flash(_("%(user)s moderiert jetzt %(region)s.", user=user.pseudonym, region=region.name), "success")
    else:
        flash(_("%(user)s moderiert %(region)s bereits.", user=user.pseudonym, region=region.name), "success")
    return redirect(url_for(".settings", region_slug=region.slug), code=303)


@bp.route("/regionen/<region_slug>/verwaltung/moderation/<int:user_id>/entfernen", methods=["POST"])
@login_required
def remove_moderator(region_slug, user_id):
    region = _administered_region(region_slug)
    user = _posted_account(user_id)
    if set_moderator(current_user, user, region, moderator=False):
        db.session.commit()
        flash(_("%(user)s moderiert %(region)s nicht mehr.", user=user.pseudonym, region=region.name), "success")
    else:
        flash(_("%(user)s moderiert %(region)s nicht.", user=user.pseudonym, region=region.name), "success")
    return redirect(url_for(".settings", region_slug=region.slug), code=303)


from . import cli  # noqa: E402,F401  (the `flask regions …` commands live on this blueprint's CLI group)
