"""The web pages and the API are two doors to the same services: a rule of a service,
and a change to it, is seen through both, with the same status and message."""

from __future__ import annotations

import pytest

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Post
from webapp.posts import services as post_services

OWN_VOTE = "You cannot vote on what you wrote."


@pytest.fixture
def books(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    return {"alice": alice, "community": community, "post": content.post(alice, community, "Mine")}


def page_vote(client, post_id: int):
    return submit(
        client,
        f"/p/{post_id}/mine",
        {"value": "1"},
        post_url=f"/p/{post_id}/vote",
        headers={"HX-Request": "true"},
    )


def test_voting_on_your_own_post_is_refused_by_both_doors(client, auth, api_as, books):
    auth.login("alice")
    page = page_vote(client, books["post"])
    assert page.status_code == 403
    assert OWN_VOTE in page.get_data(as_text=True)

    api = api_as("alice").put(f"/posts/{books['post']}/vote", json={"value": 1})
    assert api.status_code == 403
    assert api.get_json()["error"]["message"] == OWN_VOTE

    db.session.expire_all()
    assert db.session.get(Post, books["post"]).score == 0


def test_a_too_long_title_is_refused_by_both_doors_with_one_message(client, auth, api_as, books):
    message = "A title has at most 300 characters."
    auth.login("alice")
    page = submit(
        client, "/c/books/submit", {"title": "x" * 301, "body": "", "tags": "", "url": ""}
    )
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)

    api = api_as("alice").post("/posts", json={"community": "books", "title": "x" * 301})
    assert api.status_code == 422
    assert api.get_json()["error"]["fields"] == {"title": [message]}
    assert db.session.query(Post).count() == 1


def test_a_changed_rule_in_the_service_is_seen_by_both_doors(
    client, auth, api_as, books, monkeypatch
):
    """Shorten the service's title limit: the form and the API follow at once."""
    monkeypatch.setattr(post_services, "TITLE_MAX", 10)
    message = "A title has at most 10 characters."
    auth.login("alice")
    page = submit(client, "/c/books/submit", {"title": "Eleven char", "body": "", "tags": ""})
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)

    api = api_as("alice").post("/posts", json={"community": "books", "title": "Eleven char"})
    assert api.status_code == 422
    assert api.get_json()["error"]["fields"] == {"title": [message]}
    assert db.session.query(Post).count() == 1
