from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ..api import api_user, bp, load, page_args, require_api_user
from ..consultations.models import Consultation, Section
from ..consultations.services import get_consultation, published_stamp
from ..errors import Invalid, NotFound
from ..extensions import cache, db
from ..proposals.services import get_proposal
from . import services
from .cursors import read_cursor
from .models import Comment
from .schemas import CommentCreateSchema, CommentPatchSchema, ReportSchema, VoteSchema, comment_to_json


@bp.route("/consultations/<int:consultation_id>/comments")
def list_comments(consultation_id):
    """Top-level comments with their replies; ``?after=<next of the previous answer>`` continues the list
    without counting the comments before (``?page=`` still works)."""
    api_user()  # an invalid token is refused here as everywhere
    sort = _sort()
    page, per_page = page_args()
    after = _after("consultation", consultation_id, sort)
    # The list is the same for every reader of a published consultation: cache it per revision.
    stamp = published_stamp(consultation_id)
    revision = stamp[0] if stamp is not None else None
    position = request.args["after"] if after is not None else page
    key = f"comments.json:{consultation_id}:{revision}:{sort}:{position}:{per_page}"
    body = cache.get(key) if revision is not None else None
    if body is None:
        body = _threads_json(get_consultation(api_user(), consultation_id), sort, page, per_page, after)
        if revision is not None:
            cache.set(key, body)
    return current_app.response_class(body, mimetype="application/json")


@bp.route("/proposals/<int:proposal_id>/comments")
def list_proposal_comments(proposal_id):
    """The discussion of a proposal, as a consultation's (the same threads, votes, statuses and cursors)."""
    user = api_user()
    sort = _sort()
    page, per_page = page_args()
    after = _after("proposal", proposal_id, sort)
    body = _threads_json(get_public_proposal(user, proposal_id), sort, page, per_page, after)
    return current_app.response_class(body, mimetype="application/json")


def _sort():
    sort = request.args.get("sort", "newest")
    if sort not in services.SORTS:
        raise Invalid(_("Unbekannte Sortierung."), {"sort": [_("Erlaubt: newest, top")]})
    return sort


def _after(kind, subject_id, sort):
    """The cursor of ``?after=`` (400 malformed, 422 of another discussion or sort), or None."""
    raw = request.args.get("after")
    if raw is None:
        return None
    if "page" in request.args:
        raise Invalid(_("Bitte geben Sie entweder page oder after an."),
                      {"after": [_("Nicht zusammen mit page.")]})
    return read_cursor(raw, kind, subject_id, sort)


def _threads_json(subject, sort, page, per_page, after=None):
    threads = services.list_threads(subject, sort, page, per_page, after=after)
    return current_app.json.dumps({
        "items": [comment_to_json(thread.comment, thread.replies) for thread in threads.items],
        "page": threads.page, "per_page": per_page, "total": threads.total, "next": threads.next})


def get_public_proposal(user, proposal_id):
    """A proposal whose discussion the user may read: a published one (a pending proposal shown to its author
    or a hidden one shown to the moderation has no public discussion)."""
    proposal = get_proposal(user, proposal_id)
    if not services.is_public(proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht oder er ist nicht öffentlich."))
    return proposal


@bp.route("/consultations/<int:consultation_id>/comments", methods=["POST"])
def create_comment(consultation_id):
    user = require_api_user()
    return _create(user, get_consultation(user, consultation_id))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
def create_proposal_comment(proposal_id):
    user = require_api_user()
    return _create(user, get_proposal(user, proposal_id))


def _create(user, subject):
    data = load(CommentCreateSchema())
    parent = section = None
    if data["parent_id"] is not None:
        parent = db.session.get(Comment, data["parent_id"])
        if parent is None or not services.belongs_to(parent, subject):
            raise Invalid(_("Unbekannter Beitrag."), {"parent_id": [_("Unbekannter Beitrag.")]})
    if data["section_id"] is not None:
        section = db.session.get(Section, data["section_id"])
        if section is None or not isinstance(subject, Consultation) or section.consultation_id != subject.id:
            raise Invalid(_("Unbekannter Abschnitt."), {"section_id": [_("Unbekannter Abschnitt.")]})
    comment = services.create_comment(user, subject, data["body"], parent=parent, section=section,
                                      official=data["official"])
    db.session.commit()
    return jsonify(comment_to_json(comment)), 201


@bp.route("/comments/<int:comment_id>/votes", methods=["POST"])
def vote(comment_id):
    user = require_api_user()
    comment = services.get_comment(comment_id)
    data = load(VoteSchema())
    services.set_vote(user, comment, data["value"])
    db.session.commit()
    return jsonify({"comment": comment_to_json(comment), "vote": data["value"]})


@bp.route("/comments/<int:comment_id>/votes", methods=["DELETE"])
def withdraw_vote(comment_id):
    user = require_api_user()
    comment = services.get_comment(comment_id)
    services.withdraw_vote(user, comment)
    db.session.commit()
    return jsonify({"comment": comment_to_json(comment), "vote": None})


@bp.route("/comments/<int:comment_id>/reports", methods=["POST"])
def report(comment_id):
    user = require_api_user()
    comment = services.get_comment(comment_id)
    data = load(ReportSchema())
    report = services.report_comment(user, comment, data["reason"])
    db.session.commit()
    return jsonify({"id": report.id, "comment_id": comment.id, "status": "open"}), 201


@bp.route("/comments/<int:comment_id>", methods=["PATCH"])
def patch_comment(comment_id):
    """The author changes the body; a moderator hides ({"hidden": true, "reason"}) or restores."""
    user = require_api_user()
    comment = services.get_comment(comment_id)
    data = load(CommentPatchSchema())
    if "body" not in data and "hidden" not in data:
        raise Invalid(_("Bitte geben Sie body oder hidden an."), {"body": [_("body oder hidden angeben.")]})
    if "body" in data and "hidden" in data:
        raise Invalid(_("Bearbeiten und Moderieren sind getrennte Anfragen."),
                      {"hidden": [_("Nicht zusammen mit body.")]})
    if "body" in data:
        services.edit_comment(user, comment, data["body"])
    elif data["hidden"]:
        services.hide_comment(user, comment, data["reason"])
    else:
        services.restore_comment(user, comment)
    db.session.commit()
    return jsonify(comment_to_json(comment))


@bp.route("/comments/<int:comment_id>", methods=["DELETE"])
def delete_comment(comment_id):
    user = require_api_user()
    comment = services.get_comment(comment_id)
    services.delete_comment(user, comment)
    db.session.commit()
    return jsonify(comment_to_json(comment))
