"""Who may do what to a comment: the one place these rules live."""

from __future__ import annotations

from webapp.communities import permissions as community_permissions
from webapp.models import Comment


def can_edit(user, comment: Comment) -> bool:
    """Authors edit their visible comments while the discussion is open (a locked
    post freezes its comments too)."""
    return (
        user is not None
        and user.is_authenticated
        and comment.author_id == user.id
        and comment.is_visible
        and not comment.post.is_locked
    )


def can_delete(user, comment: Comment) -> bool:
    return can_edit(user, comment)


def can_moderate(user, membership) -> bool:
    return community_permissions.is_moderator(user, membership)
