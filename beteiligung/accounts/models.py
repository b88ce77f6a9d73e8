from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

ROLES = ("citizen", "moderator", "admin")

region_moderators = db.Table(
    "region_moderators",
    db.Column("region_id", db.Integer, ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", db.Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

# Region administrators: per region, independent of the account's role (a citizen can administer
# one region and nothing elsewhere); platform administrators need no row here.
region_admins = db.Table(
    "region_admins",
    db.Column("region_id", db.Integer, ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", db.Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('citizen', 'moderator', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    # Lower-cased pseudonym: two users may not differ only by case.
    pseudonym_key: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="citizen")
    terms_accepted_at: Mapped[object] = mapped_column(db.DateTime, nullable=True)
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    # Raised to end every session of the account (log-out, password change); a session remembers the
    # version it was started with and is refused once the account's is higher.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the owner confirmed the address by the mailed link. Self-registration leaves it empty;
    # accounts made by operators (flask users create), the demo and tests count as confirmed.
    email_confirmed_at: Mapped[object] = mapped_column(db.DateTime, nullable=True, default=utcnow)
    #: language of mails and notifications ("de" or "en")
    locale: Mapped[str] = mapped_column(String(5), default="de", server_default="de")
    #: follow what one comments on, automatically (notifications)
    auto_follow: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    moderated_regions = relationship("Region", secondary=region_moderators, back_populates="moderators",
                                     order_by="Region.name")
    administered_regions = relationship("Region", secondary=region_admins, back_populates="administrators",
                                        order_by="Region.name")

    @property
    def is_confirmed(self):
        return self.email_confirmed_at is not None

    @property
    def is_admin(self):
        return self.role == "admin"

    def __repr__(self):
        return f"<User {self.id} {self.pseudonym}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: what the owner calls it ("Auswertungsskript"); empty when not named
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[object] = mapped_column(db.DateTime, default=utcnow)
    expires_at: Mapped[object] = mapped_column(db.DateTime)
    #: last request with the token that changed something (reads never write; see accounts docs)
    last_used_at: Mapped[object] = mapped_column(db.DateTime, nullable=True)

    user = relationship("User")


class LoginThrottle(db.Model):
    """Failed log-ins counted per account ("account:<id>") and per trusted device ("device:<digest>").

    After repeated failures the key needs a wait (blocked_until) that grows with further failures;
    a correct password ends the count. See accounts.throttle.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    blocked_until: Mapped[object] = mapped_column(db.DateTime, nullable=True)
    last_failure_at: Mapped[object] = mapped_column(db.DateTime, nullable=True)
    #: when the owner was last told by mail (at most one mail per blocking period)
    notified_at: Mapped[object] = mapped_column(db.DateTime, nullable=True)
