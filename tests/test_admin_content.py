"""Removed content: the admin's list (and a community's, for its moderators) of removed
and reported posts and comments, and restoring them with exact counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.forms import submit
from webapp.comments import services as comment_services
from webapp.extensions import db
from webapp.models import Comment, Community, ModerationAction, Post, Report, User
from webapp.posts import services as post_services
from webapp.unit_of_work import unit_of_work


@pytest.fixture
def taken_down(app, make_user, content, db_session):
    """alice owns /c/books; bob wrote a post and two comments there; alice removed the
    post and one comment; carol (a site admin) and dave (moderates nothing) look."""
    alice, bob, carol, _dave = (make_user(n) for n in ("alice", "bob", "carol", "dave"))
    books = content.community(alice, "books")
    post = content.post(bob, books, "Removed post", "<p>Gone for now</p>")
    removed_comment = content.comment(bob, post, body="<p>Removed comment</p>")
    kept_comment = content.comment(bob, post, body="<p>Kept comment</p>")
    with app.test_request_context(), unit_of_work():
        actor = db.session.get(User, alice)
        comment_services.remove_comment(
            actor, db.session.get(Comment, removed_comment), "Off topic"
        )
        post_services.remove_post(actor, db.session.get(Post, post), "Spam")
    db_session.get(User, carol).is_admin = True
    db_session.commit()
    return {
        "alice": alice,
        "bob": bob,
        "books": books,
        "post": post,
        "removed_comment": removed_comment,
        "kept_comment": kept_comment,
    }


def recount_posts(community_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Post)
        .where(
            Post.community_id == community_id,
            Post.removed_at.is_(None),
            Post.deleted_at.is_(None),
        )
    )


def recount_comments(post_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.post_id == post_id,
            Comment.removed_at.is_(None),
            Comment.deleted_at.is_(None),
        )
    )


def test_the_admin_lists_removed_posts_and_comments_with_who_and_why(client, auth, taken_down):
    auth.login("carol")
    posts = client.get("/admin/content").text
    assert "Removed post" in posts and "Spam" in posts and 'aria-current="page"' in posts
    comments = client.get("/admin/content?kind=comment").text
    assert "Removed comment" in comments and "Off topic" in comments
    assert "Kept comment" not in comments


def test_restoring_a_post_brings_it_back_with_exact_counts(client, auth, taken_down):
    auth.login("carol")
    post_id, books = taken_down["post"], taken_down["books"]
    response = submit(
        client, "/admin/content", {}, post_url=f"/admin/content/post/{post_id}/restore"
    )
    assert response.status_code == 303
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert post.removed_at is None and post.removal_reason is None
    assert db.session.get(Community, books).post_count == recount_posts(books) == 1
    actions = db.session.scalars(
        select(ModerationAction.action).where(ModerationAction.target_id == post_id)
    ).all()
    assert "restore_post" in actions
    assert "Removed post" not in client.get("/admin/content").text


def test_restoring_a_comment_brings_back_exactly_that_comment(client, auth, taken_down):
    auth.login("carol")
    comment_id, post_id = taken_down["removed_comment"], taken_down["post"]
    before = db.session.get(Post, post_id).comment_count
    response = submit(
        client, "/admin/content", {}, post_url=f"/admin/content/comment/{comment_id}/restore"
    )
    assert response.status_code == 303
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    assert comment.removed_at is None and comment.removed_by_id is None
    post = db.session.get(Post, post_id)
    assert post.comment_count == before + 1 == recount_comments(post_id) == 2
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "restore_comment")
    ).one()
    assert (entry.actor_id, entry.target_id, entry.community_id) == (
        db.session.scalar(select(User.id).join(User.profile).filter_by(username="carol")),
        comment_id,
        taken_down["books"],
    )
    # Restoring twice changes nothing.
    submit(client, "/admin/content", {}, post_url=f"/admin/content/comment/{comment_id}/restore")
    db.session.expire_all()
    assert db.session.get(Post, post_id).comment_count == 2


def test_a_comment_deleted_by_its_author_meanwhile_does_not_count_again(
    app, taken_down, db_session
):
    comment_id, post_id = taken_down["removed_comment"], taken_down["post"]
    db_session.get(Comment, comment_id).deleted_at = db_session.get(Post, post_id).created_at
    db_session.commit()
    with app.test_request_context(), unit_of_work():
        comment_services.restore_comment(
            db.session.get(User, taken_down["alice"]), db.session.get(Comment, comment_id)
        )
    db.session.expire_all()
    assert db.session.get(Post, post_id).comment_count == recount_comments(post_id) == 1


def test_htmx_restore_answers_the_row(client, auth, taken_down):
    auth.login("carol")
    post_id = taken_down["post"]
    response = submit(
        client,
        "/admin/content",
        {},
        post_url=f"/admin/content/post/{post_id}/restore",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert f'id="post-{post_id}"' in response.text and "Restored" in response.text


def test_moderators_restore_in_their_own_community_only(
    client, auth, taken_down, make_user, content
):
    auth.login("alice")
    page = client.get("/c/books/mod/content?kind=comment")
    assert page.status_code == 200 and "Removed comment" in page.text
    response = submit(
        client,
        "/c/books/mod/content",
        {},
        post_url=f"/c/books/mod/content/comment/{taken_down['removed_comment']}/restore",
    )
    assert response.status_code == 303
    auth.logout()

    erin = make_user("erin")
    content.community(erin, "films")
    auth.login("erin")
    assert client.get("/c/books/mod/content").status_code == 403
    elsewhere = submit(
        client,
        "/c/films/mod/content",
        {},
        post_url=f"/c/films/mod/content/post/{taken_down['post']}/restore",
    )
    assert elsewhere.status_code == 404
    db.session.expire_all()
    assert db.session.get(Post, taken_down["post"]).removed_at is not None


def test_people_who_are_not_admins_get_403(client, auth, taken_down):
    auth.login("dave")
    assert client.get("/admin/content").status_code == 403
    assert client.get("/c/books/mod/content").status_code == 403
    auth.logout()
    assert client.get("/admin/content").status_code == 302


def test_reported_content_is_listed_with_its_open_reports(client, auth, taken_down):
    auth.login("dave")
    submit(
        client,
        f"/report/comment/{taken_down['kept_comment']}",
        {"reason": "spam", "details": ""},
    )
    auth.logout()
    auth.login("carol")
    html = client.get("/admin/content?kind=comment&show=reported").text
    assert "Kept comment" in html and "Removed comment" not in html
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_the_list_costs_the_same_statements_for_2_and_20_items(
    app, client, auth, taken_down, content, count_statements
):
    open_post = content.post(taken_down["bob"], taken_down["books"], "Open post")

    def statements_for(count: int) -> int:
        ids = [
            content.comment(taken_down["bob"], open_post, body=f"<p>c{i}</p>") for i in range(count)
        ]
        with app.test_request_context(), unit_of_work():
            actor = db.session.get(User, taken_down["alice"])
            for comment_id in ids:
                comment_services.remove_comment(actor, db.session.get(Comment, comment_id), "bulk")
        client.get("/admin/content?kind=comment")
        with count_statements() as counter:
            assert client.get("/admin/content?kind=comment").status_code == 200
        return counter.count

    auth.login("carol")
    assert statements_for(2) == statements_for(18)
