"""How people's numbers move: the incremental side of the profile counters.

A person's post_count, comment_count, karma, follower_count and following_count (on
their `users` row) change in the same transaction as their cause, with atomic
`UPDATE … SET x = x + d` statements, following the rules in webapp/counters.py (which
also recounts them from the rows). Every change that reads scores to move karma first
locks the rows whose score it reads (a vote locks the item it changes), so a vote
landing at the same moment is either seen or refused, never lost; and people's rows
are always changed last in a transaction (content first), so writes cannot deadlock
on them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, literal, or_, select, union_all, update

from webapp.counters import VISIBLE_COMMENT, VISIBLE_POST
from webapp.extensions import db
from webapp.models import Comment, Post, User


def change_person(user_id: int | None, *, posts: int = 0, comments: int = 0, karma: Any = 0):
    """Move one person's numbers by the given amounts (`karma` may be a SQL expression)."""
    values: dict[str, Any] = {}
    if posts:
        values["post_count"] = User.post_count + posts
    if comments:
        values["comment_count"] = User.comment_count + comments
    if not (isinstance(karma, int) and karma == 0):
        values["karma"] = User.karma + karma
    if user_id is None or not values:
        return
    db.session.execute(
        update(User).where(User.id == user_id).values(**values),
        execution_options={"synchronize_session": False},
    )


def change_follow_counts(follower_id: int, followed_id: int, delta: int) -> None:
    """A follow was made (+1) or undone (-1): the two people's numbers move, the lower
    id first, so that two people following each other at once cannot deadlock."""
    changes = {
        follower_id: {"following_count": User.following_count + delta},
        followed_id: {"follower_count": User.follower_count + delta},
    }
    for user_id in sorted(changes):
        db.session.execute(
            update(User).where(User.id == user_id).values(**changes[user_id]),
            execution_options={"synchronize_session": False},
        )


def _lock_comments_under(post_ids: Select) -> None:
    """Lock the visible comments under these posts: their scores are about to be read,
    and a vote on one of them must wait (and then find the post taken down)."""
    db.session.execute(
        update(Comment).where(Comment.post_id.in_(post_ids), VISIBLE_COMMENT).values(id=Comment.id),
        execution_options={"synchronize_session": False},
    )


def _move_comment_karma(comments: Select, sign: int) -> None:
    """Add (`sign` +1) or take away (-1) the scores of `comments` (a select of comment
    ids) from their authors' karma: one UPDATE whatever the number of authors."""
    per_author = (
        select(Comment.author_id.label("author_id"), func.sum(Comment.score).label("points"))
        .where(Comment.id.in_(comments), Comment.author_id.is_not(None))
        .group_by(Comment.author_id)
        .subquery()
    )
    db.session.execute(
        update(User)
        .where(User.id == per_author.c.author_id, per_author.c.points != 0)
        .values(karma=User.karma + sign * per_author.c.points),
        execution_options={"synchronize_session": False},
    )


def _if_post_is_up(post_id: int, amount: int) -> Any:
    """`amount` if the post is visible when the statement runs, else 0: read in the
    UPDATE itself, so a post taken down at the same moment is seen as it now is."""
    if amount == 0:
        return 0
    return select(case((VISIBLE_POST, amount), else_=0)).where(Post.id == post_id).scalar_subquery()


def post_visibility_changed(post: Post, shown: bool) -> None:
    """`post` was taken down (`shown` False) or brought back: its author's post count
    and karma move, and so does the karma of everyone whose visible comment is under
    it. Call with the post's row locked (its score is read here). The comments are
    locked before any person's row, as everywhere (content first, then people), so
    two such changes cannot deadlock."""
    sign = 1 if shown else -1
    _lock_comments_under(select(Post.id).where(Post.id == post.id))
    _move_comment_karma(select(Comment.id).where(Comment.post_id == post.id, VISIBLE_COMMENT), sign)
    change_person(post.author_id, posts=sign, karma=sign * post.score)


def comment_visibility_changed(comment: Comment, shown: bool) -> None:
    """`comment` was taken down or brought back: its author's comment count moves, and
    their karma too while its post is up. Call with the comment's row locked."""
    sign = 1 if shown else -1
    karma = _if_post_is_up(comment.post_id, sign * comment.score)
    change_person(comment.author_id, comments=sign, karma=karma)


def vote_changed(author_id: int | None, score_change: int, comment_of_post: int | None = None):
    """A vote moved an item's score: its author's karma follows. For a comment
    (`comment_of_post` is its post's id), only while that post is up."""
    if comment_of_post is not None:
        change_person(author_id, karma=_if_post_is_up(comment_of_post, score_change))
    else:
        change_person(author_id, karma=score_change)


def person_purged(user_id: int) -> None:
    """Before everything `user_id` still shows is removed at once (an admin's purge):
    their numbers lose it, and other people lose the karma of their visible comments
    under the person's visible posts. Call with the person's content locked."""
    their_posts = select(Post.id).where(Post.author_id == user_id, VISIBLE_POST)
    _lock_comments_under(their_posts)
    leaving = (
        select(Comment.id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            VISIBLE_COMMENT,
            VISIBLE_POST,
            or_(Comment.author_id == user_id, Post.author_id == user_id),
        )
    )
    _move_comment_karma(leaving, -1)
    their = (Post.author_id == user_id, VISIBLE_POST)
    post_count = select(func.count()).where(*their).scalar_subquery()
    post_points = select(func.coalesce(func.sum(Post.score), 0)).where(*their).scalar_subquery()
    comment_count = (
        select(func.count()).where(Comment.author_id == user_id, VISIBLE_COMMENT).scalar_subquery()
    )
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            post_count=User.post_count - post_count,
            comment_count=User.comment_count - comment_count,
            karma=User.karma - post_points,
        ),
        execution_options={"synchronize_session": False},
    )


def community_deleted(community_id: int) -> None:
    """Before a community and everything in it is deleted: the authors of its visible
    posts and comments lose them from their numbers (one UPDATE)."""
    in_community = select(Post.id).where(Post.community_id == community_id)
    db.session.execute(
        update(Post).where(Post.community_id == community_id).values(id=Post.id),
        execution_options={"synchronize_session": False},
    )
    _lock_comments_under(in_community)
    post_part = select(
        Post.author_id.label("author_id"),
        literal(1).label("posts"),
        literal(0).label("comments"),
        Post.score.label("points"),
    ).where(Post.community_id == community_id, VISIBLE_POST)
    comment_part = (
        select(
            Comment.author_id.label("author_id"),
            literal(0).label("posts"),
            literal(1).label("comments"),
            case((VISIBLE_POST, Comment.score), else_=0).label("points"),
        )
        .join(Post, Post.id == Comment.post_id)
        .where(Post.community_id == community_id, VISIBLE_COMMENT)
    )
    parts = union_all(post_part, comment_part).subquery()
    per_author = (
        select(
            parts.c.author_id,
            func.sum(parts.c.posts).label("posts"),
            func.sum(parts.c.comments).label("comments"),
            func.sum(parts.c.points).label("points"),
        )
        .where(parts.c.author_id.is_not(None))
        .group_by(parts.c.author_id)
        .subquery()
    )
    db.session.execute(
        update(User)
        .where(User.id == per_author.c.author_id)
        .values(
            post_count=User.post_count - per_author.c.posts,
            comment_count=User.comment_count - per_author.c.comments,
            karma=User.karma - per_author.c.points,
        ),
        execution_options={"synchronize_session": False},
    )
