"""Projektschaufenster: the funded projects of the model regions, with their contact person (published only
with consent), links, downloadable materials, and the processes and measures of the region they relate to."""

from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..choices import one_of
from ..extensions import db
from ..timeutil import utcnow

# Length limits (characters), one owner each: the columns, the services and the forms.
TITLE_MIN, TITLE_MAX = 3, 200
SUMMARY_MIN, SUMMARY_MAX = 10, 500
DESCRIPTION_MAX = 20_000
OFFICE_MAX = 200
CONTACT_NAME_MAX = 120
CONTACT_EMAIL_MAX = 254
CONTACT_PHONE_MAX = 40
LINK_TITLE_MAX = 200
URL_MAX = 2000
MATERIAL_TITLE_MAX = 200
FILE_NAME_MAX = 100
LINKS_MAX = 20
MATERIALS_MAX = 20
QUERY_MAX = 200


class ProjectStatus(StrEnum):
    """A project's status (equal to its string); the German labels are in ``services.STATUS_LABELS``."""

    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"


project_processes = Table(
    "showcase_project_processes", db.metadata,
    Column("project_id", Integer, ForeignKey("showcase_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("process_id", Integer, ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True, index=True),
)

project_measures = Table(
    "showcase_project_measures", db.metadata,
    Column("project_id", Integer, ForeignKey("showcase_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("measure_id", Integer, ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ShowcaseProject(db.Model):
    __tablename__ = "showcase_projects"
    __table_args__ = (one_of("status", ProjectStatus),
                      CheckConstraint("ends_on >= starts_on", name="period"),
                      Index("ix_showcase_projects_region_published", "region_id", "published"))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # Sanitised HTML of the description (beteiligung.markup), rendered when the description is written.
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.PLANNED.value)
    starts_on: Mapped[object] = mapped_column(Date)
    ends_on: Mapped[object] = mapped_column(Date)
    office: Mapped[str] = mapped_column(String(OFFICE_MAX), default="")
    # The contact person: stored always, published (pages, API, CSV) only with their consent.
    contact_name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX), default="")
    contact_email: Mapped[str] = mapped_column(String(CONTACT_EMAIL_MAX), default="")
    contact_phone: Mapped[str] = mapped_column(String(CONTACT_PHONE_MAX), default="")
    contact_consent: Mapped[bool] = mapped_column(default=False)
    published: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    region = relationship("Region", lazy="joined")
    links = relationship("ShowcaseLink", order_by="ShowcaseLink.id", back_populates="project",
                         cascade="all, delete-orphan", passive_deletes=True)
    materials = relationship("ShowcaseMaterial", order_by="ShowcaseMaterial.id", back_populates="project",
                             cascade="all, delete-orphan", passive_deletes=True)
    processes = relationship("Process", secondary=project_processes, order_by="Process.id")
    measures = relationship("Measure", secondary=project_measures, order_by="Measure.id")

    @property
    def contact_public(self):
        """Whether the contact person may be shown: with their consent and a name."""
        return bool(self.contact_consent and self.contact_name)

    def __repr__(self):
        return f"<ShowcaseProject {self.id} {self.title!r}>"


class ShowcaseLink(db.Model):
    """A link of a project to a page elsewhere (http or https)."""

    __tablename__ = "showcase_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("showcase_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(LINK_TITLE_MAX))
    url: Mapped[str] = mapped_column(String(URL_MAX))

    project = relationship("ShowcaseProject", back_populates="links")


class ShowcaseMaterial(db.Model):
    """A downloadable file of a project (PDF or image), stored under ``instance/uploads/showcase/``."""

    __tablename__ = "showcase_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("showcase_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(MATERIAL_TITLE_MAX))
    file_name: Mapped[str] = mapped_column(String(FILE_NAME_MAX), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)

    project = relationship("ShowcaseProject", back_populates="materials")

    @property
    def extension(self):
        return self.file_name.rsplit(".", 1)[-1]
