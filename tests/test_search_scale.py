"""Search stays fast with a million posts (issue 14): posts and comments are ranked
within their newest matches only, "new" and "top" walk an index and stop, and the tab
counts come in a second request, capped and cached. The plans are PostgreSQL's; the
page and the counts fragment are checked on both engines."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import event, text

from tests.support.databases import is_postgres
from webapp.extensions import db
from webapp.models import Post, utc_now
from webapp.search import engines, queries
from webapp.search.engines import Scope, engine_for_session
from webapp.search.syntax import parse

postgres_only = pytest.mark.skipif(not is_postgres(), reason="EXPLAIN plans are PostgreSQL's")


@pytest.fixture
def crowd(make_user, content):
    """A community, an author, and a post to hang comments on."""
    author = make_user("walker")
    community = content.community(author, "weather", "Weather")
    post = content.post(author, community, "Thread", "<p>Thread</p>")
    return {"author": author, "community": community, "post": post}


def bulk(crowd, rows: int) -> None:
    """`rows` posts and as many comments saying "common words", every 1,000th also
    "zeppelin", one minute apart (the newest first); then fresh planner statistics.
    Written with SQL: thousands of rows through the services would take minutes."""
    values = {"community": crowd["community"], "author": crowd["author"], "rows": rows}
    words = "'common words' || CASE WHEN n % 1000 = 0 THEN ' zeppelin' ELSE '' END"
    db.session.execute(
        text(
            "INSERT INTO posts (community_id, author_id, title, body_html, body_text, "
            "created_at, score, upvotes, downvotes, comment_count, hot, is_pinned, is_locked) "
            f"SELECT :community, :author, 'Post ' || n, '<p>x</p>', {words}, "
            "now() - n * interval '1 minute', n % 50, n % 50, 0, 0, 0, false, false "
            "FROM generate_series(1, :rows) AS n"
        ),
        values,
    )
    db.session.execute(
        text(
            "INSERT INTO comments (post_id, author_id, depth, path, body_html, body_text, "
            "score, upvotes, downvotes, created_at) "
            f"SELECT :post, :author, 0, lpad(n::text, 10, '0'), '<p>x</p>', {words}, "
            "n % 50, n % 50, 0, now() - n * interval '1 minute' "
            "FROM generate_series(1, :rows) AS n"
        ),
        {**values, "post": crowd["post"]},
    )
    for table in ("users", "posts", "comments"):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()


def captured_search(app, kind: str, words: str, sort: str) -> tuple[str, object]:
    """The SQL and parameters of the engine's search statement, as the driver got them."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("WITH "):
            seen.append((statement, parameters))

    with app.test_request_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            engine_for_session().search(Scope(kind=kind), parse(words), sort, 21, 0)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 1, seen
    return seen[0]


def candidates_plan(app, kind: str, words: str, sort: str) -> str:
    """The plan of the first step, the candidate set (the text before the page's CTE)."""
    statement, parameters = captured_search(app, kind, words, sort)
    with app.app_context():
        # A table of 20,000 rows could be read whole; the choice at stake is between
        # walking an ordered index and the GIN index, as with a million rows.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters)
        explained = "\n".join(rows.scalars().all())
    assert "CTE candidates" in explained and "CTE page" in explained, explained
    return explained.split("CTE candidates", 1)[1].split("CTE page", 1)[0]


@postgres_only
@pytest.mark.parametrize("kind", ["posts", "comments"])
def test_common_words_walk_an_index_and_a_rare_word_uses_the_gin_index(app, crowd, kind):
    """Two words in every row of 20,000: the newest (or best scored) matches are read
    from the (date, id) or (score, id) index, backwards, until the set is full; nothing
    sorts or ranks every match. A word in twenty rows: found through the GIN index, not
    by walking the whole date or score index looking for it (the page's small LIMIT does
    not mislead the planner: the candidate set is a materialized CTE)."""
    bulk(crowd, 20_000)
    for sort, column in (("relevance", "created_at"), ("new", "created_at"), ("top", "score")):
        common = candidates_plan(app, kind, "common words ", sort)
        assert f"Index Scan Backward using ix_{kind}_{column}_id on {kind}" in common, common
        assert "Sort" not in common and "Bitmap" not in common, common
        rare = candidates_plan(app, kind, "zeppelin ", sort)
        assert f"Bitmap Index Scan on ix_{kind}_search_vector" in rare, rare
        assert f"Index Scan Backward using ix_{kind}_" not in rare, rare


@postgres_only
def test_relevance_ranks_only_the_newest_matches(client, crowd, content, monkeypatch):
    """With more matches than the candidate set holds, an old post, however good a
    match, is not ranked; the newest ones are, best first. "new" and "top" read the
    same bounded set, which is never shallower than the deepest page."""
    monkeypatch.setattr(engines, "RANK_CANDIDATES", 2)
    author, community = crowd["author"], crowd["community"]
    old = content.post(author, community, "Comet comet comet", "<p>comet</p>")
    plain = content.post(author, community, "Sky report", "<p>a comet</p>")
    titled = content.post(author, community, "Comet tonight", "<p>look up</p>")
    db.session.get(Post, old).created_at = utc_now() - timedelta(days=3)
    db.session.get(Post, plain).created_at = utc_now() - timedelta(days=1)
    db.session.commit()
    html = client.get("/search", query_string={"q": "comet "}).get_data(as_text=True)
    found = re.findall(r'class="search-hit__title" dir="auto"><a href="/p/(\d+)', html)
    assert [int(post_id) for post_id in found] == [titled, plain]


def test_the_candidate_set_covers_every_page():
    """Pages end at MAX_PAGES: every page of "new" and "top" (and its look-ahead row)
    lies inside the candidate set, so those orders are exact."""
    assert engines.RANK_CANDIDATES >= queries.MAX_PAGES * queries.PAGE_SIZE + 1


# -- Tab counts: a second request, capped and cached -------------------------------------


def tabs_fragment_url(html: str) -> str:
    nav = re.search(r'<nav class="tabs"[^>]*>', html).group(0)
    assert 'hx-trigger="load"' in nav and 'hx-swap="outerHTML"' in nav, nav
    return unescape(re.search(r'hx-get="([^"]+)"', nav).group(1))


def badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge">([^<]*)</span>', html)


def test_results_page_runs_no_count_and_loads_the_counts_after(
    client, crowd, content, count_statements
):
    for index in range(3):
        content.post(crowd["author"], crowd["community"], f"Comet {index}", "<p>comet</p>")
    content.comment(crowd["author"], crowd["post"], body="<p>a comet too</p>")
    with count_statements() as counter:
        page = client.get("/search", query_string={"q": "comet", "sort": "new"})
    html = page.get_data(as_text=True)
    assert html.count('class="search-hit"') == 3 and badges(html) == []
    assert not [s for s in counter.statements if "count(*)" in s], counter.statements
    # Without JavaScript the tabs are plain links to each type's results.
    assert 'href="/search?q=comet&amp;sort=new&amp;type=comments"' in html
    url = tabs_fragment_url(html)
    assert url.startswith("/search/counts?") and "q=comet" in url and "page" not in url
    fragment = client.get(url).get_data(as_text=True)
    assert badges(fragment) == ["3", "1", "0", "0", "0"]
    assert "hx-get" not in fragment  # the loaded tabs do not load themselves again
    assert 'href="/search?q=comet&amp;sort=new&amp;type=comments"' in fragment
    assert re.search(r'type=posts" aria-current=page>Posts <span class="badge">3<', fragment)


def test_counts_are_cached_until_a_write_changes_them(client, crowd, content, count_statements):
    for index in range(3):
        content.post(crowd["author"], crowd["community"], f"Comet {index}", "<p>comet</p>")
    with count_statements() as first:
        html = client.get("/search/counts", query_string={"q": "comet"}).get_data(as_text=True)
    assert badges(html)[:2] == ["3", "0"]
    assert len([s for s in first.statements if "count(*)" in s]) == 5
    # The same words typed differently share the cached counts: no statement at all.
    with count_statements() as second:
        again = client.get("/search/counts", query_string={"q": "COMET"}).get_data(as_text=True)
    assert second.statements == [] and badges(again)[:2] == ["3", "0"]
    # A new post makes them stale: the next read counts it.
    content.post(crowd["author"], crowd["community"], "Comet 3", "<p>comet</p>")
    fresh = client.get("/search/counts", query_string={"q": "comet"}).get_data(as_text=True)
    assert badges(fresh)[:2] == ["4", "0"]
    page = client.get("/search", query_string={"q": "comet"}).get_data(as_text=True)
    assert page.count('class="search-hit"') == 4


def test_counts_above_the_cap_say_so(client, crowd, content, monkeypatch):
    monkeypatch.setattr(engines, "COUNT_CAP", 2)
    monkeypatch.setattr("webapp.search.views.COUNT_CAP", 2)
    for index in range(4):
        content.post(crowd["author"], crowd["community"], f"Comet {index}", "<p>comet</p>")
    html = client.get("/search/counts", query_string={"q": "comet"}).get_data(as_text=True)
    assert badges(html)[:2] == ["2+", "0"]


def test_counts_for_nothing_to_search_or_an_unknown_filter(client, crowd):
    empty = client.get("/search/counts", query_string={"q": '"" -'}).get_data(as_text=True)
    assert '<nav class="tabs"' in empty and badges(empty) == []
    unknown = client.get("/search/counts", query_string={"q": "comet", "community": "nowhere"})
    assert badges(unknown.get_data(as_text=True)) == ["0", "0", "0", "0", "0"]
