"""Who may do what in a community: the one place these rules live."""

from __future__ import annotations

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


def can_edit(user, membership) -> bool:
    return is_moderator(user, membership)


def can_appoint_moderators(user, membership) -> bool:
    return is_moderator(user, membership)


def can_dismiss_moderators(user, membership) -> bool:
    return is_owner(user, membership)
