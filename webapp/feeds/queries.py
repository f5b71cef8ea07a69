"""Reads for feeds: one query for a page of posts with all a post card shows."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import Post, User, post_tags
from webapp.pagination import Page, SortKey, keyset_page

NEWEST = (SortKey(Post.created_at), SortKey(Post.id))


def visible_posts() -> Select:
    """Posts people may see, with what a post card shows loaded up front."""
    return (
        select(Post)
        .where(Post.removed_at.is_(None), Post.deleted_at.is_(None))
        .options(
            joinedload(Post.author).joinedload(User.profile),
            joinedload(Post.community),
            selectinload(Post.tags),
        )
    )


def newest_posts(
    cursor: str | None,
    page_size: int,
    *,
    community_id: int | None = None,
    tag_id: int | None = None,
) -> Page[Post]:
    """Visible posts, newest first, optionally in one community (pinned ones are shown
    apart there) or with one tag."""
    statement = visible_posts()
    if community_id is not None:
        statement = statement.where(Post.community_id == community_id, Post.is_pinned.is_(False))
    if tag_id is not None:
        statement = statement.join(post_tags, post_tags.c.post_id == Post.id).where(
            post_tags.c.tag_id == tag_id
        )
    return keyset_page(
        statement, NEWEST, cursor, page_size, key_of=lambda post: (post.created_at, post.id)
    )


def pinned_posts(community_id: int) -> list[Post]:
    """A community's pinned posts, newest first (moderators keep these few)."""
    statement = (
        visible_posts()
        .where(Post.community_id == community_id, Post.is_pinned.is_(True))
        .order_by(Post.created_at.desc())
        .limit(10)
    )
    return list(db.session.scalars(statement).unique())
