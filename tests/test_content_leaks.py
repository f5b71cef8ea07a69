"""Content that leaks or lingers (issue 13, items 14 and 15).

- A removed or deleted post's title does not show on its commenters' profiles, except
  to those who may read the post itself; its comments take no votes, edits or replies,
  and their points leave their author's karma while the post is down.
- Names people set lose bidi controls and invisible characters, keeping the joiners
  that some scripts need.
"""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from tests.support.forms import submit
from webapp.comments import services as comment_services
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Comment, CommentVote, Post, Profile, User
from webapp.posts import services as post_services
from webapp.profiles import queries as profile_queries
from webapp.unit_of_work import unit_of_work
from webapp.validation import clean_name, visible_text
from webapp.votes import services as vote_services

TITLE = "Our secret merger plans"


@pytest.fixture
def taken_down(make_user, content):
    """Alice owns the community, Carol posts, Bob comments, Dave only reads."""
    alice, bob, carol, dave = (make_user(name) for name in ("alice", "bob", "carol", "dave"))
    community = content.community(alice)
    post = content.post(carol, community, TITLE)
    comment = content.comment(bob, post, body="<p>Bob thinks aloud</p>")
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "post": post,
        "comment": comment,
    }


def remove_post(client, auth, post_id):
    auth.login("alice")
    response = submit(client, "/", {"reason": "Leaked"}, post_url=f"/p/{post_id}/remove")
    assert response.status_code == 303
    auth.logout()


def restore_post(client, auth, post_id):
    auth.login("alice")
    assert submit(client, "/", {}, post_url=f"/p/{post_id}/restore").status_code == 303
    auth.logout()


def delete_post(client, auth, post_id):
    auth.login("carol")
    assert submit(client, "/", {}, post_url=f"/p/{post_id}/delete").status_code == 303
    auth.logout()


def profile_comments(client) -> str:
    return client.get("/u/bob?tab=comments").get_data(as_text=True)


def vote_on_comment(client, comment_id, value, **kwargs):
    return submit(
        client, "/", {"value": str(value)}, post_url=f"/comments/{comment_id}/vote", **kwargs
    )


def karma_of(client, username) -> str:
    html = client.get(f"/u/{username}").get_data(as_text=True)
    start = html.index("<dt>Karma</dt><dd>") + len("<dt>Karma</dt><dd>")
    return html[start : html.index("</dd>", start)]


# --- item 14: profiles -------------------------------------------------------------


def test_a_removed_posts_title_leaves_its_commenters_profile(client, auth, taken_down):
    post = taken_down["post"]
    assert TITLE in profile_comments(client)  # while the post is up
    remove_post(client, auth, post)
    html = profile_comments(client)  # a guest
    assert "Bob thinks aloud" in html and "[removed]" in html
    assert TITLE not in html and f"/p/{post}/" not in html
    auth.login("dave")  # someone signed in who does not moderate the community
    html = profile_comments(client)
    assert TITLE not in html and "[removed]" in html
    auth.logout()
    auth.login("bob")  # the commenter too: the post's own page hides the title from him
    assert TITLE not in profile_comments(client)


def test_a_deleted_posts_title_leaves_its_commenters_profile(client, auth, taken_down):
    delete_post(client, auth, taken_down["post"])
    html = profile_comments(client)
    assert "Bob thinks aloud" in html and "[deleted]" in html and TITLE not in html
    auth.login("alice")  # a deleted post's title is shown to nobody, moderators included
    assert TITLE not in profile_comments(client)


def test_moderators_see_what_the_post_page_shows_them(app, taken_down, client, auth):
    """The posts' rule: a removed post's title stays readable to its community's
    moderators and site admins; a deleted post's to nobody."""
    remove_post(client, auth, taken_down["post"])
    with app.test_request_context():
        bob, alice, dave = (db.session.get(User, taken_down[n]) for n in ("bob", "alice", "dave"))

        def shows(viewer) -> bool:
            page = profile_queries.comments_page(bob.id, None, 50, viewer=viewer)
            return page.items[0].shows_post

        assert shows(alice) is True
        assert (
            shows(dave) is False and shows(None) is False and shows(AnonymousUserMixin()) is False
        )
        dave.is_admin = True
        assert shows(dave) is True
        post = db.session.get(Post, taken_down["post"])
        post.deleted_at = post.removed_at
        assert shows(alice) is False and shows(dave) is False


def test_the_profile_page_shows_moderators_a_removed_posts_title(client, auth, taken_down):
    """Needs the profile view to hand its viewer to `comments_page`."""
    remove_post(client, auth, taken_down["post"])
    auth.login("alice")
    assert TITLE in profile_comments(client)


# --- item 14: comments under a taken-down post ----------------------------------------


def test_comments_of_a_removed_post_take_no_votes(client, auth, taken_down, content):
    comment, post = taken_down["comment"], taken_down["post"]
    auth.login("dave")
    page = client.get(f"/p/{post}", follow_redirects=True).get_data(as_text=True)
    assert f'id="vote-comment-{comment}-up"' in page  # while the post is up
    auth.logout()
    remove_post(client, auth, post)
    auth.login("dave")
    page = client.get(f"/p/{post}/removed").get_data(as_text=True)
    assert "Bob thinks aloud" in page and f'id="vote-comment-{comment}-up"' not in page
    assert vote_on_comment(client, comment, 1, headers={"HX-Request": "true"}).status_code == 409
    refused = vote_on_comment(client, comment, 1, follow_redirects=True).get_data(as_text=True)
    assert "This can no longer be voted on." in refused
    stored = content.reload(Comment, comment)
    assert (stored.score, stored.upvotes) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 0


def test_comments_of_a_deleted_post_take_no_votes(app, client, auth, taken_down, content):
    delete_post(client, auth, taken_down["post"])
    auth.login("dave")
    assert vote_on_comment(client, taken_down["comment"], -1).status_code == 303
    assert content.reload(Comment, taken_down["comment"]).score == 0
    with app.test_request_context():  # any front door: a comment loaded without its post
        db.session.expire_all()
        dave = db.session.get(User, taken_down["dave"])
        with pytest.raises(DomainError) as refused:
            vote_services.vote_on_comment(dave, db.session.get(Comment, taken_down["comment"]), 1)
        assert refused.value.status == 409


def test_comments_of_a_removed_post_cannot_be_edited(app, client, auth, taken_down, content):
    comment, post = taken_down["comment"], taken_down["post"]
    remove_post(client, auth, post)
    auth.login("bob")
    page = client.get(f"/p/{post}/removed").get_data(as_text=True)
    assert f"/comments/{comment}/edit" not in page
    assert client.get(f"/comments/{comment}/edit").status_code == 403
    with app.test_request_context():
        bob = db.session.get(User, taken_down["bob"])
        with pytest.raises(DomainError) as refused:
            comment_services.edit_comment(bob, db.session.get(Comment, comment), "Changed")
        assert refused.value.status == 409
        assert "This discussion is closed" in str(refused.value.message)
    assert content.reload(Comment, comment).body_text == "Bob thinks aloud"


def test_comments_of_a_removed_post_take_no_replies(client, auth, taken_down):
    comment, post = taken_down["comment"], taken_down["post"]
    remove_post(client, auth, post)
    auth.login("dave")
    page = client.get(f"/p/{post}/removed").get_data(as_text=True)
    assert f"/comments/{comment}/reply" not in page
    assert client.get(f"/comments/{comment}/reply").status_code in (302, 303)
    response = submit(
        client,
        "/",
        {"body": "Still here?", "parent_id": str(comment)},
        post_url=f"/p/{post}/comments",
    )
    assert response.status_code == 403
    assert "You cannot comment on this post." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_authors_may_still_delete_their_comment_under_a_removed_post(
    client, auth, taken_down, content
):
    remove_post(client, auth, taken_down["post"])
    auth.login("bob")
    response = submit(client, "/", {}, post_url=f"/comments/{taken_down['comment']}/delete")
    assert response.status_code == 303
    assert content.reload(Comment, taken_down["comment"]).deleted_at is not None


def test_karma_follows_the_post_down_and_back(client, auth, taken_down):
    """Karma is summed when read: removal and restore move it exactly."""
    auth.login("dave")
    assert vote_on_comment(client, taken_down["comment"], 1).status_code == 303
    auth.logout()
    assert karma_of(client, "bob") == "1"
    remove_post(client, auth, taken_down["post"])
    assert karma_of(client, "bob") == "0"
    numbers = profile_queries.profile_numbers(taken_down["bob"])
    assert (numbers.karma, numbers.comments) == (0, 1)  # still listed, still a comment
    restore_post(client, auth, taken_down["post"])
    assert karma_of(client, "bob") == "1"
    delete_post(client, auth, taken_down["post"])
    assert karma_of(client, "bob") == "0"


# --- item 15: names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202eevil\u202c", "evil"),  # right-to-left override
        ("a\u2066b\u2069c", "abc"),  # isolates
        ("\u200eAda\u200f\u061c", "Ada"),  # marks
        ("al\u200bice", "alice"),  # zero-width space
        ("al\u200cice", "alice"),  # a ZWNJ between Latin letters only makes a look-alike
        ("al\u200dice", "alice"),
        ("\u2060bob\ufeff", "bob"),
        ("b\u00adob\u0000", "bob"),  # soft hyphen, NUL
        ("\u3164", ""),  # a Hangul filler renders blank
        ("  Ada \t\n Lovelace\u00a0 ", "Ada Lovelace"),
        ("e\u0301", "\u00e9"),  # NFC
        ("e\u200b\u0301", "\u00e9"),  # stripping may make composable neighbours
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),  # Persian
        (
            "\u0646\u0627\u0645\u0647\u0654\u200c\u0647\u0627",
            "\u0646\u0627\u0645\u0647\u0654\u200c\u0647\u0627",
        ),  # a mark between
        ("\u067e\u06cc\u0627\u0645\u200c", "\u067e\u06cc\u0627\u0645"),  # trailing ZWNJ
        ("\u200c\u067e\u06cc\u0627\u0645", "\u067e\u06cc\u0627\u0645"),
        ("\u067e\u200c a", "\u067e a"),
        ("\u0915\u094d\u200c\u0937", "\u0915\u094d\u200c\u0937"),  # Devanagari, after virama
        ("\u0dc1\u0dca\u200d\u0dbb\u0dd3", "\u0dc1\u0dca\u200d\u0dbb\u0dd3"),  # Sinhala ZWJ
        ("\U0001f469\u200d\U0001f4bb Ana", "\U0001f469\u200d\U0001f4bb Ana"),  # emoji
        ("\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f3f3\ufe0f\u200d\U0001f308"),
    ],
)
def test_visible_text_strips_what_cannot_be_seen(typed, kept):
    assert visible_text(typed) == kept


def test_clean_name_refuses_a_name_with_nothing_visible(app):
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            clean_name("\u202e\u200b\u2066", "display_name", 50, "too long")
        assert refused.value.field == "display_name"
        assert "letters, digits or symbols you can see" in str(refused.value.message)
        assert clean_name("   ", "display_name", 50, "too long") == ""  # optional names
        with pytest.raises(DomainError) as required:
            clean_name(" ", "title", 50, "too long", required="Give it a title.")
        assert str(required.value.message) == "Give it a title."
        with pytest.raises(DomainError):
            clean_name("x" * 51, "title", 50, "too long")
        assert clean_name("\u202e" * 10 + "x" * 50, "title", 50, "too long") == "x" * 50


def profile_form(**changes) -> dict:
    return {
        "display_name": "",
        "first_name": "",
        "last_name": "",
        "bio": "",
        "body_format": "text",
        "website": "",
        **changes,
    }


def stored_profile(username) -> Profile:
    db.session.expire_all()
    return db.session.scalar(select(Profile).where(Profile.username == username))


def test_profile_names_are_stored_without_bidi_controls(client, auth, taken_down):
    auth.login("bob")
    response = submit(
        client,
        "/settings/profile",
        profile_form(
            display_name="\u202ecilA\u202c \u200b",
            first_name="\u0645\u06cc\u200c\u0646\u0627",
            last_name="\u2067Smith\u2069",
        ),
    )
    assert response.status_code == 303
    profile = stored_profile("bob")
    assert profile.display_name == "cilA"
    assert profile.first_name == "\u0645\u06cc\u200c\u0646\u0627"  # Persian keeps its ZWNJ
    assert profile.last_name == "Smith"
    assert "\u202e" not in client.get("/u/bob").get_data(as_text=True)


def test_an_invisible_display_name_is_refused_with_a_message(client, auth, taken_down):
    auth.login("bob")
    response = submit(client, "/settings/profile", profile_form(display_name="\u200b\u202e\u200f"))
    assert response.status_code == 422
    assert "letters, digits or symbols you can see" in response.get_data(as_text=True)
    assert stored_profile("bob").display_name == ""


def test_the_service_cleans_names_from_any_front_door(app, taken_down):
    from webapp.profiles.services import update_profile

    with app.test_request_context(), unit_of_work():
        bob = db.session.get(User, taken_down["bob"])
        update_profile(
            bob, display_name="\u2066Bob\u2069", first_name="", last_name="", bio="", website=""
        )
    assert stored_profile("bob").display_name == "Bob"


def test_the_comments_tab_costs_the_same_for_few_or_many_taken_down_posts(
    app, taken_down, content, count_statements
):
    """One membership query for the whole page, whatever the number of removed posts."""

    def statements_for_page() -> int:
        with app.test_request_context():
            alice = db.session.get(User, taken_down["alice"])
            with count_statements() as counter:
                page = profile_queries.comments_page(taken_down["bob"], None, 50, viewer=alice)
            assert all(entry.shows_post for entry in page.items)
            return counter.count

    def add_removed_posts(count: int) -> None:
        community = db.session.get(Post, taken_down["post"]).community_id
        for index in range(count):
            post = content.post(taken_down["carol"], community, f"Post {index}")
            content.comment(taken_down["bob"], post)
            with app.test_request_context(), unit_of_work():
                alice = db.session.get(User, taken_down["alice"])
                post_services.remove_post(alice, db.session.get(Post, post), "Off topic")

    add_removed_posts(1)
    few = statements_for_page()
    add_removed_posts(10)
    assert statements_for_page() == few == 2  # the page, the memberships


def test_community_titles_lose_bidi_controls(client, auth, make_user):
    from webapp.models import Community

    make_user("founder")
    auth.login("founder")
    response = submit(
        client,
        "/c/new",
        {"name": "mirror", "title": "\u202eskoob\u202c Club\u200b", "description": "", "rules": ""},
    )
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(Community.title).where(Community.name == "mirror")) == (
        "skoob Club"
    )
