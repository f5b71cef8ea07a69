"""Writes for comments. `comment_count` on the post moves in the same transaction."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from webapp.auth import verification
from webapp.caching import stale_comment, stale_comment_in
from webapp.comments import permissions
from webapp.communities import bans
from webapp.communities.permissions import require_moderator
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.i18n import number
from webapp.locking import lock_for_update
from webapp.models import Comment, Post, User, comment_path, utc_now
from webapp.models.base import ensure_loaded
from webapp.moderation.log import checked_reason, record_action
from webapp.posts import permissions as post_permissions
from webapp.profiles import numbers
from webapp.sanitize import RichText, html_to_text

BODY_TEXT_MAX = 10_000
MAX_DEPTH = 100  # keeps a comment's path well inside an index entry


class CommentError(DomainError):
    """A rule of this area was broken."""


def _body_text(body_html: str) -> str:
    text = html_to_text(body_html)
    if not text and "<img" not in body_html:
        raise CommentError(_l("Write something before sending."), "body")
    if len(text) > BODY_TEXT_MAX:
        raise CommentError(
            _l("A comment has at most %(count)s characters.", count=number(BODY_TEXT_MAX)), "body"
        )
    return text


def _change_comment_count(post_id: int, delta: int) -> None:
    db.session.execute(
        update(Post).where(Post.id == post_id).values(comment_count=Post.comment_count + delta)
    )


def add_comment(author: User, post: Post, parent_id: int | None, body: RichText | str) -> Comment:
    """Reply to the post, or to one of its comments; the body is cleaned here."""
    if post.is_locked:
        raise CommentError(_l("This post is locked: it takes no new comments."), status=403)
    if not post_permissions.can_comment(author, post):
        raise CommentError(_l("You cannot comment on this post."), status=403)
    bans.require_not_banned(author, post.community_id)
    verification.require_confirmed_to_post(author)
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.post_id != post.id:
            raise CommentError(_l("That comment is not part of this post."), status=400)
        if not parent.is_visible:
            raise CommentError(_l("That comment was deleted; it takes no replies."), status=409)
        if parent.depth + 1 > MAX_DEPTH:
            raise CommentError(
                _l("This thread is as deep as threads go. Reply further up."), status=400
            )
    body_html = RichText.of(body).to_html()
    comment = Comment(
        post_id=post.id,
        author_id=author.id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body_html=body_html,
        body_text=_body_text(body_html),
        score=0,
        upvotes=0,
        downvotes=0,
    )
    db.session.add(comment)
    db.session.flush()
    comment.path = comment_path(parent.path if parent else None, comment.id)
    _change_comment_count(post.id, +1)
    numbers.change_person(author.id, comments=+1)
    stale_comment(comment)
    return comment


def edit_comment(editor: User, comment: Comment, body: RichText | str) -> None:
    """The author changes their comment's text (cleaned here)."""
    ensure_loaded(comment, "post")
    if not permissions.is_author(editor, comment):
        raise CommentError(_l("Only the author can edit this comment."), status=403)
    if not permissions.can_edit(editor, comment):
        # Deleted or removed, or its post was locked, removed or deleted.
        raise CommentError(
            _l("This discussion is closed: its comments stay as they are."), status=409
        )
    body_html = RichText.of(body).to_html(previous_html=comment.body_html)
    comment.body_text = _body_text(body_html)
    comment.body_html = body_html
    comment.edited_at = utc_now()
    stale_comment(comment)


def delete_comment(actor: User, comment: Comment) -> None:
    """Soft delete: the comment keeps its place in the thread as "[deleted]"."""
    lock_for_update(comment)  # a double click must not count the deletion twice
    ensure_loaded(comment, "post")
    if not permissions.can_delete(actor, comment):
        raise CommentError(_l("Only the author can delete this comment."), status=403)
    comment.deleted_at = utc_now()
    _change_comment_count(comment.post_id, -1)
    numbers.comment_visibility_changed(comment, shown=False)
    stale_comment(comment)


def undelete_comment(actor: User, comment: Comment) -> None:
    """Bring back a comment its author deleted a few minutes ago (the "Undo")."""
    lock_for_update(comment)  # a double click must not count it back twice
    ensure_loaded(comment, "post")
    if comment.deleted_at is None:
        return
    if not permissions.can_undelete(actor, comment):
        raise CommentError(_l("This comment can no longer be brought back."), status=409)
    comment.deleted_at = None
    _change_comment_count(comment.post_id, +1)
    numbers.comment_visibility_changed(comment, shown=True)
    stale_comment(comment)


def remove_comment(actor: User, comment: Comment, reason: str | None) -> None:
    """A moderator removes a comment, with a reason that goes into the log."""
    community_id = db.session.execute(
        select(Post.community_id).where(Post.id == comment.post_id)
    ).scalar_one()
    require_moderator(actor, community_id)
    reason = checked_reason(reason)
    lock_for_update(comment)
    if not comment.is_visible:
        return
    comment.removed_at = utc_now()
    comment.removed_by_id = actor.id
    comment.removal_reason = reason
    stale_comment_in(comment, community_id)
    _change_comment_count(comment.post_id, -1)
    numbers.comment_visibility_changed(comment, shown=False)
    record_action(
        actor.id,
        "remove_comment",
        "comment",
        comment.id,
        community_id=community_id,
        reason=reason,
    )


def restore_comment(actor: User, comment: Comment) -> None:
    """Undo a moderator's removal (the mirror of `remove_comment`): the comment counts
    again unless its author has deleted it meanwhile."""
    community_id = db.session.execute(
        select(Post.community_id).where(Post.id == comment.post_id)
    ).scalar_one()
    require_moderator(actor, community_id)
    lock_for_update(comment)
    if comment.removed_at is None:
        return
    comment.removed_at = None
    comment.removed_by_id = None
    comment.removal_reason = None
    stale_comment_in(comment, community_id)
    if comment.is_visible:
        _change_comment_count(comment.post_id, +1)
        numbers.comment_visibility_changed(comment, shown=True)
    record_action(actor.id, "restore_comment", "comment", comment.id, community_id=community_id)
