from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beteiligung.plugin_api import db


class Dataset(db.Model):
    """The results of one closed poll, published as open data (CSV plus metadata for DCAT-AP.de)."""

    __tablename__ = "gelsenkirchen_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    # One data set per poll; it stays when the poll is deleted (the data were published).
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    csv: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(default=0)
    # When the poll ran (temporal coverage) and when the data set was issued.
    starts_at: Mapped[object | None] = mapped_column(db.DateTime)
    ends_at: Mapped[object | None] = mapped_column(db.DateTime)
    issued_at: Mapped[object] = mapped_column(db.DateTime)
