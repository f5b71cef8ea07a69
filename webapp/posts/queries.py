"""Reads for posts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Post, User


def post_for_page(post_id: int) -> Post | None:
    """A post with its author, community and tags, whatever its state."""
    statement = (
        select(Post)
        .where(Post.id == post_id)
        .options(
            joinedload(Post.author).joinedload(User.profile),
            joinedload(Post.community),
            joinedload(Post.tags),  # at most five: one query, not two
        )
    )
    return db.session.scalars(statement).unique().one_or_none()
