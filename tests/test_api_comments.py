"""The API's comments: a post's thread a page at a time (replies nested), one comment,
commenting and replying, editing and deleting, through the same services as the pages."""

from __future__ import annotations

import pytest

from webapp.comments.queries import MAX_VISIBLE_DEPTH
from webapp.extensions import db
from webapp.models import Comment, Post, User
from webapp.posts import services as post_services
from webapp.unit_of_work import unit_of_work
from webapp.votes import services as vote_services


@pytest.fixture
def talk(make_user, content):
    alice, bob = make_user("alice"), make_user("bob")
    community = content.community(alice)
    post_id = content.post(alice, community, "Talk")
    return {"alice": alice, "bob": bob, "community": community, "post": post_id}


def _lock(app, user_id: int, post_id: int) -> None:
    with app.test_request_context(), unit_of_work():
        post_services.set_locked(db.session.get(User, user_id), db.session.get(Post, post_id), True)


def test_commenting_returns_201_with_exactly_the_cleaned_html(api_as, talk, content):
    bob = api_as("bob")
    sent = '<p>Hi <strong>there</strong><script>alert(1)</script> <a href="https://x.org">x</a></p>'
    response = bob.post(f"/posts/{talk['post']}/comments", json={"body": sent})
    assert response.status_code == 201
    body = response.get_json()
    stored = content.reload(Comment, body["id"])
    assert "<script" not in stored.body_html
    assert body["body_html"] == stored.body_html
    assert body["body_html"] == (
        "<p>Hi <strong>there</strong>alert(1) "
        '<a href="https://x.org" rel="nofollow ugc noopener">x</a></p>'
    )
    assert body["author"]["username"] == "bob"
    assert body["parent_id"] is None and body["depth"] == 0 and body["my_vote"] == 0
    assert body["post_id"] == talk["post"]
    assert content.reload(Post, talk["post"]).comment_count == 1


def test_plain_text_becomes_paragraphs(api_as, talk):
    response = api_as("bob").post(
        f"/posts/{talk['post']}/comments",
        json={"body": "one <b>\n\ntwo", "body_format": "text"},
    )
    assert response.status_code == 201
    assert response.get_json()["body_html"] == "<p>one &lt;b&gt;</p><p>two</p>"


def test_replying_nests_under_the_parent(api_as, talk, content):
    top = content.comment(talk["alice"], talk["post"])
    response = api_as("bob").post(
        f"/posts/{talk['post']}/comments", json={"body": "<p>Reply</p>", "parent_id": top}
    )
    assert response.status_code == 201
    assert response.get_json()["parent_id"] == top
    assert response.get_json()["depth"] == 1


def test_a_parent_of_another_post_is_422_and_a_deleted_one_409(api_as, talk, content):
    other = content.post(talk["alice"], talk["community"], "Other")
    elsewhere = content.comment(talk["alice"], other)
    bob = api_as("bob")
    response = bob.post(
        f"/posts/{talk['post']}/comments", json={"body": "x", "parent_id": elsewhere}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "That comment is not part of this post."

    top = content.comment(talk["alice"], talk["post"])
    assert api_as("alice").delete(f"/comments/{top}").status_code == 204
    response = bob.post(f"/posts/{talk['post']}/comments", json={"body": "x", "parent_id": top})
    assert response.status_code == 409


def test_a_locked_post_takes_no_comments(app, api_as, talk):
    _lock(app, talk["alice"], talk["post"])
    response = api_as("bob").post(f"/posts/{talk['post']}/comments", json={"body": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"] == {
        "code": "forbidden",
        "message": "This post is locked: it takes no new comments.",
        "fields": {},
    }


def test_comment_input_errors(api_as, talk):
    bob = api_as("bob")
    path = f"/posts/{talk['post']}/comments"
    missing = bob.post(path, json={})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"] == {"body": ["This field is required."]}
    assert bob.post(path, json={"body": "x", "body_format": "pdf"}).status_code == 422
    assert bob.post(path, json={"body": "a\x00b"}).status_code == 422
    assert bob.post(path, json={"body": "x", "parent_id": 2**40}).status_code == 422
    # Only markup and no words: the service's rule, on the body field.
    empty = bob.post(path, json={"body": "<p> </p>"})
    assert empty.status_code == 422
    assert empty.get_json()["error"]["fields"] == {"body": ["Write something before sending."]}


def test_unknown_posts_and_comments_are_404(api_as):
    alice = api_as("alice")
    for response in (
        alice.get("/posts/999/comments"),
        alice.get("/posts/99999999999/comments"),
        alice.post("/posts/999/comments", json={"body": "x"}),
        alice.get("/comments/999"),
        alice.patch("/comments/999", json={"body": "x"}),
        alice.delete("/comments/999"),
    ):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_no_token_is_401_and_a_read_token_cannot_write(client, api_as, talk, content):
    top = content.comment(talk["alice"], talk["post"])
    assert client.get(f"/api/v1/posts/{talk['post']}/comments").status_code == 401
    reader = api_as("bob", scope="read")
    assert reader.get(f"/posts/{talk['post']}/comments").status_code == 200
    assert reader.post(f"/posts/{talk['post']}/comments", json={"body": "x"}).status_code == 403
    assert reader.patch(f"/comments/{top}", json={"body": "x"}).status_code == 403
    assert reader.delete(f"/comments/{top}").status_code == 403


def test_the_thread_nests_replies_with_counts_and_my_votes(app, api_as, talk, content):
    first = content.comment(talk["alice"], talk["post"], body="<p>First</p>")
    reply = content.comment(talk["bob"], talk["post"], parent_id=first, body="<p>Reply</p>")
    content.comment(talk["alice"], talk["post"], parent_id=reply, body="<p>Deeper</p>")
    with app.test_request_context(), unit_of_work():
        vote_services.vote_on_comment(
            db.session.get(User, talk["bob"]), db.session.get(Comment, first), 1
        )
    response = api_as("bob").get(f"/posts/{talk['post']}/comments")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None and body["truncated"] is False
    [top] = body["items"]
    assert top["id"] == first and top["body_html"] == "<p>First</p>"
    assert top["my_vote"] == 1 and top["score"] == 1
    assert top["reply_count"] == 2 and top["more_replies"] == 0
    [child] = top["replies"]
    assert child["id"] == reply and child["my_vote"] == 0 and child["reply_count"] == 1
    assert child["replies"][0]["body_html"] == "<p>Deeper</p>"
    assert child["replies"][0]["replies"] == []


def test_replies_beyond_the_visible_depth_are_counted_not_shown(api_as, talk, content):
    parent = None
    ids = []
    for _ in range(MAX_VISIBLE_DEPTH + 1):
        parent = content.comment(talk["alice"], talk["post"], parent_id=parent)
        ids.append(parent)
    body = api_as("bob").get(f"/posts/{talk['post']}/comments").get_json()
    node = body["items"][0]
    for _ in range(MAX_VISIBLE_DEPTH - 1):
        [node] = node["replies"]
    assert node["id"] == ids[MAX_VISIBLE_DEPTH - 1]
    assert node["replies"] == [] and node["more_replies"] == 1
    # The deepest one shown opens the rest, as "Continue this thread" does.
    branch = api_as("bob").get(f"/comments/{node['id']}").get_json()
    assert branch["replies"][0]["id"] == ids[MAX_VISIBLE_DEPTH]


def test_top_level_comments_are_paged_with_cursors_in_each_sort(api_as, talk, content):
    ids = [content.comment(talk["alice"], talk["post"], body=f"<p>{n}</p>") for n in range(25)]
    bob = api_as("bob")
    for sort, expected in (("old", ids), ("new", ids[::-1]), ("best", ids)):
        first = bob.get(f"/posts/{talk['post']}/comments?sort={sort}").get_json()
        assert len(first["items"]) == 20 and first["next"]
        second = bob.get(
            f"/posts/{talk['post']}/comments?sort={sort}&cursor={first['next']}"
        ).get_json()
        assert second["next"] is None
        seen = [item["id"] for item in first["items"] + second["items"]]
        if sort == "best":  # equal scores: newest first, as on the page
            assert sorted(seen) == sorted(expected)
        else:
            assert seen == expected
    # A cursor of one sort means nothing to another: the first page again.
    first = bob.get(f"/posts/{talk['post']}/comments?sort=old").get_json()
    again = bob.get(f"/posts/{talk['post']}/comments?sort=new&cursor={first['next']}").get_json()
    assert again["items"][0]["id"] == ids[-1]
    assert bob.get(f"/posts/{talk['post']}/comments?sort=worst").status_code == 422
    assert bob.get(f"/posts/{talk['post']}/comments?cursor=garbage").status_code == 200


def test_the_best_sort_follows_the_score(app, api_as, talk, content):
    low = content.comment(talk["alice"], talk["post"])
    high = content.comment(talk["alice"], talk["post"])
    with app.test_request_context(), unit_of_work():
        vote_services.vote_on_comment(
            db.session.get(User, talk["bob"]), db.session.get(Comment, high), 1
        )
    items = api_as("bob").get(f"/posts/{talk['post']}/comments").get_json()["items"]
    assert [item["id"] for item in items] == [high, low]
    items = api_as("bob").get(f"/posts/{talk['post']}/comments?sort=old").get_json()["items"]
    assert [item["id"] for item in items] == [low, high]


def test_the_thread_costs_the_same_statements_for_2_or_20_comments(
    api_as, talk, content, count_statements
):
    bob = api_as("bob")
    bob.get("/me")  # the token's last use is written once; not part of the count

    def cost() -> int:
        with count_statements() as counter:
            assert bob.get(f"/posts/{talk['post']}/comments").status_code == 200
        return len(counter.statements)

    for _ in range(2):
        top = content.comment(talk["alice"], talk["post"])
        content.comment(talk["bob"], talk["post"], parent_id=top)
    small = cost()
    for _ in range(18):
        top = content.comment(talk["alice"], talk["post"])
        content.comment(talk["bob"], talk["post"], parent_id=top)
    assert cost() == small


def test_one_comment_with_its_replies_and_an_etag(api_as, talk, content):
    top = content.comment(talk["alice"], talk["post"], body="<p>Top</p>")
    content.comment(talk["bob"], talk["post"], parent_id=top, body="<p>R</p>")
    bob = api_as("bob")
    response = bob.get(f"/comments/{top}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == top and body["reply_count"] == 1
    assert body["replies"][0]["body_html"] == "<p>R</p>"
    again = bob.get(f"/comments/{top}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_authors_edit_their_comments_and_others_get_403(api_as, talk, content):
    top = content.comment(talk["bob"], talk["post"], body="<p>Old</p>")
    response = api_as("bob").patch(
        f"/comments/{top}", json={"body": "<p>New <em>text</em><img src=x onerror=y></p>"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["body_html"] == "<p>New <em>text</em></p>"
    assert body["edited_at"] is not None
    assert content.reload(Comment, top).body_html == "<p>New <em>text</em></p>"

    refused = api_as("alice").patch(f"/comments/{top}", json={"body": "mine now"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Only the author can edit this comment."
    assert content.reload(Comment, top).body_html == "<p>New <em>text</em></p>"


def test_a_locked_discussion_cannot_be_edited(app, api_as, talk, content):
    top = content.comment(talk["bob"], talk["post"])
    _lock(app, talk["alice"], talk["post"])
    response = api_as("bob").patch(f"/comments/{top}", json={"body": "x"})
    assert response.status_code == 409


def test_deleting_keeps_the_place_as_deleted(api_as, talk, content):
    top = content.comment(talk["bob"], talk["post"], body="<p>Secret</p>")
    content.comment(talk["alice"], talk["post"], parent_id=top, body="<p>Answer</p>")
    assert api_as("alice").delete(f"/comments/{top}").status_code == 403
    response = api_as("bob").delete(f"/comments/{top}")
    assert response.status_code == 204 and response.get_data() == b""
    assert content.reload(Post, talk["post"]).comment_count == 1
    body = api_as("alice").get(f"/comments/{top}").get_json()
    assert body["body_html"] == "[deleted]" and body["author"] is None
    assert body["is_deleted"] is True
    assert body["replies"][0]["body_html"] == "<p>Answer</p>"
    # Once is enough: a second delete is refused, and nothing is counted twice.
    assert api_as("bob").delete(f"/comments/{top}").status_code == 403
    assert content.reload(Post, talk["post"]).comment_count == 1
