"""The API's search: the search page's syntax, types, filters, sorts and snippets, with
the next page behind a cursor, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.extensions import cache, db
from webapp.models import Post, User, utc_now
from webapp.unit_of_work import unit_of_work
from webapp.votes import services as vote_services


@pytest.fixture
def corpus(make_user, content):
    alice, bob = make_user("alice"), make_user("bob_builder")
    db.session.get(User, bob).profile.display_name = "Bob Café"
    db.session.commit()
    astro = content.community(alice, "astronomy", "Amateur Astronomy")
    cook = content.community(bob, "cooking", "Home Cooking")
    ids = {
        "saturn": content.post(
            alice,
            astro,
            "Saturn rings tonight",
            "<p>The rings of Saturn through a small telescope.</p>",
            tags=["planets"],
        ),
        "telescope": content.post(
            bob, astro, "Buying a telescope", "<p>Which telescope for dark skies?</p>"
        ),
        "markup": content.post(
            bob,
            cook,
            "Markup in text",
            "<p>I typed &lt;script&gt;alert(1)&lt;/script&gt; into sourdough notes</p>",
        ),
    }
    ids["comment"] = content.comment(
        alice, ids["markup"], body="<p>Sourdough discard works in crème too</p>"
    )
    return {"alice": alice, "bob": bob, "astro": astro, **ids}


def _titles(body) -> set[str]:
    return {item["post"]["title"] for item in body["items"]}


def test_posts_are_found_with_marked_titles_and_my_votes(app, api_as, corpus):
    with app.test_request_context(), unit_of_work():
        vote_services.vote_on_post(
            db.session.get(User, corpus["alice"]), db.session.get(Post, corpus["telescope"]), 1
        )
    response = api_as("alice").get("/search?q=dark%20telescope")
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "posts" and body["next"] is None and body["unknown_filter"] is False
    [item] = body["items"]
    assert item["type"] == "post"
    assert set(item) == {"type", "title_html", "snippet_html", "post"}
    assert item["post"]["id"] == corpus["telescope"]
    assert item["post"]["my_vote"] == 1
    assert item["title_html"] == "Buying a <mark>telescope</mark>"
    assert "<mark>" in item["snippet_html"]
    assert body["counts"] == {"posts": 1, "comments": 0, "communities": 0, "people": 0, "tags": 0}


def test_snippets_escape_everything_but_the_marks(api_as, corpus):
    body = api_as("alice").get("/search?q=sourdough").get_json()
    assert body["counts"]["posts"] == 1 and body["counts"]["comments"] == 1
    snippet = body["items"][0]["snippet_html"]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>sourdough</mark>" in snippet


def test_every_type_has_its_own_item(api_as, corpus):
    alice = api_as("alice")
    comments = alice.get("/search?q=discard&type=comments").get_json()
    [comment] = comments["items"]
    assert comment["type"] == "comment" and comment["comment"]["id"] == corpus["comment"]
    assert comment["comment"]["body_html"] == "<p>Sourdough discard works in crème too</p>"

    communities = alice.get("/search?q=astronomy&type=communities").get_json()
    assert communities["items"][0]["community"]["name"] == "astronomy"
    assert communities["items"][0]["community"]["url"] == "http://localhost/c/astronomy"

    people = alice.get("/search?q=cafe&type=people").get_json()
    assert people["items"][0]["person"]["username"] == "bob_builder"
    assert people["items"][0]["type"] == "person"

    tags = alice.get("/search?q=planet&type=tags").get_json()
    assert tags["items"][0]["tag"] == {
        "name": "planets",
        "post_count": 1,
        "url": "http://localhost/t/planets",
    }


def test_filters_narrow_like_the_page(api_as, corpus):
    alice = api_as("alice")
    assert _titles(alice.get("/search?q=telescope&community=astronomy").get_json()) == {
        "Saturn rings tonight",
        "Buying a telescope",
    }
    assert _titles(alice.get("/search?q=telescope&tag=planets").get_json()) == {
        "Saturn rings tonight"
    }
    assert _titles(alice.get("/search?q=telescope&author=BOB_BUILDER").get_json()) == {
        "Buying a telescope"
    }
    db.session.get(Post, corpus["saturn"]).created_at = utc_now() - timedelta(days=60)
    db.session.commit()
    assert _titles(alice.get("/search?q=telescope&t=month").get_json()) == {"Buying a telescope"}
    nowhere = alice.get("/search?q=telescope&community=nowhere").get_json()
    assert nowhere["items"] == [] and nowhere["unknown_filter"] is True


def test_sort_new_puts_the_newest_first(api_as, corpus):
    body = api_as("alice").get("/search?q=telescope&sort=new").get_json()
    assert [item["post"]["id"] for item in body["items"]] == [
        corpus["telescope"],
        corpus["saturn"],
    ]


def test_results_are_paged_with_a_cursor(api_as, corpus, content):
    for index in range(25):
        content.post(corpus["alice"], corpus["astro"], f"Comet report {index}", "<p>comet</p>")
    alice = api_as("alice")
    first = alice.get("/search?q=comet").get_json()
    assert len(first["items"]) == 20 and first["next"]
    second = alice.get(f"/search?q=comet&cursor={first['next']}").get_json()
    assert len(second["items"]) == 5 and second["next"] is None
    ids = [item["post"]["id"] for item in first["items"] + second["items"]]
    assert len(set(ids)) == 25
    # A forged cursor is the first page, never an error.
    assert alice.get("/search?q=comet&cursor=AAAA").get_json()["items"] == first["items"]


def test_bad_arguments_are_422_and_empty_words_find_nothing(client, api_as, corpus):
    alice = api_as("alice")
    for query in ("", "?q=x&type=users", "?q=x&sort=best", "?q=x&t=decade", "?q=" + "a" * 201):
        response = alice.get("/search" + query)
        assert response.status_code == 422, query
        assert response.get_json()["error"]["code"] == "invalid"
    assert alice.get("/search?q=x&community=" + "c" * 31).status_code == 422
    assert alice.get("/search?q=a%00b").status_code == 400
    nothing = alice.get('/search?q="" --').get_json()
    assert nothing["items"] == [] and nothing["counts"]["posts"] == 0
    assert client.get("/api/v1/search?q=x").status_code == 401


def test_search_costs_the_same_statements_for_2_or_20_results(
    app, api_as, corpus, content, count_statements
):
    alice = api_as("alice")
    alice.get("/me")

    def cost() -> int:
        with app.app_context():
            cache.clear()  # the tab counts are cached for a minute: count them both times
        with count_statements() as counter:
            assert alice.get("/search?q=nebula").status_code == 200
        return len(counter.statements)

    for index in range(2):
        content.post(corpus["bob"], corpus["astro"], f"Nebula {index}", "<p>nebula</p>")
    small = cost()
    for index in range(18):
        content.post(corpus["bob"], corpus["astro"], f"Nebula more {index}", "<p>nebula</p>")
    assert cost() == small
