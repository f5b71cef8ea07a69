"""Every list a page shows is served by an index in its own order (PostgreSQL EXPLAIN):
no full scan, no sort of the whole table, so the thousandth page costs what the first
one does. Sequential scans are disabled so that the plan shows which index *can* serve
the query even on a small test table; sorting is disabled too, so a plan that still
sorts is one no index can serve."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.support.databases import is_postgres
from webapp.extensions import db
from webapp.feeds import queries as feed_queries
from webapp.models import Comment, Community, Follow, Post, Tag

pytestmark = pytest.mark.skipif(not is_postgres(), reason="EXPLAIN plans are PostgreSQL's")


def plan(statement) -> str:
    compiled = statement.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        db.session.execute(text(f"SET LOCAL {setting} = off"))
    rows = db.session.execute(text(f"EXPLAIN {compiled}")).scalars().all()
    return "\n".join(rows)


def ordered(statement, *columns):
    return statement.order_by(*(column.desc() for column in columns)).limit(26)


CASES = {
    "all, hot": (ordered(select(Post.id), Post.hot, Post.id), "ix_posts_hot_id"),
    "all, new": (ordered(select(Post.id), Post.created_at, Post.id), "ix_posts_created_at_id"),
    "all, top": (ordered(select(Post.id), Post.score, Post.id), "ix_posts_score_id"),
    "community, hot": (
        ordered(select(Post.id).where(Post.community_id == 7), Post.hot, Post.id),
        "ix_posts_community_id_hot_id",
    ),
    "community, new": (
        ordered(select(Post.id).where(Post.community_id == 7), Post.created_at, Post.id),
        "ix_posts_community_id_created_at_id",
    ),
    "profile, new": (
        ordered(select(Post.id).where(Post.author_id == 7), Post.created_at, Post.id),
        "ix_posts_author_id_created_at_id",
    ),
    "profile comments": (
        ordered(select(Comment.id).where(Comment.author_id == 7), Comment.created_at, Comment.id),
        "ix_comments_author_id_created_at_id",
    ),
    "a post's thread": (
        select(Comment.id).where(Comment.post_id == 7).order_by(Comment.path).limit(2000),
        "ix_comments_post_id_path",
    ),
    "followers": (
        ordered(
            select(Follow.follower_id).where(Follow.followed_id == 7),
            Follow.created_at,
            Follow.follower_id,
        ),
        "ix_follows_followed_id_created_at",
    ),
    "following": (
        ordered(
            select(Follow.followed_id).where(Follow.follower_id == 7),
            Follow.created_at,
            Follow.followed_id,
        ),
        "ix_follows_follower_id_created_at",
    ),
    "directory by members": (
        ordered(select(Community.id), Community.member_count, Community.id),
        "ix_communities_member_count_id",
    ),
    "tags by use": (ordered(select(Tag.id), Tag.post_count, Tag.id), "ix_tags_post_count_id"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_list_is_read_from_its_index_in_order(db_session, app, case):
    statement, index = CASES[case]
    with app.app_context():
        explained = plan(statement)
    assert index in explained, explained
    assert "Sort" not in explained.replace("Sort Key", ""), explained


def test_the_real_feed_query_uses_the_hot_index(db_session, app):
    with app.test_request_context():
        statement = feed_queries.visible_posts().order_by(Post.hot.desc(), Post.id.desc())
        explained = plan(statement.limit(26))
    assert "ix_posts_hot_id" in explained, explained


def raw_plan(sql: str) -> str:
    """EXPLAIN of hand-written SQL; GIN indexes are read through bitmap scans, so only
    sequential scans are disabled here."""
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars().all())


@pytest.mark.parametrize(
    ("table", "index"),
    [
        ("posts", "ix_posts_search_vector"),
        ("comments", "ix_comments_search_vector"),
        ("communities", "ix_communities_search_vector"),
        ("profiles", "ix_profiles_search_vector"),
        ("tags", "ix_tags_search_vector"),
    ],
)
def test_full_text_search_uses_the_gin_index(db_session, app, table, index):
    with app.app_context():
        explained = raw_plan(
            f"SELECT 1 FROM {table} "
            "WHERE search_vector @@ to_tsquery('quorum', 'dark & telescope:*')"
        )
    assert index in explained, explained


def test_fuzzy_name_matching_uses_the_trigram_index(db_session, app):
    with app.app_context():
        explained = raw_plan(
            "SELECT 1 FROM profiles WHERE lower(username || ' ' || display_name) % 'carmn'"
        )
    assert "ix_profiles_trigram" in explained, explained


def test_a_deep_page_starts_at_its_cursor_in_the_index(db_session, app):
    """The keyset bound is a row comparison PostgreSQL can start an index scan at, not a
    filter over every row before it (page 20,000 of a feed was 11-24 times slower)."""
    from datetime import UTC, datetime

    from webapp.pagination import SortKey, _after

    keys = (SortKey(Post.created_at), SortKey(Post.id))
    after = _after(keys, (datetime(2026, 1, 1, tzinfo=UTC), 500_000))
    statement = ordered(select(Post.id).where(after), Post.created_at, Post.id)
    with app.app_context():
        explained = plan(statement)
    assert "ix_posts_created_at_id" in explained, explained
    bound = [line for line in explained.splitlines() if "Index Cond" in line]
    assert bound and "ROW(" in bound[0], explained
