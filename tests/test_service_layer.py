"""Services are the trust boundary: called directly, they clean and check what they get,
and refuse with a DomainError that each channel (an HTML page, JSON) shows its own way."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.support.forms import csrf_token_from, submit
from webapp.comments import queries as comment_queries
from webapp.comments import services as comment_services
from webapp.communities import services as community_services
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Comment, Community, Membership, ModerationAction, Post, Tag, User
from webapp.posts import queries as post_queries
from webapp.posts import services as post_services
from webapp.profiles import services as profile_services
from webapp.sanitize import RichText
from webapp.unit_of_work import unit_of_work

# What an attacker sends, and what is left of it once cleaned.
HOSTILE_HTML = [
    ("<script>alert(1)</script>", "alert(1)"),
    ("<img src=x onerror=alert(1)>", ""),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<p style="x" onclick="y">ok</p>', "<p>ok</p>"),
    (
        '<p><strong>bold</strong> <a href="https://example.org" onclick="y">link</a></p>',
        '<p><strong>bold</strong> <a href="https://example.org" rel="nofollow ugc noopener">'
        "link</a></p>",
    ),
]
# A comment must say something: each hostile body follows a harmless paragraph.
COMMENT_PREFIX = "<p>Hi</p>"

BAD_ADDRESSES = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example",
    "/relative",
    "http://exa mple.com",
]
BAD_ADDRESS_MESSAGE = "Enter a web address starting with http:// or https://."
NOT_A_MODERATOR = "Only this community's moderators can do that."


@pytest.fixture
def run(app, db_session):
    """`run(write)`: call services as a request would, in one committed unit of work;
    returns the id of what `write` returned, if anything (the request's session closes
    with it, so its objects are not kept)."""

    def call(write):
        with app.test_request_context():
            with unit_of_work():
                written = write()
            return getattr(written, "id", None)

    return call


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def loaded_post(post_id: int) -> Post:
    """A post as the views load it for a service: with its author, community and tags."""
    return post_queries.post_for_page(post_id)


def loaded_comment(comment_id: int) -> Comment:
    """A comment as the views load it for a service: with its author and post."""
    return comment_queries.comment_with_post(comment_id)


def reloaded(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


def reloaded_post(post_id: int) -> Post:
    db.session.expire_all()
    return loaded_post(post_id)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def books(make_user, content):
    """alice owns "books", bob is a member, carol is not."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    community = content.community(alice)
    content.join(bob, community)
    return {"alice": alice, "bob": bob, "carol": carol, "community": community}


@pytest.fixture
def post_of_alice(books, run):
    """A post with a link and a tag, by alice in "books"; its id."""

    def write():
        return post_services.submit_post(
            user(books["alice"]),
            db.session.get(Community, books["community"]),
            "Original title",
            "<p>Original</p>",
            "https://example.org/original",
            "fiction",
        )

    return run(write)


# --- hostile HTML is cleaned by the services themselves -----------------------------


@pytest.mark.parametrize(("raw", "stored"), HOSTILE_HTML)
def test_submit_post_stores_clean_html(books, run, raw, stored):
    post_id = run(
        lambda: post_services.submit_post(
            user(books["alice"]),
            db.session.get(Community, books["community"]),
            "Hostile",
            raw,
            None,
            [],
        )
    )
    assert reloaded(Post, post_id).body_html == stored


@pytest.mark.parametrize(("raw", "stored"), HOSTILE_HTML)
def test_edit_post_stores_clean_html(books, run, post_of_alice, raw, stored):
    run(
        lambda: post_services.edit_post(
            user(books["alice"]),
            loaded_post(post_of_alice),
            "Edited",
            RichText(raw, "html"),
            None,
            [],
        )
    )
    post = reloaded(Post, post_of_alice)
    assert (post.title, post.body_html) == ("Edited", stored)


@pytest.mark.parametrize(("raw", "stored"), HOSTILE_HTML)
def test_add_comment_stores_clean_html(books, run, post_of_alice, raw, stored):
    comment_id = run(
        lambda: comment_services.add_comment(
            user(books["bob"]), loaded_post(post_of_alice), None, COMMENT_PREFIX + raw
        )
    )
    assert reloaded(Comment, comment_id).body_html == COMMENT_PREFIX + stored


@pytest.mark.parametrize(("raw", "stored"), HOSTILE_HTML)
def test_edit_comment_stores_clean_html(books, run, content, post_of_alice, raw, stored):
    comment_id = content.comment(books["bob"], post_of_alice)
    run(
        lambda: comment_services.edit_comment(
            user(books["bob"]),
            loaded_comment(comment_id),
            RichText(COMMENT_PREFIX + raw, "html"),
        )
    )
    assert reloaded(Comment, comment_id).body_html == COMMENT_PREFIX + stored


def _update_profile(user_id: int, *, bio="", website=""):
    profile_services.update_profile(
        user(user_id),
        display_name="Alice A.",
        first_name="Alice",
        last_name="Archer",
        bio=bio,
        website=website,
    )


@pytest.mark.parametrize(("raw", "stored"), HOSTILE_HTML)
def test_update_profile_stores_a_clean_bio(books, run, raw, stored):
    run(lambda: _update_profile(books["alice"], bio=raw, website="https://alice.example"))
    profile = reloaded(User, books["alice"]).profile
    assert (profile.display_name, profile.bio_html, profile.website) == (
        "Alice A.",
        stored,
        "https://alice.example",
    )


def test_a_comment_of_only_unsafe_markup_is_refused(books, run, post_of_alice):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: comment_services.add_comment(
                user(books["bob"]),
                loaded_post(post_of_alice),
                None,
                "<img src=x onerror=alert(1)>",
            )
        )
    assert (str(caught.value.message), caught.value.field) == (
        "Write something before sending.",
        "body",
    )
    assert count(Comment) == 0


PLAIN_TEXT = RichText("<b>hi</b>", "text")
ESCAPED = "<p>&lt;b&gt;hi&lt;/b&gt;</p>"


def test_plain_text_is_escaped_by_submit_post(books, run):
    post_id = run(
        lambda: post_services.submit_post(
            user(books["alice"]),
            db.session.get(Community, books["community"]),
            "Plain",
            PLAIN_TEXT,
            None,
            [],
        )
    )
    assert reloaded(Post, post_id).body_html == ESCAPED


def test_plain_text_is_escaped_by_edit_post(books, run, post_of_alice):
    run(
        lambda: post_services.edit_post(
            user(books["alice"]), loaded_post(post_of_alice), "Plain", PLAIN_TEXT, None, []
        )
    )
    assert reloaded(Post, post_of_alice).body_html == ESCAPED


def test_plain_text_is_escaped_by_add_and_edit_comment(books, run, post_of_alice):
    comment_id = run(
        lambda: comment_services.add_comment(
            user(books["bob"]), loaded_post(post_of_alice), None, PLAIN_TEXT
        )
    )
    assert reloaded(Comment, comment_id).body_html == ESCAPED
    run(
        lambda: comment_services.edit_comment(
            user(books["bob"]),
            loaded_comment(comment_id),
            RichText("<i>edited</i>", "text"),
        )
    )
    assert reloaded(Comment, comment_id).body_html == "<p>&lt;i&gt;edited&lt;/i&gt;</p>"


def test_plain_text_is_escaped_in_a_bio(books, run):
    run(lambda: _update_profile(books["alice"], bio=PLAIN_TEXT))
    assert reloaded(User, books["alice"]).profile.bio_html == ESCAPED


# --- addresses: http(s) only, checked by the services ---------------------------------


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_submit_post_refuses_a_link_that_is_not_http(books, run, address):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: post_services.submit_post(
                user(books["alice"]),
                db.session.get(Community, books["community"]),
                "A link",
                "<p>Look</p>",
                address,
                "links",
            )
        )
    assert (str(caught.value.message), caught.value.field) == (BAD_ADDRESS_MESSAGE, "url")
    assert (count(Post), count(Tag)) == (0, 0)
    assert reloaded(Community, books["community"]).post_count == 0


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_edit_post_refuses_a_link_that_is_not_http(books, run, post_of_alice, address):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: post_services.edit_post(
                user(books["alice"]),
                loaded_post(post_of_alice),
                "Changed",
                "<p>Changed</p>",
                address,
                "other",
            )
        )
    assert (str(caught.value.message), caught.value.field) == (BAD_ADDRESS_MESSAGE, "url")
    post = reloaded_post(post_of_alice)
    assert (post.title, post.body_html, post.url, [tag.name for tag in post.tags]) == (
        "Original title",
        "<p>Original</p>",
        "https://example.org/original",
        ["fiction"],
    )
    assert post.edited_at is None


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_update_profile_refuses_a_website_that_is_not_http(books, run, address):
    run(lambda: _update_profile(books["alice"], bio="<p>Before</p>", website="https://a.example"))
    with pytest.raises(DomainError) as caught:
        run(lambda: _update_profile(books["alice"], bio="<p>After</p>", website=address))
    assert (str(caught.value.message), caught.value.field) == (BAD_ADDRESS_MESSAGE, "website")
    profile = reloaded(User, books["alice"]).profile
    assert (profile.bio_html, profile.website) == ("<p>Before</p>", "https://a.example")


def test_good_addresses_are_stored_as_given(books, run):
    post_id = run(
        lambda: post_services.submit_post(
            user(books["alice"]),
            db.session.get(Community, books["community"]),
            "A link",
            "",
            "  https://example.org/a?b=c  ",
            [],
        )
    )
    run(lambda: _update_profile(books["alice"], website="http://alice.example/"))
    assert reloaded(Post, post_id).url == "https://example.org/a?b=c"
    assert reloaded(User, books["alice"]).profile.website == "http://alice.example/"


# --- titles and tags ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "tags", "field", "message"),
    [
        ("x" * 301, "books", "title", "A title has at most 300 characters."),
        ("   ", "books", "title", "Give your post a title."),
        ("", "books", "title", "Give your post a title."),
        ("Six tags", "a, b, c, d, e, f", "tags", "Use at most 5 tags."),
        ("Six tags", ["a", "b", "c", "d", "e", "f"], "tags", "Use at most 5 tags."),
    ],
)
def test_submit_post_checks_title_and_tags(books, run, title, tags, field, message):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: post_services.submit_post(
                user(books["alice"]),
                db.session.get(Community, books["community"]),
                title,
                "<p>Body</p>",
                None,
                tags,
            )
        )
    assert (caught.value.field, str(caught.value.message), caught.value.status) == (
        field,
        message,
        400,
    )
    assert (count(Post), count(Tag)) == (0, 0)


def test_five_tags_and_a_300_character_title_are_accepted(books, run):
    post_id = run(
        lambda: post_services.submit_post(
            user(books["alice"]),
            db.session.get(Community, books["community"]),
            "x" * 300,
            "",
            None,
            "a, b, c, d, e",
        )
    )
    stored = reloaded_post(post_id)
    assert (len(stored.title), sorted(tag.name for tag in stored.tags)) == (
        300,
        ["a", "b", "c", "d", "e"],
    )


# --- moderation: one permission check, and a log entry --------------------------------


@pytest.fixture
def comment_of_bob(books, content, post_of_alice):
    return content.comment(books["bob"], post_of_alice)


def make_admin(run, user_id: int) -> None:
    def promote():
        user(user_id).is_admin = True

    run(promote)


@pytest.mark.parametrize("actor", ["bob", "carol"])
def test_non_moderators_cannot_remove_a_post(books, run, post_of_alice, actor):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: post_services.remove_post(
                user(books[actor]), loaded_post(post_of_alice), "Spam"
            )
        )
    assert (caught.value.status, str(caught.value.message)) == (403, NOT_A_MODERATOR)
    assert reloaded(Post, post_of_alice).removed_at is None
    assert count(ModerationAction) == 0


@pytest.mark.parametrize("actor", ["bob", "carol"])
def test_non_moderators_cannot_remove_a_comment(books, run, comment_of_bob, post_of_alice, actor):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: comment_services.remove_comment(
                user(books[actor]), loaded_comment(comment_of_bob), "Spam"
            )
        )
    assert (caught.value.status, str(caught.value.message)) == (403, NOT_A_MODERATOR)
    assert reloaded(Comment, comment_of_bob).removed_at is None
    assert reloaded(Post, post_of_alice).comment_count == 1
    assert count(ModerationAction) == 0


@pytest.mark.parametrize("actor", ["bob", "carol"])
def test_non_moderators_cannot_update_a_community(books, run, actor):
    with pytest.raises(DomainError) as caught:
        run(
            lambda: community_services.update_community(
                user(books[actor]),
                db.session.get(Community, books["community"]),
                "Hijacked",
                "Mine now.",
                "None.",
            )
        )
    assert (caught.value.status, str(caught.value.message)) == (403, NOT_A_MODERATOR)
    community = reloaded(Community, books["community"])
    assert (community.title, community.description, community.rules) == (
        "Books",
        "About books.",
        "Be kind.",
    )
    assert count(ModerationAction) == 0


def _log() -> list[tuple]:
    db.session.expire_all()
    return [
        (entry.actor_id, entry.action, entry.target_type, entry.target_id, entry.community_id,
         entry.reason)
        for entry in db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))
    ]  # fmt: skip


def test_a_site_admin_who_is_not_a_member_removes_a_post(books, run, post_of_alice):
    carol = books["carol"]
    make_admin(run, carol)
    assert db.session.get(Membership, (carol, books["community"])) is None
    run(lambda: post_services.remove_post(user(carol), loaded_post(post_of_alice), "  Off topic  "))
    post = reloaded(Post, post_of_alice)
    assert (post.removed_by_id, post.removal_reason) == (carol, "Off topic")
    assert post.removed_at is not None
    assert reloaded(Community, books["community"]).post_count == 0
    assert _log() == [
        (carol, "remove_post", "post", post_of_alice, books["community"], "Off topic")
    ]


def test_a_site_admin_who_is_not_a_member_removes_a_comment(
    books, run, post_of_alice, comment_of_bob
):
    carol = books["carol"]
    make_admin(run, carol)
    run(
        lambda: comment_services.remove_comment(user(carol), loaded_comment(comment_of_bob), "Rude")
    )
    comment = reloaded(Comment, comment_of_bob)
    assert (comment.removed_by_id, comment.removal_reason) == (carol, "Rude")
    assert reloaded(Post, post_of_alice).comment_count == 0
    assert _log() == [
        (carol, "remove_comment", "comment", comment_of_bob, books["community"], "Rude")
    ]


def test_a_site_admin_who_is_not_a_member_updates_a_community(books, run):
    carol = books["carol"]
    make_admin(run, carol)
    run(
        lambda: community_services.update_community(
            user(carol),
            db.session.get(Community, books["community"]),
            "Books and more",
            "About books.",
            "Be kinder.",
        )
    )
    community = reloaded(Community, books["community"])
    assert (community.title, community.rules) == ("Books and more", "Be kinder.")
    assert _log() == [
        (carol, "edit_community", "community", books["community"], books["community"], "")
    ]


def test_a_removal_needs_a_reason_even_from_an_admin(books, run, post_of_alice):
    make_admin(run, books["carol"])
    with pytest.raises(DomainError) as caught:
        run(
            lambda: post_services.remove_post(
                user(books["carol"]), loaded_post(post_of_alice), "   "
            )
        )
    assert (caught.value.field, str(caught.value.message)) == (
        "reason",
        "Say why this is removed.",
    )
    assert reloaded(Post, post_of_alice).removed_at is None
    assert count(ModerationAction) == 0


# --- the HTML channel -------------------------------------------------------------------


def test_a_refused_post_shows_the_message_on_the_field_with_the_typing(client, auth, books):
    auth.login("bob")
    response = submit(
        client,
        "/c/books/submit",
        {
            "title": "My typed title",
            "body": "My typed body",
            "url": "javascript:alert(1)",
            "tags": "typed-tag",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert BAD_ADDRESS_MESSAGE in html
    assert 'value="My typed title"' in html
    assert "My typed body</textarea>" in html
    assert 'value="typed-tag"' in html
    assert count(Post) == 0


def test_an_error_only_the_service_sees_is_shown_on_the_form(client, auth, books, content):
    """The form accepts any parent id; only the service knows the parent belongs to
    another post. Its message lands on the reply form, which keeps the typing."""
    post_id = content.post(books["alice"], books["community"], "Talk")
    other_post = content.post(books["alice"], books["community"], "Other")
    foreign = content.comment(books["alice"], other_post)
    auth.login("bob")
    response = submit(
        client,
        f"/p/{post_id}/talk",
        {"body": "My sneaky reply", "parent_id": str(foreign)},
        post_url=f"/p/{post_id}/comments",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That comment is not part of this post." in html
    assert "My sneaky reply</textarea>" in html
    assert reloaded(Post, post_id).comment_count == 0
    assert db.session.scalar(select(func.count()).where(Comment.post_id == post_id)) == 0


def test_an_email_of_another_account_is_refused_on_the_account_page(client, auth, books):
    auth.login("bob")
    response = submit(
        client,
        "/settings/account",
        {"new_email": "Alice@Example.org", "email_password": "correct horse battery"},
        post_url="/settings/account/email",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An account with this email address already exists." in html
    assert 'value="Alice@Example.org"' in html
    assert reloaded(User, books["bob"]).email == "bob@example.org"


def test_a_refused_action_without_a_form_is_a_403_page(client, auth, books, post_of_alice):
    auth.login("bob")
    response = submit(
        client, f"/p/{post_of_alice}/original-title", {}, post_url=f"/p/{post_of_alice}/delete"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Only the author can delete this post." in html
    assert "<html" in html
    post = reloaded(Post, post_of_alice)
    assert post.deleted_at is None
    assert reloaded(Community, books["community"]).post_count == 1


def test_an_owner_who_leaves_is_sent_back_with_the_reason(client, auth, books):
    auth.login("alice")
    response = submit(client, "/c/books", {}, post_url="/c/books/leave")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/c/books"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Owners cannot leave their own community." in page
    membership = db.session.get(Membership, (books["alice"], books["community"]))
    assert membership is not None and membership.role == "owner"
    assert reloaded(Community, books["community"]).member_count == 2


# --- the JSON channel -------------------------------------------------------------------


UNREADABLE = "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."


def test_an_upload_that_is_not_an_image_is_a_json_error(client, auth, books):
    auth.login("alice")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(
        "/media/upload",
        data={"image": (io.BytesIO(b"<html>not an image</html>"), "page.png")},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.json == {
        "error": {
            "code": "bad_request",
            "message": UNREADABLE,
            "fields": {"image": [UNREADABLE]},
        }
    }


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json == {
        "error": {
            "code": "not_found",
            "message": "There is nothing here. The link may be old or mistyped.",
            "fields": {},
        }
    }
    assert "<html" not in response.get_data(as_text=True)


# --- caches keep the page and the htmx fragment apart ----------------------------------


@pytest.fixture
def post_page(books, content):
    post_id = content.post(books["alice"], books["community"], "Hello there")
    return f"/p/{post_id}/hello-there"


@pytest.mark.parametrize("path", ["/all", "/c/books", "/c/", "/search?q=x"])
def test_pages_that_ask_for_htmx_vary_by_it(client, books, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "HX-Request" in response.vary
    fragment = client.get(path, headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.vary


def test_a_page_that_is_the_same_for_htmx_does_not_vary_by_it(client, post_page):
    """A post page is the whole page whoever asks: caches may share it."""
    page = client.get(post_page)
    again = client.get(post_page, headers={"HX-Request": "true"})
    assert page.status_code == again.status_code == 200
    assert "HX-Request" not in page.vary and "HX-Request" not in again.vary
    assert 'id="post-title"' in again.get_data(as_text=True)


def test_the_health_check_does_not_vary_by_htmx(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "HX-Request" not in response.vary


# --- guests are sent to sign in, then back ------------------------------------------------


def _login_next(response) -> str:
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    return parse_qs(location.query)["next"]


def test_a_guest_opening_a_settings_page_signs_in_first(client):
    response = client.get("/settings/profile")
    assert response.status_code == 302
    assert _login_next(response) == ["/settings/profile"]


def test_a_guest_joining_signs_in_and_comes_back_to_the_community(client, books):
    response = submit(client, "/c/books", {}, post_url="/c/books/join")
    assert response.status_code == 303
    assert _login_next(response) == ["/c/books"]
    assert reloaded(Community, books["community"]).member_count == 2


@pytest.mark.parametrize(
    "path", ["/c/books/submit", "/settings/profile", "/c/new", "/settings/account", "POST_EDIT"]
)
def test_no_form_page_renders_none_into_an_attribute(client, auth, books, post_page, path):
    """A missing value is an absent attribute, never the text "None" (which Quill once
    pasted into every new post)."""
    auth.login("alice")
    path = post_page.rsplit("/", 1)[0] + "/edit" if path == "POST_EDIT" else path
    response = client.get(path)
    assert response.status_code == 200
    assert '="None"' not in response.get_data(as_text=True)


def test_services_work_on_rows_fetched_without_their_relationships(books, run, post_of_alice):
    """An API or admin caller may fetch rows plainly: the services load what they need
    (a post's tags, a comment's post) instead of failing on a relationship."""
    run(
        lambda: post_services.edit_post(
            user(books["alice"]),
            reloaded(Post, post_of_alice),
            "Plain fetch",
            "<p>Edited</p>",
            None,
            "poetry, fiction",
        )
    )
    post = reloaded_post(post_of_alice)
    assert (post.title, sorted(tag.name for tag in post.tags)) == (
        "Plain fetch",
        ["fiction", "poetry"],
    )
    comment_id = run(
        lambda: comment_services.add_comment(
            user(books["bob"]), reloaded(Post, post_of_alice), None, "<p>Hi</p>"
        )
    )
    run(
        lambda: comment_services.edit_comment(
            user(books["bob"]), reloaded(Comment, comment_id), "<p>Hello</p>"
        )
    )
    assert reloaded(Comment, comment_id).body_html == "<p>Hello</p>"
    run(lambda: post_services.delete_post(user(books["alice"]), reloaded(Post, post_of_alice)))
    counts = db.session.execute(select(Tag.name, Tag.post_count).order_by(Tag.name)).all()
    assert [tuple(row) for row in counts] == [("fiction", 0), ("poetry", 0)]
