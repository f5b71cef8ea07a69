"""Posts: a title, a cleaned rich-text body, an optional link, in one community."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utc_now
from webapp.models.tag import post_tags

if TYPE_CHECKING:
    from webapp.models.community import Community
    from webapp.models.tag import Tag
    from webapp.models.user import User

TITLE_MAX = 300


class Post(Base):
    """A post. Counters and `hot` are denormalized and changed beside their cause."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[int] = mapped_column(Integer, default=0)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    hot: Mapped[float] = mapped_column(Float, default=0.0)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    removal_reason: Mapped[str | None] = mapped_column(String(500))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")
    community: Mapped[Community] = relationship(lazy="raise_on_sql")
    tags: Mapped[list[Tag]] = relationship(secondary=post_tags, lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("length(title) >= 1", name="title_not_empty"),
        CheckConstraint("upvotes >= 0 AND downvotes >= 0", name="votes_not_negative"),
        CheckConstraint("score = upvotes - downvotes", name="score_matches_votes"),
        CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
        # Feed indexes: every sort is keyset-paginated on (sort key, id).
        Index("ix_posts_hot_id", "hot", "id"),
        Index("ix_posts_created_at_id", "created_at", "id"),
        Index("ix_posts_score_id", "score", "id"),
        Index("ix_posts_community_id_hot_id", "community_id", "hot", "id"),
        Index("ix_posts_community_id_created_at_id", "community_id", "created_at", "id"),
        Index("ix_posts_community_id_score_id", "community_id", "score", "id"),
        Index("ix_posts_author_id_created_at_id", "author_id", "created_at", "id"),
        Index("ix_posts_author_id_hot_id", "author_id", "hot", "id"),
        Index("ix_posts_author_id_score_id", "author_id", "score", "id"),
    )

    @property
    def slug(self) -> str:
        """The cosmetic part of the post's URL, made from its title (but not once the
        post is deleted or removed: its address must not repeat what was taken down)."""
        if self.deleted_at is not None:
            return "deleted"
        if self.removed_at is not None:
            return "removed"
        words = re.sub(r"[^\w]+", "-", self.title.lower()).strip("-_")
        return words[:80].rstrip("-_") or "post"

    @property
    def is_visible(self) -> bool:
        """Neither removed by a moderator nor deleted by its author."""
        return self.removed_at is None and self.deleted_at is None


# A community's pinned posts, newest first: a partial index holds only the few pinned
# rows, so the biggest community finds them without walking its whole feed. Queries
# must say `.where(Post.is_pinned)` (rendered as the index's own condition, which each
# engine needs to see to use it: `is_pinned` on PostgreSQL, `is_pinned = 1` on SQLite).
Index(
    "ix_posts_community_id_pinned",
    Post.community_id,
    Post.created_at.desc(),
    Post.id.desc(),
    postgresql_where=Post.is_pinned,
    sqlite_where=text("is_pinned = 1"),
)
