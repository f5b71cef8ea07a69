"""Feeds: home, all, community, tag and profile, each with hot, new and top."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Post, utc_now


@pytest.fixture
def world(make_user, content):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    books = content.community(alice, "books", "Books")
    bikes = content.community(carol, "bikes", "Bikes")
    ids = {
        "alice_books": content.post(alice, books, "Alice on books", tags=["novels"]),
        "carol_bikes": content.post(carol, bikes, "Carol on bikes"),
        "bob_bikes": content.post(bob, bikes, "Bob on bikes"),
    }
    return {"alice": alice, "bob": bob, "carol": carol, "books": books, "bikes": bikes, **ids}


def titles(client, path):
    html = client.get(path).get_data(as_text=True)
    return [t for t in ("Alice on books", "Carol on bikes", "Bob on bikes") if t in html]


def test_guests_home_is_everything(client, world):
    assert titles(client, "/") == ["Alice on books", "Carol on bikes", "Bob on bikes"]


def test_home_is_joined_communities_and_followed_people(client, auth, world, content):
    auth.login("bob")
    html = client.get("/").get_data(as_text=True)
    assert "Until then, here is everything." in html  # nothing joined or followed yet
    content.join(world["bob"], world["books"])
    assert titles(client, "/") == ["Alice on books"]
    submit(client, "/u/carol", {}, post_url="/u/carol/follow")
    assert titles(client, "/") == ["Alice on books", "Carol on bikes"]
    assert len(titles(client, "/all")) == 3


def test_new_and_top_sorts_with_time_windows(client, world):
    old = db.session.get(Post, world["carol_bikes"])
    old.created_at = utc_now() - timedelta(days=40)
    old.upvotes, old.score = 9, 9
    db.session.commit()
    new = client.get("/all?sort=new").get_data(as_text=True)
    assert new.index("Bob on bikes") < new.index("Carol on bikes")
    assert "Carol on bikes" not in client.get("/all?sort=top&t=month").get_data(as_text=True)
    year = client.get("/all?sort=top&t=year").get_data(as_text=True)
    assert year.index("Carol on bikes") < year.index("Bob on bikes")
    assert client.get("/all?sort=bogus&t=eternity").status_code == 200


def test_hot_follows_votes(client, auth, world, make_user):
    for name in ("dave", "erin", "frank"):
        make_user(name)
        auth.login(name)
        submit(client, "/", {"value": "1"}, post_url=f"/p/{world['bob_bikes']}/vote")
        auth.logout()
    html = client.get("/all?sort=hot").get_data(as_text=True)
    assert html.index("Bob on bikes") < html.index("Alice on books")


@pytest.mark.parametrize(
    "path",
    ["/", "/all", "/all?sort=new", "/all?sort=top&t=all", "/c/bikes", "/t/novels", "/u/alice"],
)
def test_every_feed_costs_the_same_for_5_or_25_cards(
    app, client, auth, world, content, count_statements, path
):
    for index in range(30):
        content.post(world["alice"], world["books"], f"Filler {index}", tags=["novels"])
    content.join(world["bob"], world["books"])
    auth.login("bob")
    client.get(path)
    with count_statements() as full:
        client.get(path)
    app.config["FEED_PAGE_SIZE"] = 5
    try:
        with count_statements() as small:
            html = client.get(path).get_data(as_text=True)
    finally:
        app.config["FEED_PAGE_SIZE"] = 25
    assert html.count('<li class="post-card') == 5 or path == "/c/bikes"
    assert full.count == small.count <= 8, full.statements


def test_next_page_for_htmx_is_only_cards(client, world, content):
    for index in range(30):
        content.post(world["alice"], world["books"], f"Filler {index}")
    first = client.get("/all?sort=new").get_data(as_text=True)

    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    fragment = client.get(next_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and fragment.count('<li class="post-card') == 8


# What a post card shows ------------------------------------------------------------


def cards(html: str) -> list[str]:
    """Each post card's HTML, in order."""
    return re.findall(r'<li class="post-card[^"]*">(.*?)</article>', html, re.S)


def main_of(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def seen_text(fragment: str) -> str:
    """Text as a browser lays it out: runs of white space are one space, <br> breaks."""
    text = re.sub(r"\s+", " ", fragment)
    text = re.sub(r"\s*<br\s*/?>\s*", "\n", text)
    return re.sub(r"<[^>]+>", "", text).strip()


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.org/a/b?c=d#e", "example.org"),
        ("http://blog.example.co.uk:8080/x", "blog.example.co.uk"),
        ("https://WWW.Example.ORG.", "example.org"),
        ("https://bücher.de/seite", "bücher.de"),
        ("https://www.com/", "www.com"),
        ("", ""),
        (None, ""),
        ("https://[::1", ""),
    ],
)
def test_link_domain(url, domain):
    from webapp.feeds.rendering import link_domain

    assert link_domain(url) == domain


def test_card_excerpt_keeps_paragraphs_apart_and_stays_short():
    from webapp.feeds.rendering import card_excerpt

    assert card_excerpt("End of paragraph.\nStart of next") == [
        "End of paragraph.",
        "Start of next",
    ]
    assert card_excerpt("one\ntwo\nthree\nfour\nfive") == ["one", "two", "three …"]
    assert card_excerpt("") == card_excerpt(None) == []
    long = card_excerpt(("word " * 100).strip())
    assert len(long) == 1 and long[0].endswith("word…") and len(long[0]) <= 241
    assert card_excerpt("a" * 200 + "\n" + "b " * 100)[1].endswith("b…")
    assert card_excerpt("x" * 240 + "\nnext") == ["x" * 240 + " …"]


def test_excerpt_shows_paragraphs_and_list_items_on_their_own_lines(client, world, content):
    content.post(
        world["alice"],
        world["books"],
        "Structured",
        body="<p>End of paragraph.</p><p>Start of next</p><ul><li>milk</li><li>eggs</li></ul>",
    )
    card = cards(client.get("/all?sort=new").get_data(as_text=True))[0]
    excerpt = re.search(r'<p class="post-card__excerpt"[^>]*>(.*?)</p>', card, re.S).group(1)
    assert seen_text(excerpt) == "End of paragraph.\nStart of next\nmilk …"


def test_link_posts_show_their_domain_isolated_left_to_right(client, auth, world):
    auth.login("alice")
    answer = submit(
        client,
        "/c/books/submit",
        {
            "title": "A link",
            "body": "",
            "body_format": "text",
            "url": "https://www.example.org/story?id=1",
            "tags": "",
        },
    )
    assert answer.status_code in (302, 303)
    html = client.get("/all?sort=new").get_data(as_text=True)
    link_card, text_card = cards(html)[0], cards(html)[1]
    assert '(<bdi dir="ltr">example.org</bdi>)' in link_card
    assert "A link" in link_card and "post-card__domain" not in text_card


def test_a_communitys_own_feed_does_not_repeat_its_name(app, client, world, content):
    for index in range(3):
        content.post(world["carol"], world["bikes"], f"More bikes {index}")
    pinned = db.session.get(Post, world["bob_bikes"])
    pinned.is_pinned = True
    db.session.commit()
    app.config["FEED_PAGE_SIZE"] = 2
    try:
        own = client.get("/c/bikes?sort=new").get_data(as_text=True)
        next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', own).group(1).replace("&amp;", "&")
        fragment = client.get(next_url, headers={"HX-Request": "true"}).get_data(as_text=True)
        elsewhere = {
            path: client.get(path).get_data(as_text=True)
            for path in ("/all", "/t/novels", "/u/carol", "/")
        }
    finally:
        app.config["FEED_PAGE_SIZE"] = 25
    own_cards = cards(own) + cards(fragment)
    assert len(own_cards) == 5  # the pinned post, two cards, and the next two
    assert not any("post-card__community" in card for card in own_cards)
    for path, html in elsewhere.items():
        assert cards(html), path
        assert all('class="post-card__community"' in card for card in cards(html)), path


# Where to start --------------------------------------------------------------------


def test_guests_see_what_an_account_gives_them(client, world):
    html = main_of(client.get("/").get_data(as_text=True))
    pitch = html[html.index("feed-pitch") : html.index("</section>")]
    assert "What you can do with an account" in pitch
    assert "Follow people and join communities" in pitch
    assert "vote" in pitch and "your own language" in pitch
    assert 'href="/auth/register"' in pitch and 'href="/auth/login"' in pitch
    assert "What you can do with an account" not in client.get("/c/books").get_data(as_text=True)


def test_signed_in_home_offers_new_post_and_start_community(client, auth, world, content):
    auth.login("bob")
    for path in ("/", "/all"):
        html = main_of(client.get(path).get_data(as_text=True))
        assert re.search(r'<a class="button[^"]*" href="/submit">New post</a>', html), path
        assert re.search(r'<a class="button[^"]*" href="/c/new">Start a community</a>', html)
        assert "What you can do with an account" not in html


def test_home_without_communities_points_to_the_directory(client, auth, world, content):
    auth.login("bob")
    submit(client, "/u/carol", {}, post_url="/u/carol/follow")
    html = main_of(client.get("/").get_data(as_text=True))
    assert "You have not joined any communities yet" in html
    assert 'href="/c/"' in html and "Carol on bikes" in html
    # Joined a community that is still quiet, and following nobody: an empty feed
    # says where to look.
    empty = content.community(world["alice"], "quiet", "Quiet")
    content.join(world["bob"], empty)
    submit(client, "/u/carol", {}, post_url="/u/carol/unfollow")
    html = main_of(client.get("/").get_data(as_text=True))
    assert "Nothing to show here yet." in html and "You have not joined" not in html
    empty_state = html[html.index('<div class="empty">') :]
    assert 'href="/c/"' in empty_state and 'href="/all"' in empty_state
