"""Proposal collections (a kind of phase instrument) and the proposals citizens submit and support.

A collection's status (draft, upcoming, open, closed) is derived from ``published`` and its dates when
read, as a consultation's. A proposal has a moderation state (pending, published, hidden, merged: who
may see it) and an official status (submitted … implemented: what became of it). Supports are rows with
a unique (proposal, user); ``support_count`` on the proposal is kept equal to their number in the same
transaction as every change.
"""

from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..choices import one_of
from ..consultations.models import ConsultationStatus, DatedPublication
from ..extensions import db
from ..timeutil import utcnow

# Length limits (characters), one owner each: the columns, the services, the forms and the schemas.
TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 20_000
BODY_MIN, BODY_MAX = 10, 10_000
CATEGORY_MAX = 80
CATEGORIES_MAX = 30
PLACE_MAX = 200
REASON_MIN, REASON_MAX = 3, 1000
ANSWER_MAX = 10_000
IMAGE_NAME_MAX = 200
IMAGE_ALT_MAX = 300


class ProposalState(StrEnum):
    """Who may see a proposal: pending (its author and the moderation), published, hidden, merged."""

    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"


class ProposalStatus(StrEnum):
    """The official status the moderation gives a proposal."""

    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


class ProposalCollection(DatedPublication, db.Model):
    __tablename__ = "proposal_collections"
    __table_args__ = (Index("ix_proposal_collections_region_published", "region_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # Sanitised HTML of the description (beteiligung.markup), rendered when it is written.
    description_html: Mapped[str] = mapped_column(Text, default="")
    # The categories a proposal may name, one per line, in the moderator's order.
    categories_text: Mapped[str] = mapped_column(Text, default="")
    premoderated: Mapped[bool] = mapped_column(default=False)
    published: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[object | None] = mapped_column(db.DateTime)
    closes_at: Mapped[object | None] = mapped_column(db.DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, index=True)
    updated_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    region = relationship("Region", lazy="joined", innerjoin=True)

    @property
    def categories(self):
        return [line for line in (self.categories_text or "").split("\n") if line]

    @property
    def accepts_proposals(self):
        return self.status == ConsultationStatus.OPEN

    def __repr__(self):
        return f"<ProposalCollection {self.id} {self.title!r}>"


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        one_of("state", ProposalState),
        one_of("status", ProposalStatus),
        Index("ix_proposals_collection_state_created", "collection_id", "state", "created_at"),
        Index("ix_proposals_collection_state_supports", "collection_id", "state", "support_count"),
        Index("ix_proposals_collection_state_comments", "collection_id", "state", "comment_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("proposal_collections.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(CATEGORY_MAX))
    place: Mapped[str | None] = mapped_column(String(PLACE_MAX))
    state: Mapped[str] = mapped_column(String(10), default=ProposalState.PUBLISHED.value)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=ProposalStatus.SUBMITTED.value)
    # The official answer of the moderation (Markdown and its sanitised HTML), with the status it gave.
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_html: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[object | None] = mapped_column(db.DateTime)
    support_count: Mapped[int] = mapped_column(default=0)
    # Comments not deleted by their authors (visible and hidden), kept by beteiligung.comments in the same
    # transaction as every change, as a consultation's comment_count.
    comment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Top-level comments, whatever their status: the total of the discussion's pages. Kept by triggers on
    # comments (migration 0015), as a consultation's thread_count.
    thread_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # An optional image (beteiligung.images: checked, re-encoded) with its required alt text.
    image: Mapped[str | None] = mapped_column(String(IMAGE_NAME_MAX))
    image_alt: Mapped[str | None] = mapped_column(String(IMAGE_ALT_MAX))
    image_width: Mapped[int | None] = mapped_column()
    image_height: Mapped[int | None] = mapped_column()
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    collection = relationship("ProposalCollection", lazy="joined", innerjoin=True)
    author = relationship("User", lazy="joined")
    merged_into = relationship("Proposal", remote_side=[id], foreign_keys=[merged_into_id])

    def __repr__(self):
        return f"<Proposal {self.id} {self.title!r}>"


class ProposalSupport(db.Model):
    """One account supports one proposal at most (unique): the database decides under concurrency."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
