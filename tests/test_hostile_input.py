"""Hostile and odd input never becomes a 500, on either engine."""

from __future__ import annotations

import re

import pytest

from tests.support.forms import submit


@pytest.fixture
def site(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    for index in range(30):
        content.post(alice, community, f"Post {index}")
    return {"alice": alice, "community": community}


@pytest.mark.parametrize(
    "path",
    [
        "/p/99999999999999999999999999999",
        "/p/2147483648",
        "/p/9999999999/slug",
        "/p/99999999999/edit",
        "/comments/99999999999999999/reply",
        "/p/1/post-0?thread=99999999999999999999",
        "/p/1/post-0?thread=²",
        "/p/1/post-0?thread=-5",
        "/u/" + "x" * 300,
        "/t/" + "y" * 300,
    ],
)
def test_odd_ids_and_names_are_404s(client, site, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/c/a%00b", "/t/a%00b", "/?sort=new%00", "/search?q=%00", "/u/a%00"]
)
def test_nul_bytes_in_urls_are_a_400(client, path):
    assert client.get(path).status_code == 400


def test_nul_bytes_in_forms_are_a_400(client, auth, site):
    assert auth.login("al\x00ice").status_code == 400
    auth.login("alice")
    response = submit(
        client, "/c/books/submit", {"title": "Hi\x00", "body": "x", "body_format": "text"}
    )
    assert response.status_code == 400


def test_a_cursor_from_another_list_reads_as_the_first_page(client, site, content):
    for index in range(55):
        content.community(site["alice"], f"extra_{index}", f"Extra {index}")
    members = client.get("/c/?sort=members").get_data(as_text=True)
    cursor = re.search(r"cursor=([^\"&]+)", members).group(1)
    for path in (
        "/c/?sort=new&cursor=",
        "/?sort=new&cursor=",
        "/c/books?cursor=",
        "/c/books/members?cursor=",
        "/tags?cursor=",
        "/c/books/log?cursor=",
    ):
        assert client.get(path + cursor).status_code == 200, path
    new_page = client.get("/?sort=new").get_data(as_text=True)
    new_cursor = re.search(r"cursor=([^\"&]+)", new_page).group(1)
    assert client.get("/c/?sort=members&cursor=" + new_cursor).status_code == 200


def test_pages_with_partials_vary_on_hx_request(client, site):
    for path in ("/", "/all", "/c/", "/c/books", "/c/books/members", "/t/none", "/tags"):
        response = client.get(path)
        if response.status_code == 200:
            assert "HX-Request" in response.headers.get("Vary", ""), path
