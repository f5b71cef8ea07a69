"""A comment a moderator removed can be brought back from the thread itself, and the
moderators' pages are linked from the community's sidebar."""

from __future__ import annotations

from tests.support.forms import submit
from webapp.comments import services as comment_services
from webapp.models import Comment, Post, User
from webapp.unit_of_work import unit_of_work


def _remove(app, db_session, moderator_id, comment_id):
    with app.test_request_context(), unit_of_work():
        comment_services.remove_comment(
            db_session.get(User, moderator_id), db_session.get(Comment, comment_id), "Off topic"
        )


def test_a_moderator_restores_a_removed_comment_from_the_thread(
    app, client, auth, make_user, content, db_session
):
    owner = make_user("owner")
    writer = make_user("writer")
    community = content.community(owner, "books", "Books")
    post_id = content.post(owner, community, "A post")
    comment_id = content.comment(writer, post_id, body="<p>Words that come back</p>")
    _remove(app, db_session, owner, comment_id)
    slug = content.reload(Post, post_id).slug
    thread = f"/p/{post_id}/{slug}"

    auth.login("writer")
    html = client.get(thread).get_data(as_text=True)
    assert "[removed by a moderator]" in html
    assert f"/c/books/mod/content/comment/{comment_id}/restore" not in html
    auth.logout()

    auth.login("owner")
    html = client.get(thread).get_data(as_text=True)
    assert "Words that come back" not in html
    restore = f"/c/books/mod/content/comment/{comment_id}/restore"
    assert f'action="{restore}"' in html
    response = submit(client, thread, {"next": f"{thread}#comment-{comment_id}"}, post_url=restore)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{thread}#comment-{comment_id}"
    assert "Words that come back" in client.get(thread).get_data(as_text=True)
    assert content.reload(Post, post_id).comment_count == 1


def test_the_sidebar_links_moderators_to_their_pages(client, auth, make_user, content):
    owner = make_user("owner")
    make_user("reader")
    content.community(owner, "books", "Books")
    links = ("/c/books/mod/reports", "/c/books/mod/content", "/c/books/mod/bans")
    auth.login("reader")
    html = client.get("/c/books").get_data(as_text=True)
    assert not any(link in html for link in links)
    auth.logout()
    auth.login("owner")
    html = client.get("/c/books").get_data(as_text=True)
    assert all(f'href="{link}"' in html for link in links)
