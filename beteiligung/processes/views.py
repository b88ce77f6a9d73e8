"""Process pages: the public list and timeline, and the moderators' pages for processes and phases."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..errors import DomainError, Invalid
from ..extensions import db
from ..forms import form_errors, page_arg, show_error, submit_form
from ..ids import parse_id
from ..measures.services import measure_list
from ..pagination import paginate
from ..policy import can_moderate
from ..regions.services import region_or_404
from ..timeutil import to_local, to_utc, utcnow
from . import images, services
from .forms import AttachForm, HeaderImageForm, NewProcessForm, PhaseForm, ProcessForm
from .instruments import instrument_kinds
from .models import Process
from .templates import templates_for

bp = Blueprint("processes", __name__)

PROCESS_STATUS_LABELS = {"upcoming": _l("Demnächst"), "running": _l("Läuft"), "finished": _l("Abgeschlossen")}
PHASE_STATUS_LABELS = {"upcoming": _l("Demnächst"), "current": _l("Aktuelle Phase"), "past": _l("Abgeschlossen")}


@bp.url_value_preprocessor
def image_upload_limit(endpoint, values):
    """The image upload may be larger than other forms: its limit is raised before anything reads the body
    (URL value preprocessors run before every before_request function, the CSRF check among them)."""
    if endpoint == "processes.upload_image":
        request.max_content_length = images.max_bytes() + 256 * 1024


@bp.app_context_processor
def labels():
    return {"process_status_label": lambda status: str(PROCESS_STATUS_LABELS.get(status, status)),
            "phase_status_label": lambda status: str(PHASE_STATUS_LABELS.get(status, status))}


def _managed(process_id):
    """The process named in the URL, for its region's moderators (drafts are 404 to others, as on reading)."""
    process = services.get_process(current_user, process_id)
    if not can_moderate(current_user, process.region):
        abort(403)
    return process


@bp.route("/regionen/<region_slug>/prozesse")
def index(region_slug):
    region = region_or_404(region_slug)
    query = services.process_query(current_user, region).options(selectinload(Process.phases))
    page = paginate(query, page_arg(), current_app.config.get("PROCESSES_PER_PAGE", 20))
    return render_template("processes/index.html", region=region, page=page, now=utcnow(),
                           moderator=can_moderate(current_user, region))


@bp.route("/prozesse/<int:process_id>")
def show(process_id):
    process = services.get_process(current_user, process_id)
    now = utcnow()
    rows = services.timeline(process, current_user, now)
    open_now = [entry for _phase, _status, entries in rows for entry in entries if entry.status == "open"]
    return render_template("processes/show.html", process=process, rows=rows, now=now, open_now=open_now,
                           status=process.status_at(now, [phase for phase, _status, _entries in rows]),
                           moderator=can_moderate(current_user, process.region),
                           measures=measure_list(process))


# --- moderators: processes ------------------------------------------------------------------------

@bp.route("/regionen/<region_slug>/prozesse/neu", methods=["GET", "POST"])
@login_required
def create(region_slug):
    region = region_or_404(region_slug)
    if not can_moderate(current_user, region):
        abort(403)
    templates = templates_for(region)
    form = NewProcessForm()
    form.template.choices = [("", _("Keine – leer beginnen"))] + [
        (key, template["title"]) for key, template in templates.items()]
    if request.method == "GET" and request.args.get("vorlage") in templates:
        form.template.data = request.args["vorlage"]
    done, status = submit_form(
        form, lambda: services.create_process(current_user, region, form.title.data, form.summary.data,
                                              form.body.data, template=form.template.data or None),
        _("Der Beteiligungsprozess wurde als Entwurf angelegt."),
        lambda process: url_for(".edit", process_id=process.id))
    return done or (render_template("processes/new.html", form=form, region=region, templates=templates), status)


@bp.route("/prozesse/<int:process_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(process_id):
    process = _managed(process_id)
    form = ProcessForm(obj=process)
    done, status = submit_form(
        form, lambda: services.update_process(current_user, process, title=form.title.data,
                                              summary=form.summary.data, body=form.body.data),
        _("Die Änderungen wurden gespeichert."),
        lambda _result: url_for(".edit", process_id=process.id))
    return done or (render_template("processes/edit.html", process=process, form=form,
                                    image_form=HeaderImageForm(prefix="bild"),
                                    rows=services.timeline(process, current_user),
                                    image_limit=f"{images.max_bytes() / 1024 / 1024:g}"), status)


@bp.route("/prozesse/<int:process_id>/bild", methods=["POST"])
@login_required
def upload_image(process_id):
    process = _managed(process_id)
    form = HeaderImageForm(prefix="bild")
    if not form.validate_on_submit():
        raise Invalid(form_errors(form) or _("Bitte prüfen Sie die markierten Angaben."))
    upload = form.image.data
    data = upload.read(images.max_bytes() + 1) if upload else b""
    try:
        previous = services.set_header_image(
            current_user, process, data, form.alt.data, images.uploads_folder(), images.max_bytes(),
            int(current_app.config.get("PROCESS_IMAGE_MAX_PIXELS", images.MAX_PIXELS)))
        db.session.commit()
    except DomainError as error:
        status = show_error(form, error)
        return render_template("processes/edit.html", process=process, form=ProcessForm(obj=process),
                               image_form=form, rows=services.timeline(process, current_user),
                               image_limit=f"{images.max_bytes() / 1024 / 1024:g}"), status
    images.remove(images.uploads_folder(), previous)
    flash(_("Das Titelbild wurde gespeichert."), "success")
    return redirect(url_for(".edit", process_id=process.id), code=303)


@bp.route("/prozesse/<int:process_id>/bild/entfernen", methods=["POST"])
@login_required
def remove_image(process_id):
    process = _managed(process_id)
    previous = services.remove_header_image(current_user, process)
    db.session.commit()
    images.remove(images.uploads_folder(), previous)
    flash(_("Das Titelbild wurde entfernt."), "success")
    return redirect(url_for(".edit", process_id=process.id), code=303)


@bp.route("/prozesse/<int:process_id>/bild/<name>")
def image(process_id, name):
    process = services.get_process(current_user, process_id)
    if not process.header_image or name != process.header_image:
        abort(404)
    # A new image gets a new name: the file behind a name never changes and may be cached for long.
    return images.send("processes", name, max_age=365 * 24 * 3600)


@bp.route("/prozesse/<int:process_id>/veroeffentlichen", methods=["POST"])
@login_required
def publish(process_id):
    process = _managed(process_id)
    published = request.form.get("published") == "1"
    services.set_published(current_user, process, published)
    db.session.commit()
    flash(_("Der Beteiligungsprozess ist jetzt veröffentlicht.") if published
          else _("Der Beteiligungsprozess ist jetzt nicht mehr öffentlich."), "success")
    return redirect(url_for(".edit", process_id=process.id), code=303)


# --- moderators: phases ---------------------------------------------------------------------------

def _phase_dates(form):
    return {"starts_at": to_utc(form.starts_at.data), "ends_at": to_utc(form.ends_at.data)}


@bp.route("/prozesse/<int:process_id>/phasen/neu", methods=["GET", "POST"])
@login_required
def add_phase(process_id):
    process = _managed(process_id)
    form = PhaseForm()
    done, status = submit_form(
        form, lambda: services.add_phase(current_user, process, form.title.data, form.description.data,
                                         **_phase_dates(form)),
        _("Die Phase wurde angelegt."),
        lambda _result: url_for(".edit", process_id=process.id))
    return done or (render_template("processes/phase.html", process=process, phase=None, form=form), status)


def _attach_form(process, phase):
    form = AttachForm(prefix="attach")
    kinds = instrument_kinds()
    form.instrument.choices = [(f"{key}:{target_id}", f"{kinds[key].label}: {title}")
                               for key, choices in services.attachable(process, phase).items()
                               for target_id, title in choices]
    return form


@bp.route("/prozesse/<int:process_id>/phasen/<int:phase_id>", methods=["GET", "POST"])
@login_required
def edit_phase(process_id, phase_id):
    process = _managed(process_id)
    phase = services.get_phase(process, phase_id)
    form = PhaseForm(obj=phase)
    if request.method == "GET":
        form.starts_at.data, form.ends_at.data = to_local(phase.starts_at), to_local(phase.ends_at)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_phase(current_user, phase, title=form.title.data, description=form.description.data,
                                  **_phase_dates(form))
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Die Phase wurde gespeichert."), "success")
            return redirect(url_for(".edit_phase", process_id=process.id, phase_id=phase.id), code=303)
    elif form.is_submitted():
        status = 422
    entries = next((entries for row_phase, _status, entries in services.timeline(process, current_user)
                    if row_phase.id == phase.id), [])
    return render_template("processes/phase.html", process=process, phase=phase, form=form, entries=entries,
                           attach=_attach_form(process, phase)), status


@bp.route("/prozesse/<int:process_id>/phasen/<int:phase_id>/verschieben", methods=["POST"])
@login_required
def move_phase(process_id, phase_id):
    process = _managed(process_id)
    phase = services.get_phase(process, phase_id)
    services.move_phase(current_user, phase, request.form.get("direction", ""))
    db.session.commit()
    flash(_("Die Reihenfolge der Phasen wurde geändert."), "success")
    return redirect(url_for(".edit", process_id=process.id, _anchor="phasen"), code=303)


@bp.route("/prozesse/<int:process_id>/phasen/<int:phase_id>/loeschen", methods=["POST"])
@login_required
def delete_phase(process_id, phase_id):
    process = _managed(process_id)
    phase = services.get_phase(process, phase_id)
    services.delete_phase(current_user, phase)
    db.session.commit()
    flash(_("Die Phase wurde gelöscht. Ihre Beteiligungen und Umfragen bleiben erhalten."), "success")
    return redirect(url_for(".edit", process_id=process.id, _anchor="phasen"), code=303)


@bp.route("/prozesse/<int:process_id>/phasen/<int:phase_id>/instrumente", methods=["POST"])
@login_required
def attach(process_id, phase_id):
    process = _managed(process_id)
    phase = services.get_phase(process, phase_id)
    form = _attach_form(process, phase)
    kind, _sep, target = (form.instrument.data or "").partition(":")
    target_id = parse_id(target)
    if not form.validate_on_submit() or target_id is None:
        raise Invalid(form_errors(form) or _("Bitte wählen Sie eine Beteiligung, Umfrage oder Vorschlagssammlung aus."))
    services.attach_instrument(current_user, phase, kind, target_id, form.follows_phase_dates.data)
    db.session.commit()
    flash(_("Das Instrument gehört jetzt zur Phase „%(title)s“.", title=phase.title), "success")
    return redirect(url_for(".edit_phase", process_id=process.id, phase_id=phase.id), code=303)


@bp.route("/prozesse/<int:process_id>/instrumente/<int:instrument_id>/entfernen", methods=["POST"])
@login_required
def detach(process_id, instrument_id):
    process = _managed(process_id)
    instrument = services.get_instrument(process, instrument_id)
    phase_id = instrument.phase_id
    services.detach_instrument(current_user, instrument)
    db.session.commit()
    flash(_("Das Instrument gehört nicht mehr zur Phase. Es selbst bleibt erhalten."), "success")
    return redirect(url_for(".edit_phase", process_id=process.id, phase_id=phase_id), code=303)
