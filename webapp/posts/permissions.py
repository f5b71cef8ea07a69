"""Who may do what to a post: the one place these rules live."""

from __future__ import annotations

from webapp.communities import permissions as community_permissions
from webapp.models import Membership, Post


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def can_edit(user, post: Post) -> bool:
    """Authors edit their own posts while they are visible."""
    return _signed_in(user) and post.author_id == user.id and post.is_visible


def can_delete(user, post: Post) -> bool:
    """Authors delete their own posts (once)."""
    return _signed_in(user) and post.author_id == user.id and post.deleted_at is None


def can_moderate(user, membership: Membership | None) -> bool:
    """Pin, lock, remove and restore: the community's moderators and site admins."""
    return community_permissions.is_moderator(user, membership)


def can_comment(user, post: Post) -> bool:
    """Signed-in people comment on visible posts that are not locked."""
    return _signed_in(user) and post.is_visible and not post.is_locked


def can_see_removed(user, post: Post, membership: Membership | None) -> bool:
    """A removed post's content stays readable to the community's moderators."""
    return post.removed_at is not None and can_moderate(user, membership)
