"""Feeds: home, all, community, tag and profile, each with hot, new and top."""

from __future__ import annotations

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
    import re

    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    fragment = client.get(next_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and fragment.count('<li class="post-card') == 8
