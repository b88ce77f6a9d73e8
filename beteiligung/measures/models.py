"""Measures (Maßnahmen): what a process's results became, with their progress, a dated log of updates and
links to the inputs they came from (problems, consultations, polls, proposals: by kind and id)."""

from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..choices import one_of
from ..extensions import db
from ..timeutil import utcnow

# Length limits (characters), one owner each: the columns, the services and the schemas.
TITLE_MIN, TITLE_MAX = 3, 200
DESCRIPTION_MAX = 20_000
OFFICE_MAX = 200
UPDATE_MIN, UPDATE_MAX = 3, 5000
KIND_MAX = 40
LINKS_MAX = 50


class MeasureStatus(StrEnum):
    """A measure's status (equal to its string); the German labels are in ``labels``."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DEFERRED = "deferred"


class Measure(db.Model):
    __tablename__ = "measures"
    __table_args__ = (one_of("status", MeasureStatus),
                      CheckConstraint("progress >= 0 AND progress <= 100", name="progress"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # Sanitised HTML of the description (beteiligung.markup), rendered when the description is written.
    description_html: Mapped[str] = mapped_column(Text, default="")
    office: Mapped[str] = mapped_column(String(OFFICE_MAX), default="")
    status: Mapped[str] = mapped_column(String(20), default=MeasureStatus.PLANNED.value)
    progress: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[object | None] = mapped_column(Date)
    ends_on: Mapped[object | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    process = relationship("Process")
    updates = relationship("MeasureUpdate", order_by="MeasureUpdate.id.desc()", back_populates="measure",
                           cascade="all, delete-orphan", passive_deletes=True)
    links = relationship("MeasureLink", order_by="MeasureLink.id", back_populates="measure",
                         cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self):
        return f"<Measure {self.id} {self.title!r}>"


class MeasureUpdate(db.Model):
    """One entry of a measure's log: a text, and the status or progress it set (if it changed them)."""

    __tablename__ = "measure_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    progress: Mapped[int | None] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)

    measure = relationship("Measure", back_populates="updates")
    author = relationship("User", lazy="joined")


class MeasureLink(db.Model):
    """A measure came from an input: a kind of the link registry (``links.py``) and the input's id."""

    __tablename__ = "measure_links"
    __table_args__ = (UniqueConstraint("measure_id", "kind", "target_id"),
                      Index("ix_measure_links_kind_target", "kind", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    target_id: Mapped[int] = mapped_column()

    measure = relationship("Measure", back_populates="links")
