from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import region_admins, region_moderators
from ..extensions import db
from ..timeutil import utcnow


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    #: kinds of participation open to accounts whose e-mail is not yet confirmed, comma-separated
    #: (comment, vote, report, ballot, problem); empty: none (the strict default)
    unconfirmed_may: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: the public contact of the region's moderation team (a team or office, never a private person's data
    #: unless they put it there themselves): shown on the region page and in the API
    contact_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")

    @property
    def has_contact(self):
        return bool(self.contact_name or self.contact_email or self.contact_phone)

    moderators = relationship("User", secondary=region_moderators, back_populates="moderated_regions",
                              order_by="User.pseudonym")
    administrators = relationship("User", secondary=region_admins, back_populates="administered_regions",
                                  order_by="User.pseudonym")

    def __repr__(self):
        return f"<Region {self.slug}>"
