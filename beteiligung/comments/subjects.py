"""What can be commented on: a consultation or a proposal, through one mechanism.

Comments live in one table (``comments``) with exactly one of ``consultation_id`` and ``proposal_id`` set
(a check constraint). Everything that differs between the two is said here, once, by a ``Subject``: where
its page is, when its discussion is open, who may see it, which region moderates it, whom an official
statement concerns, and how its count of comments is kept. The services, pages, API and templates of
``beteiligung.comments`` work on any subject and never ask which kind it is.
"""

from flask_babel import gettext as _
from sqlalchemy import update

from ..consultations.models import Consultation, ConsultationStatus
from ..errors import Conflict, NotFound
from ..extensions import db
from ..notifications import services as notifications
from ..proposals.models import Proposal, ProposalState
from .models import Comment


class Subject:
    """The rules of one kind of subject (class attributes and class methods only)."""

    type: str  # "consultation" or "proposal": the follow target type and the JSON's "subject_type"
    model: type
    column: object  # Comment.consultation_id / Comment.proposal_id
    endpoint: str  # the page that shows the discussion
    id_arg: str  # the page's URL argument
    create_endpoint: str  # the page form's action (comments.create, comments.create_on_proposal)

    @classmethod
    def comment_values(cls, subject):
        return {cls.column.key: subject.id}

    @classmethod
    def link(cls, subject_id, comment_id=None):
        """A notification link to the page (and the comment on it)."""
        anchor = {"_anchor": f"beitrag-{comment_id}"} if comment_id is not None else {}
        return notifications.link(cls.endpoint, **{cls.id_arg: subject_id}, **anchor)

    @classmethod
    def url_values(cls, subject_id):
        return {cls.id_arg: subject_id}


class ConsultationSubject(Subject):
    type = "consultation"
    model = Consultation
    column = Comment.consultation_id
    endpoint = "consultations.show"
    id_arg = "consultation_id"
    create_endpoint = "comments.create"

    @staticmethod
    def region(consultation):
        return consultation.region

    @staticmethod
    def is_public(consultation):
        return consultation.published

    @staticmethod
    def is_open(consultation):
        return consultation.published and consultation.status == ConsultationStatus.OPEN

    @staticmethod
    def require_open(consultation):
        if not consultation.published:
            raise NotFound(_("Diese Beteiligung gibt es nicht oder sie ist nicht veröffentlicht."))
        status = consultation.status
        if status == ConsultationStatus.UPCOMING:
            raise Conflict(_("Diese Beteiligung hat noch nicht begonnen."))
        if status != ConsultationStatus.OPEN:
            raise Conflict(_("Diese Beteiligung ist abgeschlossen; es können keine Beiträge mehr abgegeben werden."))

    @staticmethod
    def touch(consultation_id, comment_delta=0):
        """Count a change of the discussion: the revision keys the cached pages, the count the comments."""
        db.session.execute(update(Consultation).where(Consultation.id == consultation_id)
                           .values(revision=Consultation.revision + 1,
                                   comment_count=Consultation.comment_count + comment_delta))

    @staticmethod
    def audience(consultation):
        """Who is told of an official statement: the consultation's followers."""
        return notifications.followers(("consultation", consultation.id))

    @staticmethod
    def follow_automatically(user, consultation):
        notifications.follow_automatically(user, "consultation", consultation)


class ProposalSubject(Subject):
    type = "proposal"
    model = Proposal
    column = Comment.proposal_id
    endpoint = "proposals.show"
    id_arg = "proposal_id"
    create_endpoint = "comments.create_on_proposal"

    @staticmethod
    def region(proposal):
        return proposal.collection.region

    @staticmethod
    def is_public(proposal):
        """The discussion of a proposal is public while the proposal is: published in a published collection.
        A hidden, merged or pending proposal takes its comments out of every page and answer."""
        return proposal.state == ProposalState.PUBLISHED and proposal.collection.published

    @classmethod
    def is_open(cls, proposal):
        return cls.is_public(proposal) and proposal.collection.status == ConsultationStatus.OPEN

    @classmethod
    def require_open(cls, proposal):
        if not cls.is_public(proposal):
            raise NotFound(_("Diesen Vorschlag gibt es nicht oder er ist nicht öffentlich."))
        status = proposal.collection.status
        if status == ConsultationStatus.UPCOMING:
            raise Conflict(_("Diese Vorschlagssammlung hat noch nicht begonnen."))
        if status != ConsultationStatus.OPEN:
            raise Conflict(_("Diese Vorschlagssammlung ist abgeschlossen; es können keine Beiträge mehr "
                             "abgegeben werden."))

    @staticmethod
    def touch(proposal_id, comment_delta=0):
        if comment_delta:
            # updated_at stays: it tells when the proposal itself changed, not its discussion.
            db.session.execute(update(Proposal).where(Proposal.id == proposal_id)
                               .values(comment_count=Proposal.comment_count + comment_delta,
                                       updated_at=Proposal.updated_at),
                               execution_options={"synchronize_session": False})

    @staticmethod
    def audience(proposal):
        """Who is told of an official statement on a proposal: its author and its supporters (the people its
        status changes are sent to)."""
        from ..proposals.services import supporter_ids

        recipients = set(supporter_ids(proposal))
        if proposal.author_id is not None:
            recipients.add(proposal.author_id)
        return sorted(recipients)

    @staticmethod
    def follow_automatically(user, proposal):
        """Proposals are not followed one by one: their author and supporters hear of what becomes of them."""


SUBJECTS = {kind.type: kind for kind in (ConsultationSubject, ProposalSubject)}


def kind_of(subject):
    """The Subject class of a Consultation or Proposal."""
    for kind in SUBJECTS.values():
        if isinstance(subject, kind.model):
            return kind
    raise TypeError(f"{subject!r} cannot be commented on")


def of_comment(comment):
    """(Subject class, subject) of a comment."""
    kind = SUBJECTS[comment.subject_type]
    return kind, comment.subject
