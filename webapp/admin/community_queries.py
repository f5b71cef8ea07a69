"""Reads for the admin's community pages: the searchable table, one community's page,
and what deleting a community would take with it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ScalarSelect, and_, func, or_, select
from sqlalchemy.orm import aliased

from webapp.communities import bans
from webapp.communities.queries import community_by_name, moderators_of
from webapp.extensions import db
from webapp.models import Comment, Community, Membership, Post, User
from webapp.models.community import ROLE_OWNER
from webapp.pages import PageData
from webapp.pagination import Page, SortKey, keyset_page

SEARCH_MAX = 100
COMMUNITY_KEYS = (SortKey(Community.created_at), SortKey(Community.id))

__all__ = ["community_by_name", "communities_page", "community_overview", "deletion_counts"]


def _like_pattern(text: str) -> str:
    """`text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def communities_page(search: str, cursor: str | None, size: int) -> Page:
    """Communities whose name or title contains `search` (any case), newest first: rows
    of (community, owner or None), the owner's profile loaded in the same statement."""
    owner_membership = aliased(Membership)
    owner = aliased(User)
    statement = (
        select(Community, owner)
        .outerjoin(
            owner_membership,
            and_(
                owner_membership.community_id == Community.id,
                owner_membership.role == ROLE_OWNER,
            ),
        )
        .outerjoin(owner, owner.id == owner_membership.user_id)
    )
    search = search.strip()[:SEARCH_MAX]
    if search:
        pattern = _like_pattern(search)
        statement = statement.where(
            or_(
                func.lower(Community.name).like(pattern, escape="\\"),
                func.lower(Community.title).like(pattern, escape="\\"),
            )
        )
    return keyset_page(
        statement,
        COMMUNITY_KEYS,
        cursor,
        size,
        lambda row: (row[0].created_at, row[0].id),
        scalars=False,
    )


@dataclass
class CommunityOverview(PageData):
    """What the admin's page of one community shows besides its forms."""

    community: Community
    moderators: list[Membership]
    ban_count: int


def community_overview(community: Community) -> CommunityOverview:
    return CommunityOverview(
        community=community,
        moderators=moderators_of(community.id),
        ban_count=bans.active_ban_count(community.id),
    )


@dataclass
class DeletionCounts:
    """What deleting a community takes with it."""

    posts: int
    comments: int
    members: int


def deletion_counts(community_id: int) -> DeletionCounts:
    """Counted from the rows themselves (removed and deleted ones too: they go as well)."""
    post_ids = select(Post.id).where(Post.community_id == community_id)
    post_count: ScalarSelect[int] = (
        select(func.count())
        .select_from(Post)
        .where(Post.community_id == community_id)
        .scalar_subquery()
    )
    comment_count: ScalarSelect[int] = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.post_id.in_(post_ids))
        .scalar_subquery()
    )
    member_count: ScalarSelect[int] = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.community_id == community_id)
        .scalar_subquery()
    )
    statement = select(post_count, comment_count, member_count)
    posts, comments, members = db.session.execute(statement).one()
    return DeletionCounts(posts=posts, comments=comments, members=members)
