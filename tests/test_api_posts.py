"""The API's posts: publishing (through the post services and the sanitizer), reading
one as its page would show it, editing and deleting one's own."""

from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.models import Community, Post, Tag, User
from webapp.posts import services as post_services
from webapp.sanitize import clean_html
from webapp.unit_of_work import unit_of_work

HOSTILE_BODY = (
    '<p onclick="steal()">Hello <strong>world</strong><script>alert(1)</script></p>'
    '<p><a href="javascript:alert(1)">bad</a> <a href="https://example.org">good</a></p>'
)


@pytest.fixture
def books(make_user, content):
    alice = make_user("alice")
    return {"alice": alice, "community": content.community(alice)}


def new_post(client, **changes):
    body = {"community": "books", "title": "Hello", "body": "<p>Hi</p>", **changes}
    return client.post("/posts", json=body)


def remove(app, moderator_id: int, post_id: int, reason: str = "Spam") -> None:
    with app.test_request_context(), unit_of_work():
        post_services.remove_post(
            db.session.get(User, moderator_id), db.session.get(Post, post_id), reason
        )


def test_a_post_is_published_with_the_sanitizers_html(app, api_as, books, content):
    alice = api_as("alice")
    response = new_post(
        alice,
        title="  A first post  ",
        body=HOSTILE_BODY,
        link="https://example.org/a",
        tags=["Reading", "#Science Fiction", "reading"],
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    with app.test_request_context():
        cleaned = clean_html(HOSTILE_BODY)
    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned
    post_id = body["id"]
    stored = content.reload(Post, post_id)
    assert stored.body_html == cleaned
    assert body["body_html"] == cleaned
    assert body["title"] == "A first post"
    assert body["link"] == "https://example.org/a"
    assert body["tags"] == ["reading", "science-fiction"]
    assert body["community"] == {
        "name": "books",
        "title": "Books",
        "url": "http://localhost/c/books",
    }
    assert body["author"]["username"] == "alice"
    assert (body["score"], body["my_vote"], body["comment_count"]) == (0, 0, 0)
    assert (body["is_removed"], body["is_deleted"], body["removal_reason"]) == (False, False, None)
    assert body["url"] == f"http://localhost/p/{post_id}/a-first-post"
    assert content.reload(Community, books["community"]).post_count == 1
    assert db.session.query(Tag).filter_by(name="reading").one().post_count == 1


def test_plain_text_bodies_become_paragraphs(api_as, books):
    response = new_post(api_as("alice"), body="One <b>\n\nTwo", body_format="text")
    assert response.status_code == 201
    assert response.get_json()["body_html"] == "<p>One &lt;b&gt;</p><p>Two</p>"


def test_publishing_needs_a_write_token_and_a_token(client, api_as, books):
    reader = api_as("alice", scope="read")
    assert new_post(reader).status_code == 403
    response = client.post("/api/v1/posts", json={"community": "books", "title": "x"})
    assert response.status_code == 401
    assert db.session.query(Post).count() == 0


def test_an_unknown_community_is_a_404(api_as, books):
    response = new_post(api_as("alice"), community="nowhere")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "There is no such community."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": None}, "title", "This field cannot be null."),
        ({"title": "x" * 301}, "title", "A title has at most 300 characters."),
        ({"title": "   "}, "title", "Give your post a title."),
        (
            {"link": "javascript:alert(1)"},
            "link",
            "Enter a web address starting with http:// or https://.",
        ),
        ({"tags": ["a", "b", "c", "d", "e", "f"]}, "tags", "Use at most 5 tags."),
        ({"body_format": "markdown"}, "body_format", "This value is not one of those allowed."),
        ({"author": "bob"}, "author", "This field is not known."),
    ],
)
def test_bad_fields_are_422_naming_the_field(api_as, books, changes, field, message):
    response = new_post(api_as("alice"), **changes)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"][field]
    assert db.session.query(Post).count() == 0


def test_a_missing_title_is_named(api_as, books):
    response = api_as("alice").post("/posts", json={"community": "books"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"title": ["This field is required."]}


def test_a_post_reads_as_its_page_shows_it(api_as, books, content):
    post_id = content.post(books["alice"], books["community"], "Readable", "<p>Words</p>", ["x"])
    response = api_as("bob").get(f"/posts/{post_id}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["body_html"], body["tags"]) == ("Readable", "<p>Words</p>", ["x"])
    assert response.headers["ETag"]
    again = api_as("bob").get(
        f"/posts/{post_id}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path", ["/posts/999999", "/posts/99999999999999999999", "/posts/0", "/posts/abc"]
)
def test_missing_posts_are_404_json(api_as, books, path):
    response = api_as("alice").get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_removed_post_shows_its_words_only_to_moderators(app, api_as, books, content, make_user):
    bob = make_user("bob")
    make_user("carol")
    post_id = content.post(bob, books["community"], "Spam spam", "<p>Buy now</p>", ["ads"])
    remove(app, books["alice"], post_id, "Advertising")
    seen = api_as("carol").get(f"/posts/{post_id}").get_json()
    assert (seen["title"], seen["body_html"], seen["link"], seen["tags"]) == (
        "[removed]",
        "",
        None,
        [],
    )
    assert (seen["is_removed"], seen["removal_reason"]) == (True, None)
    author = api_as("bob").get(f"/posts/{post_id}").get_json()
    assert author["title"] == "[removed]"
    moderator = api_as("alice").get(f"/posts/{post_id}").get_json()
    assert (moderator["title"], moderator["body_html"], moderator["tags"]) == (
        "Spam spam",
        "<p>Buy now</p>",
        ["ads"],
    )
    assert moderator["removal_reason"] == "Advertising"


def test_the_author_edits_only_what_is_sent(app, api_as, books, content):
    post_id = content.post(
        books["alice"], books["community"], "Old", "<p>Keep <em>me</em></p>", ["a"]
    )
    alice = api_as("alice")
    response = alice.patch(f"/posts/{post_id}", json={"title": "New title"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["title"], body["body_html"], body["tags"]) == (
        "New title",
        "<p>Keep <em>me</em></p>",
        ["a"],
    )
    assert body["edited_at"] is not None
    response = alice.patch(
        f"/posts/{post_id}",
        json={"body": "<p>New <script>x</script></p>", "tags": ["b"], "link": "https://e.org"},
    )
    body = response.get_json()
    with app.test_request_context():
        cleaned = clean_html("<p>New <script>x</script></p>")
    assert "<script>" not in cleaned
    assert (body["title"], body["body_html"], body["tags"]) == ("New title", cleaned, ["b"])
    assert body["link"] == "https://e.org"
    assert content.reload(Post, post_id).body_html == cleaned
    assert alice.patch(f"/posts/{post_id}", json={"link": None}).get_json()["link"] is None


def test_others_cannot_edit_or_delete_a_post(api_as, books, content):
    post_id = content.post(books["alice"], books["community"], "Mine")
    bob = api_as("bob")
    response = bob.patch(f"/posts/{post_id}", json={"title": "Theirs"})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "Only the author can edit this post."
    response = bob.delete(f"/posts/{post_id}")
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "Only the author can delete this post."
    assert api_as("alice", scope="read").delete(f"/posts/{post_id}").status_code == 403
    assert content.reload(Post, post_id).title == "Mine"
    assert content.reload(Post, post_id).deleted_at is None


def test_editing_is_checked_like_creating(api_as, books, content):
    post_id = content.post(books["alice"], books["community"], "Mine")
    alice = api_as("alice")
    response = alice.patch(f"/posts/{post_id}", json={"title": ""})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"title": ["Give your post a title."]}
    assert alice.patch("/posts/424242", json={"title": "x"}).status_code == 404


def test_the_author_deletes_a_post_and_it_keeps_its_place(api_as, books, content):
    post_id = content.post(books["alice"], books["community"], "Going away")
    alice = api_as("alice")
    response = alice.delete(f"/posts/{post_id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    body = alice.get(f"/posts/{post_id}").get_json()
    assert (body["title"], body["author"], body["is_deleted"]) == ("[deleted]", None, True)
    assert content.reload(Community, books["community"]).post_count == 0
    assert alice.delete(f"/posts/{post_id}").status_code == 403
    assert alice.delete("/posts/424242").status_code == 404


def test_a_body_too_long_once_cleaned_is_named(api_as, books):
    response = new_post(api_as("alice"), body="word " * 9000, body_format="text")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "body": ["The text is too long: at most 40,000 characters."]
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " " * 10 + "x" * 295}, "title", "A title has at most 300 characters."),
        ({"tags": ["", "", "", "", "", ""]}, "tags", "Use at most 5 tags."),
        ({"link": " " * 1990 + "https://example.org"}, "link", "That link is too long."),
    ],
)
def test_the_stated_limits_hold_for_what_was_sent(api_as, books, changes, field, message):
    """The spec's maxLength and maxItems count what is sent, before any stripping."""
    response = new_post(api_as("alice"), **changes)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: [message]}
