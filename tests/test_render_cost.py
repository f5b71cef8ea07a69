"""What a feed's post card costs to render (issue 14): a ceiling on the Python function
calls one more card adds to a page, and the cheap helpers behind it (fast_url_for, the
cached formats) giving exactly what url_for and Babel give."""

from __future__ import annotations

import cProfile
import pstats
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import update
from werkzeug.routing import BuildError

from webapp.extensions import db
from webapp.models import Post

# Calls one more card adds to a feed page (cProfile's count: Python functions, builtins
# and generator resumptions), measured over pages of 5 and of 25 cards. Before issue 14
# a card cost ~3,450 calls (the seeded data set, `/all`); with the cached formats, the
# per-request URL templates and the macros imported once per page it cost ~1,700–2,150
# (the two-form or the one-form vote widget). The ceiling leaves room for a small
# addition, not for the old costs to come back.
CEILING_PER_CARD = 2_500

SMALL, FULL = 5, 25


@pytest.fixture
def feed(app, content, make_user):
    """25 posts in "books" by two authors (one with a display name), with tags and a
    comment, read by carol, who joined the community."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    books = content.community(alice, "books", "Books")
    content.join(bob, books)
    content.join(carol, books)
    posts = [
        content.post(
            alice if i % 2 else bob,
            books,
            f"Post number {i}",
            f"<p>Paragraph one of post {i}.</p><p>Paragraph two.</p>",
            tags=["reading", f"topic{i % 4}"],
        )
        for i in range(FULL)
    ]
    content.comment(carol, posts[-1])
    return posts


def calls_for(client, path: str, language: str) -> int:
    """Function calls of one GET of `path`, measured after a first GET (templates
    compiled, formats cached)."""
    headers = {"Accept-Language": language}
    assert client.get(path, headers=headers).status_code == 200
    profile = cProfile.Profile()
    profile.enable()
    response = client.get(path, headers=headers)
    profile.disable()
    assert response.status_code == 200
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


def calls_per_card(app, client, path: str, language: str, monkeypatch) -> float:
    monkeypatch.setitem(app.config, "PAGE_CACHE", "off")  # measure renders, not cache hits
    counts = {}
    for size in (SMALL, FULL):
        monkeypatch.setitem(app.config, "FEED_PAGE_SIZE", size)
        counts[size] = calls_for(client, path, language)
    return (counts[FULL] - counts[SMALL]) / (FULL - SMALL)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_guest_feed_card_stays_under_the_call_ceiling(app, client, feed, monkeypatch, language):
    per_card = calls_per_card(app, client, "/all", language, monkeypatch)
    assert 0 < per_card < CEILING_PER_CARD, f"{per_card:.0f} calls per card"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_signed_in_home_card_stays_under_the_call_ceiling(
    app, client, auth, feed, monkeypatch, language
):
    auth.login("carol")
    per_card = calls_per_card(app, client, "/", language, monkeypatch)
    assert 0 < per_card < CEILING_PER_CARD, f"{per_card:.0f} calls per card"


# -- What the cheaper rendering still shows -------------------------------------------------


def card_of(html: str, post_id: int) -> str:
    start = html.index(f'id="post-{post_id}-title"')
    return html[html.rindex('<li class="post-card', 0, start) : html.index("</article>", start)]


def test_cards_show_persian_digits_relative_times_and_prefixed_links(app, client, feed):
    """A Persian reader behind a /forum prefix: every link carries it, times and counts
    are in Persian digits, the post three hours old says so."""
    newest = feed[-1]
    three_hours_ago = datetime.now(UTC) - timedelta(hours=3, minutes=5)
    db.session.execute(update(Post).where(Post.id == newest).values(created_at=three_hours_ago))
    db.session.commit()
    html = client.get(
        "/all", base_url="http://localhost/forum", headers={"Accept-Language": "fa"}
    ).get_data(as_text=True)
    card = card_of(html, newest)
    assert f'href="/forum/p/{newest}/post-number-24"' in card
    assert f'href="/forum/p/{newest}/post-number-24#comments-heading"' in card
    assert 'href="/forum/c/books"' in card
    assert 'href="/forum/u/bob"' in card  # post 24 is bob's
    assert 'href="/forum/t/reading"' in card and 'href="/forum/t/topic0"' in card
    assert f'action="/forum/p/{newest}/vote"' in card
    assert ">۳ ساعت پیش</time>" in card
    assert "۱ دیدگاه" in card  # carol's comment, counted in Persian digits
    assert re.search(r'title="[^"]*[۰-۹]', card)  # the full date too
    hrefs = re.findall(r'(?:href|action)="([^"#]+)', html[html.index('<ol class="feed"') :])
    assert hrefs and all(href.startswith("/forum/") for href in hrefs)


def test_cards_in_english_show_latin_digits_and_plain_links(app, client, feed):
    html = client.get("/all", headers={"Accept-Language": "en"}).get_data(as_text=True)
    card = card_of(html, feed[-1])
    assert f'href="/p/{feed[-1]}/post-number-24"' in card
    assert 'href="/c/books"' in card and 'href="/t/topic0"' in card
    assert ">1 comment</a>" in card
    assert re.search(r">(\d+ (seconds?|minutes?)|0 seconds) ago</time>|>in 0 seconds</time>", card)


# -- fast_url_for is url_for ---------------------------------------------------------------

SAME_AS_URL_FOR = [
    ("posts.detail", {"post_id": 7, "slug": "hello-world"}),
    ("posts.detail", {"post_id": "8", "slug": "سلام دنیا"}),
    ("posts.detail", {"post_id": 9, "slug": "a/b c?d#e%f&g"}),
    ("posts.detail", {"slug": "keys-in-another-order", "post_id": 10}),
    ("communities.page", {"name": "books"}),
    ("communities.page", {"name": "C++ & friends"}),
    ("tags.tag", {"name": "Bücher"}),  # the tag converter normalizes: "bücher", encoded
    ("tags.tag", {"name": "पुस्तक"}),
    ("profiles.profile", {"username": "alice"}),
    ("feeds.home", {}),
    ("feeds.everything", {"sort": "new", "t": "week"}),  # query string: url_for's own
    ("posts.detail", {"post_id": 7, "slug": "x", "_anchor": "comments"}),
    ("static", {"filename": "css/quorum.css"}),  # fingerprinted by a url_defaults hook
]


@pytest.mark.parametrize("base_url", ["http://localhost/", "http://localhost/forum/sub"])
def test_fast_url_for_gives_url_for_s_answer_byte_for_byte(app, base_url):
    from webapp.urls import fast_url_for

    with app.test_request_context("/", base_url=base_url):
        for _round in range(2):  # the first builds the templates, the second reuses them
            for endpoint, values in SAME_AS_URL_FOR:
                assert fast_url_for(endpoint, **values) == url_for(endpoint, **values)


def test_fast_url_for_keeps_each_request_s_prefix_apart(app):
    from webapp.urls import fast_url_for

    with app.app_context():  # one app context for both requests: `g` is shared
        with app.test_request_context("/", base_url="http://localhost/one"):
            assert fast_url_for("communities.page", name="books") == "/one/c/books"
        with app.test_request_context("/", base_url="http://localhost/two"):
            assert fast_url_for("communities.page", name="books") == "/two/c/books"


def test_fast_url_for_fails_where_url_for_fails(app):
    from webapp.urls import fast_url_for

    with app.test_request_context("/"):
        for endpoint, values in [
            ("posts.detail", {"post_id": 7, "slug": None}),
            ("posts.detail", {"post_id": 7}),
            ("no.such.endpoint", {}),
        ]:
            with pytest.raises(BuildError):
                url_for(endpoint, **values)
            with pytest.raises(BuildError):
                fast_url_for(endpoint, **values)
        with pytest.raises(ValueError):
            fast_url_for("posts.detail", post_id="seven", slug="x")
