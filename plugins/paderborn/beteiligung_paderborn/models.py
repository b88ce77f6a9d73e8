"""The plugin's own table: the catalogue of a region's online services."""

from datetime import UTC, date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from beteiligung.plugin_api import db


def utcnow():
    """Naive UTC, the core's convention for stored times."""
    return datetime.now(UTC).replace(tzinfo=None)


class OnlineService(db.Model):
    __tablename__ = "paderborn_services"
    # One name per region: the seed command and the survey's answer options rely on it.
    __table_args__ = (UniqueConstraint("region_id", "name"),
                      Index("ix_paderborn_services_region_active", "region_id", "active"))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(120))
    online_since: Mapped[date] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self):
        return f"<OnlineService {self.id} {self.name!r}>"
