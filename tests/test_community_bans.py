"""Bans from one community: who may ban whom, what a banned person can no longer do
(and is told why), and the moderators' page at /c/<name>/mod/bans."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.forms import submit
from webapp.communities import bans
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import (
    Comment,
    Community,
    CommunityBan,
    Membership,
    ModerationAction,
    Post,
    PostVote,
    User,
    utc_now,
)
from webapp.unit_of_work import unit_of_work

BANNED = "You are banned from this community. Reason: Posting spam"


@pytest.fixture
def world(make_user, content, db_session):
    """alice owns books (moe moderates it, bob and carol are members) and films."""
    ids = {name: make_user(name) for name in ("alice", "moe", "bob", "carol", "root")}
    db_session.get(User, ids["root"]).is_admin = True
    db_session.commit()
    ids["books"] = content.community(ids["alice"], "books", "Books")
    ids["films"] = content.community(ids["alice"], "films", "Films")
    for name in ("moe", "bob", "carol"):
        content.join(ids[name], ids["books"])
    db_session.get(Membership, (ids["moe"], ids["books"])).role = "moderator"
    ids["post"] = content.post(ids["alice"], ids["books"], "Books post")
    ids["film_post"] = content.post(ids["alice"], ids["films"], "Films post")
    db_session.commit()
    return ids


def ban(app, actor_id, community_id, target_id, reason="Posting spam", until=None):
    """Ban through the service, committed as a request would."""
    with app.test_request_context(), unit_of_work():
        return bans.ban_from_community(
            db.session.get(User, actor_id),
            db.session.get(Community, community_id),
            db.session.get(User, target_id),
            reason,
            until,
        )


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_banned_person_cannot_post_comment_vote_or_join_and_is_told_why(app, client, auth, world):
    ban(app, world["alice"], world["books"], world["bob"])
    auth.login("bob")
    before = (count(Post), count(Comment), count(PostVote))

    attempts = [
        submit(client, "/c/books/submit", {"title": "Hi", "body": "x", "body_format": "text"}),
        submit(client, "/", {"body": "Hi"}, post_url=f"/p/{world['post']}/comments"),
        submit(client, "/", {"value": "1"}, post_url=f"/p/{world['post']}/vote"),
        submit(client, "/", {}, post_url="/c/books/join"),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert BANNED in html.unescape(response.get_data(as_text=True))
    assert (count(Post), count(Comment), count(PostVote)) == before
    assert count(Membership, Membership.user_id == world["bob"]) == 0
    # Reading stays open.
    assert client.get("/c/books").status_code == 200


def test_banned_person_takes_part_elsewhere(app, client, auth, world):
    ban(app, world["alice"], world["books"], world["bob"])
    auth.login("bob")
    response = submit(
        client, "/c/films/submit", {"title": "Films talk", "body": "x", "body_format": "text"}
    )
    assert response.status_code == 303
    assert submit(client, "/", {}, post_url="/c/films/join").status_code == 303
    assert count(Post, Post.community_id == world["films"]) == 2


def test_an_expired_ban_ends_by_itself(app, client, auth, world, db_session):
    ban(app, world["alice"], world["books"], world["bob"], until=utc_now() + timedelta(days=1))
    auth.login("bob")
    page = submit(client, "/", {}, post_url="/c/books/join")
    assert page.status_code == 403
    assert "You are banned from this community until" in page.get_data(as_text=True)
    db_session.get(CommunityBan, (world["books"], world["bob"])).expires_at = utc_now() - timedelta(
        seconds=1
    )
    db_session.commit()
    assert submit(client, "/", {}, post_url="/c/books/join").status_code == 303
    assert count(Membership, Membership.user_id == world["bob"]) == 1


def test_non_moderators_cannot_open_or_use_the_bans_page(client, auth, world):
    auth.login("carol")
    assert client.get("/c/books/mod/bans").status_code == 403
    response = submit(
        client,
        "/c/books",
        {"username": "bob", "reason": "Because"},
        post_url="/c/books/mod/bans",
    )
    assert response.status_code == 403
    assert count(CommunityBan) == 0
    lift = submit(
        client, "/c/books", {"user_id": str(world["bob"])}, post_url="/c/books/mod/bans/lift"
    )
    assert lift.status_code == 403
    assert client.get("/c/nowhere/mod/bans").status_code == 404


def test_the_service_refuses_a_non_moderator(app, world):
    with pytest.raises(DomainError) as refused:
        ban(app, world["carol"], world["books"], world["bob"])
    assert refused.value.status == 403
    assert count(CommunityBan) == 0


def test_guest_is_sent_to_sign_in(client, world):
    response = client.get("/c/books/mod/bans")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_moderator_bans_from_the_page_and_it_is_logged(client, auth, world):
    auth.login("moe")
    response = submit(
        client,
        "/c/books/mod/bans",
        {"username": "BOB", "reason": "  Posting spam  ", "days": "7"},
    )
    assert response.status_code == 303
    stored = db.session.get(CommunityBan, (world["books"], world["bob"]))
    assert stored.reason == "Posting spam" and stored.banned_by_id == world["moe"]
    remaining = stored.expires_at - utc_now()
    assert timedelta(days=6, hours=23) < remaining <= timedelta(days=7)
    # The banned person leaves the community, and the count follows.
    assert count(Membership, Membership.user_id == world["bob"]) == 0
    community = db.session.get(Community, world["books"])
    assert community.member_count == count(Membership, Membership.community_id == world["books"])
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "ban_from_community")
    ).one()
    assert (entry.actor_id, entry.target_id, entry.community_id) == (
        world["moe"],
        world["bob"],
        world["books"],
    )
    assert entry.reason == "Posting spam" and entry.target_label == "bob"
    page = client.get("/c/books/mod/bans").get_data(as_text=True)
    assert "bob is banned from this community." in page
    assert "Posting spam" in page and '<caption id="bans-caption">' in page


@pytest.mark.parametrize(
    ("actor", "target", "message"),
    [
        ("moe", "moe", "You cannot ban yourself."),
        ("moe", "alice", "The owner cannot be banned from their community."),
        ("moe", "root", "Site admins cannot be banned from a community."),
        ("moe", "nobody", "No one has this username."),
    ],
)
def test_refused_bans_show_on_the_form(client, auth, world, actor, target, message):
    auth.login(actor)
    response = submit(client, "/c/books/mod/bans", {"username": target, "reason": "Rude"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and message in page
    assert f'value="{target}"' in page  # what was typed comes back
    assert count(CommunityBan) == 0


def test_a_moderator_cannot_ban_another_moderator_but_the_owner_can(app, client, auth, world):
    other = db.session.get(Membership, (world["carol"], world["books"]))
    other.role = "moderator"
    db.session.commit()
    auth.login("moe")
    response = submit(client, "/c/books/mod/bans", {"username": "carol", "reason": "Rude"})
    assert response.status_code == 422
    assert "Only the owner can ban one of the moderators." in html.unescape(
        response.get_data(as_text=True)
    )
    ban(app, world["alice"], world["books"], world["carol"], reason="Rude")
    assert db.session.get(Membership, (world["carol"], world["books"])) is None
    assert bans.active_ban(world["carol"], world["books"]) is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "bob", "reason": ""}, "Say why this person is banned."),
        ({"username": "", "reason": "Rude"}, "Enter a username."),
        (
            {"username": "bob", "reason": "Rude", "days": "0"},
            "A ban lasts from 1 to 3,650 days (or leave it empty for no end).",
        ),
        ({"username": "bob", "reason": "r" * 501}, "A reason has at most 500 characters."),
    ],
)
def test_the_ban_form_checks_what_was_typed(client, auth, world, fields, message):
    auth.login("moe")
    response = submit(client, "/c/books/mod/bans", fields)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert count(CommunityBan) == 0


def test_banning_twice_updates_the_one_ban(app, world):
    ban(app, world["alice"], world["books"], world["bob"], reason="First")
    later = utc_now() + timedelta(days=3)
    ban(app, world["moe"], world["books"], world["bob"], reason="Second", until=later)
    rows = db.session.scalars(select(CommunityBan)).all()
    assert len(rows) == 1
    assert (rows[0].reason, rows[0].banned_by_id) == ("Second", world["moe"])
    assert abs(rows[0].expires_at - later) < timedelta(seconds=1)
    assert count(ModerationAction, ModerationAction.action == "ban_from_community") == 2
    community = db.session.get(Community, world["books"])
    assert community.member_count == count(Membership, Membership.community_id == world["books"])


def test_lifting_a_ban_is_logged_and_lets_the_person_back(app, client, auth, world):
    ban(app, world["alice"], world["books"], world["bob"])
    auth.login("moe")
    response = submit(
        client,
        "/c/books/mod/bans",
        {"user_id": str(world["bob"])},
        post_url="/c/books/mod/bans/lift",
    )
    assert response.status_code == 303
    assert count(CommunityBan) == 0
    entry = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == "unban_from_community")
    ).one()
    assert (entry.actor_id, entry.target_id, entry.target_label) == (
        world["moe"],
        world["bob"],
        "bob",
    )
    auth.logout()
    auth.login("bob")
    assert submit(client, "/", {}, post_url="/c/books/join").status_code == 303


def test_the_sidebar_links_the_bans_page_for_moderators_only(client, auth, world):
    auth.login("bob")
    assert "/c/books/mod/bans" not in client.get("/c/books").get_data(as_text=True)
    auth.logout()
    auth.login("moe")
    assert "/c/books/mod/bans" in client.get("/c/books").get_data(as_text=True)


def test_a_site_admin_can_ban_from_any_community(client, auth, world):
    auth.login("root")
    response = submit(client, "/c/books/mod/bans", {"username": "bob", "reason": "Spam"})
    assert response.status_code == 303
    assert bans.active_ban(world["bob"], world["books"]) is not None


def _bans_page_statements(client, count_statements) -> int:
    with count_statements() as counter:
        response = client.get("/c/books/mod/bans")
    assert response.status_code == 200
    return counter.count


def test_the_bans_list_costs_the_same_for_2_and_20_people(
    app, client, auth, world, make_user, count_statements
):
    people = [make_user(f"spammer{index}") for index in range(20)]
    for person in people[:2]:
        ban(app, world["moe"], world["books"], person)
    auth.login("moe")
    few = _bans_page_statements(client, count_statements)
    for person in people[2:]:
        ban(app, world["moe"], world["books"], person)
    many = _bans_page_statements(client, count_statements)
    assert few == many
    page = client.get("/c/books/mod/bans").get_data(as_text=True)
    assert page.count("Lift ban") == 20
