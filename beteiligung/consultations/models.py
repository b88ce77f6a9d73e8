from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class ConsultationStatus(StrEnum):
    """A consultation's status, derived from ``published`` and its dates (equal to its string)."""

    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


# Length limits (characters), one owner each: the column, the services, the form.
TITLE_MIN, TITLE_MAX = 3, 200
SUMMARY_MAX = 1000
BODY_MAX = 100_000


class DatedPublication:
    """Status of something published with optional dates (``published``, ``opens_at``, ``closes_at``):
    draft, upcoming, open or closed, derived from the dates on every read (consultations, proposal
    collections)."""

    def status_at(self, now):
        if not self.published:
            return ConsultationStatus.DRAFT
        if self.opens_at is not None and now < self.opens_at:
            return ConsultationStatus.UPCOMING
        if self.closes_at is not None and now >= self.closes_at:
            return ConsultationStatus.CLOSED
        return ConsultationStatus.OPEN

    @property
    def status(self):
        return self.status_at(utcnow())


class Consultation(DatedPublication, db.Model):
    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_region_published", "region_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Sanitised HTML of the introduction (the body before its first section heading).
    intro_html: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[object | None] = mapped_column(db.DateTime)
    closes_at: Mapped[object | None] = mapped_column(db.DateTime)
    comment_count: Mapped[int] = mapped_column(default=0)
    # Top-level comments of the discussion, whatever their status (a hidden or deleted one keeps its place):
    # the total of its pages. Kept by triggers on comments (migration 0015) in the writing transaction.
    thread_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Incremented by every change to the consultation or its comments (new, edited, voted,
    # moderated): cached renderings are keyed by it, so no worker ever serves a stale one.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, index=True)
    updated_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    region = relationship("Region", lazy="joined", innerjoin=True)
    all_sections = relationship("Section", order_by="Section.position", back_populates="consultation",
                                cascade="all, delete-orphan")
    # The sections shown: those whose heading is still in the body.
    sections = relationship("Section", order_by="Section.position", viewonly=True,
                            primaryjoin="and_(Section.consultation_id == Consultation.id, "
                                        "Section.removed.is_(False))")

    @property
    def accepts_comments(self):
        return self.status == ConsultationStatus.OPEN

    def __repr__(self):
        return f"<Consultation {self.id} {self.title!r}>"


class Section(db.Model):
    """A part of a consultation that can be commented on by itself: one `## ` heading of the body.

    A section whose heading disappears from the body is kept as removed, so that comments on it
    keep their reference.
    """

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("consultation_id", "anchor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    anchor: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    removed: Mapped[bool] = mapped_column(default=False)

    consultation = relationship("Consultation", back_populates="all_sections")
