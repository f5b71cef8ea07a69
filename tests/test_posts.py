"""Posts: writing, reading, editing, deleting and moderating, with every bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Community, ModerationAction, Post, Tag


@pytest.fixture
def books(make_user, content):
    alice = make_user("alice")
    return {"alice": alice, "community": content.community(alice, "books")}


def write(client, **fields):
    data = {
        "title": "Hello world",
        "body": "",
        "body_format": "text",
        "url": "",
        "tags": "",
        **fields,
    }
    return submit(client, "/c/books/submit", data)


def test_rich_post_is_cleaned_published_and_counted(client, auth, books, content):
    auth.login("alice")
    response = write(
        client,
        title="My favourite novels",
        body='<p><strong>Bold</strong> and <a href="https://example.org">a link</a></p>'
        "<ul><li>one</li><li>two</li></ul><script>alert(1)</script>"
        '<img src="x" onerror="alert(1)">',
        body_format="html",
        url="https://example.org/article",
        tags="Books, Sci Fi,  #classics",
    )
    assert response.status_code == 303
    post = db.session.scalar(select(Post))
    assert response.headers["Location"] == f"/p/{post.id}/my-favourite-novels"
    assert "<script" not in post.body_html and "onerror" not in post.body_html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">a link</a>' in post.body_html
    assert post.body_text.startswith("Bold and a link")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Bold</strong>" in page and "<li>one</li>" in page
    assert "#sci-fi" in page and "#classics" in page
    assert content.reload(Community, books["community"]).post_count == 1
    assert db.session.scalar(select(Tag.post_count).where(Tag.name == "books")) == 1


def test_plain_text_post_becomes_escaped_paragraphs(client, auth, books):
    auth.login("alice")
    write(client, body="First <b>line</b>\nsecond line\n\nNew paragraph")
    post = db.session.scalar(select(Post))
    assert post.body_html == (
        "<p>First &lt;b&gt;line&lt;/b&gt;<br>second line</p><p>New paragraph</p>"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Give your post a title."),
        ({"title": "x" * 301}, "A title has at most 300 characters."),
        ({"tags": "a, b, c, d, e, f"}, "Use at most 5 tags."),
        ({"tags": "x" * 31}, "A tag has at most 30 characters."),
        ({"url": "javascript:alert(1)"}, "Enter a web address starting with http:// or https://."),
        ({"url": "ftp://example.org/file"}, "Enter a web address starting with http://"),
        ({"url": "https://"}, "Enter a web address starting with http://"),
        ({"body": "word " * 8001}, "The text is too long: at most 40,000 characters."),
    ],
)
def test_bad_post_input_gets_a_message_and_keeps_the_typing(client, auth, books, fields, message):
    auth.login("alice")
    response = write(client, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[-2000:]
    assert message in html
    if fields.get("title", "Hello world"):
        assert 'value="Hello world"' in html or fields["title"][:50] in html
    assert db.session.scalar(select(Post)) is None


def test_a_body_of_only_unsafe_markup_is_stored_empty(client, auth, books):
    auth.login("alice")
    write(client, body="<script>alert(1)</script><iframe src=x></iframe>", body_format="html")
    post = db.session.scalar(select(Post))
    assert post.body_html == "alert(1)" or "<" not in post.body_html


def test_short_link_and_wrong_slug_redirect_to_the_canonical_address(client, books, content):
    post_id = content.post(books["alice"], books["community"], "Ünïcode & Friends!")
    canonical = f"/p/{post_id}/ünïcode-friends"
    assert (
        client.get(f"/p/{post_id}").headers["Location"].endswith("/%C3%BCn%C3%AFcode-friends")
        or client.get(f"/p/{post_id}").headers["Location"] == canonical
    )
    assert client.get(f"/p/{post_id}/wrong").status_code == 301
    assert client.get("/p/999999").status_code == 404


def test_only_the_author_edits_and_the_page_says_edited(client, auth, books, content, make_user):
    post_id = content.post(books["alice"], books["community"], "Original", tags=["one"])
    make_user("bob")
    auth.login("bob")
    assert client.get(f"/p/{post_id}/edit").status_code == 403
    auth.logout()
    auth.login("alice")
    form = client.get(f"/p/{post_id}/edit").get_data(as_text=True)
    assert "&lt;p&gt;Body&lt;/p&gt;" in form  # the stored HTML comes back to the editor
    response = submit(
        client,
        f"/p/{post_id}/edit",
        {
            "title": "Changed",
            "body": "<p><em>new</em></p>",
            "body_format": "html",
            "url": "",
            "tags": "two",
        },
    )
    assert response.status_code == 303
    post = content.reload(Post, post_id)
    assert post.title == "Changed" and post.edited_at is not None
    counts = dict(db.session.execute(select(Tag.name, Tag.post_count)).all())
    assert counts == {"one": 0, "two": 1}
    assert "edited" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_author_deletes_and_the_discussion_stays(client, auth, books, content, make_user):
    post_id = content.post(books["alice"], books["community"], "Going away")
    bob = make_user("bob")
    content.comment(bob, post_id, body="<p>A reply that stays</p>")
    auth.login("alice")
    response = submit(client, "/", {}, post_url=f"/p/{post_id}/delete")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "[deleted]" in page and "Going away" not in page and "A reply that stays" in page
    assert content.reload(Community, books["community"]).post_count == 0
    assert "Going away" not in client.get("/").get_data(as_text=True)


def test_others_cannot_delete_a_post(client, auth, books, content, make_user):
    post_id = content.post(books["alice"], books["community"])
    make_user("bob")
    auth.login("bob")
    assert submit(client, "/", {}, post_url=f"/p/{post_id}/delete").status_code == 403


def test_moderator_removes_with_a_logged_reason_and_can_restore(
    client, auth, books, content, make_user
):
    bob = make_user("bob")
    post_id = content.post(bob, books["community"], "Spam spam")
    auth.login("alice")
    response = submit(client, "/", {"reason": "Advertising"}, post_url=f"/p/{post_id}/remove")
    assert response.status_code == 303
    post = content.reload(Post, post_id)
    assert post.removed_at is not None and post.removal_reason == "Advertising"
    entry = db.session.scalar(select(ModerationAction))
    assert (entry.action, entry.reason, entry.target_id) == ("remove_post", "Advertising", post_id)
    assert content.reload(Community, books["community"]).post_count == 0
    auth.logout()
    removed_page = client.get(f"/p/{post_id}/spam-spam").get_data(as_text=True)
    assert "[removed]" in removed_page and "Spam spam" not in removed_page
    assert client.get(f"/p/{post_id}").headers["Location"] == f"/p/{post_id}/removed"
    auth.login("alice")
    submit(client, "/", {}, post_url=f"/p/{post_id}/restore")
    assert content.reload(Post, post_id).removed_at is None
    assert content.reload(Community, books["community"]).post_count == 1


def test_removal_needs_a_reason_and_a_moderator(client, auth, books, content, make_user):
    bob = make_user("bob")
    post_id = content.post(books["alice"], books["community"])
    auth.login("alice")
    submit(client, "/", {"reason": ""}, post_url=f"/p/{post_id}/remove")
    assert content.reload(Post, post_id).removed_at is None
    auth.logout()
    content.join(bob, books["community"])
    auth.login("bob")
    assert submit(client, "/", {"reason": "x"}, post_url=f"/p/{post_id}/remove").status_code == 403
    assert submit(client, "/", {"pinned": "1"}, post_url=f"/p/{post_id}/pin").status_code == 403


def test_pinned_posts_lead_the_community_page(client, auth, books, content):
    first = content.post(books["alice"], books["community"], "Old but pinned")
    content.post(books["alice"], books["community"], "Newer post")
    auth.login("alice")
    submit(client, "/", {"pinned": "1"}, post_url=f"/p/{first}/pin")
    page = client.get("/c/books").get_data(as_text=True)
    assert page.index("Old but pinned") < page.index("Newer post")
    assert page.count("Old but pinned") == 1


def test_locked_post_takes_no_new_comments(client, auth, books, content):
    post_id = content.post(books["alice"], books["community"], "Locked")
    auth.login("alice")
    submit(client, "/", {"locked": "1"}, post_url=f"/p/{post_id}/lock")
    page = client.get(f"/p/{post_id}/locked").get_data(as_text=True)
    assert "This post is locked" in page
    response = submit(
        client,
        f"/p/{post_id}/locked",
        {"body": "Sneaky"},
        post_url=f"/p/{post_id}/comments",
        follow_redirects=True,
    )
    assert "This post is locked: it takes no new comments." in response.get_data(as_text=True)
    assert content.reload(Post, post_id).comment_count == 0


def test_post_page_loads_in_a_constant_number_of_statements(
    client, books, content, make_user, count_statements
):
    post_id = content.post(books["alice"], books["community"], "Busy thread")
    bob = make_user("bob")
    parent = None
    for index in range(60):
        parent = content.comment(bob, post_id, parent if index % 3 else None)
    client.get(f"/p/{post_id}/busy-thread")
    with count_statements() as counter:
        response = client.get(f"/p/{post_id}/busy-thread")
    assert response.status_code == 200
    # post (with author, community, tags), moderators, author's numbers, and the page of
    # the thread in two: which comments (top-level page with subtree sizes), then them
    assert counter.count <= 5, counter.statements


def test_editing_without_javascript_keeps_formatting_when_the_text_is_unchanged(
    client, auth, books, content
):
    rich = "<p><strong>Bold</strong> words</p><ul><li>one</li></ul>"
    post_id = content.post(books["alice"], books["community"], "Rich", body=rich)
    auth.login("alice")
    form = client.get(f"/p/{post_id}/edit").get_data(as_text=True)
    assert "Bold words\n\none</textarea>" in form.replace("\r", "")
    fields = {
        "title": "Rich, retitled",
        "body": "Bold words\n\none",
        "body_format": "text",
        "url": "",
        "tags": "",
    }
    submit(client, f"/p/{post_id}/edit", fields)
    assert content.reload(Post, post_id).body_html == rich
    submit(client, f"/p/{post_id}/edit", {**fields, "body": "Bold words\n\none and two"})
    assert content.reload(Post, post_id).body_html == "<p>Bold words</p><p>one and two</p>"
