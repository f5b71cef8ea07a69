"""Who may do what in a community: the one place these rules live."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Membership, User
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER


def is_moderator(user: User | None, membership: Membership | None) -> bool:
    """Owners, moderators and site admins moderate a community."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return membership is not None and membership.role in (ROLE_MODERATOR, ROLE_OWNER)


def is_owner(user: User | None, membership: Membership | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_admin or (membership is not None and membership.role == ROLE_OWNER)


def can_leave(user, membership: Membership | None) -> bool:
    """Members leave when they like; the owner must hand the community over first."""
    return (
        user is not None
        and user.is_authenticated
        and membership is not None
        and membership.role != ROLE_OWNER
    )


def can_edit(user, membership) -> bool:
    return is_moderator(user, membership)


def can_appoint_moderators(user, membership) -> bool:
    return is_moderator(user, membership)


def can_dismiss_moderators(user, membership) -> bool:
    return is_owner(user, membership)


def membership_of(user, community_id: int) -> Membership | None:
    """The user's membership of a community (None for guests and non-members)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.get(Membership, (user.id, community_id))


def require_moderator(actor, community_id: int) -> Membership | None:
    """The one check every moderator action makes: the community's owner or moderators,
    or a site admin. Raises a 403 DomainError otherwise; returns the membership."""
    membership = membership_of(actor, community_id)
    if not is_moderator(actor, membership):
        raise DomainError(_l("Only this community's moderators can do that."), status=403)
    return membership
