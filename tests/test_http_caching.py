"""HTTP caching: guests get no cookie and shareable pages (public, ETag, 304); signed-in
pages stay private; static files carry a fingerprint and are immutable under it."""

from __future__ import annotations

import re

import pytest

from tests.support.forms import csrf_token_from, submit
from webapp.http_caching import (
    STATIC_FINGERPRINTED_MAX_AGE,
    guest_csrf_token,
    is_valid_guest_token,
    static_fingerprint,
)


@pytest.fixture
def world(make_user, content):
    alice = make_user("alice")
    make_user("bob")
    books = content.community(alice, "books", "Books")
    post = content.post(alice, books, "A post about novels", tags=["novels"])
    content.comment(alice, post)
    return {"post": post}


def guest_paths(client, world) -> list[str]:
    post_page = client.get(f"/p/{world['post']}").headers["Location"]
    return ["/", "/all", "/c/books", post_page, "/u/alice", "/t/novels", "/search?q=novels"]


def test_guest_pages_set_no_cookie_and_are_public_with_an_etag(app, client, world):
    for path in guest_paths(client, world):
        response = app.test_client().get(path)  # a new browser each time: no cookie at all
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
        assert response.headers["Cache-Control"] == "public, max-age=30", path
        assert re.fullmatch(r'W/"[0-9a-f]{40}"', response.headers["ETag"]), path
        vary = {name.strip() for name in response.headers["Vary"].split(",")}
        assert {"Cookie", "Accept-Language"} <= vary, path


def test_guest_htmx_fragments_set_no_cookie_and_vary_by_htmx(app, world):
    fragment = app.test_client().get("/all", headers={"HX-Request": "true"})
    assert fragment.headers.getlist("Set-Cookie") == []
    assert fragment.headers["Cache-Control"] == "public, max-age=30"
    assert {"HX-Request", "HX-History-Restore-Request"} <= {
        name.strip() for name in fragment.headers["Vary"].split(",")
    }


def test_a_matching_if_none_match_is_a_304_without_a_body(app, world):
    client = app.test_client()
    first = client.get("/all")
    again = client.get("/all", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers.getlist("Set-Cookie") == []
    other = client.get("/all", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def test_the_same_guest_page_is_the_same_bytes_for_every_guest(app, world):
    """Nothing personal (no per-session token) is in a guest's page: a shared cache may
    hand one guest's copy to the next."""
    first, second = app.test_client().get("/c/books"), app.test_client().get("/c/books")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]


def test_signed_in_pages_are_private_and_never_public(client, auth, world):
    auth.login("bob")
    for path in guest_paths(client, world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "ETag" not in response.headers, path
        assert "Cookie" in response.headers["Vary"], path


def test_a_guest_page_showing_a_flash_is_private(client, world):
    submit(client, "/", {"value": "1", "next": "/all"}, post_url=f"/p/{world['post']}/vote")
    page = client.get("/all")
    assert "Please sign in to continue." in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in page.headers


def test_the_sign_in_page_starts_a_session_and_is_private(app, world):
    response = app.test_client().get("/auth/login")
    assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
    assert response.headers["Cache-Control"] == "private, no-store"


# -- Guests' forms work without a session -------------------------------------------------


def test_a_guest_page_carries_the_shared_guest_token(app, world):
    html = app.test_client().get("/all").get_data(as_text=True)
    token = csrf_token_from(html)
    assert token.startswith("guest.") and f'"X-CSRFToken": "{token}"' in html
    with app.test_request_context():
        assert token == guest_csrf_token() and is_valid_guest_token(token)


def test_guest_vote_without_a_session_signs_in_and_comes_back(app, world):
    client = app.test_client()
    response = submit(
        client, "/", {"value": "1", "next": "/all"}, post_url=f"/p/{world['post']}/vote"
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login?next=/all"


def test_guest_switches_language_without_a_session(app, world):
    client = app.test_client()
    response = submit(client, "/", {"language": "es", "next": "/c/"}, post_url="/language")
    assert response.status_code == 302 and response.headers["Location"] == "/c/"
    cookies = response.headers.getlist("Set-Cookie")
    assert [c.split("=")[0] for c in cookies] == ["lang"]
    assert '<html lang="es"' in client.get("/c/").get_data(as_text=True)


def test_a_guest_token_never_signs_anyone_in(app, world):
    """Sign-in checks its own session-bound token: a forged sign-in with the guest token
    (which any site can read) is refused."""
    client = app.test_client()
    with app.test_request_context():
        token = guest_csrf_token()
    response = client.post(
        "/auth/login",
        data={"csrf_token": token, "identifier": "bob", "password": "correct horse battery"},
    )
    assert response.status_code != 302
    assert "Sign in" in client.get("/").get_data(as_text=True)
    assert "bob" not in client.get("/").get_data(as_text=True).split("<main", 1)[0]


def test_a_guest_token_is_refused_from_someone_signed_in(app, client, auth, world):
    auth.login("bob")
    with app.test_request_context():
        token = guest_csrf_token()
    response = client.post("/language", data={"csrf_token": token, "language": "de"})
    assert response.status_code == 400
    follow = client.post(
        f"/p/{world['post']}/vote",
        data={"value": "1"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert follow.status_code == 400


@pytest.mark.parametrize(
    "token", ["guest.1.0123456789abcdef0123456789abcdef01234567", "guest.x.y", "guest.", ""]
)
def test_forged_or_old_guest_tokens_are_refused(client, world, token):
    response = client.post("/language", data={"csrf_token": token, "language": "de"})
    assert response.status_code == 400


# -- Static files -------------------------------------------------------------------------


def test_every_static_url_carries_the_fingerprint_of_the_file(app, world):
    html = app.test_client().get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any(url.startswith("/static/css/quorum.css?v=") for url in urls)
    with app.test_request_context():
        for url in urls:
            path, _, version = url.partition("?v=")
            assert version == static_fingerprint(path.removeprefix("/static/")), url


def test_fingerprinted_static_files_are_immutable_for_a_year(app, world):
    client = app.test_client()
    with app.test_request_context():
        fingerprint = static_fingerprint("css/quorum.css")
    current = client.get(f"/static/css/quorum.css?v={fingerprint}")
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == (
        f"public, max-age={STATIC_FINGERPRINTED_MAX_AGE}, immutable"
    )
    assert client.get("/static/css/quorum.css").headers["Cache-Control"] == ("public, max-age=3600")
    stale = client.get("/static/css/quorum.css?v=000000000000")
    assert stale.headers["Cache-Control"] == "public, max-age=60"
    assert current.headers.getlist("Set-Cookie") == []


def test_a_fingerprint_changes_with_the_contents(app, tmp_path):
    from webapp.http_caching import _fingerprint_of

    file = tmp_path / "a.css"
    file.write_text("a { color: red }")
    first = _fingerprint_of(str(file), (1, 1))
    file.write_text("a { color: blue }")
    assert _fingerprint_of(str(file), (2, 1)) != first
