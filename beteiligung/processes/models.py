"""Participation processes: a region's path of dated phases, each holding instruments (consultations,
polls, and kinds to come such as proposal collections).

Status is derived from the dates when read (``status_at``), never stored.
"""

from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

# Length limits (characters), one owner each: the columns, the services, the forms and the schemas.
TITLE_MIN, TITLE_MAX = 3, 200
SUMMARY_MAX = 1000
BODY_MAX = 100_000
PHASE_DESCRIPTION_MAX = 5000
PHASES_MAX = 20
TEMPLATE_KEY_MAX = 120  # "plugin:key" or a core key
KIND_MAX = 40
IMAGE_NAME_MAX = 200
IMAGE_ALT_MAX = 300


class ProcessStatus(StrEnum):
    """A process's status, from its phases' dates (equal to its string)."""

    UPCOMING = "upcoming"
    RUNNING = "running"
    FINISHED = "finished"


class PhaseStatus(StrEnum):
    UPCOMING = "upcoming"
    CURRENT = "current"
    PAST = "past"


class Process(db.Model):
    __tablename__ = "processes"
    __table_args__ = (Index("ix_processes_region_published", "region_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Sanitised HTML of the body (beteiligung.markup), rendered when the body is written.
    body_html: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    # The key of the template the process was made from ("smart_city", "<plugin>:<key>"), if any.
    template: Mapped[str | None] = mapped_column(String(TEMPLATE_KEY_MAX))
    header_image: Mapped[str | None] = mapped_column(String(IMAGE_NAME_MAX))
    header_image_alt: Mapped[str | None] = mapped_column(String(IMAGE_ALT_MAX))
    header_image_width: Mapped[int | None] = mapped_column()
    header_image_height: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, index=True)
    updated_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    region = relationship("Region", lazy="joined", innerjoin=True)
    phases = relationship("ProcessPhase", order_by="ProcessPhase.position", back_populates="process",
                          cascade="all, delete-orphan", passive_deletes=True)

    def status_at(self, now, phases=None):
        """upcoming until a phase has begun, finished when every phase is past, else running."""
        statuses = [phase.status_at(now) for phase in (self.phases if phases is None else phases)]
        if statuses and all(status == PhaseStatus.PAST for status in statuses):
            return ProcessStatus.FINISHED
        if any(status != PhaseStatus.UPCOMING for status in statuses):
            return ProcessStatus.RUNNING
        return ProcessStatus.UPCOMING

    @property
    def status(self):
        return self.status_at(utcnow())

    def __repr__(self):
        return f"<Process {self.id} {self.title!r}>"


class ProcessPhase(db.Model):
    __tablename__ = "process_phases"
    __table_args__ = (UniqueConstraint("process_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    # The order of the phases; gaps are allowed (a deleted phase leaves one).
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[object | None] = mapped_column(db.DateTime)
    ends_at: Mapped[object | None] = mapped_column(db.DateTime)

    process = relationship("Process", back_populates="phases")
    instruments = relationship("PhaseInstrument", order_by="PhaseInstrument.id", back_populates="phase",
                               cascade="all, delete-orphan", passive_deletes=True)

    def status_at(self, now):
        """upcoming before its start (or while it has none), past from its end, current in between."""
        if self.starts_at is None or now < self.starts_at:
            return PhaseStatus.UPCOMING
        if self.ends_at is not None and now >= self.ends_at:
            return PhaseStatus.PAST
        return PhaseStatus.CURRENT

    @property
    def status(self):
        return self.status_at(utcnow())

    def __repr__(self):
        return f"<ProcessPhase {self.id} {self.position} {self.title!r}>"


class PhaseInstrument(db.Model):
    """What a phase holds: a consultation, a poll or a kind that plugins add, by kind and id.

    An instrument is in at most one phase (unique kind and target). With ``follows_phase_dates`` it
    takes the phase's dates whenever a moderator sets or changes them; without, it keeps its own.
    """

    __tablename__ = "phase_instruments"
    __table_args__ = (UniqueConstraint("kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("process_phases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    target_id: Mapped[int] = mapped_column()
    follows_phase_dates: Mapped[bool] = mapped_column(default=True)

    phase = relationship("ProcessPhase", back_populates="instruments")

    def __repr__(self):
        return f"<PhaseInstrument {self.id} {self.kind}:{self.target_id}>"
