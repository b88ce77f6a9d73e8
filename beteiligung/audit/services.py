from ..extensions import db
from .models import AuditEntry


def record(actor, action, target, region=None, **details):
    """Write an audit entry for a moderation or administration act, in the caller's transaction."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__tablename__,
        target_id=target.id,
        region_id=region.id if region is not None else None,
        details=details,
    )
    db.session.add(entry)
    return entry
