"""Reads for feeds: one query for a page of posts with all a post card shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import Post, User
from webapp.pagination import decode_cursor, encode_cursor


@dataclass
class FeedPage:
    posts: list[Post]
    next_cursor: str | None


def newest_posts(cursor: str | None, page_size: int) -> FeedPage:
    """Visible posts, newest first, keyset-paginated on (created_at, id)."""
    statement = (
        select(Post)
        .where(Post.removed_at.is_(None), Post.deleted_at.is_(None))
        .options(
            joinedload(Post.author).joinedload(User.profile),
            joinedload(Post.community),
            selectinload(Post.tags),
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(page_size + 1)
    )
    position = decode_cursor(cursor, 2)
    if position is not None:
        try:
            after_time, after_id = datetime.fromisoformat(position[0]), int(position[1])
        except (TypeError, ValueError):
            after_time = None
        if after_time is not None and after_time.tzinfo is not None:
            statement = statement.where(
                or_(
                    Post.created_at < after_time,
                    and_(Post.created_at == after_time, Post.id < after_id),
                )
            )
    posts = list(db.session.scalars(statement).unique())
    next_cursor = None
    if len(posts) > page_size:
        posts = posts[:page_size]
        last = posts[-1]
        next_cursor = encode_cursor(last.created_at.isoformat(), last.id)
    return FeedPage(posts=posts, next_cursor=next_cursor)
