"""Imports every model so that the metadata (and Alembic) knows all tables."""

from .accounts.models import ApiToken, User, region_moderators
from .audit.models import AuditEntry
from .comments.models import Comment, CommentReport, CommentVote
from .consultations.models import Consultation, Section
from .plugins.models import RegionPlugin
from .polls.models import AccessCode, Answer, Ballot, Comparison, Option, Poll, Problem, Question
from .regions.models import Region

__all__ = ["AccessCode", "Answer", "ApiToken", "AuditEntry", "Ballot", "Comment", "CommentReport", "CommentVote",
           "Comparison", "Consultation", "Option", "Poll", "Problem", "Question", "Region", "RegionPlugin", "Section",
           "User", "region_moderators"]
