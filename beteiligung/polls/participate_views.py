"""Poll pages for participants: read a poll, take part with an account or a workshop access code,
submit problems and compare them in pairs.

The routes belong to the blueprint of ``views``; that module imports this one to register them.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError, Invalid
from ..extensions import db, limiter
from ..policy import can_moderate
from . import services
from .forms import AccessCodeForm, ProblemForm
from .models import Audience, Phase, PollKind, PollStatus, ProblemStatus
from .types import form_id
from .views import bp


def participant_for(poll):
    """The page's participant: the access code entered for this poll, else the signed-in account."""
    code = services.code_of_session(poll, session.get("poll_codes", {}).get(str(poll.id)))
    if code is not None:
        return services.Participant(code=code)
    return services.Participant(user=current_user if current_user.is_authenticated else None)


def _code_from_link(poll):
    """The access code of a link from a printed sheet (?code=ABCD-EFGH), to fill in the code field.

    Only shown in the form: nothing is checked, redeemed or stored until the person submits it.
    """
    if poll.audience == Audience.ACCOUNTS:
        return ""
    code = services.normalise_code(request.args.get("code", ""))
    if len(code) != 8 or any(ch not in services.CODE_ALPHABET for ch in code):
        return ""
    return services.format_code(code)


def _show(poll, errors=None, values=None, status=200, code=""):
    who = participant_for(poll)
    moderator = can_moderate(current_user, poll.region)
    context = {"poll": poll, "who": who, "moderator": moderator, "errors": errors or {},
               "values": values, "types": services.question_types(),
               "taken_part": services.has_taken_part(who, poll) if poll.kind == PollKind.SURVEY else False,
               "results_visible": services.can_see_results(current_user, poll),
               "code_form": AccessCodeForm(formdata=None, data={"code": code})}
    if poll.kind == PollKind.PROBLEM_DEFINITION:
        context["problems"] = db.session.scalars(services.problems_of(current_user, poll, ProblemStatus.APPROVED)).all()
        context["problem_form"] = ProblemForm(formdata=None)
        context["pair"] = None
        context["mine"] = services.problems_submitted_by(who, poll)
        if poll.status == PollStatus.OPEN and poll.phase == Phase.COMPARING and who.known:
            try:
                context["pair"] = services.next_pair(who, poll)
                context["progress"] = services.comparison_progress(who, poll)
            except DomainError as error:
                context["pair_refusal"] = error.message
        if moderator:
            context["pending"] = services.pending_count(poll)
    return render_template("polls/show.html", **context), status


@bp.route("/<int:poll_id>")
def show(poll_id):
    poll = services.get_poll(current_user, poll_id)
    return _show(poll, code=_code_from_link(poll))


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
            if poll.audience == Audience.ACCOUNTS:
                raise Invalid(_("An dieser Umfrage nehmen nur angemeldete Personen teil."))
            if code.used_at is not None and poll.kind == PollKind.SURVEY:
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
