"""Accounts: who may sign in, and their personal settings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utc_now

if TYPE_CHECKING:
    from webapp.models.profile import Profile


class User(UserMixin, Base):
    """A person who can sign in. Public identity lives on `Profile`."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(
            "post_count >= 0 AND comment_count >= 0 AND follower_count >= 0"
            " AND following_count >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why and until when (None: until an admin lifts it); set by webapp.admin.services.
    banned_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ban_reason: Mapped[str] = mapped_column(String(500), default="")
    # None: the address was never confirmed (webapp/auth/verification.py). Accounts from
    # before confirmation existed count as confirmed (migration 0013).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor sign-in (webapp/auth/two_factor.py): the TOTP secret (base32) is set
    # when setup starts and counts once `totp_enabled_at` is set; `totp_last_step` is the
    # time step of the last code accepted, so no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # "light" or "dark"; None follows the device (webapp/meta/theme.py).
    theme: Mapped[str | None] = mapped_column(String(8))
    # A profile's numbers, denormalized and changed in the same transaction as their
    # cause, like a post's score (webapp/counters.py recounts them all from the rows).
    # posts/comments: the visible ones they wrote; karma: the score of their visible
    # posts plus that of their visible comments under visible posts.
    post_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    karma: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    follower_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    following_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Every page that shows a user shows their username: load it with the user.
    profile: Mapped[Profile] = relationship(
        back_populates="user", lazy="joined", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def is_banned(self) -> bool:
        """Banned now: a ban with an end date is over once that date has passed."""
        if self.banned_at is None:
            return False
        return self.banned_until is None or self.banned_until > utc_now()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login: banned users cannot sign in
        return not self.is_banned

    def get_id(self) -> str:
        """Flask-Login keeps this in the session and the remember cookie: it names the
        device's UserSession (set by webapp.auth.sessions), not the account."""
        token = getattr(self, "_session_token", None)
        if not token:
            raise RuntimeError("sign people in through webapp.auth.sessions.start()")
        return "s:" + token

    def __repr__(self) -> str:
        return f"<User {self.id}>"
