"""Imports every model so that the metadata (and Alembic) knows all tables."""

from .accounts.models import ApiToken, LoginThrottle, User, region_moderators
from .api.idempotency import IdempotencyKey
from .audit.models import AuditEntry
from .comments.models import Comment, CommentReport, CommentVote
from .consultations.models import Consultation, Section
from .mail.models import JobFailure, OutgoingMail
from .measures.models import Measure, MeasureLink, MeasureUpdate
from .notifications.models import Follow, Notification, NotificationEvent, NotificationPreference
from .plugins.models import RegionPlugin
from .polls.models import AccessCode, Answer, Ballot, Comparison, Option, Poll, Problem, Question
from .processes.models import PhaseInstrument, Process, ProcessPhase
from .proposals.models import Proposal, ProposalCollection, ProposalSupport
from .regions.models import Region
from .showcase.models import ShowcaseLink, ShowcaseMaterial, ShowcaseProject  # noqa: F401

__all__ = ["AccessCode", "Answer", "ApiToken", "AuditEntry", "Ballot", "Comment", "CommentReport", "CommentVote",
           "Comparison", "Consultation", "Follow", "IdempotencyKey", "JobFailure", "LoginThrottle", "Measure",
           "MeasureLink",
           "MeasureUpdate", "Notification", "NotificationEvent", "NotificationPreference", "Option", "OutgoingMail",
           "PhaseInstrument", "Poll", "Problem", "Process", "ProcessPhase", "Proposal", "ProposalCollection",
           "ProposalSupport", "Question", "Region", "RegionPlugin",
           "Section", "User", "region_moderators"]
