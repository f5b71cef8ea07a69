"""Who owns a community: its owner hands it to one of its members; site admins hand it
to anyone, and delete it with everything in it. Each is logged in the same transaction
as the change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from webapp.caching import stale_community, stale_site
from webapp.communities import bans
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.locking import lock_for_update
from webapp.models import Comment, Community, Membership, Post, Profile, Report, User, post_tags
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER
from webapp.moderation.log import REASON_MAX, checked_reason, record_action
from webapp.profiles import numbers
from webapp.tags import services as tag_services


def _require_admin(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_admin):
        raise DomainError(_l("Only site administrators can do that."), status=403)


def _optional_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(_l("A reason has at most 500 characters."), "reason")
    return reason


def transfer_community(
    actor: User, community: Community, username: str | None, reason: str | None = ""
) -> User:
    """Make the person named `username` the community's owner (a site admin's act). The
    old owner stays on as a moderator; the new one joins if they were not a member.
    Returns the new owner."""
    _require_admin(actor)
    reason = _optional_reason(reason)
    target = bans.user_named(username)
    if target.is_banned:
        raise DomainError(_l("A person banned from the site cannot own a community."), "new_owner")
    if bans.active_ban(target.id, community.id) is not None:
        raise DomainError(
            _l("This person is banned from this community: lift the ban first."), "new_owner"
        )
    lock_for_update(community)  # two transfers at once must still leave one owner
    membership = db.session.get(Membership, (target.id, community.id), populate_existing=True)
    if membership is not None and membership.role == ROLE_OWNER:
        raise DomainError(_l("This person already owns the community."), "new_owner")
    db.session.execute(
        update(Membership)
        .where(Membership.community_id == community.id, Membership.role == ROLE_OWNER)
        .values(role=ROLE_MODERATOR)
    )
    if membership is None:
        db.session.add(Membership(user_id=target.id, community_id=community.id, role=ROLE_OWNER))
        db.session.execute(
            update(Community)
            .where(Community.id == community.id)
            .values(member_count=Community.member_count + 1)
        )
    else:
        membership.role = ROLE_OWNER
    db.session.flush()
    stale_community(community)
    db.session.refresh(community)
    record_action(
        actor.id,
        "transfer_community",
        "user",
        target.id,
        community_id=community.id,
        reason=reason,
        target_label=target.profile.username,
    )
    return target


def can_hand_over(user, membership: Membership | None) -> bool:
    """Only the community's owner hands it over (site admins use `transfer_community`)."""
    return (
        user is not None
        and user.is_authenticated
        and membership is not None
        and membership.user_id == user.id
        and membership.role == ROLE_OWNER
    )


def hand_over_community(owner: User, community: Community, username: str | None) -> User:
    """The owner makes one of the community's members its owner, and stays on as a
    moderator (so an owner can leave it, or delete their account). Returns the new owner."""
    lock_for_update(community)  # two hand-overs at once must still leave one owner
    membership = db.session.get(Membership, (owner.id, community.id), populate_existing=True)
    if not can_hand_over(owner, membership):
        raise DomainError(_l("Only the owner can hand this community over."), status=403)
    not_a_member = DomainError(
        _l("Only a member of the community can become its owner."), "username"
    )
    name = (username or "").strip()
    if not name:
        raise DomainError(_l("Enter a username."), "username")
    target = db.session.scalar(
        select(User).join(User.profile).where(func.lower(Profile.username) == name.lower())
    )
    if target is None:
        raise not_a_member
    if target.id == owner.id:
        raise DomainError(_l("You own this community already."), "username")
    target_membership = db.session.get(
        Membership, (target.id, community.id), populate_existing=True
    )
    if target_membership is None:
        raise not_a_member
    if target.is_banned:
        raise DomainError(_l("A person banned from the site cannot own a community."), "username")
    if bans.active_ban(target.id, community.id) is not None:
        raise DomainError(
            _l("This person is banned from this community: lift the ban first."), "username"
        )
    assert membership is not None  # can_hand_over said so
    membership.role = ROLE_MODERATOR
    target_membership.role = ROLE_OWNER
    db.session.flush()
    stale_community(community)
    record_action(
        owner.id,
        "transfer_community",
        "user",
        target.id,
        community_id=community.id,
        target_label=target.profile.username,
    )
    return target


def _post_ids(community_id: int):
    return select(Post.id).where(Post.community_id == community_id)


def _comment_ids(community_id: int):
    return select(Comment.id).where(Comment.post_id.in_(_post_ids(community_id)))


def _release_tag_counts(community_id: int) -> None:
    """Each tag counts the visible posts that carry it: take this community's away."""
    tag_id_column: ColumnElement[int] = post_tags.c.tag_id  # a Table's columns are untyped
    statement = (
        select(tag_id_column, func.count())
        .join(Post, Post.id == post_tags.c.post_id)
        .where(
            Post.community_id == community_id,
            Post.removed_at.is_(None),
            Post.deleted_at.is_(None),
        )
        .group_by(tag_id_column)
    )
    by_count: dict[int, list[int]] = {}
    for tag_id, count in db.session.execute(statement):
        by_count.setdefault(count, []).append(tag_id)
    for count, tag_ids in sorted(by_count.items()):
        tag_services.change_post_counts(sorted(tag_ids), -count)


def delete_community(actor: User, community: Community, reason: str | None) -> None:
    """Delete the community and everything in it: posts, their comments and votes,
    memberships, bans and reports (the database's cascades); tag counts lose its posts.
    The log entry keeps the name, and outlives the community."""
    _require_admin(actor)
    reason = checked_reason(reason)
    lock_for_update(community)  # a post submitted meanwhile waits, then finds no community
    community_id, name = community.id, community.name
    _release_tag_counts(community_id)
    numbers.community_deleted(community_id)  # people's rows last, as in every write
    # Reports name their target by id: those of this community's posts, comments and of
    # the community itself go with it, whatever community_id they were filed under.
    db.session.execute(
        delete(Report).where(
            or_(
                Report.community_id == community_id,
                (Report.target_type == "community") & (Report.target_id == community_id),
                (Report.target_type == "post") & Report.target_id.in_(_post_ids(community_id)),
                (Report.target_type == "comment")
                & Report.target_id.in_(_comment_ids(community_id)),
            )
        )
    )
    db.session.delete(community)
    db.session.flush()
    stale_site()  # its posts were in every feed, profile and tag page
    record_action(
        actor.id,
        "delete_community",
        "community",
        community_id,
        community_id=None,
        reason=reason,
        target_label=name,
    )
