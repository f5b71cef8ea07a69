"""PostgreSQL connections ended under the site (issue 13, item 8), as a failover or an
operator's `pg_terminate_backend` would: reads answer (run once more on a new
connection), writes answer 503 "Nothing was saved" and keep nothing, never a 500."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.support.content import ContentBuilder
from tests.support.databases import is_postgres
from tests.support.forms import csrf_token_from
from tests.support.own_app import app_of_its_own, count, image_upload, sign_up_and_in
from tests.support.terminator import Terminator
from webapp.extensions import db
from webapp.models import Comment, Follow, Membership, Post, PostVote, Profile

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)"),
]


@pytest.fixture(scope="module")
def shaky_app(tmp_path_factory):
    """An app on PostgreSQL with a community, a post and a comment by alice, and a
    Terminator for its connections (one database for the module: building one costs
    seconds)."""
    with app_of_its_own(tmp_path_factory.mktemp("shaky")) as app:
        sign_up_and_in(app.test_client(), "alice")
        content = ContentBuilder(app)
        with app.app_context():
            alice_id = db.session.scalar(select(Profile.user_id).where(Profile.username == "alice"))
        community_id = content.community(alice_id, "books")
        post_id = content.post(alice_id, community_id, "A post")
        comment_id = content.comment(alice_id, post_id, body="<p>First</p>")
        terminator = Terminator(app)
        try:
            yield {"app": app, "post": post_id, "comment": comment_id, "terminator": terminator}
        finally:
            terminator.close()


@pytest.fixture
def shaky_site(shaky_app):
    """The shaky app, a guest, and someone new ("bob") signed in, who has not yet
    followed, joined, voted or commented."""
    bob = shaky_app["app"].test_client()
    sign_up_and_in(bob, f"bob_{uuid.uuid4().hex[:10]}")
    return {**shaky_app, "guest": shaky_app["app"].test_client(), "bob": bob}


READ_PAGES = ["/", "/all", "/c/books", "/u/alice", "/search?q=post", "/p/{post}"]
NOTHING_SAVED = "Nothing was saved. Please try again."


@pytest.mark.parametrize("who", ["guest", "bob"])
@pytest.mark.parametrize("at", [1, 2])
def test_reads_survive_connections_terminated(shaky_site, who, at):
    """Ended between requests, a connection is replaced when the next request takes it
    from the pool; ended under a request (before its first or second statement), the
    read runs once more, on a new connection."""
    client, terminator = shaky_site[who], shaky_site["terminator"]
    for page in READ_PAGES:
        url = page.format(post=shaky_site["post"])
        terminator.terminate_all()
        assert client.get(url, follow_redirects=True).status_code == 200, url
        with terminator.during_next_request(at=at):
            response = client.get(url, follow_redirects=True)
        assert terminator.kills == 1, url
        assert response.status_code == 200, (url, response.status_code)
        if url.startswith("/p/"):
            assert "A post" in response.get_data(as_text=True)


WRITES = {
    "comment": lambda site: (
        f"/p/{site['post']}",
        f"/p/{site['post']}/comments",
        {"body": "Second", "body_format": "text"},
        lambda: count(site["app"], Comment),
    ),
    "post": lambda site: (
        "/c/books/submit",
        None,
        {"title": "Another", "body": "Words", "body_format": "text", "url": "", "tags": ""},
        lambda: count(site["app"], Post),
    ),
    "vote": lambda site: (
        f"/p/{site['post']}",
        f"/p/{site['post']}/vote",
        {"value": "1"},
        lambda: count(site["app"], PostVote),
    ),
    "follow": lambda site: (
        "/u/alice",
        "/u/alice/follow",
        {},
        lambda: count(site["app"], Follow),
    ),
    "join": lambda site: (
        "/c/books",
        "/c/books/join",
        {},
        lambda: count(site["app"], Membership),
    ),
}


# The statement of the write itself: a vote is one statement after the session loader.
WRITE_STATEMENT = {"vote": 2}


@pytest.mark.parametrize("kind", sorted(WRITES))
@pytest.mark.parametrize("when", ["first", "write"])
def test_a_write_that_loses_its_connection_says_nothing_was_saved(shaky_site, kind, when):
    form_page, post_url, fields, stored = WRITES[kind](shaky_site)
    at = 1 if when == "first" else WRITE_STATEMENT.get(kind, 3)
    bob, terminator = shaky_site["bob"], shaky_site["terminator"]
    before = stored()
    token = csrf_token_from(bob.get(form_page, follow_redirects=True).get_data(as_text=True))
    with terminator.during_next_request(at=at):
        response = bob.post(post_url or form_page, data={**fields, "csrf_token": token})
    assert terminator.kills == 1
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert NOTHING_SAVED in html and 'class="site-footer"' in html
    assert stored() == before
    # Sending the same form again (the page says so) works.
    again = bob.post(post_url or form_page, data={**fields, "csrf_token": token})
    assert again.status_code in (302, 303), again.get_data(as_text=True)
    assert stored() == before + 1


def test_a_connection_lost_at_commit_does_not_claim_nothing_was_saved(shaky_site):
    """Ended while committing, the database may or may not have stored the work: the
    page says what is known."""
    form_page, post_url, fields, stored = WRITES["comment"](shaky_site)
    fields = {**fields, "body": "Lost at commit"}
    bob, terminator = shaky_site["bob"], shaky_site["terminator"]
    before = stored()
    token = csrf_token_from(bob.get(form_page, follow_redirects=True).get_data(as_text=True))
    with terminator.during_next_request(moment="commit"):
        response = bob.post(post_url, data={**fields, "csrf_token": token})
    assert terminator.kills == 1
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "We could not confirm that this was saved." in html and NOTHING_SAVED not in html
    assert stored() == before  # ended before COMMIT reached the server
    # The view had said "posted" before the commit failed: that message is gone.
    assert "Your comment is posted." not in html
    page = bob.get(form_page, follow_redirects=True).get_data(as_text=True)
    assert "Your comment is posted." not in page and "Lost at commit" not in page


def test_json_clients_get_a_lost_connection_in_json(shaky_site):
    """The editor's image upload (asking for JSON) and the /api/ address space."""
    bob, terminator = shaky_site["bob"], shaky_site["terminator"]
    token = csrf_token_from(bob.get("/").get_data(as_text=True))
    with terminator.during_next_request(at=1):
        upload = bob.post(
            "/media/upload",
            data={"image": image_upload()},
            headers={"X-CSRFToken": token, "Accept": "application/json"},
            content_type="multipart/form-data",
        )
    with terminator.during_next_request(at=1, times=2):
        api = bob.get("/api/v1/posts")
    for response, message in ((upload, NOTHING_SAVED), (api, "Please try again in a moment")):
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert response.json["error"]["code"] == "unavailable"
        assert message in response.json["error"]["message"]


@pytest.mark.parametrize("times", [2, 3])
def test_a_read_that_cannot_reach_the_database_twice_gets_a_503_page(shaky_site, times):
    """Twice in a row: a 503 page that says to try again, not a 500. Three times (the
    page's own header asks the database about bob): the page without the site's chrome."""
    bob, terminator = shaky_site["bob"], shaky_site["terminator"]
    with terminator.during_next_request(at=1, times=times):
        response = bob.get("/c/books", headers={"Accept-Language": "de"})
    assert terminator.kills == times
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "Bitte versuch es gleich noch einmal." in html  # in the reader's language
    assert ('class="site-footer"' in html) == (times == 2)
    assert '<html lang="de"' in html
    assert bob.get("/c/books").status_code == 200  # and then it works again


def test_a_connection_lost_after_the_answer_was_made_changes_no_answer(shaky_site):
    """A read keeps its transaction open until the request ends; ended then (or a
    refused form's, before its rollback), the answer already made is the answer."""
    guest, bob, terminator = shaky_site["guest"], shaky_site["bob"], shaky_site["terminator"]
    with terminator.during_next_request(moment="response made"):
        read = guest.get("/c/books")
    assert terminator.kills == 1
    assert read.status_code == 200 and "A post" in read.get_data(as_text=True)

    form_page, post_url, _fields, stored = WRITES["comment"](shaky_site)
    before = stored()
    token = csrf_token_from(bob.get(form_page, follow_redirects=True).get_data(as_text=True))
    with terminator.during_next_request(moment="after view"):
        refused = bob.post(post_url, data={"body": "", "csrf_token": token})
    assert terminator.kills == 1
    assert refused.status_code == 422  # the form says what is missing, as always
    assert stored() == before
