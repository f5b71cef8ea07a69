"""Destructive actions ask first (a page without JavaScript, a dialog's fragment with
htmx), a deleted comment can be brought back for ten minutes, and "New post" works
from anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.support.forms import csrf_token_from, submit
from webapp.extensions import db
from webapp.models import Comment, Post


@pytest.fixture
def thread(make_user, content):
    alice, bob = make_user("alice"), make_user("bob")
    community = content.community(alice)
    post_id = content.post(alice, community, "Talk", body="<p>The post's own words</p>")
    comment_id = content.comment(bob, post_id, body="<p>Second thoughts</p>")
    return {"alice": alice, "bob": bob, "post": post_id, "comment": comment_id}


def test_delete_post_shows_what_goes_and_asks_first(client, auth, thread, content):
    auth.login("alice")
    page = client.get(f"/p/{thread['post']}/delete")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Delete post" in html and "Talk" in html and "The post&#39;s own words" in html
    assert f'action="/p/{thread["post"]}/delete"' in html and "Cancel" in html
    assert content.reload(Post, thread["post"]).deleted_at is None  # asking changes nothing
    token = csrf_token_from(html)
    response = client.post(f"/p/{thread['post']}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert content.reload(Post, thread["post"]).deleted_at is not None


def test_the_dialog_gets_the_form_alone(client, auth, thread):
    auth.login("alice")
    fragment = client.get(f"/p/{thread['post']}/delete", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="confirm-title"' in html and "data-dialog-close" in html


def test_only_the_author_is_asked_to_delete(client, auth, thread):
    auth.login("bob")
    assert client.get(f"/p/{thread['post']}/delete").status_code == 403
    auth.logout()
    auth.login("alice")
    assert client.get(f"/comments/{thread['comment']}/delete").status_code == 403


def test_guests_are_sent_to_sign_in_from_a_confirmation(client, thread):
    response = client.get(f"/p/{thread['post']}/delete")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_moderator_removal_asks_for_a_reason_and_keeps_what_was_typed(
    client, auth, thread, content
):
    auth.login("alice")  # owner of the community
    page = client.get(f"/comments/{thread['comment']}/remove").get_data(as_text=True)
    assert "Remove comment" in page and "Second thoughts" in page and 'name="reason"' in page
    refused = client.post(
        f"/comments/{thread['comment']}/remove",
        data={"csrf_token": csrf_token_from(page), "reason": "   "},
    )
    assert refused.status_code == 422
    assert "Say why this is removed." in refused.get_data(as_text=True)
    assert content.reload(Comment, thread["comment"]).removed_at is None
    done = client.post(
        f"/comments/{thread['comment']}/remove",
        data={"csrf_token": csrf_token_from(page), "reason": "Off topic"},
    )
    assert done.status_code == 303
    assert content.reload(Comment, thread["comment"]).removal_reason == "Off topic"


def test_people_who_do_not_moderate_get_no_removal_form(client, auth, thread):
    auth.login("bob")
    assert client.get(f"/p/{thread['post']}/remove").status_code == 403
    assert client.get(f"/comments/{thread['comment']}/remove").status_code == 403


def test_a_deleted_comment_can_be_undone_from_the_message(client, auth, thread, content):
    auth.login("bob")
    response = submit(client, f"/comments/{thread['comment']}/delete", {})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment has been deleted." in page
    assert f'action="/comments/{thread["comment"]}/undelete"' in page and ">Undo<" in page
    assert "Second thoughts" not in page
    undo = client.post(
        f"/comments/{thread['comment']}/undelete", data={"csrf_token": csrf_token_from(page)}
    )
    assert undo.status_code == 303
    page = client.get(undo.headers["Location"]).get_data(as_text=True)
    assert "Your comment is back." in page and "Second thoughts" in page
    assert content.reload(Post, thread["post"]).comment_count == 1
    # The offer is shown once.
    assert ">Undo<" not in client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)


def test_undo_expires_after_ten_minutes_and_is_the_authors_alone(
    app, client, auth, thread, content
):
    auth.login("bob")
    submit(client, f"/comments/{thread['comment']}/delete", {})
    auth.logout()
    auth.login("alice")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post(f"/comments/{thread['comment']}/undelete", data={"csrf_token": token})
    assert content.reload(Comment, thread["comment"]).deleted_at is not None
    auth.logout()
    with app.app_context():
        deleted_at = db.session.get(Comment, thread["comment"]).deleted_at
        db.session.execute(
            update(Comment)
            .where(Comment.id == thread["comment"])
            .values(deleted_at=deleted_at - timedelta(minutes=11))
        )
        db.session.commit()
    auth.login("bob")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(f"/comments/{thread['comment']}/undelete", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "can no longer be brought back" in page
    assert content.reload(Comment, thread["comment"]).deleted_at is not None
    assert content.reload(Post, thread["post"]).comment_count == 0


def test_new_post_lets_people_choose_a_community_theirs_first(client, auth, make_user, content):
    owner = make_user("owner")
    ids = {
        name: content.community(owner, name, name.title()) for name in ("zebra", "apple", "mine")
    }
    reader = make_user("reader")
    content.join(reader, ids["mine"])
    auth.login("reader")
    html = client.get("/submit").get_data(as_text=True)
    yours = html.index("Your communities")
    others = html.index("Other communities")
    assert yours < html.index('value="mine"') < others < html.index('value="apple"')
    assert html.count('value="mine"') == 1  # not listed twice
    response = client.get("/submit?community=apple")
    assert response.status_code == 302 and response.headers["Location"] == "/c/apple/submit"


def test_the_undo_also_stands_where_the_comment_was(client, auth, thread, content):
    """The page after deleting opens at the comment, far below the message: its author
    finds Undo there too, and nobody else does."""
    auth.login("bob")
    submit(client, f"/comments/{thread['comment']}/delete", {})
    client.get("/")  # the message (and its Undo) is shown once, elsewhere
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    in_place = page.split(f'id="comment-{thread["comment"]}"')[1].split("</article>")[0]
    assert f'action="/comments/{thread["comment"]}/undelete"' in in_place
    auth.logout()
    auth.login("alice")
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    assert "/undelete" not in page
