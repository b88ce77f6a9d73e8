"""The proposals' JSON API: lists and proposals for everyone, submitting and supporting for confirmed
accounts, the official status for the region's moderators."""

from flask import jsonify, request
from flask_babel import gettext as _

from ..api import BadRequest, api_user, bp, load, page_args, paged, require_api_user
from ..errors import Invalid
from ..extensions import db
from ..ids import parse_id
from ..regions.services import get_region_by_slug
from . import services
from .schemas import STATUSES, ProposalCreateSchema, ProposalStatusSchema, proposal_to_json


def _int_arg(name):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    value = parse_id(raw, minimum=0)
    if value is None:
        raise BadRequest(_("%(name)s muss eine positive ganze Zahl sein.", name=name),
                         {name: [_("Positive ganze Zahl erwartet.")]})
    return value


def _choice(name, allowed):
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise Invalid(_("Einige Angaben sind ungültig."), {name: [_("Erlaubt sind: %(values)s.",
                                                                      values=", ".join(allowed))]})
    return value


@bp.route("/proposals")
def list_proposals():
    user = api_user()
    collection_id = _int_arg("collection")
    collection = services.get_collection(user, collection_id) if collection_id is not None else None
    region = None
    if request.args.get("region"):
        region = get_region_by_slug(request.args["region"])
        if region is None:
            raise Invalid(_("Unbekannte Region."), {"region": [_("Unbekannte Region.")]})
    sort = _choice("sort", services.SORTS) or "newest"
    status = _choice("status", STATUSES)
    seed = _int_arg("seed") or 0
    page, per_page = page_args()
    found = services.list_proposals(user, collection, page, per_page, sort=sort, category=request.args.get("category"),
                                    status=status, seed=seed, region=region)
    supported = services.supported_ids(user, [p.id for p in found.items])
    return paged(found, [proposal_to_json(p, p.id in supported if user else None, with_body=False)
                         for p in found.items])


@bp.route("/proposals", methods=["POST"])
def create_proposal():
    user = require_api_user()
    data = load(ProposalCreateSchema())
    collection = services.get_collection(user, data["collection_id"])
    proposal = services.submit_proposal(user, collection, data["title"], data["body"], data["category"],
                                        data["place"])
    db.session.commit()
    return jsonify(proposal_to_json(proposal, False)), 201


@bp.route("/proposals/<int:proposal_id>")
def get_proposal(proposal_id):
    user = api_user()
    proposal = services.get_proposal(user, proposal_id)
    supported = proposal.id in services.supported_ids(user, [proposal.id]) if user else None
    return jsonify(proposal_to_json(proposal, supported))


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
def support_proposal(proposal_id):
    user = require_api_user()
    proposal = services.support(user, services.get_proposal(user, proposal_id))
    db.session.commit()
    return jsonify(proposal_to_json(proposal, True)), 201


@bp.route("/proposals/<int:proposal_id>/support", methods=["DELETE"])
def withdraw_support(proposal_id):
    user = require_api_user()
    proposal = services.withdraw(user, services.get_proposal(user, proposal_id))
    db.session.commit()
    return jsonify(proposal_to_json(proposal, False))


@bp.route("/proposals/<int:proposal_id>/status", methods=["POST"])
def set_proposal_status(proposal_id):
    user = require_api_user()
    proposal = services.get_proposal(user, proposal_id)
    data = load(ProposalStatusSchema())
    services.set_status(user, proposal, data["status"], data["answer"])
    db.session.commit()
    return jsonify(proposal_to_json(proposal))
