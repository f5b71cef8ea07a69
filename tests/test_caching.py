"""The page cache (webapp/caching.py): guests' pages come from the cache without a
single SQL statement, and after every kind of write the next read, a guest's or a
signed-in person's, shows it. Runs on SQLite + SimpleCache and on PostgreSQL + Redis."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD
from tests.support.forms import csrf_token_from, submit
from tests.support.own_app import app_of_its_own
from webapp.caching import page_cache_enabled
from webapp.extensions import db
from webapp.models import Comment, Community, Post, User
from webapp.posts import services as post_services
from webapp.unit_of_work import unit_of_work

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def page_cache(app, monkeypatch):
    """The page cache on, whatever the suite's default."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", "on")


@pytest.fixture
def site(page_cache, make_user, content):
    """alice owns b/books and wrote a post tagged "poetry"; bob replied; carol reads."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    books = content.community(alice, "books", "Books")
    post = content.post(alice, books, "Alice writes", tags=["poetry"])
    comment = content.comment(bob, post, body="<p>Bob replies</p>")
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "books": books,
        "post": post,
        "comment": comment,
    }


def signed_in(app, username):
    """A browser of its own, signed in as `username`."""
    browser = app.test_client()
    response = submit(browser, "/auth/login", {"identifier": username, "password": TEST_PASSWORD})
    assert response.status_code in (302, 303)
    return browser


def post_url(client, post_id) -> str:
    response = client.get(f"/p/{post_id}")
    assert response.status_code in (301, 302)
    return response.headers["Location"]


def text(client, url) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def warm(guest, *urls) -> None:
    """Read each page until the cache holds it (the first read of /c/, /u/ and /p/
    pages learns which community or person they show)."""
    for url in urls:
        for _ in range(3):
            text(guest, url)


def pages(client, site) -> list[str]:
    return [
        "/",
        "/all",
        "/all?sort=new",
        "/c/books",
        "/c/",
        "/u/alice",
        "/t/poetry",
        "/tags",
        "/search?q=alice",
        "/search/counts?q=alice",
        post_url(client, site["post"]),
    ]


# -- Hits ------------------------------------------------------------------------------


def test_a_guest_page_from_the_cache_runs_no_sql_and_is_the_same_page(app, site, count_statements):
    guest = app.test_client()
    for url in pages(guest, site):
        warm(guest, url)
        before = guest.get(url)
        with count_statements() as counter:
            hit = guest.get(url)
        assert counter.statements == [], url
        assert hit.status_code == 200
        assert hit.get_data() == before.get_data()


def test_a_cached_guest_page_sets_no_cookie_and_answers_304(app, site):
    guest = app.test_client()
    warm(guest, "/all")
    hit = guest.get("/all")
    assert "Set-Cookie" not in hit.headers
    assert hit.headers["Cache-Control"] == "public, max-age=30"
    assert hit.headers["ETag"].startswith('W/"')
    again = guest.get("/all", headers={"If-None-Match": hit.headers["ETag"]})
    assert again.status_code == 304


def test_htmx_fragments_and_full_pages_are_cached_apart(app, site, content):
    for index in range(30):
        content.post(site["alice"], site["books"], f"Filler {index}")
    guest = app.test_client()
    full = text(guest, "/all")
    cursor = full.split('hx-get="/all?cursor=')[1].split('"')[0].replace("&amp;", "&")
    url = f"/all?cursor={cursor}"
    for _ in range(2):
        page = guest.get(url).get_data(as_text=True)
        fragment = guest.get(url, headers={"HX-Request": "true"})
        assert "<html" in page and "<html" not in fragment.get_data(as_text=True)
        assert "HX-Request" in fragment.headers["Vary"]


def test_signed_in_people_and_guests_never_get_each_others_html(app, site):
    guest = app.test_client()
    warm(guest, "/all")
    alice = signed_in(app, "alice")
    bob = signed_in(app, "bob")
    alice_page = text(alice, "/all")
    bob_page = text(bob, "/all")
    guest_page = text(guest, "/all")
    alice_token, bob_token = csrf_token_from(alice_page), csrf_token_from(bob_page)
    assert alice_token != bob_token
    assert "Your profile" in alice_page and 'href="/u/alice">Your profile' in alice_page
    assert alice_token not in bob_page and alice_token not in guest_page
    assert bob_token not in alice_page and bob_token not in guest_page
    assert "Your profile" not in guest_page and 'href="/u/bob">Your profile' in bob_page
    assert 'href="/u/alice">Your profile' not in bob_page
    # Nor a page rendered for alice first: a guest after her gets a guest's page.
    fresh = app.test_client()
    text(alice, "/c/books")
    assert "Your profile" not in text(fresh, "/c/books")


def test_a_guests_flash_message_is_never_cached_for_another_guest(app, site):
    first, second = app.test_client(), app.test_client()
    warm(first, "/all")
    refused = submit(second, "/all", {"value": "1"}, post_url=f"/p/{site['post']}/vote")
    assert refused.status_code in (302, 303)  # sent to sign in, with a message
    assert "Please sign in to continue." in text(second, "/all")
    for _ in range(2):
        assert "Please sign in to continue." not in text(first, "/all")
        assert "Please sign in to continue." not in text(app.test_client(), "/all")


def test_each_language_and_time_zone_has_its_own_cached_page(app, site):
    guest = app.test_client()
    warm(guest, "/all")
    german = guest.get("/all", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="de"' in german
    assert '<html lang="en"' in text(guest, "/all")

    def time_title(page: str) -> str:
        return page.split("<time datetime=")[1].split('title="')[1].split('"')[0]

    utc = time_title(text(guest, "/all"))
    guest.set_cookie("tz", "Asia/Tokyo")  # nine hours ahead, no summer time
    tokyo = time_title(text(guest, "/all"))
    assert tokyo != utc
    assert time_title(text(guest, "/all")) == tokyo
    guest.delete_cookie("tz")
    assert time_title(text(guest, "/all")) == utc


def test_a_rolled_back_write_leaves_the_cached_page_valid(app, site, count_statements):
    guest = app.test_client()
    warm(guest, "/all")
    with app.test_request_context(), pytest.raises(RuntimeError), unit_of_work():
        author = db.session.get(User, site["alice"])
        books = db.session.get(Community, site["books"])
        post_services.submit_post(author, books, "Never stored", "", None, [])
        raise RuntimeError("the transaction fails after the write")
    # A refused form rolls back too (a comment with no text).
    bob = signed_in(app, "bob")
    refused = submit(
        bob, post_url(bob, site["post"]), {"body": ""}, post_url=f"/p/{site['post']}/comments"
    )
    assert refused.status_code >= 400
    with count_statements() as counter:
        page = guest.get("/all").get_data(as_text=True)
    assert counter.statements == []
    assert "Never stored" not in page and "Alice writes" in page


# -- Every kind of write shows on the next read ------------------------------------------


def shows_everywhere(app, guest, urls, wanted, unwanted=None):
    reader = signed_in(app, "carol")
    for url in urls:
        for who, client in (("guest", guest), ("carol", reader)):
            page = text(client, url)
            assert wanted is None or wanted in page, (who, url, wanted)
            assert unwanted is None or unwanted not in page, (who, url, unwanted)


def test_a_vote_shows_on_the_next_read(app, site):
    guest = app.test_client()
    urls = ["/all", "/c/books", "/u/alice", "/t/poetry", post_url(guest, site["post"])]
    warm(guest, *urls)
    assert '<span class="vote__score">0 points</span>' in text(guest, "/all")
    bob = signed_in(app, "bob")
    voted = submit(bob, "/all", {"value": "1"}, post_url=f"/p/{site['post']}/vote")
    assert voted.status_code in (302, 303)
    shows_everywhere(app, guest, urls, '<span class="vote__score">1 point</span>')


def test_a_new_post_shows_in_the_next_search(app, site):
    guest, alice = app.test_client(), signed_in(app, "alice")
    warm(guest, "/search?q=zeppelin", "/search/counts?q=zeppelin")
    assert "<mark>Zeppelin</mark> notes" not in text(guest, "/search?q=zeppelin")
    response = submit(
        alice,
        "/c/books/submit",
        {
            "title": "Zeppelin notes",
            "body": "Airships",
            "body_format": "text",
            "url": "",
            "tags": "",
        },
    )
    assert response.status_code in (302, 303)
    assert "<mark>Zeppelin</mark> notes" in text(guest, "/search?q=zeppelin")
    counts = text(guest, "/search/counts?q=zeppelin")
    assert re.search(r"Posts\s*<[^>]*>\s*1\s*<", counts), counts


def test_a_comment_vote_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, url)
    alice = signed_in(app, "alice")
    voted = submit(alice, url, {"value": "1"}, post_url=f"/comments/{site['comment']}/vote")
    assert voted.status_code in (302, 303)
    page = text(guest, url)
    comment_part = page.split(f'id="vote-comment-{site["comment"]}"')[1]
    assert comment_part.split("</div>")[0].count("1 point") == 1


def test_a_new_post_shows_on_the_next_read(app, site):
    guest = app.test_client()
    urls = ["/", "/all", "/c/books", "/u/alice", "/tags", "/c/"]
    warm(guest, *urls)
    alice = signed_in(app, "alice")
    data = {
        "title": "Fresh news",
        "body": "",
        "body_format": "text",
        "url": "",
        "tags": "headlines",
    }
    assert submit(alice, "/c/books/submit", data).status_code in (302, 303)
    shows_everywhere(app, guest, urls[:4] + ["/t/headlines"], "Fresh news")
    shows_everywhere(app, guest, ["/tags"], "headlines")
    shows_everywhere(app, guest, ["/c/"], "2 posts")


def test_a_comment_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, url, "/all", "/u/carol?tab=comments")
    assert "1 comment" in text(guest, "/all")
    carol = signed_in(app, "carol")
    response = submit(carol, url, {"body": "Carol agrees"}, post_url=f"/p/{site['post']}/comments")
    assert response.status_code == 303
    shows_everywhere(app, guest, [url, "/u/carol?tab=comments"], "Carol agrees")
    shows_everywhere(app, guest, ["/all"], "2 comments")


def test_an_edited_post_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, url, "/all", "/c/books", "/u/alice")
    alice = signed_in(app, "alice")
    edited = submit(
        alice,
        f"/p/{site['post']}/edit",
        {"title": "Alice rewrites", "body": "", "body_format": "text", "url": "", "tags": "poetry"},
    )
    assert edited.status_code in (302, 303)
    shows_everywhere(
        app,
        guest,
        [f"/p/{site['post']}", "/all", "/c/books", "/u/alice"],
        "Alice rewrites",
        "Alice writes",
    )


def test_an_edited_comment_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, url)
    bob = signed_in(app, "bob")
    edited = submit(
        bob,
        f"/comments/{site['comment']}/edit",
        {"body": "Bob thinks again", "body_format": "text"},
    )
    assert edited.status_code in (302, 303)
    shows_everywhere(app, guest, [url], "Bob thinks again", "Bob replies")


def test_a_deleted_post_leaves_the_next_read(app, site):
    guest = app.test_client()
    warm(guest, "/all", "/c/books", "/u/alice", "/t/poetry")
    alice = signed_in(app, "alice")
    deleted = submit(alice, "/all", {}, post_url=f"/p/{site['post']}/delete")
    assert deleted.status_code in (302, 303)
    shows_everywhere(
        app, guest, ["/all", "/c/books", "/u/alice", "/t/poetry"], None, "Alice writes"
    )


def test_a_join_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, "/c/books", "/c/", url)
    assert "1 member<" in text(guest, "/c/books")
    carol = signed_in(app, "carol")
    assert submit(carol, "/c/books", {}, post_url="/c/books/join").status_code in (302, 303)
    shows_everywhere(app, guest, ["/c/books", "/c/", url], "2 members")


def test_a_follow_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, "/u/alice", url)
    assert "0 followers" in text(guest, "/u/alice")
    bob = signed_in(app, "bob")
    assert submit(bob, "/u/alice", {}, post_url="/u/alice/follow").status_code in (302, 303)
    shows_everywhere(app, guest, ["/u/alice", url], "1 follower<")


def test_a_profile_change_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, "/u/alice", url, "/all")
    alice = signed_in(app, "alice")
    saved = submit(
        alice,
        "/settings/profile",
        {
            "display_name": "Alice Liddell",
            "first_name": "",
            "last_name": "",
            "bio": "",
            "body_format": "text",
            "website": "",
        },
    )
    assert saved.status_code in (302, 303)
    shows_everywhere(app, guest, ["/u/alice", url, "/all"], "Alice Liddell")


def test_a_moderators_removal_shows_on_the_next_read(app, site):
    guest = app.test_client()
    url = post_url(guest, site["post"])
    warm(guest, url, "/u/bob?tab=comments")
    alice = signed_in(app, "alice")  # the owner moderates b/books
    removed = submit(
        alice, url, {"reason": "Off topic"}, post_url=f"/comments/{site['comment']}/remove"
    )
    assert removed.status_code in (302, 303)
    shows_everywhere(app, guest, [url, "/u/bob?tab=comments"], None, "Bob replies")
    removed = submit(alice, url, {"reason": "Off topic"}, post_url=f"/p/{site['post']}/remove")
    assert removed.status_code in (302, 303)
    shows_everywhere(app, guest, ["/all", "/c/books", "/u/alice"], None, "Alice writes")


def test_a_site_setting_shows_on_the_next_read(app, site, db_session):
    guest = app.test_client()
    warm(guest, "/all", "/c/books")
    db_session.get(User, site["carol"]).is_admin = True
    db_session.commit()
    carol = signed_in(app, "carol")
    saved = submit(
        carol,
        "/admin/settings",
        {
            "site_name": "Bookworms",
            "site_description": "",
            "registration_open": "y",
            "default_language": "en",
            "announcement_html": "",
            "content_rules_html": "",
            "body_format": "text",
        },
    )
    assert saved.status_code in (302, 303)
    shows_everywhere(app, guest, ["/all", "/c/books"], "Bookworms")


# -- When the cache is on, and when its store is down --------------------------------------


@pytest.mark.parametrize(
    ("setting", "cache_type", "server", "workers", "expected"),
    [
        ("auto", "SimpleCache", "", "", True),  # flask run: one process
        ("auto", "SimpleCache", "gunicorn/23.0.0", "5", False),
        ("auto", "SimpleCache", "gunicorn/23.0.0", "1", True),
        ("auto", "RedisCache", "gunicorn/23.0.0", "5", True),
        ("off", "RedisCache", "", "", False),
        ("on", "SimpleCache", "gunicorn/23.0.0", "5", True),
    ],
)
def test_the_page_cache_is_on_only_where_every_process_sees_the_same_cache(
    app, monkeypatch, setting, cache_type, server, workers, expected
):
    monkeypatch.setitem(app.config, "PAGE_CACHE", setting)
    monkeypatch.setitem(app.config, "CACHE_TYPE", cache_type)
    monkeypatch.setenv("SERVER_SOFTWARE", server)
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    monkeypatch.delenv("QUORUM_WORKER_PROCESSES", raising=False)
    with app.app_context():
        assert page_cache_enabled() is expected


def test_the_suite_reads_pages_uncached_unless_a_test_turns_the_cache_on(
    app, client, count_statements
):
    """The suite's settings turn the page cache off (tests count a render's statements
    by reading a page twice); the second read of a guest page runs SQL again."""
    with app.app_context():
        assert page_cache_enabled() is False
    client.get("/all")
    with count_statements() as counter:
        assert client.get("/all").status_code == 200
    assert counter.count > 0


def test_pages_are_served_and_fresh_while_redis_is_unreachable(tmp_path):
    with app_of_its_own(tmp_path, REDIS_URL=UNREACHABLE_REDIS, PAGE_CACHE="on") as app:
        with app.test_request_context():
            from webapp.auth.services import register_user
            from webapp.communities.services import create_community

            with unit_of_work():
                alice = register_user("alice@example.org", "alice", TEST_PASSWORD)
                books = create_community(alice, "books", "Books", "", "")
                post_services.submit_post(alice, books, "First of all", "", None, [])
            assert page_cache_enabled()
        guest = app.test_client()
        for _ in range(3):
            assert "First of all" in text(guest, "/all")
        signed = signed_in(app, "alice")
        data = {
            "title": "Second thoughts",
            "body": "",
            "body_format": "text",
            "url": "",
            "tags": "",
        }
        assert submit(signed, "/c/books/submit", data).status_code in (302, 303)
        assert "Second thoughts" in text(guest, "/all")
        with app.app_context():
            assert db.session.scalar(select(Post.title).where(Post.title == "Second thoughts"))
            assert db.session.scalar(select(Comment.id)) is None
