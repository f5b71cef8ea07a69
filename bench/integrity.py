"""What the benchmark asks the database and the stack directly: score == sum(votes)
after the load, a cursor deep in a feed, and the versions for the report. These run
inside the app's context (`create_app()` with the benchmark's environment)."""

from __future__ import annotations

import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from sqlalchemy import func, select, text

_MISMATCHES = """
SELECT count(*) AS rows_checked,
       coalesce(sum(CASE WHEN t.score <> coalesce(v.total, 0)
                          OR t.upvotes <> coalesce(v.up, 0)
                          OR t.downvotes <> coalesce(v.down, 0) THEN 1 ELSE 0 END), 0)
FROM {table} t
LEFT JOIN (SELECT {key} AS item_id, sum(value) AS total,
                  sum(CASE WHEN value > 0 THEN 1 ELSE 0 END) AS up,
                  sum(CASE WHEN value < 0 THEN 1 ELSE 0 END) AS down
           FROM {votes} GROUP BY {key}) v ON v.item_id = t.id
"""


@dataclass
class Integrity:
    posts: int
    post_mismatches: int
    comments: int
    comment_mismatches: int

    @property
    def ok(self) -> bool:
        return not self.post_mismatches and not self.comment_mismatches

    def describe(self) -> str:
        verdict = "holds" if self.ok else "BROKEN"
        return (
            f"score == sum(votes) (and upvotes/downvotes) {verdict}: "
            f"{self.post_mismatches:,} of {self.posts:,} posts and "
            f"{self.comment_mismatches:,} of {self.comments:,} comments differ"
        )


def check_votes(session: Any) -> Integrity:
    posts = session.execute(
        text(_MISMATCHES.format(table="posts", votes="post_votes", key="post_id"))
    ).one()
    comments = session.execute(
        text(_MISMATCHES.format(table="comments", votes="comment_votes", key="comment_id"))
    ).one()
    return Integrity(posts[0], int(posts[1]), comments[0], int(comments[1]))


def deep_cursor(sort: str, window: str | None, page: int) -> tuple[str, int, int] | None:
    """A cursor for /all deep in the keyset (page `page`, or the deepest full page there
    is), built as the feed builds its own: (cursor, page number, id of its first post).
    Following `cursor` 20,000 times would take hours; one OFFSET query here is cheap."""
    from flask import current_app

    from webapp.extensions import db
    from webapp.feeds import queries
    from webapp.models import Post, utc_now
    from webapp.pagination import encode_cursor

    keys, key_of = queries._KEYS[sort]
    size = current_app.config["FEED_PAGE_SIZE"]
    statement = select(Post).where(Post.removed_at.is_(None), Post.deleted_at.is_(None))
    since = queries.FeedOrder.from_args(sort, window).since(utc_now())
    if since is not None:
        statement = statement.where(Post.created_at >= since)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    before = min(page - 1, total // size - 1)  # full pages before the one measured
    if before < 2:
        return None
    order = [key.column.desc() if key.descending else key.column.asc() for key in keys]
    last, first = db.session.scalars(
        statement.order_by(*order).offset(before * size - 1).limit(2)
    ).all()
    return encode_cursor(keys, *key_of(last)), before + 1, first.id


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return "unknown"
    output = (done.stdout + done.stderr).strip().splitlines()
    return output[0] if output else "unknown"


def versions(session: Any, redis_url: str, wrk: str) -> dict[str, str]:
    import redis

    try:
        redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    except Exception as error:  # the report says so rather than failing the run
        redis_version = f"unreachable ({error.__class__.__name__})"
    found = {
        "PostgreSQL": session.execute(text("SHOW server_version")).scalar_one(),
        "Redis": str(redis_version),
        "Python": platform.python_version(),
    }
    for package in ("gunicorn", "Flask", "SQLAlchemy", "psycopg", "Jinja2"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    found["wrk"] = _run([wrk, "-v"]).split(" Copyright")[0]
    found["commit"] = _run(["git", "describe", "--always", "--dirty"])
    return found
