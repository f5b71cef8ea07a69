"""/api/v1/people: profiles, a person's comments, following, followers and following."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Follow, Post, User, utc_now
from webapp.posts import services as post_services
from webapp.unit_of_work import unit_of_work

CLEANED = "<p>Bob <strong>replies</strong> <a>here</a></p>"


@pytest.fixture
def people(make_user, content):
    alice, bob = make_user("Alice"), make_user("bob")
    community = content.community(alice)
    post = content.post(alice, community, "Alice writes")
    comment = content.comment(
        bob,
        post,
        body='<p>Bob <strong>replies</strong> <a href="javascript:x()" onclick="y">here</a></p>',
    )
    return {"alice": alice, "bob": bob, "community": community, "post": post, "comment": comment}


def _stored(app, write) -> None:
    with app.test_request_context(), unit_of_work():
        write()


def test_a_profile_is_what_the_page_shows(api_as, people):
    bob = api_as("bob")
    assert bob.put("/people/Alice/follow").status_code == 200
    response = bob.get("/people/alice")  # any case, as /u/<username> finds people
    assert response.status_code == 200
    body = response.get_json()
    joined = body.pop("joined_at")
    assert joined.endswith("+00:00")
    assert body == {
        "username": "Alice",
        "name": "Alice",
        "display_name": "",
        "first_name": "",
        "last_name": "",
        "bio_html": "",
        "website": "",
        "avatar_url": "http://localhost/u/alice/avatar.svg",
        "karma": 0,
        "post_count": 1,
        "comment_count": 0,
        "follower_count": 1,
        "following_count": 0,
        "following": True,
        "is_self": False,
        "url": "http://localhost/u/Alice",
    }
    me = api_as("Alice").get("/people/Alice").get_json()
    assert me["following"] is False and me["is_self"] is True


def test_an_unknown_person_is_a_json_404_and_no_token_is_401(api_as, client, people):
    response = api_as("bob").get("/people/nobody_here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert api_as("bob").get("/people/" + "x" * 300).status_code == 404
    assert client.get("/api/v1/people/Alice").status_code == 401


def test_a_banned_person_s_profile_shows_as_on_the_page(api_as, client, people, db_session):
    user = db_session.get(User, people["alice"])
    user.banned_at = utc_now()
    db_session.commit()
    # The profile page still shows them: so does the API.
    assert client.get("/u/Alice").status_code == 200
    assert api_as("bob").get("/people/Alice").status_code == 200


def test_follow_twice_is_once_and_unfollow_answers_the_new_state(api_as, people):
    bob = api_as("bob")
    for _ in range(2):
        response = bob.put("/people/Alice/follow")
        assert response.status_code == 200
        assert response.get_json() == {"following": True, "followers": 1}
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 1
    response = bob.delete("/people/Alice/follow")
    assert response.status_code == 200
    assert response.get_json() == {"following": False, "followers": 0}
    assert bob.delete("/people/Alice/follow").get_json() == {"following": False, "followers": 0}


def test_following_yourself_is_refused_with_the_site_s_message(api_as, people):
    response = api_as("bob").put("/people/BOB/follow")
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "You cannot follow yourself."


def test_a_read_token_cannot_follow_and_unknown_people_are_404(api_as, people):
    reader = api_as("bob", scope="read")
    assert reader.put("/people/Alice/follow").status_code == 403
    assert reader.delete("/people/Alice/follow").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0
    assert api_as("bob").put("/people/nobody_here/follow").status_code == 404
    assert api_as("bob").delete("/people/nobody_here/follow").status_code == 404


def test_a_person_s_comments_carry_their_post_and_cleaned_html(api_as, people):
    response = api_as("Alice").get("/people/bob/comments")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None
    [item] = body["items"]
    assert item["id"] == people["comment"]
    assert item["body_html"] == CLEANED
    assert item["author"]["username"] == "bob"
    assert item["my_vote"] == 0
    assert item["post_id"] == people["post"]
    assert item["post"] == {
        "id": people["post"],
        "title": "Alice writes",
        "url": f"http://localhost/p/{people['post']}/alice-writes#comment-{people['comment']}",
    }


def test_the_post_of_a_comment_is_hidden_where_the_page_hides_it(app, api_as, people, make_user):
    make_user("carol")

    def delete():
        post = db.session.get(Post, people["post"])
        post_services.delete_post(db.session.get(User, people["alice"]), post)

    _stored(app, delete)
    [item] = api_as("carol").get("/people/bob/comments").get_json()["items"]
    assert item["post"] is None and item["post_id"] is None
    assert item["body_html"] == CLEANED


def test_a_removed_post_is_named_to_its_moderators_only(app, api_as, people, make_user):
    make_user("carol")

    def remove():
        post = db.session.get(Post, people["post"])
        post_services.remove_post(db.session.get(User, people["alice"]), post, "Off topic")

    _stored(app, remove)
    [hidden] = api_as("carol").get("/people/bob/comments").get_json()["items"]
    assert hidden["post"] is None
    [shown] = api_as("Alice").get("/people/bob/comments").get_json()["items"]
    assert shown["post"]["title"] == "Alice writes"


def test_comments_are_paged_with_cursors_in_constant_statements(
    api_as, people, content, count_statements
):
    alice = api_as("Alice")
    for index in range(54):
        content.comment(people["bob"], people["post"], body=f"<p>More {index}</p>")
    first = alice.get("/people/bob/comments").get_json()
    assert len(first["items"]) == 50 and first["next"]
    second = alice.get("/people/bob/comments", query_string={"cursor": first["next"]}).get_json()
    assert len(second["items"]) == 5 and second["next"] is None
    seen = {item["id"] for item in first["items"] + second["items"]}
    assert len(seen) == 55
    with count_statements() as many:
        alice.get("/people/bob/comments")
    with count_statements() as few:
        alice.get("/people/bob/comments", query_string={"cursor": first["next"]})
    assert many.count == few.count, many.statements


def test_comments_of_an_unknown_person_404_and_a_bad_cursor_is_the_first_page(api_as, people):
    bob = api_as("bob")
    assert bob.get("/people/nobody_here/comments").status_code == 404
    page = bob.get("/people/bob/comments", query_string={"cursor": "forged"}).get_json()
    assert len(page["items"]) == 1
    too_long = bob.get("/people/bob/comments", query_string={"cursor": "x" * 300})
    assert too_long.status_code == 422
    assert "cursor" in too_long.get_json()["error"]["fields"]


def test_followers_and_following_are_pages_of_people(api_as, people, make_user):
    make_user("carol")
    for name in ("bob", "carol"):
        api_as(name).put("/people/Alice/follow")
    followers = api_as("bob").get("/people/Alice/followers")
    assert followers.status_code == 200
    assert followers.get_json() == {
        "items": [
            {"username": "carol", "name": "carol", "url": "http://localhost/u/carol"},
            {"username": "bob", "name": "bob", "url": "http://localhost/u/bob"},
        ],
        "next": None,
    }
    following = api_as("bob").get("/people/bob/following").get_json()
    assert [person["username"] for person in following["items"]] == ["Alice"]
    assert api_as("bob").get("/people/nobody_here/followers").status_code == 404
    assert api_as("bob").get("/people/nobody_here/following").status_code == 404


def test_followers_pages_follow_next_in_constant_statements(
    app, api_as, make_user, count_statements
):
    target = make_user("target")
    ids = [make_user(f"fan{index:02d}") for index in range(52)]
    with app.test_request_context(), unit_of_work():
        for user_id in ids:
            db.session.add(Follow(follower_id=user_id, followed_id=target))
    reader = api_as("target")
    first = reader.get("/people/target/followers").get_json()
    assert len(first["items"]) == 50 and first["next"]
    second = reader.get("/people/target/followers", query_string={"cursor": first["next"]})
    names = [p["username"] for p in first["items"] + second.get_json()["items"]]
    assert sorted(names) == sorted(f"fan{index:02d}" for index in range(52))
    with count_statements() as many:
        reader.get("/people/target/followers")
    with count_statements() as few:
        reader.get("/people/target/followers", query_string={"cursor": first["next"]})
    assert many.count == few.count, many.statements
