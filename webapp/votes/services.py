"""Casting votes. The vote row and the item's score, upvotes, downvotes (and a post's
hot rank), and its author's karma change in one transaction, so that
`score == sum(votes)` holds however many votes arrive at once.

Rules: a vote is +1, -1 or 0 (clear). Nobody votes on their own posts or comments;
removed or deleted items take no votes, nor do the comments of a removed or deleted
post; nobody votes in a community they are banned from.

How few statements (issue 14). Every vote-row statement returns exactly what it
changed (an insert: 0 -> v; an update `WHERE value <> v`: -v -> v; a delete: the old
value), and the counters move by exactly that, in the same transaction: whatever runs
at the same moment, the counters follow the rows. On PostgreSQL a post vote is ONE
statement (a CTE: rules, vote row, post counters and hot rank, author's karma); a
comment vote is two, because the post's visibility must be read after the comment's
row is locked (a post taken down at that moment is seen; the comment is locked
before the post, as everywhere else, so nothing deadlocks). SQLite runs one writer at
a time, so there plain statements in a row are as exact. A refused vote is explained
afterwards (the rare path), and its transaction is rolled back by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, or_, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from webapp.caching import stale_comment_in, stale_post
from webapp.communities import bans
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Comment, CommentVote, CommunityBan, Post, PostVote, User, utc_now
from webapp.profiles import numbers
from webapp.ranking import HOT_EPOCH, HOT_HALF_DAY_SECONDS, hot_score
from webapp.votes import permissions

VOTE_VALUES = (-1, 0, 1)


class VoteError(DomainError):
    """A rule of this area was broken."""


@dataclass
class VoteResult:
    """The item's numbers right after the vote, and the voter's vote."""

    score: int
    my_vote: int
    upvotes: int = 0
    downvotes: int = 0
    item: Any = None  # the Post or Comment voted on (detached, or the caller's own)


@dataclass(frozen=True)
class _Kind:
    model: Any
    vote_model: Any
    key: str  # the vote table's column naming the item
    missing: Any  # the 404 message


POST = _Kind(Post, PostVote, "post_id", _l("There is no such post."))
COMMENT = _Kind(Comment, CommentVote, "comment_id", _l("There is no such comment."))


def _counter_changes(moves: list[tuple[int, int]]) -> tuple[int, int]:
    """How upvotes and downvotes move for these (old, new) vote changes."""
    up = sum((new == 1) - (old == 1) for old, new in moves)
    down = sum((new == -1) - (old == -1) for old, new in moves)
    return up, down


# -- PostgreSQL: one statement per post vote --------------------------------------------

_VISIBLE = "{t}.removed_at IS NULL AND {t}.deleted_at IS NULL"
_NOT_BANNED = (
    "NOT EXISTS (SELECT 1 FROM community_bans AS b WHERE b.community_id = {community} "
    "AND b.user_id = :user_id AND (b.expires_at IS NULL OR b.expires_at > now()))"
)
# webapp.ranking.hot_score, bit for bit: the sum is formed in float8 as Python does, and
# its exact binary value (an integer times 2**-40, exact for every post after 2011) is
# rounded to 7 decimals as Python's round() does, not its 15-digit numeric cast.
_HOT = (
    "(round(((sign({s})::float8 * log10(greatest(abs({s}), 1)::float8) "
    "+ extract(epoch FROM posts.created_at - '"
    + HOT_EPOCH.isoformat()
    + "'::timestamptz)::float8 / "
    + str(HOT_HALF_DAY_SECONDS)
    + ") * 1099511627776::float8)::bigint::numeric "
    "* 0.0000000000009094947017729282379150390625, 7))::float8"
)


def _pg_vote_rows(kind: _Kind, value: int) -> str:
    """CTEs writing the vote row; `moves` says what changed, as (old, new) pairs."""
    votes = kind.vote_model.__tablename__
    mine = f"user_id = :user_id AND {kind.key} IN (SELECT id FROM target)"
    if value == 0:
        return (
            f"cleared AS (DELETE FROM {votes} WHERE {mine} RETURNING value), "
            "moves AS (SELECT value AS old, 0 AS new FROM cleared)"
        )
    return (
        f"inserted AS (INSERT INTO {votes} (user_id, {kind.key}, value, created_at) "
        "SELECT :user_id, id, :value, now() FROM target "
        f"ON CONFLICT (user_id, {kind.key}) DO NOTHING RETURNING value), "
        f"flipped AS (UPDATE {votes} SET value = :value WHERE {mine} AND value <> :value "
        "RETURNING value), "
        "moves AS (SELECT 0 AS old, value AS new FROM inserted "
        "UNION ALL SELECT -value, value FROM flipped)"
    )


_PG_CHANGE = (
    "change AS (SELECT coalesce(sum((new = 1)::int - (old = 1)::int), 0) AS up, "
    "coalesce(sum((new = -1)::int - (old = -1)::int), 0) AS down FROM moves)"
)
_PG_COUNTERS = (
    "upvotes = {t}.upvotes + change.up, downvotes = {t}.downvotes + change.down, "
    "score = {t}.score + change.up - change.down"
)


def _pg_post_statement(value: int) -> str:
    return (
        "WITH target AS (SELECT p.id, p.community_id FROM posts AS p WHERE p.id = :item_id "
        f"AND {_VISIBLE.format(t='p')} AND p.author_id IS DISTINCT FROM :user_id "
        f"AND {_NOT_BANNED.format(community='p.community_id')}), "
        f"{_pg_vote_rows(POST, value)}, {_PG_CHANGE}, "
        f"item AS (UPDATE posts SET {_PG_COUNTERS.format(t='posts')}, "
        f"hot = {_HOT.format(s='posts.score + change.up - change.down')} FROM change "
        f"WHERE posts.id = :item_id AND {_VISIBLE.format(t='posts')} "
        "AND EXISTS (SELECT 1 FROM target) RETURNING posts.score, posts.upvotes, "
        "posts.downvotes, posts.hot, posts.author_id, posts.community_id, "
        "change.up - change.down AS points), "
        "karma AS (UPDATE users SET karma = users.karma + item.points FROM item "
        "WHERE users.id = item.author_id AND item.points <> 0 RETURNING users.id) "
        "SELECT item.*, (SELECT count(*) FROM karma) AS karma_rows FROM item"
    )


def _pg_comment_statement(value: int) -> str:
    return (
        "WITH target AS (SELECT c.id, p.community_id FROM comments AS c "
        "JOIN posts AS p ON p.id = c.post_id WHERE c.id = :item_id "
        f"AND {_VISIBLE.format(t='c')} AND {_VISIBLE.format(t='p')} "
        "AND c.author_id IS DISTINCT FROM :user_id "
        f"AND {_NOT_BANNED.format(community='p.community_id')}), "
        f"{_pg_vote_rows(COMMENT, value)}, {_PG_CHANGE}, "
        f"item AS (UPDATE comments SET {_PG_COUNTERS.format(t='comments')} FROM change "
        f"WHERE comments.id = :item_id AND {_VISIBLE.format(t='comments')} "
        "AND EXISTS (SELECT 1 FROM target) RETURNING comments.score, comments.upvotes, "
        "comments.downvotes, comments.author_id, comments.post_id, "
        "change.up - change.down AS points) "
        "SELECT item.*, (SELECT community_id FROM target) AS community_id FROM item"
    )


# The comment's row is locked now: the post is read afresh, and the author's karma
# moves only while it is up (webapp.profiles.numbers.vote_changed's rule).
_PG_COMMENT_KARMA = text(
    f"WITH up AS (SELECT 1 FROM posts WHERE id = :post_id AND {_VISIBLE.format(t='posts')}), "
    "karma AS (UPDATE users SET karma = karma + :points WHERE id = :author_id "
    "AND EXISTS (SELECT 1 FROM up) RETURNING id) "
    "SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM karma)"
)

_PG_STATEMENTS = {
    (kind_name, value): text(build(value))
    for kind_name, build in (("post", _pg_post_statement), ("comment", _pg_comment_statement))
    for value in VOTE_VALUES
}


def _cast_postgresql(user_id: int, kind: _Kind, item_id: int, value: int) -> VoteResult | None:
    name = "post" if kind is POST else "comment"
    params = {"user_id": user_id, "item_id": item_id, "value": value}
    row = db.session.execute(_PG_STATEMENTS[name, value], params).one_or_none()
    if row is None:
        return None
    item: Post | Comment
    if kind is POST:
        item = Post(id=item_id, author_id=row.author_id, community_id=row.community_id, hot=row.hot)
    else:
        item = Comment(id=item_id, author_id=row.author_id, post_id=row.post_id)
        if row.points:
            karma = {"post_id": row.post_id, "points": row.points, "author_id": row.author_id}
            post_up, _ = db.session.execute(_PG_COMMENT_KARMA, karma).one()
            if not post_up:
                return None  # the post was taken down meanwhile
    _stale(item, row.community_id, row.points, row.upvotes, row.downvotes)
    return VoteResult(row.score, value, row.upvotes, row.downvotes, item)


# -- SQLite (one writer at a time) ------------------------------------------------------


def _not_banned(user_id: int, community_id: Any) -> Any:
    return ~exists().where(
        CommunityBan.community_id == community_id,
        CommunityBan.user_id == user_id,
        or_(CommunityBan.expires_at.is_(None), CommunityBan.expires_at > utc_now()),
    )


def _sqlite_target(user_id: int, kind: _Kind, item_id: int):
    model = kind.model
    columns = (model.score, model.upvotes, model.downvotes, model.author_id)
    visible = (model.removed_at.is_(None), model.deleted_at.is_(None))
    rules = (model.id == item_id, *visible, model.author_id.is_distinct_from(user_id))
    if kind is POST:
        statement = select(*columns, Post.created_at, Post.community_id, Post.id.label("post_id"))
        statement = statement.where(*rules, _not_banned(user_id, Post.community_id))
    else:
        statement = (
            select(*columns, Post.created_at, Post.community_id, Comment.post_id)
            .join(Post, Post.id == Comment.post_id)
            .where(*rules, Post.removed_at.is_(None), Post.deleted_at.is_(None))
            .where(_not_banned(user_id, Post.community_id))
        )
    return db.session.execute(statement).one_or_none()


def _sqlite_vote_rows(user_id: int, kind: _Kind, item_id: int, value: int) -> list[tuple[int, int]]:
    """Write the vote row; what changed, as (old, new) pairs."""
    vote_model = kind.vote_model
    mine = (vote_model.user_id == user_id, getattr(vote_model, kind.key) == item_id)
    quiet = {"synchronize_session": False}
    if value == 0:
        cleared = delete(vote_model).where(*mine).returning(vote_model.value)
        olds: list[int] = list(db.session.scalars(cleared, execution_options=quiet))
        return [(old, 0) for old in olds]
    row = {"user_id": user_id, kind.key: item_id, "value": value, "created_at": utc_now()}
    insert = sqlite_insert(vote_model).values(**row).on_conflict_do_nothing()
    if db.session.scalars(insert.returning(vote_model.value)).first() is not None:
        return [(0, value)]
    flip = update(vote_model).where(*mine, vote_model.value != value).values(value=value)
    flipped = db.session.scalars(flip.returning(vote_model.value), execution_options=quiet)
    return [(-value, value)] if flipped.first() is not None else []


def _cast_sqlite(user_id: int, kind: _Kind, item_id: int, value: int) -> VoteResult | None:
    found = _sqlite_target(user_id, kind, item_id)
    if found is None:
        return None
    up, down = _counter_changes(_sqlite_vote_rows(user_id, kind, item_id, value))
    model = kind.model
    upvotes, downvotes, score = found.upvotes + up, found.downvotes + down, found.score + up - down
    values: dict[str, Any] = {"upvotes": upvotes, "downvotes": downvotes, "score": score}
    item: Post | Comment
    if kind is POST:
        values["hot"] = hot_score(score, found.created_at)
        item = Post(id=item_id, author_id=found.author_id, community_id=found.community_id)
        item.hot = values["hot"]
    else:
        item = Comment(id=item_id, author_id=found.author_id, post_id=found.post_id)
    if up or down:
        # This transaction holds SQLite's write lock since the vote row: `found` is current.
        db.session.execute(
            update(model).where(model.id == item_id).values(**values),
            execution_options={"synchronize_session": False},
        )
        numbers.vote_changed(found.author_id, up - down)  # the post is up (checked above)
    _stale(item, found.community_id, up - down, up, down)
    return VoteResult(score, value, upvotes, downvotes, item)


# -- Both ---------------------------------------------------------------------------------


def _stale(item, community_id: int, points: int, up: int, down: int) -> None:
    """Pages showing the item's score become stale once this commits (if anything moved)."""
    if not (points or up or down):
        return
    if isinstance(item, Post):
        stale_post(item)
    else:
        stale_comment_in(item, community_id)


def _refusal(user: User, kind: _Kind, item_id: int) -> DomainError:
    """Why a vote was refused, read afresh (the rare path): the rules in their order."""
    item = db.session.get(kind.model, item_id, populate_existing=True)
    if item is None:
        return VoteError(kind.missing, status=404)
    if permissions.is_author(user, item):
        return VoteError(_l("You cannot vote on what you wrote."), status=403)
    post = item if isinstance(item, Post) else db.session.get(Post, item.post_id)
    if post is not None and isinstance(item, Comment):
        db.session.refresh(post)
        set_committed_value(item, "post", post)
    if not permissions.can_vote(user, item):
        return VoteError(_l("This can no longer be voted on."), status=409)
    try:
        bans.require_not_banned(user, post.community_id if post else 0)
    except DomainError as error:
        return error
    return VoteError(_l("This can no longer be voted on."), status=409)


def cast_vote(user: User, kind: _Kind, item_id: int, value: int) -> VoteResult:
    """Set `user`'s vote on the post or comment `item_id` (kind POST or COMMENT) and
    return the item's new numbers; raises VoteError (404, 403, 409) when refused."""
    if value not in VOTE_VALUES:
        raise VoteError(_l("A vote is up, down or nothing."))
    if db.session.get_bind().dialect.name == "postgresql":
        result = _cast_postgresql(user.id, kind, item_id, value)
    else:
        result = _cast_sqlite(user.id, kind, item_id, value)
    if result is None:
        raise _refusal(user, kind, item_id)
    return result


def _onto(item: Post | Comment, result: VoteResult) -> VoteResult:
    """The caller's own object shows the new numbers too (without a reload)."""
    for name in ("score", "upvotes", "downvotes"):
        set_committed_value(item, name, getattr(result, name))
    if isinstance(item, Post):
        set_committed_value(item, "hot", result.item.hot)
    result.item = item
    return result


def vote_on_post(user: User, post: Post, value: int) -> VoteResult:
    """Set the user's vote on a post; the post's hot rank follows its new score."""
    return _onto(post, cast_vote(user, POST, post.id, value))


def vote_on_comment(user: User, comment: Comment, value: int) -> VoteResult:
    """Set the user's vote on a comment (while the comment and its post are up)."""
    return _onto(comment, cast_vote(user, COMMENT, comment.id, value))
