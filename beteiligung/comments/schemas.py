from marshmallow import fields, validate

from ..api.fields import GermanSchema, id_field, non_empty, strict_int
from ..timeutil import isoformat
from .models import REASON_MAX, REASON_MIN, CommentStatus

DELETED_ACCOUNT = "Gelöschtes Konto"
DELETED_BODY = "Dieser Beitrag wurde von der Verfasserin oder dem Verfasser gelöscht."
HIDDEN_BODY = "Von der Moderation ausgeblendet. Begründung: {reason}"


class CommentCreateSchema(GermanSchema):
    body = non_empty(required=True)
    parent_id = id_field(load_default=None, allow_none=True)
    section_id = id_field(load_default=None, allow_none=True)
    official = fields.Boolean(load_default=False)


class VoteSchema(GermanSchema):
    value = strict_int(required=True)


class ReportSchema(GermanSchema):
    reason = fields.String(required=True, validate=validate.Length(min=REASON_MIN, max=REASON_MAX))


class CommentPatchSchema(GermanSchema):
    body = non_empty()
    hidden = fields.Boolean()
    reason = fields.String(load_default=None, allow_none=True)


def comment_to_json(comment, replies=()):
    if comment.status == CommentStatus.VISIBLE:
        body = comment.body
    elif comment.status == CommentStatus.HIDDEN:
        body = HIDDEN_BODY.format(reason=comment.moderation_reason)
    else:
        body = DELETED_BODY
    return {
        "id": comment.id,
        "consultation_id": comment.consultation_id,
        "proposal_id": comment.proposal_id,
        "body": body,
        "author": {"pseudonym": comment.author.pseudonym if comment.author is not None else DELETED_ACCOUNT},
        "created_at": isoformat(comment.created_at),
        "edited_at": isoformat(comment.edited_at),
        "parent_id": comment.parent_id,
        "section_id": comment.section_id,
        "status": comment.status,
        "official": comment.official,
        "score": comment.score,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "replies": [comment_to_json(thread.comment, thread.replies) for thread in replies],
    }
