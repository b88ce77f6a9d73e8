from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..consultations.models import Section
from ..consultations.services import get_consultation
from ..errors import DomainError, Invalid
from ..extensions import db
from ..forms import form_errors, page_arg, show_error
from ..ids import parse_id
from ..pagination import paginate
from ..policy import require_login, require_moderator
from ..proposals.services import get_proposal
from . import services
from .cursors import CursorRefused, read_cursor
from .forms import ActionForm, CommentForm, DeleteCommentForm, EditCommentForm, ReasonForm, ResolveReportForm
from .models import Comment, CommentReport
from .subjects import SUBJECTS, kind_of

bp = Blueprint("comments", __name__)


@bp.app_context_processor
def comment_helpers():
    return {"comment_action": comment_action}


def requested_cursor(kind, subject_id, sort):
    """(cursor, refused) of the page's ``?after=``: an old link or one of another discussion or sort is
    refused, and the page shows the discussion's first page and says so (``ThreadPage.refused``)."""
    raw = request.args.get("after")
    if raw is None:
        return None, False
    try:
        return read_cursor(raw, kind, subject_id, sort), False
    except CursorRefused:
        return None, True


def comment_action(subject):
    """Where the comment form of a consultation's or a proposal's page is sent."""
    kind = kind_of(subject)
    return url_for(kind.create_endpoint, **kind.url_values(subject.id))


def _comment_url(comment):
    kind = SUBJECTS[comment.subject_type]
    return url_for(kind.endpoint, **kind.url_values(comment.subject_id)) + f"#beitrag-{comment.id}"


def _int_or_none(value, field):
    if not value:
        return None
    number = parse_id(value)
    if number is None:
        raise Invalid(_("Ungültige Angabe."), {field: [_("Ungültige Angabe.")]})
    return number


@bp.route("/beteiligungen/<int:consultation_id>/beitraege", methods=["POST"])
@login_required
def create(consultation_id):
    return _create(get_consultation(current_user, consultation_id))


@bp.route("/vorschlaege/<int:proposal_id>/beitraege", methods=["POST"])
@login_required
def create_on_proposal(proposal_id):
    return _create(get_proposal(current_user, proposal_id))


def _create(subject):
    """A comment from the form on a consultation's or a proposal's page."""
    kind = kind_of(subject)
    form = CommentForm()
    back = url_for(kind.endpoint, **kind.url_values(subject.id))
    if not form.validate_on_submit():
        flash(form_errors(form) or _("Bitte prüfen Sie Ihre Eingabe."), "error")
        return redirect(back + "#beitrag-schreiben", code=303)
    parent_id = _int_or_none(form.parent_id.data, "parent_id")
    section_id = _int_or_none(form.section_id.data, "section_id")
    parent = db.session.get(Comment, parent_id) if parent_id else None
    section = db.session.get(Section, section_id) if section_id else None
    if parent_id and parent is None or section_id and section is None:
        raise Invalid(_("Der Beitrag oder Abschnitt, auf den Sie sich beziehen, existiert nicht."))
    comment = services.create_comment(current_user, subject, form.body.data, parent=parent, section=section,
                                      official=form.official.data)
    db.session.commit()
    flash(_("Vielen Dank! Ihr Beitrag ist veröffentlicht."), "success")
    return redirect(_comment_url(comment), code=303)


@bp.route("/beitraege/<int:comment_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(comment_id):
    comment = services.get_comment(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    form = EditCommentForm(obj=comment)
    status = 200
    if form.validate_on_submit():
        try:
            services.edit_comment(current_user, comment, form.body.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Ihr Beitrag wurde geändert."), "success")
            return redirect(_comment_url(comment), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("comments/edit.html", form=form, comment=comment), status


@bp.route("/beitraege/<int:comment_id>/loeschen", methods=["GET", "POST"])
@login_required
def delete(comment_id):
    """A confirmation page first; the comment goes only with the confirming button of that page."""
    comment = services.get_comment(comment_id)
    services.check_deletable(current_user, comment)
    form = DeleteCommentForm()
    status = 200
    if form.validate_on_submit():
        services.delete_comment(current_user, comment)
        db.session.commit()
        flash(_("Ihr Beitrag wurde gelöscht."), "success")
        return redirect(_comment_url(comment), code=303)
    if form.is_submitted():
        status = 422
    return render_template("comments/delete.html", form=form, comment=comment), status


@bp.route("/beitraege/<int:comment_id>/bewerten", methods=["POST"])
@login_required
def vote(comment_id):
    comment = services.get_comment(comment_id)
    value = request.form.get("value")
    if not ActionForm().validate_on_submit() or value not in ("1", "-1"):
        abort(400)
    services.toggle_vote(current_user, comment, int(value))
    db.session.commit()
    flash(_("Ihre Bewertung wurde gespeichert."), "success")
    return redirect(_comment_url(comment), code=303)


@bp.route("/beitraege/<int:comment_id>/melden", methods=["GET", "POST"])
@login_required
def report(comment_id):
    comment = services.get_comment(comment_id)
    form = ReasonForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.report_comment(current_user, comment, form.reason.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Danke für Ihre Meldung. Die Moderation prüft den Beitrag."), "success")
            return redirect(_comment_url(comment), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("comments/reason.html", form=form, comment=comment, mode="report"), status


@bp.route("/beitraege/<int:comment_id>/ausblenden", methods=["GET", "POST"])
@login_required
def hide(comment_id):
    comment = services.get_comment(comment_id)
    require_moderator(current_user, services.region_of(comment))
    form = ReasonForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.hide_comment(current_user, comment, form.reason.data)
            db.session.commit()
        except DomainError as error:
            status = show_error(form, error)
        else:
            flash(_("Der Beitrag ist ausgeblendet."), "success")
            return redirect(_comment_url(comment), code=303)
    elif form.is_submitted():
        status = 422
    return render_template("comments/reason.html", form=form, comment=comment, mode="hide"), status


@bp.route("/beitraege/<int:comment_id>/wiederherstellen", methods=["POST"])
@login_required
def restore(comment_id):
    comment = services.get_comment(comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.restore_comment(current_user, comment)
    db.session.commit()
    flash(_("Der Beitrag ist wieder sichtbar."), "success")
    return redirect(_comment_url(comment), code=303)


@bp.route("/moderation/meldungen")
@login_required
def report_queue():
    require_login(current_user)
    if current_user.role not in ("moderator", "admin"):
        abort(403)
    page = paginate(services.open_reports_query(current_user), page_arg(), 20)
    return render_template("moderation/reports.html", page=page, form=ResolveReportForm())


@bp.route("/moderation/meldungen/<int:report_id>", methods=["POST"])
@login_required
def resolve(report_id):
    report = db.session.get(CommentReport, report_id)
    if report is None:
        abort(404)
    form = ResolveReportForm()
    if not form.validate_on_submit():
        flash(form_errors(form) or _("Bitte wählen Sie eine Entscheidung."), "error")
        return redirect(url_for(".report_queue"), code=303)
    services.resolve_report(current_user, report, form.action.data, form.reason.data)
    db.session.commit()
    flash(_("Die Meldung ist erledigt."), "success")
    return redirect(url_for(".report_queue"), code=303)
