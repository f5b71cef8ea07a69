"""Reads for profiles: the person, their numbers in one statement, their lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Comment, Follow, Membership, Profile, User
from webapp.pagination import Page, SortKey, keyset_page
from webapp.profiles import permissions


@dataclass
class ProfileNumbers:
    posts: int
    comments: int
    karma: int
    followers: int
    following: int


def user_by_username(username: str) -> User | None:
    if len(username) > 30:
        return None
    return db.session.scalar(
        select(User).join(User.profile).where(func.lower(Profile.username) == username.lower())
    )


def profile_numbers(user_id: int) -> ProfileNumbers:
    """Their counts and karma: the score of everything they wrote that is still up,
    where a comment under a removed or deleted post is not (it stays listed and counted
    as a comment, but its points leave the karma while the post is down). All five are
    counters the services keep on the user's row (webapp/counters.py), never counted
    per view: one primary-key read."""
    row = db.session.execute(
        select(
            User.post_count,
            User.comment_count,
            User.karma,
            User.follower_count,
            User.following_count,
        ).where(User.id == user_id)
    ).one_or_none()
    return ProfileNumbers(*row) if row is not None else ProfileNumbers(0, 0, 0, 0, 0)


def is_following(viewer, user_id: int) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return db.session.get(Follow, (viewer.id, user_id)) is not None


@dataclass
class ProfileComment:
    """A comment on its author's profile, and whether the viewer may see its post's
    title and link (not when the post was deleted, or removed and the viewer does not
    moderate its community)."""

    comment: Comment
    shows_post: bool


def comments_page(
    user_id: int, cursor: str | None, page_size: int, viewer=None
) -> Page[ProfileComment]:
    """Their visible comments, newest first, each with its post and what `viewer` (a
    guest when None) may see of it."""
    statement = (
        select(Comment)
        .where(
            Comment.author_id == user_id,
            Comment.removed_at.is_(None),
            Comment.deleted_at.is_(None),
        )
        .options(joinedload(Comment.post))
    )
    keys = (SortKey(Comment.created_at), SortKey(Comment.id))
    page = keyset_page(statement, keys, cursor, page_size, lambda c: (c.created_at, c.id))
    memberships = _memberships(
        viewer, {c.post.community_id for c in page.items if c.post.removed_at is not None}
    )
    items = [
        ProfileComment(
            comment,
            permissions.shows_post_of_comment(
                viewer, comment.post, memberships.get(comment.post.community_id)
            ),
        )
        for comment in page.items
    ]
    return Page(items, page.next_cursor)


def _memberships(viewer, community_ids: set[int]) -> dict[int, Membership]:
    """The viewer's memberships of these communities, by community id (one query, and
    none for guests or when there is nothing to ask)."""
    if not community_ids or viewer is None or not viewer.is_authenticated:
        return {}
    rows = db.session.scalars(
        select(Membership).where(
            Membership.user_id == viewer.id, Membership.community_id.in_(community_ids)
        )
    )
    return {membership.community_id: membership for membership in rows}


def people_page(user_id: int, direction: str, cursor: str | None, page_size: int) -> Page:
    """Followers of `user_id` (direction "followers") or the people they follow."""
    if direction == "followers":
        person, filter_column = Follow.follower_id, Follow.followed_id
    else:
        person, filter_column = Follow.followed_id, Follow.follower_id
    statement = select(Follow, User).join(User, User.id == person).where(filter_column == user_id)
    keys = (SortKey(Follow.created_at), SortKey(person))
    key_of = (
        (lambda row: (row[0].created_at, row[0].follower_id))
        if direction == "followers"
        else (lambda row: (row[0].created_at, row[0].followed_id))
    )
    return keyset_page(statement, keys, cursor, page_size, key_of, scalars=False)
