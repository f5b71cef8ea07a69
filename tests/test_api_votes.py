"""The API's votes on posts and comments: up, down, clear, with the votes service's
rules (not on what you wrote: 403; not on removed or deleted things: 409)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Comment, CommentVote, Post, PostVote


@pytest.fixture
def thread(make_user, content):
    alice = make_user("alice")
    make_user("bob")
    community = content.community(alice)
    post = content.post(alice, community, "Vote on me")
    comment = content.comment(alice, post)
    return {"alice": alice, "post": post, "comment": comment}


def counts(model, vote_model, key, item_id) -> tuple[int, int, int, int]:
    db.session.expire_all()
    item = db.session.get(model, item_id)
    total = db.session.scalar(
        select(func.coalesce(func.sum(vote_model.value), 0)).where(key == item_id)
    )
    return item.score, item.upvotes, item.downvotes, total


def post_counts(post_id):
    return counts(Post, PostVote, PostVote.post_id, post_id)


def comment_counts(comment_id):
    return counts(Comment, CommentVote, CommentVote.comment_id, comment_id)


def test_voting_a_post_up_down_and_clear(api_as, thread):
    bob = api_as("bob")
    path = f"/posts/{thread['post']}/vote"
    response = bob.put(path, json={"value": 1})
    assert response.status_code == 200
    assert response.get_json() == {"score": 1, "upvotes": 1, "downvotes": 0, "my_vote": 1}
    assert bob.put(path, json={"value": 1}).get_json()["score"] == 1  # the same vote again
    assert bob.put(path, json={"value": -1}).get_json() == {
        "score": -1,
        "upvotes": 0,
        "downvotes": 1,
        "my_vote": -1,
    }
    assert post_counts(thread["post"]) == (-1, 0, 1, -1)
    assert bob.get(f"/posts/{thread['post']}").get_json()["my_vote"] == -1
    assert bob.put(path, json={"value": 0}).get_json() == {
        "score": 0,
        "upvotes": 0,
        "downvotes": 0,
        "my_vote": 0,
    }
    bob.put(path, json={"value": 1})
    response = bob.delete(path)
    assert response.status_code == 200
    assert response.get_json()["my_vote"] == 0
    assert post_counts(thread["post"]) == (0, 0, 0, 0)


def test_voting_a_comment_up_down_and_clear(api_as, thread):
    bob = api_as("bob")
    path = f"/comments/{thread['comment']}/vote"
    assert bob.put(path, json={"value": -1}).get_json() == {
        "score": -1,
        "upvotes": 0,
        "downvotes": 1,
        "my_vote": -1,
    }
    assert comment_counts(thread["comment"]) == (-1, 0, 1, -1)
    assert bob.delete(path).get_json()["score"] == 0
    assert comment_counts(thread["comment"]) == (0, 0, 0, 0)


@pytest.mark.parametrize("kind", ["posts", "comments"])
def test_nobody_votes_on_what_they_wrote(api_as, thread, kind):
    item = thread["post"] if kind == "posts" else thread["comment"]
    response = api_as("alice").put(f"/{kind}/{item}/vote", json={"value": 1})
    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "code": "forbidden",
        "message": "You cannot vote on what you wrote.",
        "fields": {},
    }
    assert post_counts(thread["post"]) == (0, 0, 0, 0)


def test_removed_or_deleted_things_take_no_votes(api_as, thread):
    post = db.session.get(Post, thread["post"])
    post.deleted_at = post.created_at
    db.session.commit()
    bob = api_as("bob")
    for path in (f"/posts/{thread['post']}/vote", f"/comments/{thread['comment']}/vote"):
        response = bob.put(path, json={"value": 1})
        assert response.status_code == 409
        assert response.get_json()["error"]["message"] == "This can no longer be voted on."
    assert post_counts(thread["post"]) == (0, 0, 0, 0)
    assert comment_counts(thread["comment"]) == (0, 0, 0, 0)


@pytest.mark.parametrize("value", [2, -2, "1", 1.5, None, True])
def test_a_vote_is_minus_one_zero_or_one(api_as, thread, value):
    response = api_as("bob").put(f"/posts/{thread['post']}/vote", json={"value": value})
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["value"]


def test_a_vote_needs_a_value(api_as, thread):
    response = api_as("bob").put(f"/posts/{thread['post']}/vote", json={})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"value": ["This field is required."]}


@pytest.mark.parametrize(
    "path", ["/posts/424242/vote", "/comments/424242/vote", "/posts/99999999999/vote"]
)
def test_voting_on_nothing_is_a_404(api_as, thread, path):
    bob = api_as("bob")
    assert bob.put(path, json={"value": 1}).status_code == 404
    assert bob.delete(path).status_code == 404


def test_votes_need_a_write_token(client, api_as, thread):
    reader = api_as("bob", scope="read")
    path = f"/posts/{thread['post']}/vote"
    assert reader.put(path, json={"value": 1}).status_code == 403
    assert reader.delete(path).status_code == 403
    assert client.put("/api/v1" + path, json={"value": 1}).status_code == 401
    assert post_counts(thread["post"]) == (0, 0, 0, 0)
