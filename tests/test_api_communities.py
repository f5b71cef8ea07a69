"""/api/v1/communities: the directory, creating, one community, editing, joining and
leaving, members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.communities import bans
from webapp.extensions import db
from webapp.models import Community, Membership, User, utc_now
from webapp.unit_of_work import unit_of_work


@pytest.fixture
def books(make_user, content):
    alice = make_user("alice")
    return {"alice": alice, "community": content.community(alice, "books", "Books")}


def _alice_ref() -> dict:
    return {"username": "alice", "name": "alice", "url": "http://localhost/u/alice"}


def test_creating_a_community_makes_the_token_owner_its_owner(api_as):
    alice = api_as("alice")
    response = alice.post(
        "/communities",
        json={
            "name": "books",
            "title": "  Books\u200b ",
            "description": "About books.",
            "rules": "Be kind.",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body.pop("created_at").endswith("+00:00")
    assert body == {
        "name": "books",
        "title": "Books",  # cleaned by the service: no invisible characters
        "description": "About books.",
        "rules": "Be kind.",
        "member_count": 1,
        "post_count": 0,
        "url": "http://localhost/c/books",
        "moderators": [{"person": _alice_ref(), "role": "owner"}],
        "membership": "owner",
        "can_edit": True,
    }
    assert alice.get("/communities/books").get_json()["membership"] == "owner"


def test_creating_is_refused_for_bad_names_taken_names_and_read_tokens(api_as, books):
    bob = api_as("bob")
    invalid = bob.post("/communities", json={"name": "Bad Name", "title": "X"})
    assert invalid.status_code == 422
    assert invalid.get_json()["error"]["fields"]["name"] == [
        "Use only lowercase letters, digits and underscores."
    ]
    missing = bob.post("/communities", json={})
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {"name", "title"}
    taken = bob.post("/communities", json={"name": "books", "title": "Mine"})
    assert taken.status_code == 409
    assert taken.get_json()["error"] == {
        "code": "conflict",
        "message": "A community with this name already exists.",
        "fields": {"name": ["A community with this name already exists."]},
    }
    reserved = bob.post("/communities", json={"name": "new", "title": "New"})
    assert reserved.status_code == 422
    assert reserved.get_json()["error"]["fields"] == {
        "name": ["This name is reserved by the site. Choose another."]
    }
    blank = bob.post("/communities", json={"name": "blank", "title": "   "})
    assert blank.status_code == 422
    assert blank.get_json()["error"]["fields"] == {"title": ["Give the community a title."]}
    nul = bob.post("/communities", json={"name": "nul", "title": "T", "rules": "a\x00b"})
    assert nul.status_code == 422 and "rules" in nul.get_json()["error"]["fields"]
    reader = api_as("carol", scope="read")
    assert reader.post("/communities", json={"name": "mine", "title": "Mine"}).status_code == 403
    assert db.session.scalar(select(Community).where(Community.name == "mine")) is None


def test_one_community_shows_the_token_owner_s_membership(api_as, books, content, make_user):
    assert api_as("bob").get("/communities/books").get_json()["membership"] == "none"
    assert api_as("bob").get("/communities/BOOKS").status_code == 200  # as /c/<name>
    content.join(make_user("carol"), books["community"])
    body = api_as("carol").get("/communities/books").get_json()
    assert body["membership"] == "member" and body["can_edit"] is False
    assert body["member_count"] == 2
    assert api_as("bob").get("/communities/nothing").status_code == 404
    assert api_as("bob").get("/communities/" + "x" * 100).status_code == 404


def test_the_directory_sorts_and_pages_like_the_page(api_as, make_user, content, books):
    bob = make_user("bob")
    for index in range(51):
        content.community(bob, f"c{index:02d}", f"C {index}")
    content.join(bob, books["community"])
    reader = api_as("bob")
    by_members = reader.get("/communities").get_json()
    assert by_members["items"][0]["name"] == "books"
    assert by_members["items"][0] == {
        "name": "books",
        "title": "Books",
        "description": "About books.",
        "member_count": 2,
        "post_count": 0,
        "created_at": by_members["items"][0]["created_at"],
        "url": "http://localhost/c/books",
    }
    assert len(by_members["items"]) == 50 and by_members["next"]
    rest = reader.get("/communities", query_string={"cursor": by_members["next"]}).get_json()
    assert len(rest["items"]) == 2 and rest["next"] is None
    by_name = reader.get("/communities", query_string={"sort": "name"}).get_json()
    assert [c["name"] for c in by_name["items"][:2]] == ["books", "c00"]
    newest = reader.get("/communities", query_string={"sort": "new"}).get_json()
    assert newest["items"][0]["name"] == "c50"
    bad = reader.get("/communities", query_string={"sort": "best"})
    assert bad.status_code == 422 and "sort" in bad.get_json()["error"]["fields"]


def test_the_directory_costs_the_same_statements_for_2_or_20(
    api_as, make_user, content, count_statements
):
    owner = make_user("owner")
    reader = api_as("owner")
    reader.get("/me")  # the token's first use writes its last_used_at
    for index in range(2):
        content.community(owner, f"a{index:02d}", f"A {index}")
    with count_statements() as few:
        assert len(reader.get("/communities").get_json()["items"]) == 2
    for index in range(18):
        content.community(owner, f"b{index:02d}", f"B {index}")
    with count_statements() as many:
        assert len(reader.get("/communities").get_json()["items"]) == 20
    assert few.count == many.count, many.statements


def test_moderators_edit_and_others_are_refused(api_as, books, content, make_user):
    alice = api_as("alice")
    response = alice.patch(
        "/communities/books", json={"title": "Books and reading", "rules": "No spoilers."}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["description"], body["rules"]) == (
        "Books and reading",
        "About books.",  # not sent: unchanged
        "No spoilers.",
    )
    content.join(make_user("bob"), books["community"])
    refused = api_as("bob").patch("/communities/books", json={"title": "Mine"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Only this community's moderators can do that."
    assert api_as("alice", scope="read").patch("/communities/books", json={}).status_code == 403
    assert alice.patch("/communities/nothing", json={}).status_code == 404
    too_long = alice.patch("/communities/books", json={"description": "x" * 5001})
    assert too_long.status_code == 422 and "description" in too_long.get_json()["error"]["fields"]
    blank = alice.patch("/communities/books", json={"title": "\u200b "})
    assert blank.status_code == 422
    assert blank.get_json()["error"]["fields"] == {
        "title": ["A name needs letters, digits or symbols you can see."]
    }
    renamed = alice.patch("/communities/books", json={"name": "other"})
    assert renamed.status_code == 422
    assert renamed.get_json()["error"]["fields"] == {"name": ["This field is not known."]}
    assert db.session.get(Community, books["community"]).title == "Books and reading"


def test_join_twice_is_once_and_leave_answers_the_new_state(api_as, books):
    bob = api_as("bob")
    for _ in range(2):
        response = bob.put("/communities/books/membership")
        assert response.status_code == 200
        assert response.get_json() == {"membership": "member", "members": 2}
    response = bob.delete("/communities/books/membership")
    assert response.status_code == 200
    assert response.get_json() == {"membership": "none", "members": 1}
    again = bob.delete("/communities/books/membership")
    assert again.get_json() == {"membership": "none", "members": 1}
    assert bob.put("/communities/nothing/membership").status_code == 404
    assert bob.delete("/communities/nothing/membership").status_code == 404
    reader = api_as("bob", scope="read")
    assert reader.put("/communities/books/membership").status_code == 403


def test_the_owner_cannot_leave(api_as, books):
    response = api_as("alice").delete("/communities/books/membership")
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == "Owners cannot leave their own community."
    membership = db.session.get(Membership, (books["alice"], books["community"]))
    assert membership is not None and membership.role == "owner"


def test_someone_banned_from_the_community_cannot_join(app, api_as, books, make_user):
    carol = make_user("carol")
    with app.test_request_context(), unit_of_work():
        bans.ban_from_community(
            db.session.get(User, books["alice"]),
            db.session.get(Community, books["community"]),
            db.session.get(User, carol),
            "Spam",
            utc_now() + timedelta(days=3),
        )
    response = api_as("carol").put("/communities/books/membership")
    assert response.status_code == 403
    assert response.get_json()["error"]["message"].startswith(
        "You are banned from this community until"
    )
    assert db.session.get(Membership, (carol, books["community"])) is None


def test_members_are_pages_of_people_with_roles(api_as, books, content, make_user):
    ids = [make_user(f"m{index:02d}") for index in range(51)]
    for user_id in ids:
        content.join(user_id, books["community"])
    reader = api_as("alice")
    first = reader.get("/communities/books/members").get_json()
    assert len(first["items"]) == 50 and first["next"]
    assert first["items"][0]["person"]["username"] == "m50"
    assert set(first["items"][0]) == {"person", "role", "joined_at"}
    rest = reader.get("/communities/books/members", query_string={"cursor": first["next"]})
    last = rest.get_json()
    assert last["next"] is None
    assert last["items"][-1] == {
        "person": _alice_ref(),
        "role": "owner",
        "joined_at": last["items"][-1]["joined_at"],
    }
    assert reader.get("/communities/nothing/members").status_code == 404


def test_members_cost_the_same_statements_for_2_or_20(
    api_as, books, content, make_user, count_statements
):
    reader = api_as("alice")
    reader.get("/me")  # the token's first use writes its last_used_at
    content.join(make_user("first"), books["community"])
    with count_statements() as few:
        assert len(reader.get("/communities/books/members").get_json()["items"]) == 2
    for index in range(18):
        content.join(make_user(f"p{index:02d}"), books["community"])
    with count_statements() as many:
        assert len(reader.get("/communities/books/members").get_json()["items"]) == 20
    assert few.count == many.count, many.statements


def test_no_token_is_401(client, books):
    assert client.get("/api/v1/communities").status_code == 401
    assert client.post("/api/v1/communities", json={"name": "x", "title": "x"}).status_code == 401
