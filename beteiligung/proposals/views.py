"""Proposal pages: a region's collections, a collection (list and submit form), a proposal (supports,
status, official answer), and the moderators' pages."""

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import CombinedMultiDict

from ..comments import services as comments
from ..comments.forms import ActionForm
from ..comments.views import requested_cursor
from ..errors import DomainError, Invalid
from ..extensions import db
from ..forms import form_errors, page_arg, show_error, submit_form
from ..ids import parse_id
from ..pagination import paginate
from ..policy import can_moderate, needs_confirmation
from ..processes import images
from ..regions.services import region_or_404
from ..timeutil import to_local, to_utc, utcnow
from . import services
from .forms import CollectionForm, HideForm, MergeForm, ProposalForm, StatusForm
from .labels import SORT_LABELS, STATE_LABELS, STATUS_LABELS
from .models import ProposalState

bp = Blueprint("proposals", __name__)

#: the cookie that keeps a visitor's random order stable (a number; never stored on the server)
SEED_COOKIE = "vorschlaege_reihenfolge"
SEED_MAX = 2**20 - 1


@bp.url_value_preprocessor
def image_upload_limit(endpoint, values):
    """A proposal may come with an image: the submission's body limit is raised before anything reads it."""
    if endpoint == "proposals.submit":
        request.max_content_length = images.max_bytes("proposals") + 256 * 1024


@bp.app_context_processor
def labels():
    return {"proposal_status_label": lambda status: str(STATUS_LABELS.get(status, status)),
            "proposal_state_label": lambda state: str(STATE_LABELS.get(state, state))}


def _seed():
    """(seed, whether it is new): the visitor's random order comes from a cookie, so a GET writes nothing."""
    seed = parse_id(request.cookies.get(SEED_COOKIE, ""), minimum=0)
    if seed is not None and seed <= SEED_MAX:
        return seed, False
    return secrets.randbelow(SEED_MAX), True


def _filters(collection):
    sort = request.args.get("sort") if request.args.get("sort") in services.SORTS else "newest"
    category = request.args.get("kategorie") or None
    if category not in collection.categories:
        category = None
    status = request.args.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    return sort, category, status


def _proposal_form(collection, formdata=None):
    form = ProposalForm(formdata=formdata) if formdata is not None else ProposalForm()
    form.category.choices = [("", _("Keine Kategorie"))] + [(c, c) for c in collection.categories]
    return form


@bp.route("/regionen/<region_slug>/vorschlagssammlungen")
def index(region_slug):
    region = region_or_404(region_slug)
    page = paginate(services.collection_query(current_user, region), page_arg(), 20)
    return render_template("proposals/index.html", region=region, page=page, now=utcnow(),
                           counts=services.published_counts([c.id for c in page.items]),
                           moderator=can_moderate(current_user, region))


def _render_collection(collection, form, status=200):
    sort, category, state_filter = _filters(collection)
    seed, new_seed = _seed() if sort == "random" else (0, False)
    page = services.list_proposals(current_user, collection, page_arg(), current_app.config.get(
        "PROPOSALS_PER_PAGE", 20), sort=sort, category=category, status=state_filter, seed=seed)
    response = current_app.make_response((render_template(
        "proposals/collection.html", collection=collection, page=page, form=form, sort=sort, category=category,
        status=state_filter, sorts=SORT_LABELS, statuses=STATUS_LABELS,
        supported=services.supported_ids(current_user, [p.id for p in page.items]),
        moderator=can_moderate(current_user, collection.region),
        must_confirm=needs_confirmation(current_user, collection.region, "proposal"),
        image_limit=f"{images.max_bytes('proposals') / 1024 / 1024:g}"), status))
    if new_seed:
        response.set_cookie(SEED_COOKIE, str(seed), max_age=30 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


@bp.route("/vorschlagssammlungen/<int:collection_id>")
def collection(collection_id):
    collection = services.get_collection(current_user, collection_id)
    return _render_collection(collection, _proposal_form(collection))


@bp.route("/vorschlagssammlungen/<int:collection_id>/vorschlaege", methods=["POST"])
@login_required
def submit(collection_id):
    collection = services.get_collection(current_user, collection_id)
    form = _proposal_form(collection, CombinedMultiDict((request.files, request.form)))
    if not form.validate_on_submit():
        db.session.rollback()
        flash(_("Bitte prüfen Sie die markierten Angaben."), "error")
        return _render_collection(collection, form, 422)
    upload = form.image.data
    data = upload.read(images.max_bytes("proposals") + 1) if upload else b""
    image = (data, form.image_alt.data) if data or (form.image_alt.data or "").strip() else None
    try:
        proposal = services.submit_proposal(current_user, collection, form.title.data, form.body.data,
                                            form.category.data or None, form.place.data or None, image)
        db.session.commit()
    except DomainError as error:
        if error.status not in (409, 422):
            raise
        return _render_collection(collection, form, show_error(form, error))
    if proposal.state == ProposalState.PENDING:
        flash(_("Danke! Ihr Vorschlag wurde eingereicht und erscheint, sobald die Moderation ihn freigibt."),
              "success")
    else:
        flash(_("Danke! Ihr Vorschlag ist veröffentlicht."), "success")
    return redirect(url_for(".show", proposal_id=proposal.id), code=303)


@bp.route("/vorschlaege/<int:proposal_id>/bild/<name>")
def image(proposal_id, name):
    """A proposal's image, to those who may see the proposal (a hidden proposal's image leaks nowhere)."""
    proposal = services.get_proposal(current_user, proposal_id)
    if not proposal.image or name != proposal.image:
        abort(404)
    # A new image gets a new name: the file behind a name never changes. Private: hiding must take effect.
    return images.send("proposals", name, max_age=3600, private=True)


@bp.route("/vorschlaege/<int:proposal_id>/bild/entfernen", methods=["POST"])
@login_required
def remove_image(proposal_id):
    proposal = services.get_proposal(current_user, proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    previous = services.remove_image(current_user, proposal)
    db.session.commit()
    images.remove(images.uploads_folder("proposals"), previous)
    flash(_("Das Bild wurde entfernt."), "success")
    return redirect(url_for(".show", proposal_id=proposal.id), code=303)


@bp.route("/vorschlaege/<int:proposal_id>")
def show(proposal_id):
    proposal = services.get_proposal(current_user, proposal_id)
    moderator = can_moderate(current_user, proposal.collection.region)
    status_form = merge_form = hide_form = None
    if moderator:
        status_form = StatusForm(prefix="status", status=proposal.status, answer=proposal.answer)
        status_form.status.choices = [(key, str(label)) for key, label in STATUS_LABELS.items()]
        merge_form = MergeForm(prefix="merge")
        merge_form.target.choices = services.merge_candidates(proposal)
        hide_form = HideForm(prefix="hide")
    return render_template("proposals/show.html", proposal=proposal, collection=proposal.collection,
                           moderator=moderator, supports=bool(services.supported_ids(current_user, [proposal.id])),
                           must_confirm=needs_confirmation(current_user, proposal.collection.region, "support"),
                           status_form=status_form, merge_form=merge_form, hide_form=hide_form,
                           **_discussion(proposal))


def _discussion(proposal):
    """The proposal's comments, as a consultation's: only a public proposal has a discussion."""
    if not comments.is_public(proposal):
        return {"threads": None}
    sort = request.args.get("sort") if request.args.get("sort") in comments.SORTS else "newest"
    after, refused = requested_cursor("proposal", proposal.id, sort)
    threads = comments.list_threads(proposal, sort, page_arg(), current_app.config["COMMENTS_PER_PAGE"],
                                    after=after)
    threads.refused = refused
    ids = comments.thread_ids(threads.items)
    return {"threads": threads, "comment_sort": sort, "comments_open": comments.is_open(proposal),
            "my_votes": comments.votes_of(current_user, ids), "my_reports": comments.reports_of(current_user, ids)}


@bp.route("/vorschlaege/<int:proposal_id>/unterstuetzen", methods=["POST"])
@login_required
def support(proposal_id):
    proposal = services.get_proposal(current_user, proposal_id)
    services.support(current_user, proposal)
    return _done(proposal, _("Sie unterstützen diesen Vorschlag."))


@bp.route("/vorschlaege/<int:proposal_id>/zuruecknehmen", methods=["POST"])
@login_required
def withdraw(proposal_id):
    proposal = services.get_proposal(current_user, proposal_id)
    services.withdraw(current_user, proposal)
    return _done(proposal, _("Sie unterstützen diesen Vorschlag nicht mehr."))


def _done(proposal, message):
    """After an action on a proposal: commit, say so, back to its page."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", proposal_id=proposal.id), code=303)


# --- moderators -----------------------------------------------------------------------------------

def _moderated_proposal(proposal_id):
    proposal = services.get_proposal(current_user, proposal_id)
    if not can_moderate(current_user, proposal.collection.region):
        abort(403)
    return proposal


@bp.route("/vorschlagssammlungen/<int:collection_id>/moderation")
@login_required
def moderate(collection_id):
    collection = services.get_collection(current_user, collection_id)
    if not can_moderate(current_user, collection.region):
        abort(403)
    state = request.args.get("zustand") if request.args.get("zustand") in STATE_LABELS else "pending"
    page = services.list_proposals(current_user, collection, page_arg(), 50, state=state)
    return render_template("proposals/moderate.html", collection=collection, page=page, state=state,
                           states=STATE_LABELS)


@bp.route("/vorschlaege/<int:proposal_id>/freigeben", methods=["POST"])
@login_required
def publish(proposal_id):
    proposal = _moderated_proposal(proposal_id)
    services.publish_proposal(current_user, proposal)
    return _done(proposal, _("Der Vorschlag ist veröffentlicht."))


@bp.route("/vorschlaege/<int:proposal_id>/ausblenden", methods=["POST"])
@login_required
def hide(proposal_id):
    proposal = _moderated_proposal(proposal_id)
    form = HideForm(prefix="hide")
    if not form.validate_on_submit():
        raise Invalid(form_errors(form) or _("Bitte prüfen Sie die markierten Angaben."))
    services.hide_proposal(current_user, proposal, form.reason.data)
    return _done(proposal, _("Der Vorschlag ist ausgeblendet."))


@bp.route("/vorschlaege/<int:proposal_id>/zusammenfuehren", methods=["POST"])
@login_required
def merge(proposal_id):
    proposal = _moderated_proposal(proposal_id)
    target_id = parse_id(request.form.get("merge-target", ""))
    target = services.get_proposal(current_user, target_id) if target_id is not None else None
    if target is None:
        raise Invalid(_("Bitte wählen Sie einen Vorschlag aus."))
    services.merge_proposal(current_user, proposal, target)
    db.session.commit()
    flash(_("Die Vorschläge wurden zusammengeführt; die Unterstützungen zählen jetzt beim verbleibenden."),
          "success")
    return redirect(url_for(".show", proposal_id=target.id), code=303)


@bp.route("/vorschlaege/<int:proposal_id>/status", methods=["POST"])
@login_required
def set_status(proposal_id):
    proposal = _moderated_proposal(proposal_id)
    form = StatusForm(prefix="status")
    form.status.choices = [(key, str(label)) for key, label in STATUS_LABELS.items()]
    if not form.validate_on_submit():
        raise Invalid(form_errors(form) or _("Bitte prüfen Sie die markierten Angaben."))
    services.set_status(current_user, proposal, form.status.data, form.answer.data or "")
    db.session.commit()
    flash(_("Status und Antwort wurden gespeichert; Einreichende und Unterstützende werden benachrichtigt."),
          "success")
    return redirect(url_for(".show", proposal_id=proposal.id), code=303)


def _collection_form(collection=None):
    form = CollectionForm(obj=collection)
    if collection is not None and request.method == "GET":
        form.categories.data = collection.categories_text
        form.opens_at.data, form.closes_at.data = to_local(collection.opens_at), to_local(collection.closes_at)
    return form


def _collection_values(form):
    return {"title": form.title.data, "description": form.description.data or "",
            "categories": form.categories.data or "", "premoderated": form.premoderated.data,
            "published": form.published.data, "opens_at": to_utc(form.opens_at.data),
            "closes_at": to_utc(form.closes_at.data)}


@bp.route("/regionen/<region_slug>/vorschlagssammlungen/neu", methods=["GET", "POST"])
@login_required
def create_collection(region_slug):
    region = region_or_404(region_slug)
    if not can_moderate(current_user, region):
        abort(403)
    form = _collection_form()
    done, status = submit_form(
        form, lambda: services.create_collection(current_user, region, **_collection_values(form)),
        _("Die Vorschlagssammlung wurde angelegt."),
        lambda collection: url_for(".collection", collection_id=collection.id))
    return done or (render_template("proposals/collection_form.html", form=form, region=region, collection=None),
                    status)


@bp.route("/vorschlagssammlungen/<int:collection_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit_collection(collection_id):
    collection = services.get_collection(current_user, collection_id)
    if not can_moderate(current_user, collection.region):
        abort(403)
    form = _collection_form(collection)
    done, status = submit_form(
        form, lambda: services.update_collection(current_user, collection, **_collection_values(form)),
        _("Die Änderungen wurden gespeichert."),
        lambda _result: url_for(".collection", collection_id=collection.id))
    return done or (render_template("proposals/collection_form.html", form=form, region=collection.region,
                                    collection=collection), status)


