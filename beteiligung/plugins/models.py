from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class RegionPlugin(db.Model):
    """A plugin enabled in a region. Installed is not enabled: without a row, the plugin is off there."""

    __tablename__ = "region_plugins"

    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    plugin: Mapped[str] = mapped_column(String(60), primary_key=True)
    enabled_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    enabled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
