"""Deleting an account: the password confirms it; the person's posts and comments are
deleted or stay as by "[deleted]"; votes, follows and memberships end with every
counter exact; the username is held for 30 days, the address is free at once; every
device of the account is signed out; owners hand their communities over first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import TEST_PASSWORD, AuthActions
from tests.support.api import make_token
from tests.support.forms import submit
from webapp.account_data import services as account_services
from webapp.auth import totp, two_factor
from webapp.comments import services as comment_services
from webapp.communities import services as community_services
from webapp.counters import counter_mismatches, recount_all
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import (
    ApiToken,
    Comment,
    CommentVote,
    Community,
    Follow,
    HeldUsername,
    Membership,
    Post,
    PostVote,
    Profile,
    RecoveryCode,
    Tag,
    User,
    UserSession,
    utc_now,
)
from webapp.profiles import services as profile_services
from webapp.ranking import hot_score
from webapp.unit_of_work import unit_of_work
from webapp.votes import services as vote_services

DELETE = "/settings/account/delete"


@pytest.fixture
def write(app, db_session):
    def run(action):
        with app.test_request_context(), unit_of_work():
            result = action()
        db.session.expire_all()
        return result

    return run


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def fresh(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


@pytest.fixture
def world(make_user, content, write):
    """Alice owns "books"; Bob, Carol and Dan joined. Bob's post P (tagged) has Carol's
    comment C, Bob's reply R and Dan's comment D; Carol's post Q has Bob's comment B.
    Bob voted +1 on C, +1 on Q, +1 on D; Carol +1 on P, Dan +1 on R and C. Bob follows
    Carol; Dan follows Bob."""
    ids = {name: make_user(name) for name in ("alice", "bob", "carol", "dan")}
    ids["books"] = content.community(ids["alice"])
    for name in ("bob", "carol", "dan"):
        write(
            lambda name=name: community_services.join_community(
                person(ids[name]), db.session.get(Community, ids["books"])
            )
        )
    ids["P"] = content.post(
        ids["bob"], ids["books"], title="Bobs novel", body="<p>Chapter one</p>", tags=["novels"]
    )
    ids["C"] = content.comment(ids["carol"], ids["P"], body="<p>Lovely start</p>")
    ids["R"] = content.comment(ids["bob"], ids["P"], parent_id=ids["C"], body="<p>Thanks</p>")
    ids["D"] = content.comment(ids["dan"], ids["P"], body="<p>More please</p>")
    ids["Q"] = content.post(ids["carol"], ids["books"], title="Carols poem", tags=["poetry"])
    ids["B"] = content.comment(ids["bob"], ids["Q"], body="<p>Nice rhyme</p>")
    votes = [
        ("bob", vote_services.vote_on_comment, Comment, "C", 1),
        ("bob", vote_services.vote_on_post, Post, "Q", 1),
        ("bob", vote_services.vote_on_comment, Comment, "D", 1),
        ("carol", vote_services.vote_on_post, Post, "P", 1),
        ("dan", vote_services.vote_on_comment, Comment, "R", 1),
        ("dan", vote_services.vote_on_comment, Comment, "C", 1),
    ]
    for voter, cast, model, item, value in votes:
        write(
            lambda voter=voter, cast=cast, model=model, item=item, value=value: cast(
                person(ids[voter]), db.session.get(model, ids[item]), value
            )
        )
    write(lambda: profile_services.follow(person(ids["bob"]), person(ids["carol"])))
    write(lambda: profile_services.follow(person(ids["dan"]), person(ids["bob"])))
    assert counter_mismatches() == []
    assert person(ids["carol"]).karma == 2 + 1  # C, Q
    assert person(ids["dan"]).karma == 1  # D
    return ids


def delete_as_bob(client, content_choice: str, password: str = TEST_PASSWORD):
    AuthActions(client).login("bob")
    return submit(client, DELETE, {"password": password, "content": content_choice})


def assert_counters_exact():
    db.session.expire_all()
    assert counter_mismatches() == []
    changed = recount_all()
    assert set(changed.values()) == {0}, changed


def test_keeping_content_leaves_posts_and_comments_as_by_deleted(
    app, client, world, mailbox, db_session
):
    other_device = app.test_client()
    AuthActions(other_device).login("bob")
    assert other_device.get("/settings/account").status_code == 200
    make_token(app, world["bob"])
    with app.test_request_context(), unit_of_work():
        db.session.add(RecoveryCode(user_id=world["bob"], code_hash="x" * 64))

    response = delete_as_bob(client, "keep")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Your account has been deleted." in home
    assert fresh(User, world["bob"]) is None
    assert client.get("/settings/account").status_code == 302  # this browser is signed out
    assert other_device.get("/settings/account").status_code == 302  # and the other one
    for model in (UserSession, ApiToken, RecoveryCode, PostVote, CommentVote, Membership):
        assert (
            db.session.scalar(
                select(func.count()).select_from(model).where(model.user_id == world["bob"])
            )
            == 0
        ), model
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0

    kept = fresh(Post, world["P"])
    assert (kept.author_id, kept.title) == (None, "Bobs novel")
    assert kept.body_html == "<p>Chapter one</p>"
    assert kept.deleted_at is None
    assert fresh(Comment, world["R"]).author_id is None
    assert fresh(Comment, world["R"]).deleted_at is None
    # Bob's votes are withdrawn: scores, hot rank and authors' karma move back.
    assert fresh(Comment, world["C"]).score == 1
    assert fresh(Comment, world["D"]).score == 0
    q = fresh(Post, world["Q"])
    assert (q.score, q.upvotes, q.hot) == (0, 0, hot_score(0, q.created_at))
    assert person(world["carol"]).karma == 1
    assert person(world["dan"]).karma == 0
    assert person(world["carol"]).follower_count == 0
    assert person(world["dan"]).following_count == 0
    assert fresh(Community, world["books"]).member_count == 3
    assert fresh(Community, world["books"]).post_count == 2
    assert db.session.scalar(select(Tag.post_count).where(Tag.name == "novels")) == 1
    assert_counters_exact()

    page = client.get(f"/p/{world['P']}").headers["Location"]
    html = client.get(page).get_data(as_text=True)
    assert "Bobs novel" in html and "Chapter one" in html and "Thanks" in html
    assert "[deleted]" in html and "/u/bob" not in html

    mail = mailbox.wait_for("bob@example.org")
    assert mail.subject == "Your account on Quorum has been deleted"
    assert 'Your posts and comments stay on the site, shown as by "[deleted]".' in mail.text
    assert '<html lang="en"' in mail.html


def test_deleting_content_deletes_each_post_and_comment_with_exact_counts(
    app, client, world, mailbox
):
    response = delete_as_bob(client, "delete")

    assert response.status_code == 303
    assert fresh(User, world["bob"]) is None
    for key in ("P", "R", "B"):
        item = fresh(Post if key == "P" else Comment, world[key])
        assert item.deleted_at is not None, key
        assert item.author_id is None
    assert fresh(Comment, world["C"]).deleted_at is None
    assert fresh(Post, world["Q"]).deleted_at is None
    books = fresh(Community, world["books"])
    assert (books.post_count, books.member_count) == (1, 3)
    assert db.session.scalar(select(Tag.post_count).where(Tag.name == "novels")) == 0
    assert fresh(Post, world["P"]).comment_count == 2  # C and D stay
    assert fresh(Post, world["Q"]).comment_count == 0
    # Under a deleted post comments count for no one's karma (README's rule).
    assert person(world["carol"]).karma == 0  # Q lost Bob's vote; C is under P
    assert person(world["dan"]).karma == 0
    assert_counters_exact()

    html = client.get(f"/p/{world['P']}/deleted").get_data(as_text=True)
    assert "Bobs novel" not in html and "Chapter one" not in html and "Thanks" not in html
    assert "[deleted]" in html
    mail = mailbox.wait_for("bob@example.org")
    assert "Your posts and comments have been deleted." in mail.text


def test_pages_and_the_api_show_a_deleted_author(app, client, world, api_as):
    delete_as_bob(client, "keep")
    pages = [
        "/all",
        "/",
        "/c/books",
        "/t/novels",
        f"/comments/{world['R']}",
    ]
    for url in pages:
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "[deleted]" in html, url
        assert "/u/bob" not in html, url
    api = api_as("carol")
    post_json = api.get(f"/posts/{world['P']}").get_json()
    assert post_json["author"] is None and post_json["title"] == "Bobs novel"
    comment_json = api.get(f"/comments/{world['R']}").get_json()
    assert comment_json["author"] is None and comment_json["body_html"] == "<p>Thanks</p>"


def test_search_still_finds_what_a_deleted_account_left(client, world):
    delete_as_bob(client, "keep")
    for url, found in (
        ("/search?q=novel&type=posts", "Bobs novel"),
        ("/search?q=thanks&type=comments", "Thanks"),
    ):
        html = re.sub(r"</?mark>", "", client.get(url).get_data(as_text=True))
        assert found in html, url
        assert "[deleted]" in html, url


def test_the_username_is_held_for_30_days_and_the_address_is_free_at_once(app, client, world, auth):
    delete_as_bob(client, "keep")
    held = fresh(HeldUsername, "bob")
    assert held.held_until - utc_now() > timedelta(days=29, hours=23)
    assert held.held_until - utc_now() <= timedelta(days=30)

    refused = auth.register("Bob", email="new-bob@example.org")
    assert refused.status_code == 422
    assert "This username is taken. Try another." in refused.get_data(as_text=True)

    # The address takes a new account with another name at once.
    assert auth.register("robert", email="bob@example.org").status_code == 303
    assert (
        db.session.scalar(
            select(Profile.username).join(User).where(User.email == "bob@example.org")
        )
        == "robert"
    )

    # After 30 days the name is free again.
    with app.test_request_context(), unit_of_work():
        db.session.execute(update(HeldUsername).values(held_until=utc_now() - timedelta(minutes=1)))
    assert auth.register("bob", email="bob-again@example.org").status_code == 303
    assert (
        db.session.scalar(select(User.email).join(Profile).where(Profile.username == "bob"))
        == "bob-again@example.org"
    )


def test_a_second_deletion_renews_the_hold_on_a_name(app, client, world, auth, make_user):
    with app.test_request_context(), unit_of_work():
        db.session.add(HeldUsername(username="bob", held_until=utc_now() - timedelta(days=2)))
    delete_as_bob(client, "keep")
    assert fresh(HeldUsername, "bob").held_until > utc_now() + timedelta(days=29)


def test_a_wrong_password_or_no_choice_deletes_nothing(client, world):
    response = delete_as_bob(client, "keep", password="not my password")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your password is not correct." in html
    assert 'checked id="content-1" name="content" required type="radio" value="keep"' in html
    assert "not my password" not in html
    assert fresh(User, world["bob"]) is not None

    response = submit(client, DELETE, {"password": TEST_PASSWORD})
    assert response.status_code == 422
    assert "Choose what happens to your posts and comments." in response.get_data(as_text=True)
    assert fresh(User, world["bob"]) is not None
    assert client.get("/settings/account").status_code == 200


def test_the_page_explains_and_offers_both_choices_with_none_made(client, world):
    AuthActions(client).login("bob")
    html = client.get(DELETE).get_data(as_text=True)
    assert "Delete my posts and comments" in html
    assert "Keep my posts and comments, shown as by [deleted]" in html
    assert "checked" not in html
    assert "Delete my account" in html


def test_an_owner_is_told_to_hand_communities_over_first(app, client, world):
    AuthActions(client).login("alice")
    page = client.get(DELETE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert (
        "You own these communities. Hand each one to another member before you delete your"
        " account." in html
    )
    assert "/c/books/members#hand-over" in html
    assert 'name="password"' not in html

    refused = submit(client, DELETE, {"password": TEST_PASSWORD, "content": "keep"})
    assert refused.status_code == 409
    assert fresh(User, world["alice"]) is not None

    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        account_services.delete_account(person(world["alice"]), TEST_PASSWORD, True)
    assert refusal.value.status == 409
    assert str(refusal.value.message) == (
        "You own these communities. Hand each one to another member before you delete your account."
    )


def test_the_only_admin_cannot_delete_their_account(app, world, write):
    write(
        lambda: db.session.execute(
            update(User).where(User.id == world["dan"]).values(is_admin=True)
        )
    )
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        account_services.delete_account(person(world["dan"]), TEST_PASSWORD, True)
    assert refusal.value.status == 409


def test_guests_are_sent_to_sign_in(client):
    response = client.get(DELETE)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_deleted_comment_by_an_author_already_stays_out_of_the_counts(app, client, world, write):
    """What Bob deleted or a moderator removed before is counted once, not twice."""
    write(lambda: comment_services.delete_comment(person(world["bob"]), fresh(Comment, world["B"])))
    write(
        lambda: comment_services.remove_comment(
            person(world["alice"]), fresh(Comment, world["R"]), "Off topic"
        )
    )
    assert counter_mismatches() == []
    delete_as_bob(client, "delete")
    assert fresh(Comment, world["R"]).removed_at is not None
    assert fresh(Comment, world["R"]).deleted_at is not None
    assert_counters_exact()


def test_with_two_factor_sign_in_a_code_is_needed_too(app, client, world, monkeypatch):
    now = 1_800_000_000.0
    monkeypatch.setattr(two_factor, "now_seconds", lambda: now)
    AuthActions(client).login("bob")
    secret = totp.new_secret()
    with app.test_request_context(), unit_of_work():
        db.session.execute(
            update(User)
            .where(User.id == world["bob"])
            .values(totp_secret=secret, totp_enabled_at=utc_now())
        )
    assert 'name="code"' in client.get(DELETE).get_data(as_text=True)
    right = totp.code_at(secret, totp.step_at(now))
    wrong = next(code for code in ("000000", "111111") if code != right)
    for code, message in (
        ("", "Enter the 6-digit code from your app or one of your recovery codes."),
        (wrong, "That code is not right. Type the code your app shows now."),
    ):
        data = {"password": TEST_PASSWORD, "content": "keep", "code": code}
        response = submit(client, DELETE, data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert fresh(User, world["bob"]) is not None

    data = {"password": TEST_PASSWORD, "content": "keep", "code": right}
    assert submit(client, DELETE, data).status_code == 303
    assert fresh(User, world["bob"]) is None


def test_a_second_deletion_of_the_same_account_is_refused(app, client, world):
    """A double click: the second request waits for the first, then finds the account
    gone, and changes no counter a second time."""
    delete_as_bob(client, "keep")
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        account_services.delete_account(User(id=world["bob"]), TEST_PASSWORD, True)
    assert refusal.value.status == 409
    assert str(refusal.value.message) == "This account has been deleted already."
    assert_counters_exact()
