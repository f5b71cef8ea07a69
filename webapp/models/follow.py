"""Who follows whom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now


class Follow(Base):
    """`follower` sees `followed`'s posts in their home feed."""

    __tablename__ = "follows"

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followed_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("follower_id <> followed_id", name="not_self"),
        # Followers and following lists, keyset-paginated on (created_at, the other id).
        Index("ix_follows_followed_id_created_at", "followed_id", "created_at", "follower_id"),
        Index("ix_follows_follower_id_created_at", "follower_id", "created_at", "followed_id"),
    )
