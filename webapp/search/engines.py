"""The two search engines behind one interface: PostgreSQL full-text search and SQLite
FTS5. Each returns ids, a text rank and highlighted snippets; `queries.py` does the rest.

Highlights are marked with the control characters STX/ETX inside the engine, so that
the text can be HTML-escaped afterwards and only the marks become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NotRequired, TypedDict

from sqlalchemy import text

from webapp.extensions import db
from webapp.search import syntax

MARK_START, MARK_END = "\x02", "\x03"
SHIELD_LT, SHIELD_GT = "\x04", "\x05"
COUNT_CAP = 1000  # tabs say "1,000+" beyond this; counting further costs without helping
# Relevance ranks posts and comments within their newest matches, this many: at least
# the deepest result a page can show (25 pages of 20), so every page ranks the same set.
RANK_CANDIDATES = 1000
TSQUERY = "to_tsquery('quorum', :tsquery)"


@dataclass
class EngineHit:
    id: int
    snippet: str | None
    title: str | None


@dataclass
class Scope:
    """What to search and how to narrow it (already resolved to ids)."""

    kind: str
    community_id: int | None = None
    tag_id: int | None = None
    author_id: int | None = None
    since: datetime | None = None


class KindSpec(TypedDict):
    """SQL fragments for searching one kind; None where the kind has no such column."""

    table: str
    id: str
    author: str | None
    community: str | None
    date: str
    score: str
    visible: str
    join: NotRequired[str]
    title: str | None
    body: str | None


# How each kind is searched: its table, how its visible rows are recognized, and which
# column holds its date, author and community (None when the kind has no such thing).
KINDS: dict[str, KindSpec] = {
    "posts": {
        "table": "posts",
        "id": "posts.id",
        "author": "posts.author_id",
        "community": "posts.community_id",
        "date": "posts.created_at",
        "score": "posts.score",
        "visible": "posts.removed_at IS NULL AND posts.deleted_at IS NULL",
        "title": "posts.title",
        "body": "posts.body_text",
    },
    "comments": {
        "table": "comments",
        "id": "comments.id",
        "author": "comments.author_id",
        "community": "posts.community_id",
        "date": "comments.created_at",
        "score": "comments.score",
        "visible": "comments.removed_at IS NULL AND comments.deleted_at IS NULL "
        "AND posts.removed_at IS NULL AND posts.deleted_at IS NULL",
        "join": "JOIN posts ON posts.id = comments.post_id",
        "title": None,
        "body": "comments.body_text",
    },
    "communities": {
        "table": "communities",
        "id": "communities.id",
        "author": None,
        "community": None,
        "date": "communities.created_at",
        "score": "communities.member_count",
        "visible": "1 = 1",
        "title": "communities.title",
        "body": "communities.description",
    },
    "people": {
        "table": "profiles",
        "id": "profiles.user_id",
        "author": None,
        "community": None,
        "date": "users.created_at",
        "score": "0",
        "visible": "1 = 1",
        "title": "profiles.display_name",
        "body": None,
    },
    "tags": {
        "table": "tags",
        "id": "tags.id",
        "author": None,
        "community": None,
        "date": "tags.created_at",
        "score": "tags.post_count",
        "visible": "tags.post_count > 0",
        "title": None,
        "body": None,
    },
}


# The names people, communities and tags also match by (trigram similarity).
NAME_SQL = {
    "people": "lower(profiles.username || ' ' || profiles.display_name)",
    "communities": "lower(communities.name || ' ' || communities.title)",
    "tags": "tags.name",
}


def _blended(rank: str, score: str, date: str) -> str:
    """PostgreSQL relevance: the text rank, raised by a positive score, lowered by age
    (a month old halves it)."""
    return (
        f"{rank} * (1 + greatest({score}, 0) / (greatest({score}, 0) + 10.0)) "
        f"/ (1 + extract(epoch from now() - {date}) / 2592000.0)"
    )


def _filters(spec: KindSpec, scope: Scope, params: dict) -> list[str]:
    clauses = [spec["visible"]]
    if spec["author"]:
        clauses.append("users.banned_at IS NULL")  # banned people's words are not found
    if scope.kind == "people":
        clauses.append("users.banned_at IS NULL")
    if scope.community_id is not None and spec["community"]:
        clauses.append(f"{spec['community']} = :community_id")
        params["community_id"] = scope.community_id
    if scope.author_id is not None and spec["author"]:
        clauses.append(f"{spec['author']} = :author_id")
        params["author_id"] = scope.author_id
    if scope.tag_id is not None and scope.kind == "posts":
        clauses.append(
            "EXISTS (SELECT 1 FROM post_tags WHERE post_tags.post_id = posts.id "
            "AND post_tags.tag_id = :tag_id)"
        )
        params["tag_id"] = scope.tag_id
    if scope.since is not None:
        clauses.append(f"{spec['date']} >= :since")
        params["since"] = scope.since
    return clauses


def _joins(spec: KindSpec, scope: Scope) -> str:
    joins = [spec.get("join", "")]
    if spec["author"]:
        # LEFT: a deleted account's kept posts and comments (author NULL) stay findable.
        joins.append(f"LEFT JOIN users ON users.id = {spec['author']}")
    if scope.kind == "people":
        joins.append("JOIN users ON users.id = profiles.user_id")
    return " ".join(joins)


class PostgresEngine:
    """Weighted tsvector columns with GIN indexes; trigram similarity for names."""

    def __init__(self):
        self.bind = db.session.get_bind()

    def _base(self, scope: Scope, query: syntax.ParsedQuery, params: dict):
        spec = KINDS[scope.kind]
        params["tsquery"] = syntax.to_tsquery(query)
        match = f"{spec['table']}.search_vector @@ {TSQUERY}"
        if scope.kind in ("people", "communities", "tags"):
            # Names also match fuzzily (a typo, a partial word), through trigram indexes.
            name = NAME_SQL[scope.kind]
            params["raw"] = " ".join(
                w for g in query.groups for t in g if not t.negated for w in t.words
            )
            match = f"({match} OR {name} % :raw)"
        where = " AND ".join([match, *_filters(spec, scope, params)])
        return spec, f"FROM {spec['table']} {_joins(spec, scope)} WHERE {where}"

    def _ctes(self, scope: Scope, spec: KindSpec, body: str, sort: str, params: dict) -> str:
        """The CTEs that make `page`: one page of (id, sort_key), best first.

        Posts and comments are taken in two steps. First the RANK_CANDIDATES newest
        matches (the highest scored for "top"), which PostgreSQL finds by walking a
        (date, id) or (score, id) index when the words are common and through the GIN
        index when they are rare; then that set is ordered and cut to the page. "new"
        and "top" stay exact (no page goes deeper than the set); relevance ranks only
        the newest matches, so two common words rank a thousand rows, not a hundred
        thousand."""
        page = "DESC, {id} DESC LIMIT :limit OFFSET :offset"
        if scope.kind not in ("posts", "comments"):  # small tables: rank every match
            rank = f"ts_rank({spec['table']}.search_vector, {TSQUERY})"
            if "raw" in params:
                rank = f"greatest({rank}, similarity({NAME_SQL[scope.kind]}, :raw))"
            sort_key = {"new": spec["date"], "top": spec["score"]}.get(
                sort, _blended(rank, spec["score"], spec["date"])
            )
            return (
                f"page AS MATERIALIZED (SELECT {spec['id']} AS id, {sort_key} AS sort_key "
                f"{body} ORDER BY sort_key {page.format(id=spec['id'])})"
            )
        params["candidates"] = RANK_CANDIDATES
        key = spec["score"] if sort == "top" else spec["date"]
        candidates = (
            f"SELECT {spec['id']} AS id, {spec['table']}.search_vector AS vector, "
            f"{spec['score']} AS score, {spec['date']} AS created_at {body} "
            f"ORDER BY {key} DESC, {spec['id']} DESC LIMIT :candidates"
        )
        sort_key = {"new": "c.created_at", "top": "c.score"}.get(
            sort, _blended(f"ts_rank(c.vector, {TSQUERY})", "c.score", "c.created_at")
        )
        # A materialized CTE is planned for all its rows: the page's small LIMIT must not
        # make PostgreSQL walk the whole date index for a rare word.
        return (
            f"candidates AS MATERIALIZED ({candidates}), page AS MATERIALIZED "
            f"(SELECT c.id, {sort_key} AS sort_key FROM candidates AS c "
            f"ORDER BY sort_key {page.format(id='c.id')})"
        )

    def search(self, scope, query, sort, limit, offset) -> list[EngineHit]:
        params: dict = {"limit": limit, "offset": offset}
        spec, body = self._base(scope, query, params)
        ctes = self._ctes(scope, spec, body, sort, params)
        options = (
            "StartSel=\x02, StopSel=\x03, MaxWords=35, MinWords=15, MaxFragments=2, "
            'FragmentDelimiter=" … "'
        )

        # ts_headline drops anything that looks like an HTML tag, even in plain text
        # ("<b>" typed in a post): hide < and > from it, and put them back afterwards.
        def shielded(column: str) -> str:
            return f"translate({column}, '<>', '{SHIELD_LT}{SHIELD_GT}')"

        snippet = (
            f"ts_headline('quorum', {shielded(spec['body'])}, {TSQUERY}, '{options}')"
            if spec["body"]
            else "NULL"
        )
        title = (
            f"ts_headline('quorum', {shielded(spec['title'])}, {TSQUERY}, "
            f"'StartSel=\x02, StopSel=\x03, HighlightAll=true')"
            if spec["title"]
            else "NULL"
        )
        # Rank and cut to one page first; only that page's rows get (costly) headlines.
        sql = (
            f"WITH {ctes} "
            f"SELECT page.id, {snippet} AS snippet, {title} AS title FROM page "
            f"JOIN {spec['table']} ON {spec['id']} = page.id "
            f"ORDER BY page.sort_key DESC, page.id DESC"
        )
        rows = db.session.execute(text(sql), params)
        return [EngineHit(row.id, row.snippet, row.title) for row in rows]

    def count(self, scope, query) -> int:
        params: dict = {}
        _spec, body = self._base(scope, query, params)
        sql = f"SELECT count(*) FROM (SELECT 1 {body} LIMIT {COUNT_CAP + 1}) AS capped"
        return db.session.execute(text(sql), params).scalar_one()


class SqliteEngine:
    """FTS5 tables kept in sync by triggers, ranked by bm25."""

    FTS = {
        "posts": "posts_fts",
        "comments": "comments_fts",
        "communities": "communities_fts",
        "people": "profiles_fts",
        "tags": "tags_fts",
    }
    # bm25 column weights: titles and names count more than bodies.
    WEIGHTS = {
        "posts": "10.0, 1.0",
        "comments": "1.0",
        "communities": "10.0, 10.0, 1.0",
        "people": "10.0, 10.0",
        "tags": "1.0",
    }
    SNIPPET_COLUMN = {"posts": 1, "comments": 0, "communities": 2}
    TITLE_COLUMN = {"posts": 0, "communities": 1, "people": 1}

    def _base(self, scope, query, params):
        spec = KINDS[scope.kind]
        fts = self.FTS[scope.kind]
        params["match"] = syntax.to_fts5(query)
        where = " AND ".join([f"{fts} MATCH :match", *_filters(spec, scope, params)])
        if "since" in params:  # timestamps are stored as naive UTC text in SQLite
            params["since"] = params["since"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        body = (
            f"FROM {fts} JOIN {spec['table']} ON {spec['id']} = {fts}.rowid "
            f"{_joins(spec, scope)} WHERE {where}"
        )
        return spec, fts, body

    def search(self, scope, query, sort, limit, offset) -> list[EngineHit]:
        params: dict = {"limit": limit, "offset": offset}
        spec, fts, body = self._base(scope, query, params)
        rank = f"-bm25({fts}, {self.WEIGHTS[scope.kind]})"
        score = f"max({spec['score']}, 0)"
        blended = (
            f"{rank} * (1 + {score} / ({score} + 10.0)) / "
            f"(1 + (julianday('now') - julianday({spec['date']})) / 30.0)"
        )
        sort_key = {"new": spec["date"], "top": spec["score"]}.get(sort, blended)
        column = self.SNIPPET_COLUMN.get(scope.kind)
        snippet = (
            f"snippet({fts}, {column}, char(2), char(3), ' … ', 24)"
            if column is not None
            else "NULL"
        )
        title_column = self.TITLE_COLUMN.get(scope.kind)
        title = (
            f"highlight({fts}, {title_column}, char(2), char(3))"
            if title_column is not None
            else "NULL"
        )
        # FTS5's snippet() and highlight() need the match in the same query.
        sql = (
            f"SELECT {spec['id']} AS id, {snippet} AS snippet, {title} AS title {body} "
            f"ORDER BY {sort_key} DESC, {spec['id']} DESC LIMIT :limit OFFSET :offset"
        )
        rows = db.session.execute(text(sql), params)
        return [EngineHit(row.id, row.snippet, row.title) for row in rows]

    def count(self, scope, query) -> int:
        params: dict = {}
        _spec, _fts, body = self._base(scope, query, params)
        sql = f"SELECT count(*) FROM (SELECT 1 {body} LIMIT {COUNT_CAP + 1})"
        return db.session.execute(text(sql), params).scalar_one()


def engine_for_session():
    """The engine for the database this session talks to."""
    dialect = db.session.get_bind().dialect.name
    return PostgresEngine() if dialect == "postgresql" else SqliteEngine()
