"""`flask seed`: a large, realistic data set, loaded fast.

People, communities, memberships, follows, tags, posts, comments (one huge thread) and
votes, skewed like a real site and written in English, German, Spanish, Persian and a
little Japanese and Chinese. Rows are drawn by `plan` and `rows` from one random seed
(the same seed writes the same rows; dates count back from the moment of the run) and
loaded by `writers` (COPY on PostgreSQL, executemany on SQLite) in one transaction.
Every counter is written right or recounted before the commit.
"""

from __future__ import annotations

import importlib.util
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from webapp.config import PRODUCTION
from webapp.extensions import cache, db
from webapp.models import Comment, Community, Post, Profile, Tag, User, utc_now
from webapp.seed import plan as planning
from webapp.seed import rows
from webapp.seed.writers import PostgresWriter, Writer, writer_for

SEED_PASSWORD = "seed-password-1"
DEFAULT_SEED = 14


class SeedRefused(click.ClickException):
    """The database is not one the seed may write to."""


@dataclass
class Report:
    """What a seed wrote, and how long each part took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    recounted: dict[str, int] = field(default_factory=dict)  # rows the recount corrected


def _recount_small_tables(writer: Writer) -> None:
    """Community and tag counters, set-based (a few hundred rows, one scan each)."""
    visible = "p.removed_at IS NULL AND p.deleted_at IS NULL"
    writer.execute(
        "UPDATE communities SET member_count = "
        "(SELECT count(*) FROM memberships m WHERE m.community_id = communities.id), "
        "post_count = "
        f"(SELECT count(*) FROM posts p WHERE p.community_id = communities.id AND {visible})"
    )
    writer.execute(
        "UPDATE tags SET post_count = (SELECT count(*) FROM post_tags pt "
        f"JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = tags.id AND {visible})"
    )


def _shared_recount() -> Callable[..., object] | None:
    """`webapp.counters.recount_all`, once it exists: it also fills counters added after
    this command was written (profile numbers)."""
    if importlib.util.find_spec("webapp.counters") is None:
        return None
    from webapp import counters

    return getattr(counters, "recount_all", None)


def _call_recount(recount: Callable[..., object]) -> object:
    parameters = [p for p in inspect.signature(recount).parameters.values() if p.default is p.empty]
    return recount(*([db.session] if parameters else []))


def _start() -> planning.Start:
    def next_id(column) -> int:
        return (db.session.scalar(select(func.max(column))) or 0) + 1

    return planning.Start(
        user=next_id(User.id),
        community=next_id(Community.id),
        post=next_id(Post.id),
        comment=next_id(Comment.id),
        tag=next_id(Tag.id),
    )


def run_seed(sizes: planning.Sizes, seed: int = DEFAULT_SEED, progress: bool = True) -> Report:
    """Write the seed in the session's transaction (the caller commits)."""
    from webapp.auth.passwords import hash_password

    report = Report()
    session = db.session()
    empty = session.scalar(select(Post.id).limit(1)) is None
    writer = writer_for(session)
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[name] = round(now - clock, 2)
        clock = now

    def bar(label: str, length: int):
        return (
            click.progressbar(length=max(length, 1), label=f"{label:<14}", show_pos=True, file=None)
            if progress
            else _NoBar()
        )

    writer.prepare(empty)
    plan = planning.make_plan(sizes, _start(), utc_now(), seed)
    stage("plan")

    taken = {name.lower() for name in session.scalars(select(Profile.username))}
    user_rows, profile_rows = rows.users(plan, hash_password(SEED_PASSWORD), taken)
    with bar("people", len(user_rows)) as progress_bar:
        report.counts["users"] = writer.rows("users", rows.USER_COLUMNS, user_rows)
        writer.rows("profiles", rows.PROFILE_COLUMNS, profile_rows)
        progress_bar.update(len(user_rows))
    names = set(session.scalars(select(Community.name)))
    report.counts["communities"] = writer.rows(
        "communities", rows.COMMUNITY_COLUMNS, rows.communities(plan, names)
    )
    member_rows = [
        (plan.user_ids[user], community, role, plan.at(ago))
        for user, community, role, ago in planning.memberships(plan)
    ]
    report.counts["memberships"] = writer.rows("memberships", rows.MEMBERSHIP_COLUMNS, member_rows)
    follow_rows = [
        (plan.user_ids[a], plan.user_ids[b], plan.at(ago)) for a, b, ago in planning.follows(plan)
    ]
    report.counts["follows"] = writer.rows("follows", rows.FOLLOW_COLUMNS, follow_rows)
    existing_tags = {row.name: row.id for row in session.execute(select(Tag.name, Tag.id))}
    tag_rows, tag_ids = rows.tags(plan, existing_tags)
    report.counts["tags"] = writer.rows("tags", rows.TAG_COLUMNS, tag_rows)
    stage("people")

    counts = {"posts": 0, "post_tags": 0, "post_votes": 0, "comments": 0, "comment_votes": 0}
    with bar("posts", sizes.posts) as progress_bar:
        for posts, links, votes in rows.post_chunks(plan, tag_ids):
            counts["posts"] += writer.rows("posts", rows.POST_COLUMNS, posts)
            counts["post_tags"] += writer.rows("post_tags", rows.POST_TAG_COLUMNS, links)
            counts["post_votes"] += writer.rows("post_votes", rows.POST_VOTE_COLUMNS, votes)
            progress_bar.update(len(posts))
    stage("posts")
    with bar("comments", sum(plan.post_comments)) as progress_bar:
        for comments, votes in rows.comment_chunks(plan):
            counts["comments"] += writer.rows("comments", rows.COMMENT_COLUMNS, comments)
            counts["comment_votes"] += writer.rows(
                "comment_votes", rows.COMMENT_VOTE_COLUMNS, votes
            )
            progress_bar.update(len(comments))
    report.counts.update(counts)
    stage("comments")

    if isinstance(writer, PostgresWriter) and writer.dropped:
        with bar("indexes", len(writer.dropped)) as progress_bar:
            for _name in writer.rebuild():
                progress_bar.update(1)
    stage("indexes")
    recount = _shared_recount()
    if recount is None:
        _recount_small_tables(writer)
    else:  # also the people's numbers; posts and comments should need no correction
        changed = _call_recount(recount)
        if isinstance(changed, dict):
            report.recounted = {str(name): int(rows) for name, rows in changed.items()}
    writer.finish()
    stage("counters")
    return report


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, _count: int) -> None:
        pass


@click.command("seed")
@click.option("--users", default=2000, show_default=True, help="People to create.")
@click.option("--communities", default=40, show_default=True)
@click.option("--posts", default=20_000, show_default=True)
@click.option("--comments", default=40_000, show_default=True, help="Including the huge thread.")
@click.option("--votes", default=60_000, show_default=True, help="On posts (60%) and comments.")
@click.option("--follows", default=10_000, show_default=True)
@click.option("--huge-thread", default=5000, show_default=True, help="Comments on one hot post.")
@click.option("--seed", "seed", default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.option("--append", is_flag=True, help="Add to a database that already has posts.")
@click.option("--yes", is_flag=True, help="Needed to seed a production database.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@with_appcontext
def seed_command(
    users: int,
    communities: int,
    posts: int,
    comments: int,
    votes: int,
    follows: int,
    huge_thread: int,
    seed: int,
    append: bool,
    yes: bool,
    quiet: bool,
) -> None:
    """Fill the database with a large, realistic data set (for benchmarks and trials).

    Seeded people sign in with the password 'seed-password-1'. The full benchmark set:
    flask seed --users 20000 --communities 200 --posts 1000000 --comments 2000000
    --votes 3100000 --follows 1000000 --huge-thread 5109
    """
    if min(users, communities, posts, comments, votes, follows, huge_thread) < 0:
        raise click.BadParameter("sizes cannot be negative")
    if posts and (not users or not communities):
        raise click.BadParameter("posts need at least one user and one community")
    if current_app.config.get("QUORUM_ENV") == PRODUCTION and not yes:
        raise SeedRefused(
            "This is a production site (QUORUM_ENV=production): seeding adds thousands of "
            "fake people and posts. Pass --yes if that is really what you want."
        )
    if not append and db.session.scalar(select(func.count()).select_from(Post)):
        raise SeedRefused(
            "The database has posts already: seed an empty database, or pass --append "
            "to add the seed beside them."
        )
    sizes = planning.Sizes(users, communities, posts, comments, votes, follows, huge_thread)
    started = time.perf_counter()
    try:
        report = run_seed(sizes, seed, progress=not quiet)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    try:
        cache.clear()  # pages cached before the seed show none of it
    except Exception:  # noqa: BLE001 - a cache outage must not undo a finished seed
        current_app.logger.warning("flask seed: the cache could not be cleared")
    took = time.perf_counter() - started
    click.echo("Seeded: " + ", ".join(f"{n} {name}" for name, n in report.counts.items()))
    click.echo("Seconds: " + ", ".join(f"{name} {s}" for name, s in report.seconds.items()))
    if report.recounted:
        click.echo(
            "Recount corrected: " + ", ".join(f"{t} {n}" for t, n in report.recounted.items())
        )
    click.echo(f"Total: {took:.1f} s. Sign in as any seeded person with '{SEED_PASSWORD}'.")
