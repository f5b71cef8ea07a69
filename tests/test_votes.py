"""Voting: up, down and clear, exact counters, the stated rules, htmx and plain forms."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

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


def _token(client, post_id):
    from tests.support.forms import csrf_token_from

    return csrf_token_from(client.get(f"/p/{post_id}/vote-on-me").get_data(as_text=True))


def test_a_vote_is_two_statements_on_postgresql(client, auth, post, count_statements):
    """Per htmx vote: the signed-in person's session, then the vote itself (PostgreSQL:
    one statement for rules, vote row, counters, hot rank and karma; SQLite: one writer
    at a time, plain statements in a row). Insert, flip, repeat, clear."""
    from tests.support.databases import is_postgres

    auth.login("bob")
    token = _token(client, post)
    expected = {"1": 2, "-1": 2, "0": 2} if is_postgres() else {"1": 5, "-1": 6, "0": 5}
    seen = []
    for value in ("1", "-1", "-1", "0"):
        with count_statements() as counter:
            response = client.post(
                f"/p/{post}/vote",
                data={"value": value, "csrf_token": token},
                headers={"HX-Request": "true"},
            )
        assert response.status_code == 200
        seen.append(counter.count)
    repeat = 2 if is_postgres() else 4  # the same vote again writes nothing
    assert seen == [expected["1"], expected["-1"], repeat, expected["0"]]
    assert totals(post) == (0, 0, 0, 0)


def test_the_answer_shows_the_new_score_without_reading_it_again(client, auth, post, make_user):
    make_user("carol")
    auth.login("carol")
    vote(client, post, 1)
    auth.logout()
    auth.login("bob")
    html = vote(client, post, 1, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "2 points" in html
    html = vote(client, post, -1, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "0 points" in html
    assert (
        f'id="vote-post-{post}-down" class="vote__button vote__button--down" aria-pressed="true"'
        in html
    )


def test_authors_karma_follows_every_kind_of_vote(client, auth, post, content, make_user):
    from webapp.models import User

    carol = make_user("carol")
    comment_id = content.comment(carol, post)
    alice_id = db.session.get(Post, post).author_id
    auth.login("bob")
    vote(client, post, 1)
    vote(client, post, -1)
    submit(client, "/", {"value": "1"}, post_url=f"/comments/{comment_id}/vote")
    submit(client, "/", {"value": "-1"}, post_url=f"/comments/{comment_id}/vote")
    submit(client, "/", {"value": "0"}, post_url=f"/comments/{comment_id}/vote")
    db.session.expire_all()
    assert db.session.get(User, alice_id).karma == -1
    assert db.session.get(User, carol).karma == 0
    comment = db.session.get(Comment, comment_id)
    assert (comment.score, comment.upvotes, comment.downvotes) == (0, 0, 0)


def test_a_missing_post_or_comment_is_a_404(client, auth, post):
    auth.login("bob")
    token = _token(client, post)
    for url in ("/p/987654/vote", "/comments/987654/vote"):
        response = client.post(
            url, data={"value": "1", "csrf_token": token}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PostVote)) == 0


def test_people_banned_from_the_community_cannot_vote_there(client, auth, post, make_user):
    from datetime import timedelta

    from webapp.models import CommunityBan, Profile, utc_now

    stored = db.session.get(Post, post)
    auth.login("bob")
    bob_id = db.session.scalar(select(Profile.user_id).where(Profile.username == "bob"))
    ban = CommunityBan(community_id=stored.community_id, user_id=bob_id, reason="Spam links")
    db.session.add(ban)
    db.session.commit()
    response = vote(client, post, 1, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "You are banned from this community. Reason: Spam links" in response.get_data(
        as_text=True
    )
    assert totals(post) == (0, 0, 0, 0)
    ban = db.session.get(CommunityBan, (stored.community_id, bob_id))
    ban.expires_at = utc_now() - timedelta(minutes=1)  # an ended ban keeps nobody out
    db.session.commit()
    assert vote(client, post, 1, headers={"HX-Request": "true"}).status_code == 200
    assert totals(post) == (1, 1, 0, 1)


def test_hot_rank_from_the_vote_is_exactly_the_python_formula(app, post, make_user):
    """The vote computes hot in SQL on PostgreSQL: it must equal
    webapp.ranking.hot_score bit for bit, for any age and score."""
    import random
    from datetime import UTC, datetime, timedelta

    from webapp.models import User
    from webapp.ranking import hot_score
    from webapp.unit_of_work import unit_of_work
    from webapp.votes import services

    bob = db.session.scalar(select(User.id).where(User.id != db.session.get(Post, post).author_id))
    rng = random.Random(14)
    start = datetime(2012, 1, 1, tzinfo=UTC)
    for _ in range(60):
        created = start + timedelta(microseconds=rng.randrange(15 * 365 * 86400 * 10**6))
        points = rng.choice([0, 1, 2, 9, 10, 99, 100, -1, -2, -11, rng.randint(-5000, 5000)])
        stored = db.session.get(Post, post)
        stored.created_at = created
        stored.upvotes, stored.downvotes = max(points, 0) + 1, max(-points, 0)
        stored.score = points + 1
        db.session.execute(delete(PostVote))
        db.session.commit()
        with app.test_request_context(), unit_of_work():
            services.vote_on_post(db.session.get(User, bob), db.session.get(Post, post), -1)
        db.session.expire_all()
        stored = db.session.get(Post, post)
        assert stored.score == points
        assert stored.hot == hot_score(points, created), (points, created)
