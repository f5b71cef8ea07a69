"""Communities and who belongs to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utc_now
from webapp.models.formats import name_format_checks

if TYPE_CHECKING:
    from webapp.models.user import User

COMMUNITY_NAME_CHARS = "a-z0-9_"
COMMUNITY_NAME_MIN, COMMUNITY_NAME_MAX = 3, 30

ROLE_MEMBER = "member"
ROLE_MODERATOR = "moderator"
ROLE_OWNER = "owner"
ROLES = (ROLE_MEMBER, ROLE_MODERATOR, ROLE_OWNER)


class Community(Base):
    """A place people gather around a topic; reached at /c/<name>."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(COMMUNITY_NAME_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[str] = mapped_column(Text, default="")
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Denormalized counters, changed in the same transaction as the rows they count.
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    post_count: Mapped[int] = mapped_column(Integer, default=0)

    creator: Mapped[User | None] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("member_count >= 0", name="member_count_not_negative"),
        CheckConstraint("post_count >= 0", name="post_count_not_negative"),
        CheckConstraint("length(title) >= 1", name="title_not_empty"),
        *name_format_checks(
            "name", COMMUNITY_NAME_CHARS, COMMUNITY_NAME_MIN, COMMUNITY_NAME_MAX, "name"
        ),
        Index("ix_communities_member_count_id", "member_count", "id"),
        Index("ix_communities_created_at_id", "created_at", "id"),
    )


class Membership(Base):
    """A user's membership of a community, with their role in it."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    user: Mapped[User] = relationship(lazy="raise_on_sql")
    community: Mapped[Community] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        Index("ix_memberships_community_id_joined_at", "community_id", "joined_at"),
        # The sidebar's moderators: the few owner/moderator rows, not every membership.
        Index("ix_memberships_community_id_role", "community_id", "role"),
    )


class CommunityBan(Base):
    """A person banned from one community by its moderators or a site admin: they can
    read it but not post, comment, vote or join there until `expires_at` (None: for good)."""

    __tablename__ = "community_bans"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    banned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_community_bans_community_id_created_at", "community_id", "created_at"),
        Index("ix_community_bans_user_id", "user_id"),
    )
