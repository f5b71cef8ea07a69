"""Writes for communities. Counters change in the same transaction as their cause,
with atomic `count = count ± 1` updates, so they stay exact under concurrency. Services
check what they are given and flush; the request or command commits."""

from __future__ import annotations

import re
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from webapp.auth import verification
from webapp.caching import stale_community, stale_site
from webapp.communities import bans, permissions
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Community, Membership, Profile, User
from webapp.models.community import (
    COMMUNITY_NAME_CHARS,
    COMMUNITY_NAME_MAX,
    COMMUNITY_NAME_MIN,
    ROLE_MEMBER,
    ROLE_MODERATOR,
    ROLE_OWNER,
)
from webapp.moderation.log import record_action
from webapp.urls import route_words
from webapp.validation import bounded_text, clean_name

COMMUNITY_NAME = re.compile(
    rf"^[{COMMUNITY_NAME_CHARS}]{{{COMMUNITY_NAME_MIN},{COMMUNITY_NAME_MAX}}}$"
)
TITLE_MAX = 100
TEXT_MAX = 5000


RESERVED_NAME = _l("This name is reserved by the site. Choose another.")


class CommunityError(DomainError):
    """A community rule was broken; `field` names the form field to blame, if any."""


def is_reserved_name(name: str) -> bool:
    """Whether a route puts this word where a community's name goes (/c/new): such a
    community could never be reached. Read from the URL map, so new routes count."""
    return name.lower() in route_words("communities.page", "name")


def checked_name(name: str | None) -> str:
    """A new community's permanent name: 3–30 lowercase letters, digits, underscores,
    and no word of the site's own addresses."""
    name = (name or "").strip()
    if not name:
        raise CommunityError(_l("Choose a name."), "name")
    if not COMMUNITY_NAME.match(name):
        raise CommunityError(_l("Use only lowercase letters, digits and underscores."), "name")
    if is_reserved_name(name):
        raise CommunityError(RESERVED_NAME, "name")
    return name


def _checked_details(title: str, description: str, rules: str) -> tuple[str, str, str]:
    return (
        clean_name(  # no bidi controls or invisible characters in a title
            title,
            "title",
            TITLE_MAX,
            _l("A title has at most 100 characters."),
            required=_l("Give the community a title."),
        ),
        bounded_text(
            description, "description", TEXT_MAX, _l("A description has at most 5,000 characters.")
        ),
        bounded_text(rules, "rules", TEXT_MAX, _l("The rules have at most 5,000 characters.")),
    )


def create_community(
    creator: User, name: str, title: str, description: str, rules: str
) -> Community:
    """Create a community; its creator becomes its owner and first member."""
    verification.require_confirmed_to_post(creator)
    name = checked_name(name)
    title, description, rules = _checked_details(title, description, rules)
    community = Community(
        name=name,
        title=title,
        description=description,
        rules=rules,
        creator_id=creator.id,
        member_count=1,
        post_count=0,
    )
    try:
        with db.session.begin_nested():
            db.session.add(community)
    except IntegrityError:
        raise CommunityError(_l("A community with this name already exists."), "name") from None
    db.session.add(Membership(user_id=creator.id, community_id=community.id, role=ROLE_OWNER))
    db.session.flush()
    stale_community(community)
    return community


def _change_member_count(community_id: int, delta: int) -> None:
    db.session.execute(
        update(Community)
        .where(Community.id == community_id)
        .values(member_count=Community.member_count + delta)
    )


def join_community(user: User, community: Community) -> bool:
    """Join; joining twice changes nothing. Returns whether a membership was added."""
    bans.require_not_banned(user, community.id)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(Membership(user_id=user.id, community_id=community.id, role=ROLE_MEMBER))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    _change_member_count(community.id, +1)
    stale_community(community)
    db.session.refresh(community)
    return True


def leave_community(user: User, community: Community) -> bool:
    """Leave; owners must hand over first. Returns whether a membership was removed."""
    membership = permissions.membership_of(user, community.id)
    if membership is not None and not permissions.can_leave(user, membership):
        raise CommunityError(_l("Owners cannot leave their own community."), status=409)
    removed = cast(
        CursorResult,
        db.session.execute(
            delete(Membership).where(
                Membership.user_id == user.id,
                Membership.community_id == community.id,
                Membership.role != ROLE_OWNER,
            )
        ),
    ).rowcount
    if removed:
        _change_member_count(community.id, -1)
        stale_community(community)
    db.session.refresh(community)
    return bool(removed)


def update_community(
    editor: User, community: Community, title: str, description: str, rules: str
) -> None:
    """Change what the community says about itself (moderators and owners)."""
    permissions.require_moderator(editor, community.id)
    community.title, community.description, community.rules = _checked_details(
        title, description, rules
    )
    stale_site()  # its title is on every card that links to it
    record_action(editor.id, "edit_community", "community", community.id, community_id=community.id)


def set_moderator(actor: User, community: Community, username: str, appoint: bool) -> User:
    """Appoint a member as moderator, or dismiss one (owners only)."""
    actor_membership = permissions.membership_of(actor, community.id)
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
    if target is None:
        raise CommunityError(_l("Only members of the community can be moderators."), "username")
    membership = db.session.get(Membership, (target.id, community.id))
    if membership is None:
        raise CommunityError(_l("Only members of the community can be moderators."), "username")
    if membership.role == ROLE_OWNER:
        raise CommunityError(_l("The owner's role cannot be changed."), "username")
    membership.role = ROLE_MODERATOR if appoint else ROLE_MEMBER
    stale_community(community)
    record_action(
        actor.id,
        "appoint_moderator" if appoint else "dismiss_moderator",
        "user",
        target.id,
        community_id=community.id,
    )
    return target
