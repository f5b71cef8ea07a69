"""Threaded comments: a parent on the same post, a depth, and a path for ordering."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utc_now

if TYPE_CHECKING:
    from webapp.models.post import Post
    from webapp.models.user import User

# Each path segment is the comment id, zero-padded so that text order is id order.
PATH_SEGMENT_WIDTH = 10


def comment_path(parent_path: str | None, comment_id: int) -> str:
    """The materialized path of a comment under `parent_path` (None for top level)."""
    segment = str(comment_id).zfill(PATH_SEGMENT_WIDTH)
    return f"{parent_path}/{segment}" if parent_path else segment


class Comment(Base):
    """A comment. Deleted comments keep their place so their replies stay in the thread."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(Integer, default=0)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    removal_reason: Mapped[str | None] = mapped_column(String(500))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")
    post: Mapped[Post] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        # The parent must be a comment of the same post: the database holds this rule.
        UniqueConstraint("id", "post_id", name="uq_comments_id_post_id"),
        ForeignKeyConstraint(
            ["parent_id", "post_id"],
            ["comments.id", "comments.post_id"],
            ondelete="CASCADE",
            name="fk_comments_parent_same_post",
        ),
        CheckConstraint("depth >= 0", name="depth_not_negative"),
        CheckConstraint("(parent_id IS NULL) = (depth = 0)", name="depth_matches_parent"),
        CheckConstraint("upvotes >= 0 AND downvotes >= 0", name="votes_not_negative"),
        CheckConstraint("score = upvotes - downvotes", name="score_matches_votes"),
        Index("ix_comments_post_id_path", "post_id", "path"),
        Index("ix_comments_author_id_created_at_id", "author_id", "created_at", "id"),
        Index("ix_comments_created_at_id", "created_at", "id"),
        Index("ix_comments_score_id", "score", "id"),
    )

    @property
    def is_visible(self) -> bool:
        return self.removed_at is None and self.deleted_at is None


# A post page lists its top-level comments by score (best) or by time (new, old) and
# pages through them by keyset: partial indexes hold only the top-level rows of each
# post, so the first page and the hundredth start where they should. Queries must say
# `.where(Comment.parent_id.is_(None))`, the indexes' own condition.
Index(
    "ix_comments_top_level_score",
    Comment.post_id,
    Comment.score,
    Comment.created_at,
    Comment.id,
    postgresql_where=Comment.parent_id.is_(None),
    sqlite_where=Comment.parent_id.is_(None),
)
Index(
    "ix_comments_top_level_created_at",
    Comment.post_id,
    Comment.created_at,
    Comment.id,
    postgresql_where=Comment.parent_id.is_(None),
    sqlite_where=Comment.parent_id.is_(None),
)
