"""Writes for communities. Counters change in the same transaction as their cause,
with atomic `count = count ± 1` updates, so they stay exact under concurrency."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from webapp.communities import permissions
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Community, Membership, Profile, User
from webapp.models.community import ROLE_MEMBER, ROLE_MODERATOR, ROLE_OWNER
from webapp.moderation_log import record_action


class CommunityError(DomainError):
    """A community rule was broken; `field` names the form field to blame, if any."""


def create_community(
    creator: User, name: str, title: str, description: str, rules: str
) -> Community:
    """Create a community; its creator becomes its owner and first member."""
    community = Community(
        name=name.strip().lower(),
        title=title.strip(),
        description=description.strip(),
        rules=rules.strip(),
        creator_id=creator.id,
        member_count=1,
        post_count=0,
    )
    db.session.add(community)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise CommunityError(_l("A community with this name already exists."), "name") from None
    db.session.add(Membership(user_id=creator.id, community_id=community.id, role=ROLE_OWNER))
    db.session.commit()
    return community


def _change_member_count(community_id: int, delta: int) -> None:
    db.session.execute(
        update(Community)
        .where(Community.id == community_id)
        .values(member_count=Community.member_count + delta)
    )


def join_community(user: User, community: Community) -> bool:
    """Join; joining twice changes nothing. Returns whether a membership was added."""
    savepoint = db.session.begin_nested()
    try:
        db.session.add(Membership(user_id=user.id, community_id=community.id, role=ROLE_MEMBER))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    _change_member_count(community.id, +1)
    db.session.commit()
    db.session.refresh(community)
    return True


def leave_community(user: User, community: Community) -> bool:
    """Leave; owners must hand over first. Returns whether a membership was removed."""
    membership = db.session.get(Membership, (user.id, community.id))
    if membership is not None and membership.role == ROLE_OWNER:
        raise CommunityError(_l("Owners cannot leave their own community."), status=409)
    removed = db.session.execute(
        delete(Membership).where(
            Membership.user_id == user.id,
            Membership.community_id == community.id,
            Membership.role != ROLE_OWNER,
        )
    ).rowcount
    if removed:
        _change_member_count(community.id, -1)
    db.session.commit()
    db.session.expire_all()
    db.session.refresh(community)
    return bool(removed)


def update_community(
    editor: User, community: Community, title: str, description: str, rules: str
) -> None:
    """Change what the community says about itself (moderators and owners)."""
    membership = db.session.get(Membership, (editor.id, community.id))
    if not permissions.can_edit(editor, membership):
        raise CommunityError(_l("Only this community's moderators can edit it."), status=403)
    community.title = title.strip()
    community.description = description.strip()
    community.rules = rules.strip()
    record_action(editor.id, "edit_community", "community", community.id, community_id=community.id)
    db.session.commit()


def set_moderator(actor: User, community: Community, username: str, appoint: bool) -> User:
    """Appoint a member as moderator, or dismiss one (owners only)."""
    actor_membership = db.session.get(Membership, (actor.id, community.id))
    allowed = (
        permissions.can_appoint_moderators(actor, actor_membership)
        if appoint
        else permissions.can_dismiss_moderators(actor, actor_membership)
    )
    if not allowed:
        raise CommunityError(_l("You cannot change this community's moderators."), status=403)
    target = db.session.scalar(
        select(User).join(User.profile).where(func.lower(Profile.username) == username.lower())
    )
    membership = (
        db.session.get(Membership, (target.id, community.id)) if target is not None else None
    )
    if membership is None:
        raise CommunityError(_l("Only members of the community can be moderators."), "username")
    if membership.role == ROLE_OWNER:
        raise CommunityError(_l("The owner's role cannot be changed."), "username")
    membership.role = ROLE_MODERATOR if appoint else ROLE_MEMBER
    record_action(
        actor.id,
        "appoint_moderator" if appoint else "dismiss_moderator",
        "user",
        target.id,
        community_id=community.id,
    )
    db.session.commit()
    return target
