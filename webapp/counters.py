"""Denormalized counters: the rules that keep them, and a recount from the rows.

Counters live beside what they count (a post's score and comment count, a community's
members and posts, a tag's posts, a person's posts, comments, karma, followers and
following) so that no page counts per view. The services change them in the same
transaction as their cause, with atomic `UPDATE … SET x = x + d` statements (people's
numbers through webapp/profiles/numbers.py); this module holds the one recount of
everything from the rows (`recount_all`, run after a bulk load and by `flask recount`)
and the check that tests use (`counter_mismatches`).

The rules, which the incremental changes and the recount share:
- a post counts (for its community, its tags and its author) while it is visible:
  neither removed nor deleted;
- a comment counts (for its post and its author) while it is visible;
- karma is the score of a person's visible posts plus that of their visible comments
  under visible posts: a post taken down takes its comments' points out of their
  authors' karma until it is restored (README, "Removed and deleted posts").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import (
    Numeric,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from webapp.extensions import db
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    Follow,
    Membership,
    Post,
    PostVote,
    Tag,
    User,
    post_tags,
)
from webapp.ranking import HOT_EPOCH, HOT_HALF_DAY_SECONDS

VISIBLE_POST = and_(Post.removed_at.is_(None), Post.deleted_at.is_(None))
VISIBLE_COMMENT = and_(Comment.removed_at.is_(None), Comment.deleted_at.is_(None))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _hot_sql(score, created_at, dialect: str) -> ColumnElement[float]:
    """webapp.ranking.hot_score in SQL, for the posts whose score a recount changed."""
    sign = case((score > 0, 1), (score < 0, -1), else_=0)
    if dialect == "postgresql":
        order: ColumnElement[Any] = func.log(func.greatest(func.abs(score), 1))  # base 10
        age: ColumnElement[Any] = func.extract("epoch", created_at - literal(HOT_EPOCH))
        return func.round((sign * order + age / HOT_HALF_DAY_SECONDS).cast(Numeric), 7)
    order = func.log10(func.max(func.abs(score), 1))  # SQLite's math functions (3.35+)
    epoch = HOT_EPOCH.strftime("%Y-%m-%d %H:%M:%S")
    age = (func.julianday(created_at) - func.julianday(epoch)) * 86400.0
    return func.round(sign * order + age / HOT_HALF_DAY_SECONDS, 7)


@dataclass(frozen=True)
class CounterSet:
    """The counters of one table and their true values, computed from the rows."""

    table: Any
    key: Any
    fresh: Any  # subquery: key, then one column per counter, named like the counter
    columns: tuple[str, ...]


def _post_votes():
    return (
        select(
            PostVote.post_id.label("item_id"),
            _count_if(PostVote.value == 1).label("up"),
            _count_if(PostVote.value == -1).label("down"),
        )
        .group_by(PostVote.post_id)
        .subquery()
    )


def _counter_sets() -> list[CounterSet]:
    votes = _post_votes()
    comments = (
        select(Comment.post_id.label("post_id"), func.count().label("n"))
        .where(VISIBLE_COMMENT)
        .group_by(Comment.post_id)
        .subquery()
    )
    up, down = func.coalesce(votes.c.up, 0), func.coalesce(votes.c.down, 0)
    posts = (
        select(
            Post.id.label("key"),
            up.label("upvotes"),
            down.label("downvotes"),
            (up - down).label("score"),
            func.coalesce(comments.c.n, 0).label("comment_count"),
        )
        .outerjoin(votes, votes.c.item_id == Post.id)
        .outerjoin(comments, comments.c.post_id == Post.id)
        .subquery()
    )

    comment_votes = (
        select(
            CommentVote.comment_id.label("item_id"),
            _count_if(CommentVote.value == 1).label("up"),
            _count_if(CommentVote.value == -1).label("down"),
        )
        .group_by(CommentVote.comment_id)
        .subquery()
    )
    c_up, c_down = func.coalesce(comment_votes.c.up, 0), func.coalesce(comment_votes.c.down, 0)
    comment_numbers = (
        select(
            Comment.id.label("key"),
            c_up.label("upvotes"),
            c_down.label("downvotes"),
            (c_up - c_down).label("score"),
        )
        .outerjoin(comment_votes, comment_votes.c.item_id == Comment.id)
        .subquery()
    )

    community_posts = (
        select(Post.community_id.label("community_id"), func.count().label("n"))
        .where(VISIBLE_POST)
        .group_by(Post.community_id)
        .subquery()
    )
    members = (
        select(Membership.community_id.label("community_id"), func.count().label("n"))
        .group_by(Membership.community_id)
        .subquery()
    )
    communities = (
        select(
            Community.id.label("key"),
            func.coalesce(members.c.n, 0).label("member_count"),
            func.coalesce(community_posts.c.n, 0).label("post_count"),
        )
        .outerjoin(members, members.c.community_id == Community.id)
        .outerjoin(community_posts, community_posts.c.community_id == Community.id)
        .subquery()
    )

    tag_posts = (
        select(post_tags.c.tag_id.label("tag_id"), func.count().label("n"))
        .join(Post, Post.id == post_tags.c.post_id)
        .where(VISIBLE_POST)
        .group_by(post_tags.c.tag_id)
        .subquery()
    )
    tags = (
        select(Tag.id.label("key"), func.coalesce(tag_posts.c.n, 0).label("post_count"))
        .outerjoin(tag_posts, tag_posts.c.tag_id == Tag.id)
        .subquery()
    )

    return [
        CounterSet(Post, Post.id, posts, ("upvotes", "downvotes", "score", "comment_count")),
        CounterSet(Comment, Comment.id, comment_numbers, ("upvotes", "downvotes", "score")),
        CounterSet(Community, Community.id, communities, ("member_count", "post_count")),
        CounterSet(Tag, Tag.id, tags, ("post_count",)),
        _people_counters(),
    ]


def _people_counters() -> CounterSet:
    """People's numbers from the rows; karma reads the posts' and comments' stored
    scores, so it is recounted after them."""
    authored = union_all(
        select(
            Post.author_id.label("user_id"),
            case((VISIBLE_POST, 1), else_=0).label("posts"),
            literal(0).label("comments"),
            case((VISIBLE_POST, Post.score), else_=0).label("points"),
            literal(0).label("followers"),
            literal(0).label("following"),
        ).where(Post.author_id.is_not(None)),
        select(
            Comment.author_id,
            literal(0),
            case((VISIBLE_COMMENT, 1), else_=0),
            case((and_(VISIBLE_COMMENT, VISIBLE_POST), Comment.score), else_=0),
            literal(0),
            literal(0),
        )
        .join(Post, Post.id == Comment.post_id)
        .where(Comment.author_id.is_not(None)),
        select(Follow.followed_id, literal(0), literal(0), literal(0), literal(1), literal(0)),
        select(Follow.follower_id, literal(0), literal(0), literal(0), literal(0), literal(1)),
    ).subquery()
    per_person = (
        select(
            authored.c.user_id,
            func.sum(authored.c.posts).label("posts"),
            func.sum(authored.c.comments).label("comments"),
            func.sum(authored.c.points).label("points"),
            func.sum(authored.c.followers).label("followers"),
            func.sum(authored.c.following).label("following"),
        )
        .group_by(authored.c.user_id)
        .subquery()
    )
    people = (
        select(
            User.id.label("key"),
            func.coalesce(per_person.c.posts, 0).label("post_count"),
            func.coalesce(per_person.c.comments, 0).label("comment_count"),
            func.coalesce(per_person.c.points, 0).label("karma"),
            func.coalesce(per_person.c.followers, 0).label("follower_count"),
            func.coalesce(per_person.c.following, 0).label("following_count"),
        )
        .outerjoin(per_person, per_person.c.user_id == User.id)
        .subquery()
    )
    columns = ("post_count", "comment_count", "karma", "follower_count", "following_count")
    return CounterSet(User, User.id, people, columns)


def _differs(counters: CounterSet) -> ColumnElement[bool]:
    return or_(
        *(getattr(counters.table, name) != counters.fresh.c[name] for name in counters.columns)
    )


def recount_all(session_or_connection=None) -> dict[str, int]:
    """Set every denormalized counter to what the rows say: one set-based UPDATE per
    table (posts, comments, communities, tags, people), writing only the rows that were
    wrong. Returns how many rows each UPDATE changed. A post whose score changes gets
    its hot rank recomputed too. Works on a Session or a Connection; does not commit."""
    executor: Any = session_or_connection if session_or_connection is not None else db.session
    bind = executor if isinstance(executor, Connection) else executor.get_bind()
    dialect = bind.dialect.name
    changed: dict[str, int] = {}
    for counters in _counter_sets():
        values = {name: counters.fresh.c[name] for name in counters.columns}
        if counters.table is Post:
            fresh_hot = _hot_sql(counters.fresh.c.score, Post.created_at, dialect)
            values["hot"] = case((Post.score != counters.fresh.c.score, fresh_hot), else_=Post.hot)
        statement = (
            update(counters.table)
            .where(counters.key == counters.fresh.c.key, _differs(counters))
            .values(**values)
        )
        result = executor.execute(statement, execution_options={"synchronize_session": False})
        changed[counters.table.__tablename__] = result.rowcount
    return changed


@dataclass(frozen=True)
class Mismatch:
    table: str
    key: int
    column: str
    stored: int
    counted: int


def counter_mismatches(session_or_connection=None) -> list[Mismatch]:
    """Every counter whose stored value differs from a recount of the rows (for tests
    and for `flask recount --check`); empty when all is exact."""
    executor: Any = session_or_connection if session_or_connection is not None else db.session
    found: list[Mismatch] = []
    for counters in _counter_sets():
        stored = [getattr(counters.table, name) for name in counters.columns]
        counted = [counters.fresh.c[name] for name in counters.columns]
        rows = executor.execute(
            select(counters.key, *stored, *counted)
            .join(counters.fresh, counters.fresh.c.key == counters.key)
            .where(_differs(counters))
            .order_by(counters.key)
        )
        width = len(counters.columns)
        for row in rows:
            for index, name in enumerate(counters.columns):
                if row[1 + index] != row[1 + width + index]:
                    found.append(
                        Mismatch(
                            counters.table.__tablename__,
                            row[0],
                            name,
                            row[1 + index],
                            row[1 + width + index],
                        )
                    )
    return found


@click.command("recount")
@click.option("--check", is_flag=True, help="Only report counters that differ; change nothing.")
@with_appcontext
def recount_command(check: bool) -> None:
    """Recompute every denormalized counter from the rows (after a bulk load, a restore
    or a manual fix in SQL); `--check` lists the wrong ones instead (exit status 1)."""
    from webapp.unit_of_work import unit_of_work

    if check:
        mismatches = counter_mismatches()
        for wrong in mismatches[:50]:
            click.echo(
                f"{wrong.table} {wrong.key} {wrong.column}: stored {wrong.stored}, "
                f"counted {wrong.counted}"
            )
        if mismatches:
            raise click.ClickException(f"{len(mismatches)} counters differ from the rows.")
        click.echo("Every counter matches the rows.")
        return
    started = time.perf_counter()
    with unit_of_work():
        changed = recount_all()
    took = time.perf_counter() - started
    summary = ", ".join(f"{table} {count}" for table, count in changed.items())
    click.echo(f"Recounted in {took:.1f} s; rows corrected: {summary}.")
