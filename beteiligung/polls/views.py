"""Poll pages: take part (account or access code), see results, and run polls as a moderator."""

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..consultations.models import Consultation
from ..errors import DomainError, Invalid
from ..extensions import db, limiter
from ..forms import page_arg, show_error
from ..pagination import paginate
from ..policy import can_moderate
from ..regions.services import get_region_by_slug, list_regions
from ..timeutil import to_local, to_utc
from . import services
from .api import csv_response
from .forms import AccessCodeForm, CodeCountForm, PollForm, ProblemForm, ProblemModerationForm, QuestionForm
from .models import AccessCode, Problem
from .types import form_id

bp = Blueprint("polls", __name__, url_prefix="/umfragen")


def participant_for(poll):
    """The page's participant: the access code entered for this poll, else the signed-in account."""
    code_id = session.get("poll_codes", {}).get(str(poll.id))
    if code_id is not None:
        code = db.session.get(AccessCode, code_id)
        if code is not None and code.poll_id == poll.id:
            return services.Participant(code=code)
    return services.Participant(user=current_user if current_user.is_authenticated else None)


def _moderated_regions():
    return [region for region in list_regions() if can_moderate(current_user, region)]


@bp.route("/")
def index():
    region = get_region_by_slug(request.args["region"]) if request.args.get("region") else None
    if request.args.get("region") and region is None:
        abort(404)
    status = request.args.get("status") or None
    if status not in (None, "open", "closed", "draft"):
        status = None
    wanted = form_id(request.args.get("consultation", ""))
    consultation = db.session.get(Consultation, wanted) if isinstance(wanted, int) else None
    page = paginate(services.poll_query(current_user, region, status, consultation), page_arg(),
                    current_app.config["POLLS_PER_PAGE"])
    return render_template("polls/index.html", page=page, regions=list_regions(), region=region, status=status,
                           consultation=consultation,
                           moderated=_moderated_regions() if current_user.is_authenticated else [])


def _show(poll, errors=None, values=None, status=200):
    who = participant_for(poll)
    moderator = can_moderate(current_user, poll.region)
    context = {"poll": poll, "who": who, "moderator": moderator, "errors": errors or {},
               "values": values, "types": services.question_types(),
               "taken_part": services.has_taken_part(who, poll) if poll.kind == "survey" else False,
               "results_visible": services.can_see_results(current_user, poll),
               "code_form": AccessCodeForm(formdata=None)}
    if poll.kind == "problem_definition":
        context["problems"] = db.session.scalars(services.problems_of(current_user, poll, "approved")).all()
        context["problem_form"] = ProblemForm(formdata=None)
        context["pair"] = None
        if poll.status == "open" and poll.phase == "comparing" and who.known:
            try:
                context["pair"] = services.next_pair(who, poll)
            except DomainError as error:
                context["pair_refusal"] = error.message
        if moderator:
            context["pending"] = db.session.scalar(select(func.count()).select_from(Problem).where(
                Problem.poll_id == poll.id, Problem.status == "pending"))
    return render_template("polls/show.html", **context), status


@bp.route("/<int:poll_id>")
def show(poll_id):
    return _show(services.get_poll(current_user, poll_id))


@bp.route("/<int:poll_id>/teilnehmen", methods=["POST"])
def take_part(poll_id):
    poll = services.get_poll(current_user, poll_id)
    who = participant_for(poll)
    if not who.known:
        flash(_("Bitte melden Sie sich an oder geben Sie Ihren Zugangscode ein."), "error")
        return redirect(url_for(".show", poll_id=poll.id), code=303)
    types = services.question_types()
    answers = {}
    for question in poll.questions:
        qtype = types.get(question.type)
        if qtype is not None:
            value = qtype.from_form(question, request.form)
            if value is not None:
                answers[question.id] = value
    try:
        services.submit_ballot(who, poll, answers)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
        return _show(poll, errors=error.fields, values=request.form, status=422)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".show", poll_id=poll.id), code=303)
    flash(_("Vielen Dank! Ihre Antworten wurden gespeichert."), "success")
    return redirect(url_for(".thanks", poll_id=poll.id), code=303)


@bp.route("/<int:poll_id>/danke")
def thanks(poll_id):
    poll = services.get_poll(current_user, poll_id)
    return render_template("polls/thanks.html", poll=poll,
                           results_visible=services.can_see_results(current_user, poll))


@bp.route("/<int:poll_id>/zugangscode", methods=["POST"])
@limiter.limit(lambda: current_app.config["ACCESS_CODE_RATE_LIMIT"])
def enter_code(poll_id):
    poll = services.get_poll(current_user, poll_id)
    form = AccessCodeForm()
    if form.validate_on_submit():
        try:
            code = services.code_for(form.code.data)
            if code.poll_id != poll.id:
                raise Invalid(_("Dieser Zugangscode gilt für eine andere Umfrage."))
            if poll.audience == "accounts":
                raise Invalid(_("An dieser Umfrage nehmen nur angemeldete Personen teil."))
            if code.used_at is not None and poll.kind == "survey":
                raise Invalid(_("Dieser Zugangscode wurde bereits verwendet."))
        except DomainError as error:
            flash(error.message, "error")
        else:
            codes = dict(session.get("poll_codes", {}))
            codes[str(poll.id)] = code.id
            session["poll_codes"] = codes
            flash(_("Ihr Zugangscode wurde angenommen."), "success")
    else:
        flash(_("Bitte geben Sie Ihren Zugangscode ein."), "error")
    return redirect(url_for(".show", poll_id=poll.id), code=303)


@bp.route("/<int:poll_id>/probleme", methods=["POST"])
def submit_problem(poll_id):
    poll = services.get_poll(current_user, poll_id)
    form = ProblemForm()
    if not form.validate_on_submit():
        flash(_("Bitte beschreiben Sie das Problem in 10 bis 500 Zeichen."), "error")
        return redirect(url_for(".show", poll_id=poll.id), code=303)
    try:
        services.submit_problem(participant_for(poll), poll, form.text.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".show", poll_id=poll.id), code=303)
    flash(_("Danke! Ihr Problem wird von der Moderation geprüft und dann zum Vergleich freigegeben."), "success")
    return redirect(url_for(".show", poll_id=poll.id), code=303)


@bp.route("/<int:poll_id>/vergleich", methods=["POST"])
def compare(poll_id):
    poll = services.get_poll(current_user, poll_id)
    ids = [value for value in request.form.getlist("pair") if isinstance(form_id(value), int)]
    choice = request.form.get("choice", "")
    if len(ids) != 2 or choice not in (*ids, "undecided"):
        flash(_("Bitte wählen Sie eines der beiden Probleme oder „Kann ich nicht entscheiden“."), "error")
        return redirect(url_for(".show", poll_id=poll.id), code=303)
    first, second = int(ids[0]), int(ids[1])
    if choice == "undecided":
        services.compare(participant_for(poll), poll, first, second, undecided=True)
    else:
        winner = int(choice)
        services.compare(participant_for(poll), poll, winner, second if winner == first else first)
    db.session.commit()
    flash(_("Danke, Ihre Wahl wurde gespeichert."), "success")
    return redirect(url_for(".show", poll_id=poll.id) + "#vergleich", code=303)


# --- results ---------------------------------------------------------------------------------

def _visible_results(poll_id):
    poll = services.get_poll(current_user, poll_id)
    services.require_results_visible(current_user, poll)
    moderator = can_moderate(current_user, poll.region)
    return poll, services.results(poll, moderator=moderator), moderator


@bp.route("/<int:poll_id>/ergebnisse")
def results(poll_id):
    poll, data, moderator = _visible_results(poll_id)
    questions = {question.id: question for question in poll.questions}
    return render_template("polls/results.html", poll=poll, data=data, moderator=moderator, questions=questions,
                           types=services.question_types())


@bp.route("/<int:poll_id>/ergebnisse.csv")
def results_csv(poll_id):
    poll, data, _moderator = _visible_results(poll_id)
    return csv_response(services.csv_rows(poll, data), f"umfrage-{poll.id}-ergebnisse.csv")


@bp.route("/<int:poll_id>/ergebnisse.json")
def results_json(poll_id):
    _poll, data, _moderator = _visible_results(poll_id)
    response = current_app.response_class(json.dumps(data, ensure_ascii=False, indent=2),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="umfrage-{poll_id}-ergebnisse.json"'
    return response


# --- moderation ------------------------------------------------------------------------------

def _poll_form(poll=None):
    form = PollForm(obj=poll)
    regions = _moderated_regions()
    if not regions:
        abort(403)
    if poll is not None:
        # Region, kind and template are chosen once, when the poll is created.
        del form.region, form.kind, form.template
        regions = [poll.region]
    else:
        form.region.choices = [(region.id, region.name) for region in regions]
        templates = {}
        for region in regions:
            templates.update(services.templates_for(region))
        form.template.choices = [("", _("Keine – leer beginnen"))] + [
            (key, f"{template['title']} ({template['plugin']})") for key, template in sorted(templates.items())]
    consultations = db.session.execute(select(Consultation.id, Consultation.title).where(
        Consultation.region_id.in_([region.id for region in regions])).order_by(Consultation.title)).all()
    form.consultation_id.choices = [(0, _("Keine"))] + [(cid, title) for cid, title in consultations]
    if poll is not None and request.method == "GET":
        form.opens_at.data = to_local(poll.opens_at)
        form.closes_at.data = to_local(poll.closes_at)
        form.consultation_id.data = poll.consultation_id or 0
    return form, {region.id: region for region in regions}


def _form_data(form):
    return {"title": form.title.data or None, "description": form.description.data or "",
            "consultation_id": form.consultation_id.data or None, "audience": form.audience.data,
            "results_visibility": form.results_visibility.data, "opens_at": to_utc(form.opens_at.data),
            "closes_at": to_utc(form.closes_at.data)}


@bp.route("/neu", methods=["GET", "POST"])
@login_required
def create():
    form, regions = _poll_form()
    status = 200
    if form.validate_on_submit():
        data = dict(_form_data(form), kind=form.kind.data, template=form.template.data or None)
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
    elif form.is_submitted():
        status = 422
    return render_template("polls/form.html", form=form, poll=None), status


def _moderated_poll(poll_id):
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


def _definition_from_form(form):
    """A question definition from the page form. The settings fields are generic (smallest and largest
    value, their labels, places, length); every type's clean_definition takes what it uses."""
    low = form.minimum.data if form.minimum.data is not None else 1
    high = form.maximum.data if form.maximum.data is not None else 5
    labels = {str(step): text.strip() for step, text in ((low, form.low_label.data), (high, form.high_label.data))
              if text and text.strip()}
    settings = {key: value for key, value in (("min", form.minimum.data), ("max", form.maximum.data),
                                              ("labels", labels or None), ("top", form.top.data),
                                              ("max_length", form.max_length.data)) if value is not None}
    kind = form.type.data
    options = [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]
    return {"type": kind, "text": form.text.data, "help_text": form.help_text.data or "",
            "required": form.required.data, "allow_other": form.allow_other.data, "options": options,
            "settings": settings}


def _render_edit(poll, form, question_form, status=200):
    return render_template("polls/edit.html", poll=poll, form=form, question_form=question_form,
                           types=services.question_types(), locked=services.has_ballots(poll),
                           code_count=db.session.scalar(select(func.count()).select_from(AccessCode).where(
                               AccessCode.poll_id == poll.id))), status


@bp.route("/<int:poll_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(poll_id):
    poll = _moderated_poll(poll_id)
    form, _regions = _poll_form(poll)
    status = 200
    if form.validate_on_submit():
        data = _form_data(form)
        if data["title"] is None:
            data.pop("title")
        if poll.status != "draft":
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
    poll = _moderated_poll(poll_id)
    question_form = _question_form(poll)
    form, _regions = _poll_form(poll)
    if not question_form.validate_on_submit():
        flash(_("Bitte prüfen Sie die Angaben zur neuen Frage."), "error")
        return _render_edit(poll, form, question_form, 422)
    definitions = [question_definition(q) for q in poll.questions] + [_definition_from_form(question_form)]
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
    poll = _moderated_poll(poll_id)
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
    poll = _moderated_poll(poll_id)
    action = request.form.get("action")
    if action == "open":
        services.open_poll(current_user, poll)
        message = _("Die Umfrage ist jetzt geöffnet.")
    elif action == "close":
        services.close_poll(current_user, poll)
        message = _("Die Umfrage ist beendet.")
    elif action in ("collecting", "comparing"):
        services.update_poll(current_user, poll, {"phase": action})
        message = (_("Jetzt werden die freigegebenen Probleme paarweise verglichen.") if action == "comparing"
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


@bp.route("/<int:poll_id>/zugangscodes", methods=["GET", "POST"])
@login_required
def access_codes(poll_id):
    poll = _moderated_poll(poll_id)
    form = CodeCountForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = services.generate_codes(current_user, poll, form.count.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("%(n)d Zugangscodes wurden erzeugt.", n=len(created)), "success")
            return redirect(url_for(".access_codes", poll_id=poll.id), code=303)
    elif form.is_submitted():
        status = 422
    codes = db.session.scalars(select(AccessCode).where(AccessCode.poll_id == poll.id)
                               .order_by(AccessCode.id)).all()
    return render_template("polls/codes.html", poll=poll, form=form, codes=codes,
                           format_code=services.format_code), status


@bp.route("/<int:poll_id>/probleme/moderation")
@login_required
def problems(poll_id):
    poll = _moderated_poll(poll_id)
    if poll.kind != "problem_definition":
        abort(404)
    status = request.args.get("status") or "pending"
    if status not in ("pending", "approved", "rejected", "merged"):
        status = "pending"
    page = paginate(services.problems_of(current_user, poll, status), page_arg(), 50)
    approved = db.session.execute(select(Problem.id, Problem.text).where(
        Problem.poll_id == poll.id, Problem.status == "approved").order_by(Problem.id)).all()
    form = ProblemModerationForm(formdata=None)
    form.merged_into.choices = [(0, _("–"))] + [(pid, text[:80]) for pid, text in approved]
    return render_template("polls/problems.html", poll=poll, page=page, status=status, form=form)


@bp.route("/probleme/<int:problem_id>/moderieren", methods=["POST"])
@login_required
def moderate_problem(problem_id):
    problem = services.get_problem(problem_id)
    status = request.form.get("status")
    if status not in ("approved", "rejected", "merged"):
        abort(400)
    merged = request.form.get("merged_into", "")
    merged_into = form_id(merged)
    merged_into = merged_into if isinstance(merged_into, int) else None
    services.moderate_problem(current_user, problem, status, request.form.get("reason"), merged_into)
    db.session.commit()
    flash(_("Die Entscheidung wurde gespeichert."), "success")
    return redirect(url_for(".problems", poll_id=problem.poll_id), code=303)
