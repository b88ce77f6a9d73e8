"""The JSON shapes of proposals: input schemas (German messages) and output functions."""

from flask import url_for
from marshmallow import fields, validate

from ..api.fields import GermanSchema, id_field, non_empty
from ..timeutil import isoformat
from .models import ANSWER_MAX, BODY_MAX, CATEGORY_MAX, PLACE_MAX, TITLE_MAX, ProposalStatus

STATUSES = [member.value for member in ProposalStatus]


class ProposalCreateSchema(GermanSchema):
    collection_id = id_field(required=True)
    title = non_empty(required=True, max_length=TITLE_MAX)
    body = non_empty(required=True, max_length=BODY_MAX)
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=CATEGORY_MAX))
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=PLACE_MAX))


class ProposalStatusSchema(GermanSchema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    answer = fields.String(load_default="", validate=validate.Length(max=ANSWER_MAX))


def proposal_to_json(proposal, supported=None, with_body=True):
    data = {
        "id": proposal.id,
        "collection_id": proposal.collection_id,
        "title": proposal.title,
        "category": proposal.category,
        "place": proposal.place,
        "state": proposal.state,
        "status": proposal.status,
        "support_count": proposal.support_count,
        "comment_count": proposal.comment_count,
        "author": proposal.author.pseudonym if proposal.author is not None else None,
        "created_at": isoformat(proposal.created_at),
        "url": url_for("proposals.show", proposal_id=proposal.id, _external=True),
        "image": {"url": url_for("proposals.image", proposal_id=proposal.id, name=proposal.image, _external=True),
                  "alt": proposal.image_alt, "width": proposal.image_width, "height": proposal.image_height}
                 if proposal.image else None,
    }
    if supported is not None:
        data["supported"] = supported
    if with_body:
        data.update(body=proposal.body, body_html=proposal.body_html, answer=proposal.answer,
                    answer_html=proposal.answer_html, answered_at=isoformat(proposal.answered_at),
                    merged_into_id=proposal.merged_into_id)
    return data
