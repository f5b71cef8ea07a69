"""Reads for reader feeds: the newest visible posts of a feed, in one statement plus one
for the tags of all of them (feeds.queries.visible_posts: removed and deleted posts are
never read)."""

from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.feeds.queries import visible_posts
from webapp.models import Post, post_tags

FEED_ENTRIES = 30


def newest_posts(
    *,
    community_id: int | None = None,
    tag_id: int | None = None,
    author_id: int | None = None,
    limit: int = FEED_ENTRIES,
) -> list[Post]:
    """The newest visible posts (pinned ones too) of everything, one community, one
    tag or one author, newest first, with author, community and tags loaded."""
    statement = visible_posts()
    if community_id is not None:
        statement = statement.where(Post.community_id == community_id)
    if tag_id is not None:
        tagged = select(post_tags.c.post_id).where(post_tags.c.tag_id == tag_id)
        statement = statement.where(Post.id.in_(tagged))
    if author_id is not None:
        statement = statement.where(Post.author_id == author_id)
    statement = statement.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit)
    return list(db.session.scalars(statement).unique())
