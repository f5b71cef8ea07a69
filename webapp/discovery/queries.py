"""Reads for the sitemap: only what a guest may see (no removed or deleted post, nothing
by a person banned now), each file in a fixed number of statements. Posts come in chunks
of ids, [n·POSTS_PER_CHUNK, (n+1)·POSTS_PER_CHUNK): a chunk is one range scan of the
primary key, so the thousandth costs what the first does (no OFFSET). The index's one
pass over every post (a chunk's latest change) is kept in the cache (sitemaps.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import load_only

from webapp.extensions import db
from webapp.models import Community, Post, Tag, User, post_tags, utc_now
from webapp.models.base import UTCDateTime

POSTS_PER_CHUNK = 10_000
MAX_URLS = 50_000  # the sitemap protocol's limit per file
MAX_CHUNK = (2**31 - 1) // POSTS_PER_CHUNK  # ids are PostgreSQL integers


@dataclass(frozen=True)
class ChunkSummary:
    """A chunk of posts that has visible ones: its number and latest change."""

    number: int
    lastmod: datetime


def _author_not_banned(statement: Select) -> Select:
    """Posts whose author is not banned now (an author who deleted their account and
    kept their posts is no author: those posts stay public)."""
    now = utc_now()
    return statement.outerjoin(User, User.id == Post.author_id).where(
        or_(
            User.banned_at.is_(None), and_(User.banned_until.is_not(None), User.banned_until <= now)
        )
    )


def _public(statement: Select) -> Select:
    return _author_not_banned(statement.where(Post.removed_at.is_(None), Post.deleted_at.is_(None)))


def _changed():
    return func.coalesce(Post.edited_at, Post.created_at)


def post_chunks() -> list[ChunkSummary]:
    """Every chunk with a public post, in order, with its latest creation or edit."""
    number = (Post.id // POSTS_PER_CHUNK).label("number")
    statement = (
        _public(select(number, func.max(_changed(), type_=UTCDateTime).label("lastmod")))
        .group_by(number)
        .order_by(number)
    )
    return [ChunkSummary(int(row.number), row.lastmod) for row in db.session.execute(statement)]


def newest_listing_changes() -> tuple[datetime | None, datetime | None]:
    """When the communities' and the tags' sitemaps last changed, roughly: the newest
    community (or tag) or public post, whichever came later (one statement)."""
    newest_post = (
        select(func.max(Post.created_at))
        .where(Post.removed_at.is_(None), Post.deleted_at.is_(None))
        .scalar_subquery()
    )
    newest_community = select(func.max(Community.created_at)).scalar_subquery()
    newest_tag = select(func.max(Tag.created_at)).where(Tag.post_count > 0).scalar_subquery()
    row = db.session.execute(
        select(
            newest_post.label("post"),
            newest_community.label("community"),
            newest_tag.label("tag"),
        )
    ).one()
    return _latest(row.community, row.post), _latest(row.tag, row.post)


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def posts_of_chunk(number: int) -> list[Post]:
    """The public posts with ids in chunk `number`, by id (only the columns a sitemap
    entry needs: the id, the slug's title and states, the times)."""
    low = number * POSTS_PER_CHUNK
    statement = (
        _public(select(Post).where(Post.id >= low, Post.id < low + POSTS_PER_CHUNK))
        .options(
            load_only(
                Post.id,
                Post.title,
                Post.created_at,
                Post.edited_at,
                Post.removed_at,
                Post.deleted_at,
                raiseload=True,
            )
        )
        .order_by(Post.id)
    )
    return list(db.session.scalars(statement))


def _latest_post_time(*conditions) -> Select:
    return (
        select(Post.created_at)
        .where(Post.removed_at.is_(None), Post.deleted_at.is_(None), *conditions)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(1)
    )


def community_entries() -> list[tuple[str, datetime | None]]:
    """Every community (the most joined first, up to MAX_URLS) and when it last
    changed: its creation or its newest public post (an index lookup each)."""
    latest = (
        _latest_post_time(Post.community_id == Community.id).correlate(Community).scalar_subquery()
    )
    statement = (
        select(Community.name, Community.created_at, latest.label("latest"))
        .order_by(Community.member_count.desc(), Community.id.desc())
        .limit(MAX_URLS)
    )
    return [_entry(row.name, row.created_at, row.latest) for row in db.session.execute(statement)]


def tag_entries() -> list[tuple[str, datetime | None]]:
    """Every tag in use (the most used first, up to MAX_URLS) and when it last changed:
    its creation or the newest public post it names (walking post_tags' index back)."""
    latest = (
        select(Post.created_at)
        .join(post_tags, post_tags.c.post_id == Post.id)
        .where(
            post_tags.c.tag_id == Tag.id,
            Post.removed_at.is_(None),
            Post.deleted_at.is_(None),
        )
        .order_by(post_tags.c.post_id.desc())
        .limit(1)
        .correlate(Tag)
        .scalar_subquery()
    )
    statement = (
        select(Tag.name, Tag.created_at, latest.label("latest"))
        .where(Tag.post_count > 0)
        .order_by(Tag.post_count.desc(), Tag.id.desc())
        .limit(MAX_URLS)
    )
    # A tag whose posts were all taken down has no page worth listing (its count says
    # so too, unless a row was changed by hand).
    rows = db.session.execute(statement)
    return [_entry(row.name, row.created_at, row.latest) for row in rows if row.latest]


def _entry(name: str, created: datetime, latest: datetime | None) -> tuple[str, datetime | None]:
    return name, _latest(created, latest)
