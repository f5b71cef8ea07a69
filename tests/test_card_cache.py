"""Post cards kept rendered (webapp/feeds/cards.py): a feed that misses the page cache,
a signed-in person's above all, reuses the cards every viewer shares and fills in each
viewer's own vote widget. Runs on SQLite + SimpleCache and on PostgreSQL + Redis."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_PASSWORD
from tests.support.forms import csrf_token_from, submit
from webapp.feeds import cards


@pytest.fixture
def feed(app, monkeypatch, make_user, content):
    """The page cache (and so the card cache) on; bob wrote three posts in b/books."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", "on")
    make_user("alice"), make_user("carol")
    bob = make_user("bob")
    books = content.community(bob, "books", "Books")
    posts = [content.post(bob, books, f"Bob's note {n}") for n in range(3)]
    stored: list[str] = []
    keep = cards.keep_card

    def counted(key, html):
        stored.append(key)
        return keep(key, html)

    monkeypatch.setattr(cards, "keep_card", counted)
    monkeypatch.setitem(app.jinja_env.globals, "keep_card", counted)
    return {"posts": posts, "stored": stored}


def signed_in(app, username):
    browser = app.test_client()
    response = submit(browser, "/auth/login", {"identifier": username, "password": TEST_PASSWORD})
    assert response.status_code in (302, 303)
    return browser


def up_button(html: str, post_id: int) -> str:
    found = re.search(rf'<button[^>]*id="vote-post-{post_id}-up"[^>]*>', html)
    assert found, post_id
    return found.group(0)


def test_cards_are_shared_and_each_viewer_gets_their_own_vote_widget(app, feed):
    alice, carol = signed_in(app, "alice"), signed_in(app, "carol")
    voted = submit(alice, "/all", {"value": "1"}, post_url=f"/p/{feed['posts'][0]}/vote")
    assert voted.status_code in (302, 303)
    assert len(feed["stored"]) == 3  # the page the vote came from kept its three cards

    alices = alice.get("/all").get_data(as_text=True)
    assert len(feed["stored"]) == 4  # the voted post's card again (its generation moved)
    carols = carol.get("/all").get_data(as_text=True)
    assert len(feed["stored"]) == 4  # carol's page reused all three

    assert 'aria-pressed="true"' in up_button(alices, feed["posts"][0])
    assert 'aria-pressed="false"' in up_button(carols, feed["posts"][0])
    for page in (alices, carols):
        assert "\x00" not in page and "1 point" in page
        assert page.count("Bob&#39;s note") == 3
    # Each page's vote forms carry the token of its own session.
    assert csrf_token_from(alices) != csrf_token_from(carols)
    for page in (alices, carols):
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert tokens == {csrf_token_from(page)}


def test_a_write_renders_only_its_card_again(app, feed):
    carol, bob = signed_in(app, "carol"), signed_in(app, "bob")
    carol.get("/all")
    assert len(feed["stored"]) == 3
    edited = submit(
        bob,
        f"/p/{feed['posts'][1]}/edit",
        {"title": "Bob rewrites", "body": "", "body_format": "text", "url": "", "tags": ""},
    )
    assert edited.status_code in (302, 303)
    page = carol.get("/all").get_data(as_text=True)
    assert "Bob rewrites" in page and "Bob&#39;s note 1" not in page
    assert len(feed["stored"]) == 4  # the edited card only


def test_each_language_keeps_its_own_cards(app, feed):
    carol = signed_in(app, "carol")
    english = carol.get("/all").get_data(as_text=True)
    persian = carol.get("/all", headers={"Accept-Language": "fa"}).get_data(as_text=True)
    assert "0 points" in english
    assert "۰ دیدگاه" in persian and "0 comments" not in persian
    assert len(feed["stored"]) == 6
