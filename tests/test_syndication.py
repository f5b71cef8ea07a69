"""Atom feeds for readers: what a feed reader gets from /feeds/…, parsed back with
feedparser, and the <link rel="alternate"> pages offer."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from sqlalchemy import update

from tests.conftest import TEST_PASSWORD
from webapp.account_data.services import delete_account
from webapp.extensions import db
from webapp.models import Community, Post, User, utc_now
from webapp.unit_of_work import unit_of_work

ATOM = "application/atom+xml; charset=utf-8"


@pytest.fixture
def world(make_user, content):
    """alice owns books, bob owns bikes; posts oldest first: b1 (books, fiction), b2
    (bikes, by bob), b3 (books, by bob, fiction and poetry), b4 (books, by alice)."""
    alice, bob = make_user("alice"), make_user("bob")
    books = content.community(alice)
    bikes = content.community(bob, "bikes", "Bikes")
    ids = {
        "b1": content.post(alice, books, "First book", "<p>One</p>", tags=["fiction"]),
        "b2": content.post(bob, bikes, "A bike", "<p>Two</p>"),
        "b3": content.post(bob, books, "Bob reads", "<p>Three</p>", tags=["fiction", "poetry"]),
        "b4": content.post(alice, books, "Latest book", "<p>Four &amp; <strong>more</strong></p>"),
    }
    # One minute apart, so that "newest first" does not rest on ids alone.
    start = utc_now() - timedelta(hours=1)
    for index, key in enumerate(("b1", "b2", "b3", "b4")):
        db.session.execute(
            update(Post)
            .where(Post.id == ids[key])
            .values(created_at=start + timedelta(minutes=index))
        )
    db.session.commit()
    return {"alice": alice, "bob": bob, "books": books, "bikes": bikes, **ids}


def parsed(client, path: str, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    assert response.headers["Content-Type"] == ATOM
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def test_the_all_feed_lists_every_post_newest_first(client, world):
    feed = parsed(client, "/feeds/all.atom")
    assert titles(feed) == ["Latest book", "Bob reads", "A bike", "First book"]
    assert feed.feed.title == "All posts on Quorum"
    assert feed.feed.id == "http://localhost/all"
    assert feed.feed.link == "http://localhost/all"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://localhost/feeds/all.atom"]
    latest = feed.entries[0]
    assert latest.id == f"http://localhost/p/{world['b4']}"
    assert latest.link == f"http://localhost/p/{world['b4']}/latest-book"
    assert latest.author == "alice"
    assert latest.author_detail.href == "http://localhost/u/alice"
    assert latest.content[0].type == "text/html"
    assert latest.content[0].value == "<p>Four &amp; <strong>more</strong></p>"
    assert latest.published == latest.updated
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", latest.published)
    assert [tag.term for tag in feed.entries[1].tags] == ["fiction", "poetry"]
    assert "tags" not in latest
    assert feed.feed.updated == latest.updated


def test_taken_down_posts_are_never_in_a_feed(client, world):
    db.session.execute(update(Post).where(Post.id == world["b4"]).values(removed_at=utc_now()))
    db.session.execute(update(Post).where(Post.id == world["b1"]).values(deleted_at=utc_now()))
    db.session.commit()
    for path in ("/feeds/all.atom", "/feeds/c/books.atom", "/feeds/t/fiction.atom"):
        shown = titles(parsed(client, path))
        assert "Latest book" not in shown and "First book" not in shown, path
    assert titles(parsed(client, "/feeds/u/alice.atom")) == []
    assert titles(parsed(client, "/feeds/all.atom")) == ["Bob reads", "A bike"]


def test_a_community_feed_has_its_own_posts_pinned_ones_too(client, world):
    db.session.execute(update(Post).where(Post.id == world["b1"]).values(is_pinned=True))
    db.session.commit()
    feed = parsed(client, "/feeds/c/books.atom")
    assert titles(feed) == ["Latest book", "Bob reads", "First book"]
    assert feed.feed.title == "Books on Quorum"
    assert feed.feed.link == "http://localhost/c/books"
    assert titles(parsed(client, "/feeds/c/BIKES.atom")) == ["A bike"]


def test_a_tag_feed_has_only_that_tags_posts(client, world):
    feed = parsed(client, "/feeds/t/fiction.atom")
    assert titles(feed) == ["Bob reads", "First book"]
    assert feed.feed.title == "Posts tagged fiction on Quorum"
    assert feed.feed.link == "http://localhost/t/fiction"
    assert titles(parsed(client, "/feeds/t/poetry.atom")) == ["Bob reads"]


def test_a_persons_feed_has_only_their_posts(client, world):
    feed = parsed(client, "/feeds/u/bob.atom")
    assert titles(feed) == ["Bob reads", "A bike"]
    assert feed.feed.title == "Posts by bob on Quorum"
    assert feed.feed.link == "http://localhost/u/bob"
    moved = client.get("/feeds/u/BOB.atom")
    assert moved.status_code == 301 and moved.headers["Location"] == "/feeds/u/bob.atom"


def test_an_empty_feed_says_when_its_community_began(client, make_user, content):
    community = content.community(make_user("carol"), "quiet", "Quiet")
    feed = parsed(client, "/feeds/c/quiet.atom")
    assert feed.entries == []
    created = db.session.get(Community, community).created_at
    assert feed.feed.updated == created.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_deleted_accounts_kept_posts_are_by_deleted_and_it_has_no_feed(
    app, client, world, make_user, content
):
    carol = make_user("carol")
    content.post(carol, world["books"], "Carol was here")
    assert titles(parsed(client, "/feeds/u/carol.atom")) == ["Carol was here"]
    with app.test_request_context(), unit_of_work():
        delete_account(db.session.get(User, carol), TEST_PASSWORD, True)
    for path in ("/feeds/all.atom", "/feeds/c/books.atom"):
        feed = parsed(client, path)
        kept = feed.entries[0]
        assert (kept.title, kept.author) == ("Carol was here", "[deleted]"), path
        assert "href" not in kept.get("author_detail", {})
        assert feed.entries[1].author == "alice"
    assert client.get("/feeds/u/carol.atom").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/c/nothing.atom",
        "/feeds/t/nothing.atom",
        "/feeds/u/nobody.atom",
        "/feeds/c/" + "x" * 300 + ".atom",
        "/feeds/t/a%2Cb.atom",
    ],
)
def test_feeds_of_things_that_do_not_exist_are_404s(client, world, path):
    assert client.get(path).status_code == 404


def test_feeds_are_public_and_answer_304_while_unchanged(client, world, content):
    first = client.get("/feeds/c/books.atom")
    assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert "Set-Cookie" not in first.headers
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith(" GMT")
    assert client.get("/feeds/c/books.atom", headers={"If-None-Match": etag}).status_code == 304
    since = client.get("/feeds/c/books.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304 and since.get_data() == b""
    content.post(world["alice"], world["books"], "Newer still")
    second = client.get("/feeds/c/books.atom", headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["ETag"] != etag
    assert titles(feedparser.parse(second.get_data()))[0] == "Newer still"
    # Another community's new post leaves this feed as it was.
    content.post(world["bob"], world["bikes"], "Elsewhere")
    third = client.get("/feeds/c/books.atom", headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 304


def test_a_signed_in_reader_gets_the_same_feed_privately(client, auth, world):
    guest = client.get("/feeds/all.atom").get_data()
    auth.login("alice")
    response = client.get("/feeds/all.atom")
    assert response.get_data() == guest
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_feeds_speak_the_sites_language_not_the_browsers(client, world):
    feed = parsed(client, "/feeds/all.atom", **{"Accept-Language": "de"})
    assert feed.feed.title == "All posts on Quorum"
    assert feed.feed.language == "en"
    assert feed.entries[0].author == "alice"


def test_a_forged_host_is_never_written_into_a_feed(client, world):
    response = client.get("/feeds/all.atom", headers={"Host": "evil.example"})
    assert b"evil.example" not in response.get_data()
    assert b"http://localhost/p/" in response.get_data()
    trusted = client.get("/feeds/all.atom", headers={"Host": "127.0.0.1:5000"})
    assert b"http://127.0.0.1:5000/p/" in trusted.get_data()


def test_titles_and_bodies_are_escaped_and_cleaned_of_what_xml_cannot_hold(client, world, content):
    content.post(world["alice"], world["books"], "Tom & <Jerry>\x0b]]>", "<p>a &lt; b</p>")
    raw = client.get("/feeds/c/books.atom").get_data()
    assert b"\x0b" not in raw
    entry = parsed(client, "/feeds/c/books.atom").entries[0]
    assert entry.title == "Tom & <Jerry>]]>"
    assert entry.content[0].value == "<p>a &lt; b</p>"


def test_a_feed_costs_the_same_few_statements_for_any_number_of_posts(
    app, client, world, content, count_statements
):
    client.get("/feeds/t/fiction.atom")  # site settings read and cached
    counts = []
    for more in (0, 20):
        for index in range(more):
            content.post(
                world["alice"], world["books"], f"More {index}", tags=["fiction", f"t{index}"]
            )
        for path in (
            "/feeds/all.atom",
            "/feeds/c/books.atom",
            "/feeds/t/fiction.atom",
            "/feeds/u/alice.atom",
        ):
            with count_statements() as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
    assert counts[:4] == counts[4:]
    assert counts[0] <= 2 and max(counts) <= 3


def feed_links(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">',
        html,
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/all", [("All posts on Quorum", "/feeds/all.atom")]),
        ("/", [("All posts on Quorum", "/feeds/all.atom")]),
        ("/c/books", [("Books on Quorum", "/feeds/c/books.atom")]),
        ("/c/BOOKS?sort=new", [("Books on Quorum", "/feeds/c/books.atom")]),
        ("/t/fiction", [("Posts tagged fiction on Quorum", "/feeds/t/fiction.atom")]),
        ("/u/alice", [("Posts by alice on Quorum", "/feeds/u/alice.atom")]),
        ("/u/alice?tab=comments", [("Posts by alice on Quorum", "/feeds/u/alice.atom")]),
        ("/c/", []),
        ("/tags", []),
        ("/c/nothing", []),
        ("/u/nobody", []),
        ("/auth/login", []),
    ],
)
def test_pages_link_to_their_feed(client, world, path, expected):
    response = client.get(path)
    assert feed_links(response.get_data(as_text=True)) == expected


def test_settings_and_posts_link_to_no_feed(client, auth, world):
    auth.login("alice")
    for path in ("/settings/profile", f"/p/{world['b1']}/first-book"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert feed_links(response.get_data(as_text=True)) == [], path
    assert feed_links(client.get("/c/books").get_data(as_text=True)) == [
        ("Books on Quorum", "/feeds/c/books.atom")
    ]


def test_every_linked_feed_is_found(client, world):
    for page in ("/all", "/c/books", "/t/fiction", "/u/bob"):
        for _title, href in feed_links(client.get(page).get_data(as_text=True)):
            parsed(client, href)
