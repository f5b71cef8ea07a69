"""Who may do what to a comment: the one place these rules live."""

from __future__ import annotations

from datetime import timedelta

from webapp.communities import permissions as community_permissions
from webapp.models import Comment, Membership, Post, utc_now
from webapp.posts import permissions as post_permissions


def is_author(user, comment: Comment) -> bool:
    """Whether `user` wrote `comment`."""
    return user is not None and user.is_authenticated and comment.author_id == user.id


def is_open(comment: Comment) -> bool:
    """A comment can still change: it is visible, and so is its post, which is not
    locked (a removed or deleted post freezes its discussion, as a lock does)."""
    return comment.is_visible and comment.post.is_visible and not comment.post.is_locked


def can_edit(user, comment: Comment) -> bool:
    """Authors edit their comments while the comment is open (see `is_open`)."""
    return is_author(user, comment) and is_open(comment)


def can_delete(user, comment: Comment) -> bool:
    """Authors delete their visible comments unless the post is locked; under a post
    that was taken down too (their words stay theirs to withdraw)."""
    return is_author(user, comment) and comment.is_visible and not comment.post.is_locked


# How long an author can bring back a comment they deleted ("Undo").
UNDELETE_WINDOW = timedelta(minutes=10)


def can_undelete(user, comment: Comment) -> bool:
    """Authors bring back a comment they deleted in the last ten minutes, unless a
    moderator removed it or the post was locked since."""
    return (
        is_author(user, comment)
        and comment.deleted_at is not None
        and comment.removed_at is None
        and utc_now() - comment.deleted_at <= UNDELETE_WINDOW
        and not comment.post.is_locked
    )


def can_reply(user, comment: Comment, post: Post | None = None) -> bool:
    """Replies go to visible comments of posts that take comments (`post` is the
    comment's post, passed when the caller has it loaded already)."""
    return comment.is_visible and post_permissions.can_comment(user, post or comment.post)


def can_restore(user, comment: Comment, membership: Membership | None) -> bool:
    """The community's moderators (and site admins) bring back a removed comment."""
    return comment.removed_at is not None and community_permissions.is_moderator(user, membership)


def can_remove(user, comment: Comment, membership: Membership | None) -> bool:
    """The community's moderators (and site admins) remove visible comments."""
    return comment.is_visible and community_permissions.is_moderator(user, membership)
