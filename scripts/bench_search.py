"""Search benchmark (not a test): load a large synthetic corpus into a fresh database,
then time the real search code and show the query plan.

    .venv/bin/python scripts/bench_search.py --engine postgresql --posts 1000000
    .venv/bin/python scripts/bench_search.py --engine sqlite --posts 100000

PostgreSQL uses the server in TEST_DATABASE_URL (default: the local `test` database's
server) and creates and drops its own database. Words follow a skewed (Zipf-like)
distribution over a 5,000-word vocabulary, so some words are common and most are rare,
as in real text. Reports p50/p95/max latency of two-word queries through
`webapp.search.queries.search` (the page's query plus the five tab counts) and of the
posts query alone.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY_SIZE = 5000
WORDS_PER_BODY = 60


def vocabulary(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = set()
    while len(words) < VOCABULARY_SIZE:
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9))))
    return sorted(words)


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def load_postgres(url: str, posts: int, words: list[str]) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        run = connection.execute
        run(
            "INSERT INTO users (email, password_hash, is_admin, created_at, session_epoch) "
            "SELECT 'u' || g || '@example.org', 'x', false, now(), 0 "
            "FROM generate_series(1, 1000) g"
        )
        run(
            "INSERT INTO profiles (user_id, username, display_name, first_name, last_name, "
            "bio_html, website, updated_at) SELECT id, 'user_' || id, '', '', '', '', '', now() "
            "FROM users"
        )
        run(
            "INSERT INTO communities (name, title, description, rules, created_at, member_count, "
            "post_count) VALUES ('bench', 'Bench', '', '', now(), 0, 0)"
        )
        run("CREATE TEMP TABLE vocab (n int PRIMARY KEY, word text)")
        with connection.cursor().copy("COPY vocab (n, word) FROM STDIN") as copy:
            for index, word in enumerate(words, start=1):
                copy.write_row((index, word))
        run("DROP INDEX ix_posts_search_vector")  # built once at the end: much faster
        batch = 100_000
        started = time.perf_counter()
        for offset in range(0, posts, batch):
            count = min(batch, posts - offset)
            run(f"""
                INSERT INTO posts (community_id, author_id, title, body_html, body_text,
                                   created_at, score, upvotes, downvotes, comment_count, hot,
                                   is_pinned, is_locked)
                SELECT 1, 1 + (g % 1000), t.title, '', t.body,
                       now() - (g % 100000) * interval '5 minutes', 0, 0, 0, 0, 0, false, false
                FROM generate_series(1, {count}) g
                CROSS JOIN (SELECT array_agg(word ORDER BY n) AS w FROM vocab) v
                CROSS JOIN LATERAL (
                    SELECT
                      array_to_string(ARRAY(
                          SELECT v.w[1 + floor({VOCABULARY_SIZE} * power(random(), 3))::int]
                          FROM generate_series(1, 6) s WHERE g IS NOT NULL), ' ') AS title,
                      array_to_string(ARRAY(
                          SELECT v.w[1 + floor({VOCABULARY_SIZE} * power(random(), 3))::int]
                          FROM generate_series(1, {WORDS_PER_BODY}) s WHERE g IS NOT NULL),
                          ' ') AS body
                ) t
            """)
            print(
                f"  loaded {offset + count:,} posts ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        run("CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)")
        run("ANALYZE")


def load_sqlite(url: str, posts: int, words: list[str]) -> None:
    import sqlite3

    rng = random.Random(11)
    path = url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO users (id, email, password_hash, is_admin, created_at, "
        "session_epoch) VALUES (1, 'u@example.org', 'x', 0, "
        "'2026-01-01 00:00:00.000000', 0)"
    )
    connection.execute(
        "INSERT INTO profiles (user_id, username, display_name, first_name, "
        "last_name, bio_html, website, updated_at) VALUES (1, 'user_1', '', '', "
        "'', '', '', '2026-01-01 00:00:00.000000')"
    )
    connection.execute(
        "INSERT INTO communities (id, name, title, description, rules, created_at, "
        "member_count, post_count) VALUES (1, 'bench', 'Bench', '', '', "
        "'2026-01-01 00:00:00.000000', 0, 0)"
    )

    def pick() -> str:
        return words[int(VOCABULARY_SIZE * rng.random() ** 3)]

    rows = (
        (" ".join(pick() for _ in range(6)), " ".join(pick() for _ in range(WORDS_PER_BODY)))
        for _ in range(posts)
    )
    connection.executemany(
        "INSERT INTO posts (community_id, author_id, title, body_html, body_text, created_at, "
        "score, upvotes, downvotes, comment_count, hot, is_pinned, is_locked) "
        "VALUES (1, 1, ?, '', ?, '2026-06-01 00:00:00.000000', 0, 0, 0, 0, 0, 0, 0)",
        rows,
    )
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(url: str, words: list[str], queries: int, rounds: int = 2) -> None:
    """Time the same queries `rounds` times: the first round reads from disk, the
    later ones show the steady state of a server whose data is in memory."""
    from webapp import create_app
    from webapp.search import queries as search
    from webapp.search.engines import engine_for_session

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-" + "x" * 40,
            "INSTANCE_PATH": tempfile.mkdtemp(),
        }
    )
    rng = random.Random(3)
    # Two finished words (no prefix), drawn with the corpus's own skew.
    pairs = [
        f"{words[int(VOCABULARY_SIZE * rng.random() ** 3)]} "
        f"{words[int(VOCABULARY_SIZE * rng.random() ** 3)]} "
        for _ in range(queries)
    ]
    with app.test_request_context():
        engine = engine_for_session()
        for round_number in range(1, rounds + 1):
            print(f"round {round_number} ({'cold' if round_number == 1 else 'warm'} cache)")
            timed_round(search, engine, pairs)
        print_plan(pairs)


def timed_round(search, engine, pairs: list[str]) -> None:
    from webapp.search import syntax
    from webapp.search.engines import Scope

    whole, posts_only, matches = [], [], []
    for query in pairs:
        started = time.perf_counter()
        result = search.search(search.SearchRequest(text=query))
        whole.append((time.perf_counter() - started) * 1000)
        matches.append(result.counts.get("posts", 0))
        started = time.perf_counter()
        engine.search(Scope(kind="posts"), syntax.parse(query), "relevance", 21, 0)
        posts_only.append((time.perf_counter() - started) * 1000)
    for label, values in (("search() with 5 tab counts", whole), ("posts query", posts_only)):
        print(
            f"  {label:28s} p50 {statistics.median(values):7.1f} ms   "
            f"p95 {percentile(values, 0.95):7.1f} ms   max {max(values):7.1f} ms"
        )
    print(f"  posts matched per query: median {statistics.median(matches):.0f} (capped at 1,001)")


def print_plan(pairs: list[str]) -> None:
    from sqlalchemy import text

    from webapp.extensions import db
    from webapp.search import syntax

    query = syntax.parse(pairs[0])
    if db.session.get_bind().dialect.name == "postgresql":
        plan = db.session.execute(
            text(
                "EXPLAIN SELECT id FROM posts "
                "WHERE search_vector @@ to_tsquery('quorum', :q) LIMIT 21"
            ),
            {"q": syntax.to_tsquery(query)},
        ).scalars()
    else:
        rows = db.session.execute(
            text("EXPLAIN QUERY PLAN SELECT rowid FROM posts_fts WHERE posts_fts MATCH :q"),
            {"q": syntax.to_fts5(query)},
        )
        plan = (" | ".join(map(str, row)) for row in rows)
    print("plan:\n  " + "\n  ".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--reuse", metavar="NAME", help="measure a database kept earlier")
    args = parser.parse_args()
    words = vocabulary()
    if args.engine == "postgresql":
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        server = make_url(
            os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        )
        server = server.set(drivername="postgresql+psycopg")
        name = args.reuse or f"quorum_bench_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        url = server.set(database=name).render_as_string(hide_password=False)
        if not args.reuse:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            if not args.reuse:
                migrate(url)
                started = time.perf_counter()
                load_postgres(url, args.posts, words)
                print(f"loaded {args.posts:,} posts in {time.perf_counter() - started:.0f} s")
            measure(url, words, args.queries)
        finally:
            if args.keep or args.reuse:
                print(f"kept database {name} (drop it with: DROP DATABASE {name})")
            else:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        folder = tempfile.mkdtemp()
        url = f"sqlite:///{folder}/bench.db"
        migrate(url)
        started = time.perf_counter()
        load_sqlite(url, args.posts, words)
        print(f"loaded {args.posts:,} posts in {time.perf_counter() - started:.0f} s")
        measure(url, words, args.queries)


if __name__ == "__main__":
    main()
