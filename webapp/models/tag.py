"""Tags on posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, UTCDateTime, utc_now
from webapp.models.formats import name_format_checks

TAG_CHARS = "a-z0-9\u00a0-\U0010ffff-"  # any script from U+00A0; exact rule: tags/names.py
TAG_MAX = 30
MAX_TAGS_PER_POST = 5

post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_post_tags_tag_id_post_id", "tag_id", "post_id"),
)


class Tag(Base):
    """A normalized topic label; `post_count` is kept exact by the post services."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("post_count >= 0", name="post_count_not_negative"),
        *name_format_checks("name", TAG_CHARS, 1, TAG_MAX, "name"),
        Index("ix_tags_post_count_id", "post_count", "id"),
    )
