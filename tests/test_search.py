"""Search on both engines: the query syntax, every type and filter, ranking, safe
snippets, hostile queries, and what must never be found."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Post, User, utc_now
from webapp.search.syntax import parse, to_fts5, to_tsquery


@pytest.fixture
def corpus(make_user, content):
    alice, bob = make_user("alice"), make_user("bob_builder")
    db.session.get(User, bob).profile.display_name = "Bob Café"
    db.session.commit()
    astro = content.community(alice, "astronomy", "Amateur Astronomy")
    cook = content.community(bob, "cooking", "Home Cooking")
    ids = {
        "saturn": content.post(
            alice,
            astro,
            "Saturn rings tonight",
            "<p>The rings of Saturn through a small telescope.</p>",
            tags=["planets"],
        ),
        "galaxy": content.post(
            alice, astro, "Andromeda galaxy", "<p>A dark field and binoculars show the galaxy.</p>"
        ),
        "telescope": content.post(
            bob, astro, "Buying a telescope", "<p>Which telescope for dark skies?</p>"
        ),
        "creme": content.post(
            bob, cook, "Crème brûlée at home", "<p>Caramelised sugar, a blowtorch, patience.</p>"
        ),
        "markup": content.post(
            bob,
            cook,
            "Markup in text",
            "<p>I typed &lt;b&gt;bold&lt;/b&gt; and "
            "&lt;script&gt;alert(1)&lt;/script&gt; into sourdough notes</p>",
        ),
    }
    ids["comment"] = content.comment(
        alice, ids["creme"], body="<p>Sourdough discard works in crème too</p>"
    )
    return {"alice": alice, "bob": bob, **ids}


def titles(client, **params):
    html = client.get("/search", query_string=params).get_data(as_text=True)
    return re.findall(r'class="search-hit__title" dir="auto"><a href="[^"]+">(.*?)</a>', html)


def plain(title_html: str) -> str:
    return re.sub(r"</?mark>", "", title_html)


def found(client, query, **params):
    return {plain(t) for t in titles(client, q=query, **params)}


def test_all_words_must_match(client, corpus):
    assert found(client, "dark telescope") == {"Buying a telescope"}
    assert found(client, "dark") == {"Andromeda galaxy", "Buying a telescope"}


def test_phrases_exclusions_and_or(client, corpus):
    assert found(client, '"dark field"') == {"Andromeda galaxy"}
    assert found(client, "dark -binoculars") == {"Buying a telescope"}
    assert found(client, 'rings OR "dark field"') == {"Saturn rings tonight", "Andromeda galaxy"}


def test_last_word_matches_as_a_prefix_while_typing(client, corpus):
    assert found(client, "androm") == {"Andromeda galaxy"}
    assert found(client, "androm ") == set()  # a finished word must match whole


def test_case_and_accents_do_not_matter(client, corpus):
    assert found(client, "CREME BRULEE") == {"Crème brûlée at home"}
    assert found(client, "crème") == {"Crème brûlée at home"}


def test_every_type_is_searchable(client, corpus):
    def hits(kind, query):
        return client.get("/search", query_string={"q": query, "type": kind}).get_data(as_text=True)

    assert "Sourdough discard works in" in re.sub(r"</?mark>", "", hits("comments", "discard"))
    assert "/c/astronomy" in hits("communities", "astronomy")
    assert "@bob_builder" in hits("people", "cafe")
    assert "@bob_builder" in hits("people", "bob")
    assert "#planets" in hits("tags", "planet")


def test_tabs_count_each_type(client, corpus):
    # The page loads its tabs' counts in a second request (see tests/test_search_scale.py).
    html = client.get("/search/counts", query_string={"q": "sourdough"}).get_data(as_text=True)
    counts = re.findall(r'<span class="badge">([^<]*)</span>', html)
    assert counts == ["1", "1", "0", "0", "0"]  # one post, one comment


def test_filters_by_community_tag_author_and_time(client, corpus):
    assert found(client, "telescope", community="astronomy") == {
        "Saturn rings tonight",
        "Buying a telescope",
    }
    assert found(client, "telescope", tag="planets") == {"Saturn rings tonight"}
    assert found(client, "telescope", author="BOB_BUILDER") == {"Buying a telescope"}
    db.session.get(Post, corpus["saturn"]).created_at = utc_now() - timedelta(days=60)
    db.session.commit()
    assert found(client, "telescope", t="month") == {"Buying a telescope"}
    html = client.get("/search", query_string={"q": "telescope", "community": "nowhere"})
    assert "No community, tag or person matches" in html.get_data(as_text=True)


def test_the_best_match_comes_first(client, corpus, make_user, content):
    # Title matches (weight A) outrank body matches (weight B).
    ranked = [plain(t) for t in titles(client, q="telescope")]
    assert ranked[0] == "Buying a telescope"
    assert set(ranked) == {"Buying a telescope", "Saturn rings tonight"}
    newest = [plain(t) for t in titles(client, q="telescope", sort="new")]
    assert newest[0] == "Buying a telescope"


def test_snippets_are_escaped_and_only_marks_are_markup(client, corpus):
    html = client.get("/search", query_string={"q": "sourdough"}).get_data(as_text=True)
    snippet = re.search(r'class="search-hit__snippet" dir="auto">(.*?)</p>', html, re.S).group(1)
    assert "<script>" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet and "&lt;b&gt;" in snippet
    assert "<mark>sourdough</mark>" in snippet


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""""',
        "-",
        "- - -",
        "OR",
        "OR OR AND NOT",
        "*",
        "a" * 10000,
        "x\u2028y",
        "'; DROP TABLE posts; --",
        "1=1) OR (1=1",
        "NEAR(a b)",
        "col:value",
        "^start",
        "(((",
        "!! & | <->",
        ":*",
        '"unclosed phrase',
        "\u0627\u0644\u0633\u0644\u0627\u0645",
    ],
)
def test_hostile_queries_answer_without_error(client, corpus, query):
    for kind in ("posts", "comments", "communities", "people", "tags"):
        response = client.get("/search", query_string={"q": query, "type": kind})
        assert response.status_code == 200, (query, kind)


def test_nul_byte_is_refused_cleanly(client, corpus):
    assert client.get("/search", query_string={"q": "a\x00b"}).status_code == 400


def test_removed_deleted_and_banned_content_is_not_found(client, auth, corpus):
    assert found(client, "telescope") == {"Saturn rings tonight", "Buying a telescope"}
    auth.login("bob_builder")
    submit(client, "/", {}, post_url=f"/p/{corpus['telescope']}/delete")
    assert found(client, "telescope") == {"Saturn rings tonight"}
    db.session.get(User, corpus["alice"]).banned_at = utc_now()
    db.session.commit()
    assert found(client, "telescope") == set()
    assert found(client, "alice", type="people") == set()


def test_edits_are_found_immediately(client, auth, corpus):
    auth.login("bob_builder")
    submit(
        client,
        f"/p/{corpus['creme']}/edit",
        {
            "title": "Flan instead",
            "body": "Caramel custard",
            "body_format": "text",
            "url": "",
            "tags": "",
        },
    )
    assert found(client, "flan") == {"Flan instead"}
    assert found(client, "brulee") == set()


def test_live_results_are_a_fragment_for_htmx(client, corpus):
    headers = {"HX-Request": "true", "HX-Target": "search-results"}
    response = client.get("/search", query_string={"q": "galaxy"}, headers=headers)
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Andromeda" in html
    assert "HX-Request" in response.headers["Vary"] and "HX-Target" in response.headers["Vary"]
    # The header's box, on any page, swaps in the whole page's main content.
    from_header = client.get(
        "/search", query_string={"q": "galaxy"}, headers={"HX-Request": "true", "HX-Target": "main"}
    )
    assert '<main id="main"' in from_header.get_data(as_text=True)


def test_search_pages_are_bounded(client, corpus, content):
    community_id = db.session.get(Post, corpus["saturn"]).community_id
    for index in range(25):
        content.post(corpus["alice"], community_id, f"Comet report {index}", "<p>comet</p>")
    first = client.get("/search", query_string={"q": "comet"}).get_data(as_text=True)
    assert first.count('class="search-hit"') == 20 and "page=2" in first
    second = client.get("/search", query_string={"q": "comet", "page": "2"}).get_data(as_text=True)
    assert second.count('class="search-hit"') == 5
    assert client.get("/search", query_string={"q": "comet", "page": "99999"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "tsquery", "fts5"),
    [
        ("hello world", "(hello & world:*)", '("hello" AND "world"*)'),
        ('"a b" -c', "((a <-> b) & !c)", '(("a b") NOT ("c"))'),
        ("x OR y ", "(x) | (y)", '("x") OR ("y")'),
        ('"" -- ', "", ""),
    ],
)
def test_query_translation_for_each_engine(query, tsquery, fts5):
    parsed = parse(query)
    assert to_tsquery(parsed) == tsquery and to_fts5(parsed) == fts5
