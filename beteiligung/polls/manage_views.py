"""The moderators' poll pages: create and edit polls and their questions, open and close them,
moderate the problems of a problem-definition poll."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..consultations.services import titles_in_regions
from ..errors import DomainError, Invalid
from ..extensions import db
from ..forms import page_arg, show_error
from ..pagination import paginate
from ..policy import can_moderate
from ..timeutil import to_local, to_utc
from . import services
from .forms import PollForm, ProblemModerationForm, QuestionForm, TemplateChoiceForm
from .models import Phase, PollKind, PollStatus, ProblemStatus
from .types import form_id
from .views import bp, moderated_regions


def _poll_form(poll=None, template_key=None):
    """The poll form; for a new poll from a template, only regions where the template exists."""
    form = PollForm(obj=poll)
    regions = moderated_regions()
    if not regions:
        abort(403)
    if poll is not None:
        # Region, kind and template are chosen once, when the poll is created.
        del form.region, form.kind, form.template
        regions = [poll.region]
    else:
        if template_key:
            regions = [region for region in regions if template_key in services.templates_for(region)]
            del form.kind  # the template decides
        form.region.choices = [(region.id, region.name) for region in regions]
    consultations = titles_in_regions(regions)
    form.consultation_id.choices = [(0, _("Keine"))] + [(cid, title) for cid, title in consultations]
    if poll is not None and request.method == "GET":
        form.opens_at.data = to_local(poll.opens_at)
        form.closes_at.data = to_local(poll.closes_at)
        form.consultation_id.data = poll.consultation_id or 0
    return form, {region.id: region for region in regions}


def _template_chooser():
    """Step one of a new poll (GET form): the templates of the plugins enabled in the user's regions."""
    chooser = TemplateChoiceForm(request.args)
    templates = {}
    for region in moderated_regions():
        for key, template in services.templates_for(region).items():
            templates.setdefault(key, (template, []))[1].append(region.name)
    chooser.vorlage.choices = [("", _("Keine – leer beginnen"))] + [
        (key, f"{template['title']} ({', '.join(names)})") for key, (template, names) in sorted(templates.items())]
    return chooser, {key: template for key, (template, _names) in templates.items()}


def _form_data(form):
    return {"title": form.title.data or None, "description": form.description.data or "",
            "consultation_id": form.consultation_id.data or None, "audience": form.audience.data,
            "results_visibility": form.results_visibility.data, "opens_at": to_utc(form.opens_at.data),
            "closes_at": to_utc(form.closes_at.data)}


@bp.route("/neu", methods=["GET", "POST"])
@login_required
def create():
    chooser, templates = _template_chooser()
    key = request.form.get("template") if request.method == "POST" else request.args.get("vorlage")
    if key and key not in templates:
        chooser.vorlage.errors = [_("Diese Vorlage gibt es in Ihren Regionen nicht.")]
        key = None
    template = templates.get(key) if key else None
    form, regions = _poll_form(template_key=key)
    status = 200 if not chooser.vorlage.errors else 422
    if template is not None and request.method == "GET":
        # The form shows the template's values; what the moderator sends back is what they chose.
        form.template.data = key
        for name in services.TEMPLATE_FIELDS:
            getattr(form, name).data = template[name]
    # A template that is not offered here creates nothing, not even an empty poll.
    if not chooser.vorlage.errors and form.validate_on_submit():
        data = dict(_form_data(form), template=key or None)
        if template is None:
            data["kind"] = form.kind.data
        if not data["template"] and not data["title"]:
            form.title.errors = [_("Bitte geben Sie einen Titel an oder wählen Sie eine Vorlage.")]
            status = 422
        else:
            try:
                poll = services.create_poll(current_user, regions[form.region.data], data)
                db.session.commit()
            except DomainError as error:
                status = show_error(form, error)
            else:
                flash(_("Die Umfrage wurde als Entwurf angelegt."), "success")
                return redirect(url_for(".edit", poll_id=poll.id), code=303)
    if form.is_submitted() and status == 200:
        status = 422
    return render_template("polls/form.html", form=form, poll=None, chooser=chooser, template=template), status


def moderated_poll(poll_id):
    poll = services.get_poll(current_user, poll_id)
    if not can_moderate(current_user, poll.region):
        abort(403)
    return poll


def _question_form(poll):
    form = QuestionForm(prefix="question")
    form.type.choices = [(key, str(qtype.label)) for key, qtype in services.available_types(poll.region).items()]
    return form


def question_definition(question):
    return {"type": question.type, "text": question.text, "help_text": question.help_text,
            "required": question.required, "allow_other": question.allow_other,
            "options": [option.label for option in question.options], "settings": dict(question.settings)}


def _render_edit(poll, form, question_form, status=200):
    return render_template("polls/edit.html", poll=poll, form=form, question_form=question_form,
                           types=services.question_types(), locked=services.has_ballots(poll),
                           code_count=services.code_count(poll)), status


@bp.route("/<int:poll_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(poll_id):
    poll = moderated_poll(poll_id)
    form, _regions = _poll_form(poll)
    status = 200
    if form.validate_on_submit():
        data = _form_data(form)
        if data["title"] is None:
            data.pop("title")
        if poll.status != PollStatus.DRAFT:
            data.pop("opens_at")  # a running poll has begun; the form shows its start for information
        try:
            services.update_poll(current_user, poll, data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Die Änderungen wurden gespeichert."), "success")
            return redirect(url_for(".edit", poll_id=poll.id), code=303)
    elif form.is_submitted():
        status = 422
    return _render_edit(poll, form, _question_form(poll), status)


@bp.route("/<int:poll_id>/fragen", methods=["POST"])
@login_required
def add_question(poll_id):
    poll = moderated_poll(poll_id)
    question_form = _question_form(poll)
    form, _regions = _poll_form(poll)
    if not question_form.validate_on_submit():
        flash(_("Bitte prüfen Sie die Angaben zur neuen Frage."), "error")
        return _render_edit(poll, form, question_form, 422)
    definitions = [question_definition(q) for q in poll.questions] + [question_form.definition()]
    try:
        services.update_poll(current_user, poll, {"questions": definitions})
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        db.session.refresh(poll)
        messages = [m for key, values in error.fields.items() for m in values]
        flash(" ".join([error.message, *messages]), "error")
        return _render_edit(poll, form, question_form, 422)
    flash(_("Die Frage wurde hinzugefügt."), "success")
    return redirect(url_for(".edit", poll_id=poll.id) + "#fragen", code=303)


@bp.route("/<int:poll_id>/fragen/<int:index>", methods=["POST"])
@login_required
def change_question(poll_id, index):
    """Remove a question or move it up (the form's action field says which)."""
    poll = moderated_poll(poll_id)
    definitions = [question_definition(q) for q in poll.questions]
    action = request.form.get("action")
    if index >= len(definitions) or action not in ("remove", "up"):
        abort(404)
    if action == "remove":
        definitions.pop(index)
    elif index > 0:
        definitions[index - 1], definitions[index] = definitions[index], definitions[index - 1]
    try:
        services.update_poll(current_user, poll, {"questions": definitions})
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        messages = [m for values in error.fields.values() for m in values]
        flash(" ".join([error.message, *messages]), "error")
        return redirect(url_for(".edit", poll_id=poll.id) + "#fragen", code=303)
    flash(_("Die Frage wurde entfernt.") if action == "remove" else _("Die Reihenfolge wurde geändert."), "success")
    return redirect(url_for(".edit", poll_id=poll.id) + "#fragen", code=303)


@bp.route("/<int:poll_id>/status", methods=["POST"])
@login_required
def change_status(poll_id):
    poll = moderated_poll(poll_id)
    action = request.form.get("action")
    if action == "open":
        services.open_poll(current_user, poll)
        message = _("Die Umfrage ist jetzt geöffnet.")
    elif action == "close":
        services.close_poll(current_user, poll)
        message = _("Die Umfrage ist beendet.")
    elif action in tuple(Phase):
        services.update_poll(current_user, poll, {"phase": action})
        message = (_("Jetzt werden die freigegebenen Probleme paarweise verglichen.") if action == Phase.COMPARING
                   else _("Es können wieder Probleme eingereicht werden."))
    elif action == "delete":
        services.delete_poll(current_user, poll)
        db.session.commit()
        flash(_("Der Entwurf wurde gelöscht."), "success")
        return redirect(url_for(".index"), code=303)
    else:
        abort(400)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".edit", poll_id=poll.id), code=303)


@bp.route("/<int:poll_id>/probleme/moderation")
@login_required
def problems(poll_id):
    poll = moderated_poll(poll_id)
    if poll.kind != PollKind.PROBLEM_DEFINITION:
        abort(404)
    status = request.args.get("status") or ProblemStatus.PENDING
    if status not in tuple(ProblemStatus):
        status = ProblemStatus.PENDING
    page = paginate(services.problems_of(current_user, poll, status), page_arg(), 50)
    approved = services.approved_choices(poll)
    form = ProblemModerationForm(formdata=None)
    form.merged_into.choices = [(0, _("–"))] + [(pid, text[:80]) for pid, text in approved]
    return render_template("polls/problems.html", poll=poll, page=page, status=status, form=form)


@bp.route("/probleme/<int:problem_id>/moderieren", methods=["POST"])
@login_required
def moderate_problem(problem_id):
    problem = services.get_problem(problem_id)
    status = request.form.get("status")
    if status not in (ProblemStatus.APPROVED, ProblemStatus.REJECTED, ProblemStatus.MERGED):
        abort(400)
    merged = request.form.get("merged_into", "")
    merged_into = form_id(merged)
    merged_into = merged_into if isinstance(merged_into, int) else None
    services.moderate_problem(current_user, problem, status, request.form.get("reason"), merged_into)
    db.session.commit()
    flash(_("Die Entscheidung wurde gespeichert."), "success")
    return redirect(url_for(".problems", poll_id=problem.poll_id), code=303)
