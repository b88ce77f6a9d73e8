from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..choices import one_of
from ..extensions import db
from ..timeutil import utcnow


class CommentStatus(StrEnum):
    """A comment is shown, hidden by the moderation (with a reason) or deleted by its author."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    DELETED = "deleted"


# A reason given for a report or a moderation act (characters): services, schema and form use these.
REASON_MIN, REASON_MAX = 3, 1000


# The condition of the partial indexes over top-level comments (the queries repeat it word for word).
TOP_LEVEL = {"sqlite_where": text("root_id IS NULL"), "postgresql_where": text("root_id IS NULL")}


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        one_of("status", CommentStatus),
        # A comment belongs to exactly one subject: a consultation or a proposal (beteiligung.comments.subjects).
        CheckConstraint("(consultation_id IS NULL) <> (proposal_id IS NULL)", name="one_subject"),
        # The top-level comments of a subject in the order of each sort, id last (services.list_threads reads
        # a page, or the page after a cursor, as a range of one of these, read backwards: newest and best
        # first). Partial, so that root_id is not a column between the subject and the sort.
        Index("ix_comments_consultation_threads_newest", "consultation_id", "created_at", "id", **TOP_LEVEL),
        Index("ix_comments_consultation_threads_top", "consultation_id", "score", "created_at", "id", **TOP_LEVEL),
        Index("ix_comments_proposal_threads_newest", "proposal_id", "created_at", "id", **TOP_LEVEL),
        Index("ix_comments_proposal_threads_top", "proposal_id", "score", "created_at", "id", **TOP_LEVEL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed for every comment of a subject too (deleting the subject, statistics, exports).
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"),
                                                        index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    # The top-level comment of the thread (NULL for a top-level comment): one query loads whole threads.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=CommentStatus.VISIBLE.value)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    official: Mapped[bool] = mapped_column(default=False)
    upvotes: Mapped[int] = mapped_column(default=0)
    downvotes: Mapped[int] = mapped_column(default=0)
    score: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    edited_at: Mapped[object | None] = mapped_column(db.DateTime)

    author = relationship("User", lazy="joined")
    consultation = relationship("Consultation")
    proposal = relationship("Proposal")
    section = relationship("Section")
    parent = relationship("Comment", remote_side=[id], foreign_keys=[parent_id])

    @property
    def subject(self):
        """What the comment is about: its Consultation or its Proposal."""
        return self.consultation if self.consultation_id is not None else self.proposal

    @property
    def subject_id(self):
        return self.consultation_id if self.consultation_id is not None else self.proposal_id

    @property
    def subject_type(self):
        return "consultation" if self.consultation_id is not None else "proposal"

    def __repr__(self):
        return f"<Comment {self.id} on {self.subject_type} {self.consultation_id or self.proposal_id}>"


class CommentVote(db.Model):
    __tablename__ = "comment_votes"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column()
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)


class CommentReport(db.Model):
    __tablename__ = "comment_reports"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    resolved_at: Mapped[object | None] = mapped_column(db.DateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    comment = relationship("Comment")
    reporter = relationship("User", foreign_keys=[reporter_id])
