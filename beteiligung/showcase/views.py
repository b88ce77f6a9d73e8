"""Projektschaufenster pages: the overview across regions (filters, pages, CSV), a project's page with its
materials, and the moderators' forms."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError, Invalid
from ..extensions import db
from ..forms import form_errors, page_arg, posted_target, show_error, submit_form
from ..pagination import paginate
from ..policy import can_moderate, is_authenticated
from ..polls.services import csv_text
from ..processes import images
from ..regions.services import get_region_by_slug, list_regions
from . import materials, services
from .forms import ConfirmForm, LinkForm, MaterialForm, ProjectForm, RelationForm
from .models import QUERY_MAX

bp = Blueprint("showcase", __name__)

PER_PAGE = 12


@bp.url_value_preprocessor
def material_upload_limit(endpoint, values):
    """A material may be larger than other forms: its limit is raised before anything reads the body."""
    if endpoint == "showcase.add_material":
        request.max_content_length = materials.material_max_bytes() + 256 * 1024


def template_globals(app):
    """Functions the showcase's templates and macros use (globals: imported macros see them too)."""
    app.jinja_env.globals.update(
        showcase_status_label=services.status_label, showcase_date=format_date,
        showcase_projects_for=lambda kind, target_id: services.projects_related_to(kind, target_id, current_user))


def _filters():
    """(region, status, q) from the query string; what names nothing (an unknown region or status) is no
    filter, and the text is cut to its longest length."""
    region = get_region_by_slug(request.args.get("region", ""))
    status = request.args.get("status", "")
    status = status if status in services.STATUSES else ""
    q = " ".join(request.args.get("q", "").split())[:QUERY_MAX]
    return region, status, q


def _moderated_regions():
    if not is_authenticated(current_user):
        return []
    return [region for region in list_regions() if can_moderate(current_user, region)]


@bp.route("/projektschaufenster")
def index():
    region, status, q = _filters()
    query = services.with_details(services.project_query(current_user, region, status, q))
    page = paginate(query, page_arg(), current_app.config.get("SHOWCASE_PER_PAGE", PER_PAGE))
    return render_template("showcase/index.html", page=page, regions=list_regions(), region=region, status=status,
                           q=q, statuses=services.STATUSES, may_create=bool(_moderated_regions()))


@bp.route("/projektschaufenster.csv")
def export_csv():
    region, status, q = _filters()
    projects = db.session.scalars(services.with_details(services.project_query(current_user, region, status, q))
                                  ).unique().all()
    return Response(csv_text(services.csv_rows(projects)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="projektschaufenster-{services.export_stamp()}.csv"'})


@bp.route("/projektschaufenster/<int:project_id>")
def show(project_id):
    project = services.get_project(current_user, project_id)
    moderator = can_moderate(current_user, project.region)
    processes, measures = services.related(project, current_user)
    context = {}
    if moderator:
        relation_form = RelationForm(prefix="bezug")
        relation_form.target.choices = services.relation_choices(project)
        context = {"link_form": LinkForm(prefix="link"), "material_form": MaterialForm(prefix="material"),
                   "relation_form": relation_form,
                   "material_limit": materials.megabytes(materials.material_max_bytes())}
    return render_template("showcase/show.html", project=project, moderator=moderator, processes=processes,
                           measures=measures, contact=services.contact_of(project), **context)


def _managed(project_id):
    """The project named in the URL, for its region's moderators (drafts are 404 to others, as on reading)."""
    project = services.get_project(current_user, project_id)
    if not can_moderate(current_user, project.region):
        abort(403)
    return project


def _fields(form):
    return {key: getattr(form, key).data for key in services.FIELDS}


@bp.route("/projektschaufenster/neu", methods=["GET", "POST"])
@login_required
def create():
    regions = _moderated_regions()
    if not regions:
        abort(403)
    form = ProjectForm()
    form.region.choices = [(region.slug, region.name) for region in regions]
    if not form.is_submitted() and request.args.get("region"):
        form.region.data = request.args["region"]
    region = next((r for r in regions if r.slug == form.region.data), None)
    if form.is_submitted() and region is None:
        form.region.errors = [_("Bitte wählen Sie eine Region, die Sie moderieren.")]
        return render_template("showcase/form.html", form=form, project=None), 422
    done, status = submit_form(
        form, lambda: services.create_project(current_user, region, **_fields(form)),
        _("Das Projekt wurde angelegt."),
        lambda project: url_for(".show", project_id=project.id))
    return done or (render_template("showcase/form.html", form=form, project=None), status)


@bp.route("/projektschaufenster/<int:project_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(project_id):
    project = _managed(project_id)
    form = ProjectForm(obj=project)
    del form.region
    done, status = submit_form(
        form, lambda: services.update_project(current_user, project, **_fields(form)),
        _("Die Änderungen wurden gespeichert."),
        lambda _result: url_for(".show", project_id=project.id))
    return done or (render_template("showcase/form.html", form=form, project=project), status)


@bp.route("/projektschaufenster/<int:project_id>/loeschen", methods=["GET", "POST"])
@login_required
def delete(project_id):
    project = _managed(project_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        names = services.delete_project(current_user, project)
        db.session.commit()
        materials.remove_files(names)
        flash(_("Das Projekt wurde gelöscht."), "success")
        return redirect(url_for(".index"), code=303)
    return render_template("showcase/delete.html", project=project, form=form)


@bp.route("/projektschaufenster/<int:project_id>/links", methods=["POST"])
@login_required
def add_link(project_id):
    project = _managed(project_id)
    form = LinkForm(prefix="link")
    if not form.validate_on_submit():
        raise Invalid(form_errors(form) or _("Bitte prüfen Sie die markierten Angaben."))
    try:
        services.add_link(current_user, project, form.title.data, form.url.data)
    except Invalid as error:
        raise Invalid(" ".join([error.message, *[m for ms in error.fields.values() for m in ms]])) from None
    db.session.commit()
    flash(_("Der Link wurde gespeichert."), "success")
    return redirect(url_for(".show", project_id=project.id, _anchor="links"), code=303)


@bp.route("/projektschaufenster/<int:project_id>/links/<int:link_id>/entfernen", methods=["POST"])
@login_required
def remove_link(project_id, link_id):
    project = _managed(project_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_link(current_user, project, link_id)
    db.session.commit()
    flash(_("Der Link wurde entfernt."), "success")
    return redirect(url_for(".show", project_id=project.id, _anchor="links"), code=303)


@bp.route("/projektschaufenster/<int:project_id>/materialien", methods=["POST"])
@login_required
def add_material(project_id):
    project = _managed(project_id)
    form = MaterialForm(prefix="material")
    if not form.validate_on_submit():
        raise Invalid(form_errors(form) or _("Bitte prüfen Sie die markierten Angaben."))
    upload = form.file.data
    limit = materials.material_max_bytes()
    data = upload.read(limit + 1) if upload else b""
    try:
        material = materials.add_material(current_user, project, form.title.data, data, limit)
        name = material.file_name
        try:
            db.session.commit()
        except Exception:
            materials.remove_files([name])
            raise
    except DomainError as error:
        status = show_error(form, error)
        return _show_with(project, status, material_form=form)
    flash(_("Das Material wurde gespeichert."), "success")
    return redirect(url_for(".show", project_id=project.id, _anchor="materialien"), code=303)


def _show_with(project, status, **forms):
    """The project's page again with a refused form (its messages on its fields)."""
    processes, measures = services.related(project, current_user)
    relation_form = forms.pop("relation_form", None) or RelationForm(prefix="bezug")
    relation_form.target.choices = services.relation_choices(project)
    context = {"link_form": LinkForm(prefix="link"), "material_form": MaterialForm(prefix="material"),
               "relation_form": relation_form, "material_limit": materials.megabytes(materials.material_max_bytes())}
    context.update(forms)
    return render_template("showcase/show.html", project=project, moderator=True, processes=processes,
                           measures=measures, contact=services.contact_of(project), **context), status


@bp.route("/projektschaufenster/<int:project_id>/materialien/<int:material_id>/entfernen", methods=["POST"])
@login_required
def remove_material(project_id, material_id):
    project = _managed(project_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = materials.remove_material(current_user, project, material_id)
    db.session.commit()
    materials.remove_files([name])
    flash(_("Das Material wurde entfernt."), "success")
    return redirect(url_for(".show", project_id=project.id, _anchor="materialien"), code=303)


@bp.route("/projektschaufenster/<int:project_id>/materialien/<int:material_id>/<name>")
def material(project_id, material_id, name):
    project = services.get_project(current_user, project_id)
    material = materials.get_material(project, material_id)
    if name != material.file_name:
        abort(404)
    response = images.send(materials.UPLOAD_KIND, material.file_name, max_age=0 if not project.published else 3600,
                           private=not project.published)
    response.headers["Content-Type"] = material.media_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    if material.media_type == materials.PDF_MEDIA_TYPE:
        response.headers["Content-Disposition"] = f'attachment; filename="{material.file_name}"'
    return response


@bp.route("/projektschaufenster/<int:project_id>/bezuege", methods=["POST"])
@login_required
def relate(project_id):
    project = _managed(project_id)
    kind, target_id = posted_target(RelationForm(prefix="bezug"),
                                    _("Bitte wählen Sie einen Beteiligungsprozess oder eine Maßnahme aus."))
    services.relate(current_user, project, kind, target_id)
    db.session.commit()
    flash(_("Die Verknüpfung wurde gespeichert."), "success")
    return redirect(url_for(".show", project_id=project.id, _anchor="bezuege"), code=303)


@bp.route("/projektschaufenster/<int:project_id>/bezuege/<kind>/<int:target_id>/entfernen", methods=["POST"])
@login_required
def unrelate(project_id, kind, target_id):
    project = _managed(project_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unrelate(current_user, project, kind, target_id)
    db.session.commit()
    flash(_("Die Verknüpfung wurde entfernt."), "success")
    return redirect(url_for(".show", project_id=project.id, _anchor="bezuege"), code=303)
