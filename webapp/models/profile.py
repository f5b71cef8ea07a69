"""Public identity of a user: username, names, bio, avatar."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utc_now
from webapp.models.formats import name_format_checks

if TYPE_CHECKING:
    from webapp.models.user import User

USERNAME_CHARS = "A-Za-z0-9_"
USERNAME_MIN, USERNAME_MAX = 3, 30


class Profile(Base):
    """One per user, created in the same transaction as the user."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    display_name: Mapped[str] = mapped_column(String(50), default="")
    first_name: Mapped[str] = mapped_column(String(50), default="")
    last_name: Mapped[str] = mapped_column(String(50), default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    avatar_path: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)

    user: Mapped[User] = relationship(back_populates="profile")

    __table_args__ = (
        # Usernames are unique whatever their case: "Alice" and "alice" are one name.
        Index("uq_profiles_username_lower", func.lower(username), unique=True),
        *name_format_checks("username", USERNAME_CHARS, USERNAME_MIN, USERNAME_MAX, "username"),
    )

    @property
    def name(self) -> str:
        """What to call this person on a page."""
        return self.display_name or self.username
