"""The API's feeds: home, all, community (pinned apart), tag and person, with the pages'
sorts, windows and signed cursors, the token owner's votes, and a fixed query count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.models import Community, Post, User
from webapp.posts import services as post_services
from webapp.profiles import services as profile_services
from webapp.unit_of_work import unit_of_work
from webapp.votes import services as vote_services


@pytest.fixture
def site(make_user, content):
    alice = make_user("alice")
    bob = make_user("bob")
    books = content.community(alice, "books", "Books")
    films = content.community(bob, "films", "Films")
    return {"alice": alice, "bob": bob, "books": books, "films": films}


@pytest.fixture
def small_pages(app):
    size = app.config["FEED_PAGE_SIZE"]
    app.config["FEED_PAGE_SIZE"] = 2
    yield
    app.config["FEED_PAGE_SIZE"] = size


def as_service(app, write) -> None:
    with app.test_request_context(), unit_of_work():
        write()


def vote(app, user_id: int, post_id: int, value: int) -> None:
    as_service(
        app,
        lambda: vote_services.vote_on_post(
            db.session.get(User, user_id), db.session.get(Post, post_id), value
        ),
    )


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def test_all_pages_with_next_cursors_to_the_end(api_as, site, content, small_pages):
    for number in range(5):
        content.post(site["alice"], site["books"], f"Post {number}")
    alice = api_as("alice")
    seen: list[str] = []
    response = alice.get("/feeds/all?sort=new")
    while True:
        seen += titles(response)
        cursor = response.get_json()["next"]
        if cursor is None:
            break
        response = alice.get(f"/feeds/all?sort=new&cursor={cursor}")
    assert seen == [f"Post {number}" for number in reversed(range(5))]


def test_each_item_carries_the_token_owners_vote(app, api_as, site, content):
    liked = content.post(site["alice"], site["books"], "Liked")
    disliked = content.post(site["alice"], site["books"], "Disliked")
    content.post(site["alice"], site["books"], "Untouched")
    vote(app, site["bob"], liked, 1)
    vote(app, site["bob"], disliked, -1)
    items = api_as("bob").get("/feeds/all?sort=new").get_json()["items"]
    assert {item["title"]: item["my_vote"] for item in items} == {
        "Liked": 1,
        "Disliked": -1,
        "Untouched": 0,
    }
    assert {item["title"]: item["score"] for item in items}["Liked"] == 1


def test_top_sorts_by_score_within_its_window(app, api_as, site, content):
    old = content.post(site["alice"], site["books"], "Old and loved")
    content.post(site["alice"], site["books"], "New and quiet")
    loved = content.post(site["alice"], site["books"], "New and loved")
    vote(app, site["bob"], old, 1)
    vote(app, site["bob"], loved, 1)
    post = db.session.get(Post, old)
    post.created_at = post.created_at - timedelta(days=3)
    db.session.commit()
    alice = api_as("alice")
    assert titles(alice.get("/feeds/all?sort=top&t=day")) == ["New and loved", "New and quiet"]
    assert titles(alice.get("/feeds/all?sort=top&t=week"))[0] in ("Old and loved", "New and loved")
    assert len(titles(alice.get("/feeds/all?sort=top&t=week"))) == 3


@pytest.mark.parametrize("query", ["sort=best", "t=decade", "cursor=" + "x" * 300])
def test_unknown_sorts_and_windows_are_422(api_as, site, query):
    response = api_as("alice").get(f"/feeds/all?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"


def test_a_forged_cursor_reads_as_the_first_page(api_as, site, content):
    content.post(site["alice"], site["books"], "Only")
    assert titles(api_as("alice").get("/feeds/all?cursor=forged")) == ["Only"]


def test_home_is_joined_communities_and_followed_people(app, api_as, site, content, make_user):
    carol = make_user("carol")
    content.post(site["alice"], site["books"], "In books")
    content.post(site["bob"], site["films"], "Bob in films")
    dave = make_user("dave")
    dave_community = content.community(dave, "dave_place", "Dave's")
    content.post(dave, dave_community, "Dave elsewhere")
    carol_api = api_as("carol")
    # Before joining or following anything, home is everything (as the page shows it).
    assert len(titles(carol_api.get("/feeds/home"))) == 3
    content.join(carol, site["books"])
    as_service(
        app,
        lambda: profile_services.follow(
            db.session.get(User, carol), db.session.get(User, site["bob"])
        ),
    )
    assert sorted(titles(carol_api.get("/feeds/home?sort=new"))) == ["Bob in films", "In books"]


def test_a_community_feed_lists_pinned_posts_apart_on_page_one(
    app, api_as, site, content, small_pages
):
    pinned = content.post(site["alice"], site["books"], "Read the rules")
    for number in range(3):
        content.post(site["alice"], site["books"], f"Post {number}")
    content.post(site["bob"], site["films"], "Elsewhere")
    as_service(
        app,
        lambda: post_services.set_pinned(
            db.session.get(User, site["alice"]), db.session.get(Post, pinned), True
        ),
    )
    alice = api_as("alice")
    first = alice.get("/communities/books/posts?sort=new").get_json()
    assert [post["title"] for post in first["pinned"]] == ["Read the rules"]
    assert first["pinned"][0]["is_pinned"] is True
    assert [post["title"] for post in first["items"]] == ["Post 2", "Post 1"]
    second = alice.get(f"/communities/books/posts?sort=new&cursor={first['next']}").get_json()
    assert second == {"pinned": [], "items": second["items"], "next": None}
    assert [post["title"] for post in second["items"]] == ["Post 0"]
    assert alice.get("/communities/nowhere/posts").status_code == 404


def test_a_tag_feed_accepts_the_name_as_typed(api_as, site, content):
    content.post(site["alice"], site["books"], "German", tags=["Bücher"])
    content.post(site["alice"], site["books"], "Untagged")
    alice = api_as("alice")
    assert titles(alice.get("/tags/bücher/posts")) == ["German"]
    assert titles(alice.get("/tags/B%C3%9CCHER/posts")) == ["German"]
    response = alice.get("/tags/nothing-here/posts")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "There is no such tag."


def test_a_persons_feed_lists_what_they_wrote(api_as, site, content):
    content.post(site["alice"], site["books"], "By alice")
    content.post(site["bob"], site["films"], "By bob")
    alice = api_as("alice")
    assert titles(alice.get("/people/BOB/posts")) == ["By bob"]
    assert alice.get("/people/nobody_here/posts").status_code == 404
    assert alice.get("/people/" + "x" * 300 + "/posts").status_code == 404


def test_removed_and_deleted_posts_leave_the_feeds(app, api_as, site, content):
    gone = content.post(site["alice"], site["books"], "Gone")
    content.post(site["alice"], site["books"], "Stays")
    post = db.session.get(Post, gone)
    post.deleted_at = post.created_at
    db.session.commit()
    assert titles(api_as("alice").get("/feeds/all")) == ["Stays"]


@pytest.mark.parametrize(
    "path", ["/feeds/home", "/feeds/all", "/communities/books/posts", "/people/alice/posts"]
)
def test_feeds_need_a_token(client, site, path):
    response = client.get("/api/v1" + path)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_read_token_reads_feeds(api_as, site, content):
    content.post(site["alice"], site["books"], "Readable")
    assert titles(api_as("bob", scope="read").get("/feeds/all")) == ["Readable"]


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/all",
        "/feeds/home",
        "/communities/books/posts",
        "/tags/t/posts",
        "/people/alice/posts",
    ],
)
def test_a_feed_costs_the_same_queries_for_2_or_20_posts(
    app, api_as, site, content, count_statements, path
):
    bob = api_as("bob")
    content.join(site["bob"], site["books"])

    def cost() -> int:
        with count_statements() as counter:
            response = bob.get(path)
        assert response.status_code == 200
        return counter.count

    def add_posts(count: int) -> None:
        for number in range(count):
            post_id = content.post(site["alice"], site["books"], f"Post {number}", tags=["t"])
            vote(app, site["bob"], post_id, 1)

    add_posts(2)
    bob.get(path)  # the token's first use notes last_used_at once
    few = cost()
    add_posts(18)
    assert cost() == few
    assert len(bob.get(path).get_json()["items"]) == 20
    db.session.expire_all()
    assert db.session.get(Community, site["books"]).post_count == 20
