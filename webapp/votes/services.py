"""Casting votes. The vote row and the item's score, upvotes, downvotes (and a post's
hot rank) change in one transaction, with the item's row locked first, so that
`score == sum(votes)` holds however many votes arrive at once.

Rules: a vote is +1, -1 or 0 (clear). Nobody votes on their own posts or comments;
removed or deleted items take no votes, nor do the comments of a removed or deleted post.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from webapp.communities import bans
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.locking import lock_for_update
from webapp.models import Comment, CommentVote, Post, PostVote, User
from webapp.models.base import ensure_loaded
from webapp.profiles import numbers
from webapp.ranking import hot_score
from webapp.votes import permissions

VOTE_VALUES = (-1, 0, 1)


class VoteError(DomainError):
    """A rule of this area was broken."""


@dataclass
class VoteResult:
    score: int
    my_vote: int


def _counter_changes(old: int, new: int) -> dict[str, int]:
    """How upvotes and downvotes move when one person's vote goes from `old` to `new`."""
    return {
        "upvotes": (new == 1) - (old == 1),
        "downvotes": (new == -1) - (old == -1),
    }


def _cast(user: User, item, item_model, vote_model, item_key: str, value: int) -> VoteResult:
    if value not in VOTE_VALUES:
        raise VoteError(_l("A vote is up, down or nothing."))
    if permissions.is_author(user, item):
        raise VoteError(_l("You cannot vote on what you wrote."), status=403)
    # Lock the item's row before reading the vote: concurrent votes on the same item
    # queue here (a row lock on PostgreSQL, the write lock on SQLite).
    lock_for_update(item)
    if isinstance(item, Comment):
        ensure_loaded(item, "post")  # the rule reads it; the lock's reload dropped it
    if not permissions.can_vote(user, item):
        raise VoteError(_l("This can no longer be voted on."), status=409)
    post = item if isinstance(item, Post) else item.post
    bans.require_not_banned(user, post.community_id)
    key_column = getattr(vote_model, item_key)
    vote_filter = (vote_model.user_id == user.id, key_column == item.id)
    old = db.session.scalar(select(vote_model.value).where(*vote_filter)) or 0
    if old == value:
        return VoteResult(score=item.score, my_vote=value)
    if value == 0:
        db.session.execute(delete(vote_model).where(*vote_filter))
    elif old == 0:
        db.session.add(vote_model(user_id=user.id, value=value, **{item_key: item.id}))
        db.session.flush()
    else:
        db.session.execute(update(vote_model).where(*vote_filter).values(value=value))
    changes = _counter_changes(old, value)
    db.session.execute(
        update(item_model)
        .where(item_model.id == item.id)
        .values(
            upvotes=item_model.upvotes + changes["upvotes"],
            downvotes=item_model.downvotes + changes["downvotes"],
            score=item_model.score + changes["upvotes"] - changes["downvotes"],
        )
    )
    numbers.vote_changed(
        item.author_id,
        changes["upvotes"] - changes["downvotes"],
        comment_of_post=item.post_id if isinstance(item, Comment) else None,
    )
    db.session.refresh(item)
    if item_model is Post:
        item.hot = hot_score(item.score, item.created_at)
        db.session.flush()
    return VoteResult(score=item.score, my_vote=value)


def vote_on_post(user: User, post: Post, value: int) -> VoteResult:
    """Set the user's vote on a post; the post's hot rank follows its new score."""
    return _cast(user, post, Post, PostVote, "post_id", value)


def vote_on_comment(user: User, comment: Comment, value: int) -> VoteResult:
    """Set the user's vote on a comment (while the comment and its post are up)."""
    return _cast(user, comment, Comment, CommentVote, "comment_id", value)
