"""Imports every model so that the metadata (and Alembic) knows all tables."""

from .accounts.models import ApiToken, User, region_moderators
from .audit.models import AuditEntry
from .comments.models import Comment, CommentReport, CommentVote
from .consultations.models import Consultation, Section
from .plugins.models import RegionPlugin
from .regions.models import Region

__all__ = ["ApiToken", "AuditEntry", "Comment", "CommentReport", "CommentVote", "Consultation", "Region",
           "RegionPlugin", "Section", "User", "region_moderators"]
