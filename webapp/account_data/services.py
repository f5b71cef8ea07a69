"""Deleting an account, in one transaction and a few set-based statements whatever the
size of the account, with every denormalized counter kept exact (webapp/counters.py's
rules; a recount afterwards changes nothing).

What goes: the person's votes (the scores, hot ranks and authors' karma of what they
voted on move back), their follows (others' follower and following counts), their
memberships (member counts), and with the user row, by the database's cascades, their
profile, signed-in devices, API tokens, recovery codes and community bans. Their posts
and comments stay with no author ("[deleted]"), or, when they ask, are deleted first
exactly as if they had deleted each one themselves. Their username is held for 30 days.

Rows are locked content first, people last, as in every write (webapp/profiles/numbers.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, delete, func, literal, select, update

from webapp.account_data import queries
from webapp.auth import two_factor
from webapp.auth.passwords import password_matches
from webapp.caching import stale_site
from webapp.counters import VISIBLE_COMMENT, VISIBLE_POST
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    Follow,
    HeldUsername,
    Membership,
    Post,
    PostVote,
    Profile,
    Tag,
    User,
    post_tags,
    utc_now,
)
from webapp.profiles import numbers
from webapp.ranking import hot_score

HOLD_USERNAME_FOR = timedelta(days=30)
HOT_BATCH = 1000
QUIET = {"synchronize_session": False}

OWNER_MUST_HAND_OVER = _l(
    "You own these communities. Hand each one to another member before you delete your account."
)


class AccountDeletionError(DomainError):
    """The account cannot be deleted (yet); `field` names the form field to blame."""


def check_can_delete(user: User) -> None:
    """Refuse while the person owns a community or is the site's only admin."""
    if queries.owned_communities(user):
        raise AccountDeletionError(OWNER_MUST_HAND_OVER, status=409)
    if user.is_admin:
        admins = db.session.scalar(select(func.count()).where(User.is_admin.is_(True)))
        if (admins or 0) <= 1:
            raise AccountDeletionError(
                _l("You are the site's only admin: make someone else an admin first."),
                status=409,
            )


def delete_account(
    user: User, password: str, keep_content: bool, two_factor_code: str | None = None
) -> None:
    """Delete `user`'s account for good once their password (and, with two-factor
    sign-in on, a code from their app or a recovery code) confirms it. With
    `keep_content`, their posts and comments stay, shown as by "[deleted]"; otherwise
    they are deleted too. A mail tells the old address, once this commits."""
    _lock_account(user.id)
    check_can_delete(user)
    if not password_matches(user.password_hash, password or ""):
        raise AccountDeletionError(_l("Your password is not correct."), "password")
    if user.has_two_factor:
        two_factor.check_second_factor(user, two_factor_code or "", "code")
    user_id, username, email, locale = user.id, user.profile.username, user.email, user.locale
    if not keep_content:
        _lock_content_of(user_id)
    # Content rows first ...
    _withdraw_vote_counters(user_id)
    _subtract(Community, "member_count", _memberships_of(user_id))
    if not keep_content:
        _take_content_out_of_counts(user_id)
    # ... then people's rows.
    _withdraw_vote_karma(user_id)
    if not keep_content:
        numbers.person_purged(user_id)
    _subtract(
        User,
        "follower_count",
        select(Follow.followed_id.label("key"), literal(1)).where(Follow.follower_id == user_id),
    )
    _subtract(
        User,
        "following_count",
        select(Follow.follower_id.label("key"), literal(1)).where(Follow.followed_id == user_id),
    )
    if not keep_content:
        _mark_content_deleted(user_id)
    for statement in (
        delete(PostVote).where(PostVote.user_id == user_id),
        delete(CommentVote).where(CommentVote.user_id == user_id),
        delete(Follow).where((Follow.follower_id == user_id) | (Follow.followed_id == user_id)),
        delete(Membership).where(Membership.user_id == user_id),
    ):
        db.session.execute(statement, execution_options=QUIET)
    hold_username(username)
    send_mail(email, "account_deleted", locale, username=username, kept_content=keep_content)
    # The profile goes with the user (ORM cascade); devices, tokens, recovery codes and
    # bans by the database's ON DELETE CASCADE; posts and comments keep author NULL.
    db.session.delete(user)
    db.session.flush()
    stale_site()  # their name, votes and numbers were on pages everywhere


def _lock_account(user_id: int) -> None:
    """Hold the account's profile row until the transaction ends: a second deletion
    sent at the same moment (a double click, two tabs) waits here, then finds the
    account gone, instead of taking the same votes and memberships out of the counts
    twice. No other write locks a profile row and then content, so nothing deadlocks."""
    locked = db.session.execute(
        update(Profile).where(Profile.user_id == user_id).values(user_id=Profile.user_id),
        execution_options=QUIET,
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise AccountDeletionError(_l("This account has been deleted already."), status=409)


def hold_username(username: str) -> None:
    """Nobody may take `username` (any case) for the next 30 days: links to the old
    profile must not lead to a stranger. A hold from an earlier deletion is renewed."""
    db.session.merge(
        HeldUsername(username=username.lower(), held_until=utc_now() + HOLD_USERNAME_FOR)
    )


# -- Set-based counter changes -------------------------------------------------------------


def _subtract(model: Any, column: str, rows: Select) -> None:
    """`model.<column>` loses, for each key, the sum of the amounts of `rows` (a select
    of (key, amount) pairs, the key being the id of the row to change): one UPDATE."""
    pairs = rows.subquery()
    key, amount = pairs.c[0], pairs.c[1]
    per_key = select(key.label("key"), func.sum(amount).label("amount")).group_by(key).subquery()
    db.session.execute(
        update(model)
        .where(model.id == per_key.c.key, per_key.c.amount != 0)
        .values({column: getattr(model, column) - per_key.c.amount}),
        execution_options=QUIET,
    )


def _memberships_of(user_id: int) -> Select:
    return select(Membership.community_id.label("key"), literal(1)).where(
        Membership.user_id == user_id
    )


def _visible_posts_of(user_id: int) -> Select:
    return select(Post.id).where(Post.author_id == user_id, VISIBLE_POST)


def _visible_comments_of(user_id: int) -> Select:
    return select(Comment.id).where(Comment.author_id == user_id, VISIBLE_COMMENT)


def _lock_content_of(user_id: int) -> None:
    """Lock the person's shown posts and comments (a moderator removing one at the same
    moment must not take it out of the counts twice) and the comments under those posts
    (their scores are read for their authors' karma)."""
    db.session.execute(
        update(Post).where(Post.id.in_(_visible_posts_of(user_id))).values(id=Post.id),
        execution_options=QUIET,
    )
    db.session.execute(
        update(Comment)
        .where(
            (Comment.id.in_(_visible_comments_of(user_id)))
            | (Comment.post_id.in_(_visible_posts_of(user_id)) & VISIBLE_COMMENT)
        )
        .values(id=Comment.id),
        execution_options=QUIET,
    )


def _take_content_out_of_counts(user_id: int) -> None:
    """The counts that the person's shown posts and comments are part of: their
    communities' and tags' post counts, their posts' comment counts (as `delete_post`
    and `delete_comment` move them, one statement per table)."""
    posts = _visible_posts_of(user_id)
    _subtract(
        Community,
        "post_count",
        select(Post.community_id.label("key"), literal(1)).where(Post.id.in_(posts)),
    )
    _subtract(
        Tag,
        "post_count",
        select(post_tags.c.tag_id.label("key"), literal(1)).where(post_tags.c.post_id.in_(posts)),
    )
    _subtract(
        Post,
        "comment_count",
        select(Comment.post_id.label("key"), literal(1)).where(
            Comment.id.in_(_visible_comments_of(user_id))
        ),
    )


def _mark_content_deleted(user_id: int) -> None:
    """Everything the person wrote is deleted by its author (what a moderator removed
    already stays out of the counts; a restore then finds it deleted)."""
    now = utc_now()
    for model in (Comment, Post):
        db.session.execute(
            update(model)
            .where(model.author_id == user_id, model.deleted_at.is_(None))
            .values(deleted_at=now),
            execution_options=QUIET,
        )


# -- Votes ---------------------------------------------------------------------------------


def _withdraw_vote_counters(user_id: int) -> None:
    """Each post and comment the person voted on loses that vote from its numbers (one
    UPDATE per table, all three numbers at once so `score = upvotes - downvotes` holds
    on every row), and the posts get the hot rank of their new score."""
    for model, votes, key in (
        (Post, PostVote, PostVote.post_id),
        (Comment, CommentVote, CommentVote.comment_id),
    ):
        mine = select(key.label("key"), votes.value.label("value")).where(votes.user_id == user_id)
        vote = mine.subquery()
        db.session.execute(
            update(model)
            .where(model.id == vote.c.key)
            .values(
                upvotes=model.upvotes - case((vote.c.value == 1, 1), else_=0),
                downvotes=model.downvotes - case((vote.c.value == -1, 1), else_=0),
                score=model.score - vote.c.value,
            ),
            execution_options=QUIET,
        )
    _rerank_posts_voted_by(user_id)


def _rerank_posts_voted_by(user_id: int) -> None:
    """The hot rank follows the score (webapp.ranking.hot_score, computed here exactly
    as every vote computes it), in batches: the rows are locked by the UPDATE above."""
    voted = select(PostVote.post_id).where(PostVote.user_id == user_id)
    last = 0
    while True:
        rows = db.session.execute(
            select(Post.id, Post.score, Post.created_at)
            .where(Post.id.in_(voted), Post.id > last)
            .order_by(Post.id)
            .limit(HOT_BATCH)
        ).all()
        if not rows:
            return
        db.session.execute(
            update(Post),
            [{"id": row.id, "hot": hot_score(row.score, row.created_at)} for row in rows],
        )
        last = rows[-1].id


def _withdraw_vote_karma(user_id: int) -> None:
    """The authors of what the person voted on lose those points from their karma, for
    what counts in karma: visible posts, and visible comments under visible posts."""
    _subtract(
        User,
        "karma",
        select(Post.author_id.label("key"), PostVote.value)
        .join(Post, Post.id == PostVote.post_id)
        .where(PostVote.user_id == user_id, VISIBLE_POST, Post.author_id.is_not(None)),
    )
    _subtract(
        User,
        "karma",
        select(Comment.author_id.label("key"), CommentVote.value)
        .join(Comment, Comment.id == CommentVote.comment_id)
        .join(Post, Post.id == Comment.post_id)
        .where(
            CommentVote.user_id == user_id,
            VISIBLE_COMMENT,
            VISIBLE_POST,
            Comment.author_id.is_not(None),
        ),
    )
