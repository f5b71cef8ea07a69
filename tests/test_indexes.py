"""Every list a page shows is served by an index in its own order (PostgreSQL EXPLAIN):
no full scan, no sort of the whole table, so the thousandth page costs what the first
one does. Sequential scans are disabled so that the plan shows which index *can* serve
the query even on a small test table; sorting is disabled too, so a plan that still
sorts is one no index can serve."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from tests.support.databases import is_postgres
from webapp.extensions import db
from webapp.feeds import queries as feed_queries
from webapp.feeds.queries import TOP_WINDOWS
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
    from webapp.pagination import SortKey, _after

    keys = (SortKey(Post.created_at), SortKey(Post.id))
    after = _after(keys, (datetime(2026, 1, 1, tzinfo=UTC), 500_000))
    statement = ordered(select(Post.id).where(after), Post.created_at, Post.id)
    with app.app_context():
        explained = plan(statement)
    assert "ix_posts_created_at_id" in explained, explained
    bound = [line for line in explained.splitlines() if "Index Cond" in line]
    assert bound and "ROW(" in bound[0], explained


# -- The real feed queries, every sort and window, for every kind of feed ---------------


def captured_feed_query(app, **scope) -> tuple[str, object]:
    """Run the real `feed_page` (a page after a cursor, as page 20,000 is) and return
    the SQL and parameters of its posts query, as the driver received them."""
    from sqlalchemy import event

    from webapp.pagination import encode_cursor

    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM posts" in statement and "ORDER BY posts." in statement:
            seen.append((statement, parameters))

    order = scope.pop("order")
    keys = feed_queries._KEYS[order.sort][0]
    sample = {"hot": 12345.5, "new": datetime(2026, 1, 1, tzinfo=UTC), "top": 3}[order.sort]
    with app.test_request_context():
        cursor = encode_cursor(keys, sample, 500_000)
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            feed_queries.feed_page(order, cursor, 25, **scope)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 1, seen
    return seen[0]


def driver_plan(statement: str, parameters) -> str:
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        db.session.execute(text(f"SET LOCAL {setting} = off"))
    connection = db.session.connection()
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
    return "\n".join(rows)


SORT_COLUMNS = {"hot": "hot", "new": "created_at", "top": "score"}
FEED_ORDERS = [("hot", "day"), ("new", "day")] + [("top", window) for window in TOP_WINDOWS]
FEED_SCOPES = {
    "all": ({}, "ix_posts_{column}_id"),
    "community": ({"community_id": 7}, "ix_posts_community_id_{column}_id"),
    "tag": ({"tag_id": 7}, "ix_posts_{column}_id"),
    "profile": ({"author_id": 7}, "ix_posts_author_id_{column}_id"),
}


@pytest.mark.parametrize("scope", list(FEED_SCOPES))
@pytest.mark.parametrize(("sort", "window"), FEED_ORDERS)
def test_every_feed_starts_at_its_cursor_inside_its_index(db_session, app, scope, sort, window):
    """The keyset bound of every sort and window of every feed (all, community, tag,
    profile) is an Index Cond (a row comparison the scan starts at), never a Filter
    over the rows before it, and the index gives the order (no Sort)."""
    arguments, index_pattern = FEED_SCOPES[scope]
    order = feed_queries.FeedOrder(sort=sort, window=window)
    statement, parameters = captured_feed_query(app, order=order, **arguments)
    with app.app_context():
        explained = driver_plan(statement, parameters)
    index = index_pattern.format(column=SORT_COLUMNS[sort])
    scan = [line for line in explained.splitlines() if f"using {index} on posts" in line]
    assert scan, explained
    conditions = explained.split(scan[0], 1)[1].splitlines()
    bound = next((line for line in conditions if "Index Cond" in line), "")
    assert "ROW(" in bound, explained
    assert not any("Filter" in line and "ROW(" in line for line in explained.splitlines())
    assert "Sort" not in explained.replace("Sort Key", ""), explained


def test_pinned_posts_are_read_from_the_partial_index(db_session, app):
    """The biggest community's pinned posts come from the few rows of the partial index,
    not from walking the community's posts until pinned ones turn up."""
    seen: list[tuple[str, object]] = []
    from sqlalchemy import event

    def record(conn, cursor, statement, parameters, context, executemany):
        if "is_pinned" in statement:
            seen.append((statement, parameters))

    with app.test_request_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            feed_queries.pinned_posts(7)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        explained = driver_plan(*seen[0])
    assert "ix_posts_community_id_pinned" in explained, explained
    assert "Sort" not in explained.replace("Sort Key", ""), explained


def test_the_sidebars_moderators_are_found_by_role(db_session, app):
    from webapp.models import Membership
    from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER

    statement = select(Membership.user_id).where(
        Membership.community_id == 7, Membership.role.in_((ROLE_OWNER, ROLE_MODERATOR))
    )
    with app.app_context():
        explained = plan(statement)
    assert "ix_memberships_community_id_role" in explained, explained
