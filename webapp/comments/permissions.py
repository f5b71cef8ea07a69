"""Who may do what to a comment: the one place these rules live."""

from __future__ import annotations

from webapp.communities import permissions as community_permissions
from webapp.models import Comment, Membership, Post
from webapp.posts import permissions as post_permissions


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
    """Authors delete their comments under the same conditions as editing."""
    return can_edit(user, comment)


def can_reply(user, comment: Comment, post: Post | None = None) -> bool:
    """Replies go to visible comments of posts that take comments (`post` is the
    comment's post, passed when the caller has it loaded already)."""
    return comment.is_visible and post_permissions.can_comment(user, post or comment.post)


def can_remove(user, comment: Comment, membership: Membership | None) -> bool:
    """The community's moderators (and site admins) remove visible comments."""
    return comment.is_visible and community_permissions.is_moderator(user, membership)
