"""Reads for communities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.communities import permissions
from webapp.extensions import db
from webapp.models import Community, Membership, ModerationAction, User
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER
from webapp.pages import PageData
from webapp.pagination import Page, SortKey, keyset_page

DIRECTORY_SORTS = {
    "members": (SortKey(Community.member_count), SortKey(Community.id)),
    "new": (SortKey(Community.created_at), SortKey(Community.id)),
    "name": (SortKey(Community.name, descending=False),),
}
DIRECTORY_KEYS = {
    "members": lambda c: (c.member_count, c.id),
    "new": lambda c: (c.created_at, c.id),
    "name": lambda c: (c.name,),
}


def community_by_name(name: str) -> Community | None:
    if len(name) > 30:
        return None
    return db.session.scalar(select(Community).where(Community.name == name.lower()))


membership_of = permissions.membership_of


def directory_page(sort: str, cursor: str | None, page_size: int) -> Page[Community]:
    """Communities for /c/, sorted by members, newest or name."""
    return keyset_page(
        select(Community), DIRECTORY_SORTS[sort], cursor, page_size, DIRECTORY_KEYS[sort]
    )


def moderators_of(community_id: int) -> list[Membership]:
    """Owner first, then moderators by seniority, with their profiles."""
    statement = (
        select(Membership)
        .where(
            Membership.community_id == community_id,
            Membership.role.in_((ROLE_OWNER, ROLE_MODERATOR)),
        )
        .options(joinedload(Membership.user).joinedload(User.profile))
        .order_by((Membership.role == ROLE_OWNER).desc(), Membership.joined_at)
    )
    return list(db.session.scalars(statement))


def members_page(community_id: int, cursor: str | None, page_size: int) -> Page[Membership]:
    statement = (
        select(Membership)
        .where(Membership.community_id == community_id)
        .options(joinedload(Membership.user).joinedload(User.profile))
    )
    keys = (SortKey(Membership.joined_at), SortKey(Membership.user_id))
    return keyset_page(statement, keys, cursor, page_size, lambda m: (m.joined_at, m.user_id))


def log_page(community_id: int, cursor: str | None, page_size: int) -> Page:
    """The community's moderation log, newest first, with who did each thing."""
    statement = (
        select(ModerationAction, User)
        .outerjoin(User, User.id == ModerationAction.actor_id)
        .where(ModerationAction.community_id == community_id)
        .options(joinedload(User.profile))
    )
    keys = (SortKey(ModerationAction.created_at), SortKey(ModerationAction.id))
    return keyset_page(
        statement,
        keys,
        cursor,
        page_size,
        lambda row: (row[0].created_at, row[0].id),
        scalars=False,
    )


@dataclass
class CommunitySidebar(PageData):
    """What every page with the community sidebar shows: the community, the viewer's
    membership and powers, and its moderators."""

    community: Community
    membership: Membership | None
    is_moderator: bool
    is_owner: bool
    moderators: list[Membership]


def community_sidebar(community: Community, viewer) -> CommunitySidebar:
    """The sidebar of `community` as `viewer` sees it."""
    membership = membership_of(viewer, community.id)
    return CommunitySidebar(
        community=community,
        membership=membership,
        is_moderator=permissions.is_moderator(viewer, membership),
        is_owner=permissions.is_owner(viewer, membership),
        moderators=moderators_of(community.id),
    )


# How many communities the "New post" chooser lists besides the person's own.
CHOOSER_OTHERS = 100


@dataclass
class PostingChoices:
    """Where a person can post: the communities they joined, then the biggest others."""

    joined: list[Community]
    others: list[Community]


def posting_choices(user: User) -> PostingChoices:
    """The communities for the "New post" chooser (two statements, whatever the size)."""
    joined = list(
        db.session.scalars(
            select(Community)
            .join(Membership, Membership.community_id == Community.id)
            .where(Membership.user_id == user.id)
            .order_by(Community.title, Community.id)
        )
    )
    joined_ids = {community.id for community in joined}
    biggest = db.session.scalars(
        select(Community)
        .order_by(Community.member_count.desc(), Community.id.desc())
        .limit(CHOOSER_OTHERS + len(joined_ids))
    )
    others = [community for community in biggest if community.id not in joined_ids]
    return PostingChoices(joined=joined, others=others[:CHOOSER_OTHERS])
