"""Measure pages: a measure with its log, the moderators' forms, and the export of a process."""

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid
from ..extensions import db
from ..forms import form_errors, posted_target, submit_form
from ..policy import can_moderate
from ..processes import services as processes
from . import services
from .forms import LinkForm, MeasureForm, UpdateForm
from .links import link_kinds
from .models import MeasureStatus

bp = Blueprint("measures", __name__)


def template_globals(app):
    """Functions the templates of other pages use too (the process page, the inputs' "Daraus wurde")."""
    app.jinja_env.globals.update(
        measure_status_label=services.status_label, measure_date=format_date,
        measures_from=lambda **wanted: services.measures_from(
            {kind: list(ids) for kind, ids in wanted.items()}, current_user),
        measure_statuses=[member.value for member in MeasureStatus],
        process_summaries=lambda region: services.process_summaries(region, current_user))


def _managed(measure_id):
    measure = services.get_measure(current_user, measure_id)
    if not can_moderate(current_user, measure.process.region):
        abort(403)
    return measure


def _managed_process(process_id):
    process = processes.get_process(current_user, process_id)
    if not can_moderate(current_user, process.region):
        abort(403)
    return process


def _fields(form):
    return {"title": form.title.data, "office": form.office.data, "description": form.description.data,
            "status": form.status.data, "progress": form.progress.data if form.progress.data is not None else 0,
            "starts_on": form.starts_on.data, "ends_on": form.ends_on.data}


def _link_form(measure):
    form = LinkForm(prefix="link")
    linked = {(link.kind, link.target_id) for link in measure.links}
    region = measure.process.region
    form.target.choices = [(f"{key}:{target_id}", f"{kind.label}: {title}")
                           for key, kind in link_kinds().items()
                           for target_id, title in kind.choices(region) if (key, target_id) not in linked]
    return form


@bp.route("/massnahmen/<int:measure_id>")
def show(measure_id):
    measure = services.get_measure(current_user, measure_id)
    links = services.resolve_links([measure], current_user)[measure.id]
    moderator = can_moderate(current_user, measure.process.region)
    return render_template("measures/show.html", measure=measure, process=measure.process, links=links,
                           moderator=moderator, update_form=UpdateForm(prefix="update") if moderator else None,
                           link_form=_link_form(measure) if moderator else None)


@bp.route("/prozesse/<int:process_id>/massnahmen/neu", methods=["GET", "POST"])
@login_required
def create(process_id):
    process = _managed_process(process_id)
    form = MeasureForm()
    done, status = submit_form(
        form, lambda: services.create_measure(current_user, process, **_fields(form)),
        _("Die Maßnahme wurde angelegt."),
        lambda measure: url_for(".show", measure_id=measure.id))
    return done or (render_template("measures/form.html", process=process, measure=None, form=form), status)


@bp.route("/massnahmen/<int:measure_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(measure_id):
    measure = _managed(measure_id)
    form = MeasureForm(obj=measure)
    done, status = submit_form(
        form, lambda: services.update_measure(current_user, measure, **_fields(form)),
        _("Die Änderungen wurden gespeichert."),
        lambda _result: url_for(".show", measure_id=measure.id))
    return done or (render_template("measures/form.html", process=measure.process, measure=measure, form=form), status)


@bp.route("/massnahmen/<int:measure_id>/stand", methods=["POST"])
@login_required
def add_update(measure_id):
    measure = _managed(measure_id)
    form = UpdateForm(prefix="update")
    if not form.validate_on_submit():
        raise Invalid(form_errors(form) or _("Bitte prüfen Sie die markierten Angaben."))
    services.add_update(current_user, measure, form.body.data, form.status.data or None, form.progress.data)
    db.session.commit()
    flash(_("Der neue Stand wurde eingetragen."), "success")
    return redirect(url_for(".show", measure_id=measure.id, _anchor="verlauf"), code=303)


@bp.route("/massnahmen/<int:measure_id>/verknuepfungen", methods=["POST"])
@login_required
def add_link(measure_id):
    measure = _managed(measure_id)
    kind, target_id = posted_target(LinkForm(prefix="link"), _("Bitte wählen Sie aus, woraus die Maßnahme entstand."))
    services.add_link(current_user, measure, kind, target_id)
    db.session.commit()
    flash(_("Die Verknüpfung wurde gespeichert."), "success")
    return redirect(url_for(".show", measure_id=measure.id, _anchor="herkunft"), code=303)


@bp.route("/massnahmen/<int:measure_id>/verknuepfungen/<int:link_id>/entfernen", methods=["POST"])
@login_required
def remove_link(measure_id, link_id):
    measure = _managed(measure_id)
    services.remove_link(current_user, measure, link_id)
    db.session.commit()
    flash(_("Die Verknüpfung wurde entfernt."), "success")
    return redirect(url_for(".show", measure_id=measure.id, _anchor="herkunft"), code=303)


@bp.route("/massnahmen/<int:measure_id>/loeschen", methods=["POST"])
@login_required
def delete(measure_id):
    measure = _managed(measure_id)
    process_id = measure.process_id
    services.delete_measure(current_user, measure)
    db.session.commit()
    flash(_("Die Maßnahme wurde gelöscht."), "success")
    return redirect(url_for("processes.show", process_id=process_id, _anchor="massnahmen"), code=303)


# --- export ---------------------------------------------------------------------------------------

@bp.route("/prozesse/<int:process_id>/export.json")
def export_json(process_id):
    process = processes.get_process(current_user, process_id)
    response = jsonify(services.export_process(process, current_user))
    response.headers["Content-Disposition"] = f'attachment; filename="prozess-{process.id}.json"'
    return response


@bp.route("/prozesse/<int:process_id>/export.csv")
def export_csv(process_id):
    process = processes.get_process(current_user, process_id)
    text = services.export_csv(services.export_process(process, current_user))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="prozess-{process.id}.csv"'})


