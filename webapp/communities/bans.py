"""Bans from one community: its moderators (or a site admin) keep a person from
posting, commenting, voting and joining there. Reading stays open."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from webapp.caching import stale_community
from webapp.communities import permissions
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Community, CommunityBan, Membership, Profile, User, utc_now
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER
from webapp.moderation.log import BAN_DAYS_MAX, BAN_DAYS_MESSAGE, REASON_MAX, record_action
from webapp.pagination import Page, SortKey, keyset_page


def active_ban(user_id: int, community_id: int) -> CommunityBan | None:
    """The person's ban from the community, unless there is none or it has ended."""
    ban = db.session.get(CommunityBan, (community_id, user_id))
    if ban is None or (ban.expires_at is not None and ban.expires_at <= utc_now()):
        return None
    return ban


def require_not_banned(user, community_id: int) -> None:
    """Refuse (403) a write by someone banned from the community, saying why and until when."""
    ban = active_ban(user.id, community_id)
    if ban is None:
        return
    if ban.expires_at is None:
        message = _l("You are banned from this community. Reason: %(reason)s", reason=ban.reason)
    else:
        message = _l(
            "You are banned from this community until %(date)s. Reason: %(reason)s",
            date=format_datetime(ban.expires_at, "medium"),
            reason=ban.reason,
        )
    raise DomainError(message, status=403)


# -- Banning and lifting bans ---------------------------------------------------------


def _checked_ban_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why this person is banned."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("A reason has at most 500 characters."), "reason")
    return reason


def _refuse_unbannable(actor: User, actor_membership, community: Community, target: User) -> None:
    """Nobody bans themselves, the owner or a site admin; only the owner (or an admin)
    bans one of the community's moderators."""
    if target.id == actor.id:
        raise DomainError(_l("You cannot ban yourself."), "username")
    if target.is_admin:
        raise DomainError(_l("Site admins cannot be banned from a community."), "username")
    target_membership = db.session.get(Membership, (target.id, community.id))
    role = target_membership.role if target_membership is not None else None
    if role == ROLE_OWNER:
        raise DomainError(_l("The owner cannot be banned from their community."), "username")
    if role == ROLE_MODERATOR and not permissions.is_owner(actor, actor_membership):
        raise DomainError(_l("Only the owner can ban one of the moderators."), "username")


def _upsert_ban(community_id: int, target_id: int, values: dict) -> None:
    """Insert the ban, or update the one already there: two moderators banning the same
    person at once both succeed, and the second ban's terms stand."""
    dialect = db.session.get_bind().dialect.name
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(CommunityBan).values(community_id=community_id, user_id=target_id, **values)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["community_id", "user_id"], set_=values)
    )


def ban_from_community(
    actor: User, community: Community, target: User, reason: str, until: datetime | None
) -> CommunityBan:
    """Ban `target` from `community` until `until` (None: until lifted). A second ban of
    the same person replaces the first's reason and end. The person leaves the community
    (a moderator loses the role with it); the log keeps who, whom and why."""
    actor_membership = permissions.require_moderator(actor, community.id)
    reason = _checked_ban_reason(reason)
    if until is not None and until <= utc_now():
        raise DomainError(_l("A ban must end in the future."), "days")
    _refuse_unbannable(actor, actor_membership, community, target)
    now = utc_now()
    _upsert_ban(
        community.id,
        target.id,
        {"banned_by_id": actor.id, "reason": reason, "created_at": now, "expires_at": until},
    )
    removed = cast(
        CursorResult,
        db.session.execute(
            delete(Membership).where(
                Membership.user_id == target.id,
                Membership.community_id == community.id,
                Membership.role != ROLE_OWNER,
            )
        ),
    ).rowcount
    stale_community(community)
    if removed:
        db.session.execute(
            update(Community)
            .where(Community.id == community.id)
            .values(member_count=Community.member_count - removed)
        )
        db.session.refresh(community)
    record_action(
        actor.id,
        "ban_from_community",
        "user",
        target.id,
        community_id=community.id,
        reason=reason,
        target_label=target.profile.username,
    )
    ban = db.session.get(CommunityBan, (community.id, target.id), populate_existing=True)
    assert ban is not None
    return ban


def user_named(username: str | None) -> User:
    """The person with this username (any case), or a form error on `username`."""
    username = (username or "").strip()
    user = (
        db.session.scalar(
            select(User).join(User.profile).where(func.lower(Profile.username) == username.lower())
        )
        if username
        else None
    )
    if user is None:
        raise DomainError(_l("No one has this username."), "username")
    return user


def ban_named(
    actor: User, community: Community, username: str | None, reason: str, days: int | None
) -> User:
    """The moderators' form: ban by username, for `days` days (None: until lifted).
    Returns the person banned."""
    permissions.require_moderator(actor, community.id)
    if days is not None and not 1 <= days <= BAN_DAYS_MAX:
        raise DomainError(BAN_DAYS_MESSAGE, "days")
    until = utc_now() + timedelta(days=days) if days else None
    target = user_named(username)
    ban_from_community(actor, community, target, reason, until)
    return target


def person(user_id: int | None) -> User | None:
    """The person with this id (a ban form names whom it lifts by id)."""
    return db.session.get(User, user_id) if user_id else None


def unban_from_community(actor: User, community: Community, target: User) -> bool:
    """Lift the person's ban (logged). Returns whether there was one to lift."""
    permissions.require_moderator(actor, community.id)
    lifted = cast(
        CursorResult,
        db.session.execute(
            delete(CommunityBan).where(
                CommunityBan.community_id == community.id, CommunityBan.user_id == target.id
            )
        ),
    ).rowcount
    if not lifted:
        return False
    stale_community(community)
    record_action(
        actor.id,
        "unban_from_community",
        "user",
        target.id,
        community_id=community.id,
        target_label=target.profile.username,
    )
    return True


# -- Reading --------------------------------------------------------------------------

BAN_KEYS = (SortKey(CommunityBan.created_at), SortKey(CommunityBan.user_id))


def bans_page(community_id: int, cursor: str | None, size: int) -> Page:
    """The community's bans in force, newest first: rows of (ban, banned person, the
    moderator who banned them or None), the people's profiles loaded with them."""
    banned_by = aliased(User)
    now = utc_now()
    statement = (
        select(CommunityBan, User, banned_by)
        .join(User, User.id == CommunityBan.user_id)
        .outerjoin(banned_by, banned_by.id == CommunityBan.banned_by_id)
        .where(
            CommunityBan.community_id == community_id,
            or_(CommunityBan.expires_at.is_(None), CommunityBan.expires_at > now),
        )
    )
    return keyset_page(
        statement,
        BAN_KEYS,
        cursor,
        size,
        lambda row: (row[0].created_at, row[0].user_id),
        scalars=False,
    )


def active_ban_count(community_id: int) -> int:
    """How many people are banned from the community now."""
    statement = select(func.count()).where(
        CommunityBan.community_id == community_id,
        or_(CommunityBan.expires_at.is_(None), CommunityBan.expires_at > utc_now()),
    )
    return db.session.scalar(statement) or 0
