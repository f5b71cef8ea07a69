"""Reads for feeds: one query for a page of posts with everything a post card shows,
plus one for the viewer's own votes on that page. Every sort is keyset-paginated on an
indexed (key, id) pair, so the thousandth page costs what the first one does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.extensions import db
from webapp.models import Follow, Membership, Post, User, post_tags, utc_now
from webapp.pagination import SortKey, keyset_page
from webapp.votes.queries import my_post_votes

SORTS = ("hot", "new", "top")
TOP_WINDOWS = {
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
    "all": None,
}
_KEYS = {
    "hot": ((SortKey(Post.hot), SortKey(Post.id)), lambda post: (post.hot, post.id)),
    "new": ((SortKey(Post.created_at), SortKey(Post.id)), lambda post: (post.created_at, post.id)),
    "top": ((SortKey(Post.score), SortKey(Post.id)), lambda post: (post.score, post.id)),
}


@dataclass
class FeedPage:
    items: list[Post]
    next_cursor: str | None
    my_votes: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedOrder:
    """A sort and, for "top", a time window; unknown values fall back to defaults."""

    sort: str = "hot"
    window: str = "day"

    @classmethod
    def from_args(cls, sort: str | None, window: str | None) -> FeedOrder:
        return cls(
            sort=sort if sort in SORTS else "hot",
            window=window if window in TOP_WINDOWS else "day",
        )

    def since(self, now: datetime) -> datetime | None:
        span = TOP_WINDOWS[self.window] if self.sort == "top" else None
        return now - span if span else None


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


def feed_page(
    order: FeedOrder,
    cursor: str | None,
    page_size: int,
    viewer=None,
    *,
    community_id: int | None = None,
    tag_id: int | None = None,
    author_id: int | None = None,
    home_of: int | None = None,
) -> FeedPage:
    """One page of a feed: everything, one community, one tag, one author, or a home
    feed (the communities a user joined and the people they follow)."""
    statement = visible_posts()
    if community_id is not None:
        # Pinned posts are shown apart, above the community's feed.
        statement = statement.where(Post.community_id == community_id, Post.is_pinned.is_(False))
    if tag_id is not None:
        statement = statement.join(post_tags, post_tags.c.post_id == Post.id).where(
            post_tags.c.tag_id == tag_id
        )
    if author_id is not None:
        statement = statement.where(Post.author_id == author_id)
    if home_of is not None:
        joined = select(Membership.community_id).where(Membership.user_id == home_of)
        followed = select(Follow.followed_id).where(Follow.follower_id == home_of)
        statement = statement.where(
            or_(Post.community_id.in_(joined), Post.author_id.in_(followed))
        )
    since = order.since(utc_now())
    if since is not None:
        statement = statement.where(Post.created_at >= since)
    keys, key_of = _KEYS[order.sort]
    page = keyset_page(statement, keys, cursor, page_size, key_of)
    votes = my_post_votes(viewer, (post.id for post in page.items))
    return FeedPage(items=page.items, next_cursor=page.next_cursor, my_votes=votes)


def pinned_posts(community_id: int) -> list[Post]:
    """A community's pinned posts, newest first (moderators keep these few), read from
    the partial index of pinned posts (`ix_posts_community_id_pinned`): the condition
    is written as the index's own, which each engine must see to use it."""
    statement = (
        visible_posts()
        .where(Post.community_id == community_id, Post.is_pinned)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(10)
    )
    return list(db.session.scalars(statement).unique())


@dataclass(frozen=True)
class Subscriptions:
    """Whether a user joined any community and whether they follow anyone."""

    joined: bool
    follows: bool

    @property
    def any(self) -> bool:
        return self.joined or self.follows


def subscriptions(user_id: int) -> Subscriptions:
    """What feeds a user's home (one statement); with neither, home is empty."""
    joined = select(Membership.user_id).where(Membership.user_id == user_id).exists()
    follows = select(Follow.follower_id).where(Follow.follower_id == user_id).exists()
    row = db.session.execute(select(joined.label("joined"), follows.label("follows"))).one()
    return Subscriptions(joined=bool(row.joined), follows=bool(row.follows))
