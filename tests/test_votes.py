"""Voting: up, down and clear, exact counters, the stated rules, htmx and plain forms."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.forms import submit
from webapp.extensions import db
from webapp.models import Comment, CommentVote, Post, PostVote


@pytest.fixture
def post(make_user, content):
    alice = make_user("alice")
    make_user("bob")
    community = content.community(alice)
    return content.post(alice, community, "Vote on me")


def vote(client, post_id, value, **kwargs):
    return submit(
        client,
        f"/p/{post_id}/vote-on-me",
        {"value": str(value)},
        post_url=f"/p/{post_id}/vote",
        **kwargs,
    )


def totals(post_id):
    db.session.expire_all()
    item = db.session.get(Post, post_id)
    votes = db.session.scalar(
        select(func.coalesce(func.sum(PostVote.value), 0)).where(PostVote.post_id == post_id)
    )
    return item.score, item.upvotes, item.downvotes, votes


def test_up_down_and_clear_keep_score_equal_to_the_votes(client, auth, post):
    auth.login("bob")
    vote(client, post, 1)
    assert totals(post) == (1, 1, 0, 1)
    vote(client, post, -1)
    assert totals(post) == (-1, 0, 1, -1)
    vote(client, post, -1)  # the same vote again changes nothing
    assert totals(post) == (-1, 0, 1, -1)
    vote(client, post, 0)
    assert totals(post) == (0, 0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(PostVote)) == 0


def test_hot_rank_is_stored_from_the_new_score(client, auth, post, make_user):
    from webapp.ranking import hot_score

    for name in ("bob", "carol", "dave"):
        if name != "bob":
            make_user(name)
        auth.login(name)
        vote(client, post, 1)
        auth.logout()
    stored = db.session.get(Post, post)
    assert stored.score == 3
    assert stored.hot == hot_score(3, stored.created_at) > hot_score(0, stored.created_at)


def test_htmx_vote_returns_the_widget_with_pressed_state(client, auth, post):
    auth.login("bob")
    response = vote(client, post, 1, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "1 point" in html
    assert (
        f'id="vote-post-{post}-up" class="vote__button vote__button--up" aria-pressed="true"'
        in html
    )
    assert 'name="value" value="0"' in html  # pressing up again clears


def test_plain_vote_goes_back_to_the_page(client, auth, post):
    auth.login("bob")
    response = submit(client, "/", {"value": "1", "next": "/?sort=new"}, post_url=f"/p/{post}/vote")
    assert response.status_code == 303 and response.headers["Location"] == "/?sort=new"


def test_guest_vote_signs_in_and_comes_back(client, post):
    response = submit(client, "/", {"value": "1", "next": "/all"}, post_url=f"/p/{post}/vote")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login?next=/all"
    assert totals(post) == (0, 0, 0, 0)


def test_nobody_votes_on_their_own_post(client, auth, post):
    auth.login("alice")
    response = vote(client, post, 1, follow_redirects=True)
    assert "You cannot vote on what you wrote." in response.get_data(as_text=True)
    assert vote(client, post, 1, headers={"HX-Request": "true"}).status_code == 403
    assert totals(post) == (0, 0, 0, 0)


def test_removed_or_deleted_posts_take_no_votes(client, auth, post, content):
    db.session.get(Post, post).deleted_at = db.session.get(Post, post).created_at
    db.session.commit()
    auth.login("bob")
    assert vote(client, post, 1, headers={"HX-Request": "true"}).status_code == 409
    assert totals(post) == (0, 0, 0, 0)


@pytest.mark.parametrize("value", ["2", "-2", "up", ""])
def test_invalid_vote_values_are_a_400(client, auth, post, value):
    auth.login("bob")
    response = submit(client, "/", {"value": value}, post_url=f"/p/{post}/vote")
    assert response.status_code == 400


def test_comment_votes_keep_their_counters(client, auth, post, content, make_user):
    carol = make_user("carol")
    comment_id = content.comment(carol, post)
    auth.login("bob")
    submit(client, "/", {"value": "-1"}, post_url=f"/comments/{comment_id}/vote")
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    assert (comment.score, comment.downvotes) == (-1, 1)
    assert db.session.scalar(select(CommentVote.value)) == -1


def test_feed_shows_the_viewers_own_votes_without_extra_queries_per_post(
    client, auth, post, content, count_statements
):
    alice_id = db.session.get(Post, post).author_id
    community_id = db.session.get(Post, post).community_id
    for index in range(30):
        content.post(alice_id, community_id, f"Filler {index}")
    auth.login("bob")
    vote(client, post, 1)
    html = client.get("/all?sort=new&t=all").get_data(as_text=True)
    assert html.count('aria-pressed="true"') == 0  # the voted post is on page two
    page_two = client.get("/all?sort=top&t=all").get_data(as_text=True)
    assert (
        f'id="vote-post-{post}-up" class="vote__button vote__button--up" aria-pressed="true"'
        in page_two
    )
    client.get("/all")
    with count_statements() as full:
        client.get("/all")
    assert full.count <= 5, full.statements
