"""An owner hands their community to one of its members (and stays a moderator), from
the members page, without JavaScript; nobody else can, and only a member can receive
it. Then the old owner can leave, or delete their account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from tests.conftest import TEST_PASSWORD, AuthActions
from tests.support.forms import submit
from webapp.communities import ownership
from webapp.communities import services as community_services
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Community, CommunityBan, Membership, ModerationAction, User
from webapp.unit_of_work import unit_of_work

MEMBERS = "/c/books/members"
OWNER = "/c/books/owner"


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def role(user_id: int, community_id: int) -> str | None:
    db.session.expire_all()
    membership = db.session.get(Membership, (user_id, community_id))
    return membership.role if membership else None


@pytest.fixture
def books(app, make_user, content):
    """Alice owns "books"; Bob is a member, Carol a moderator; Dan is not a member."""
    ids = {name: make_user(name) for name in ("alice", "bob", "carol", "dan")}
    ids["books"] = content.community(ids["alice"])
    content.join(ids["bob"], ids["books"])
    content.join(ids["carol"], ids["books"])
    with app.test_request_context(), unit_of_work():
        community_services.set_moderator(
            person(ids["alice"]), db.session.get(Community, ids["books"]), "carol", True
        )
    return ids


def hand_over(client, username: str):
    return submit(client, MEMBERS, {"owner-username": username}, post_url=OWNER)


def test_the_owner_hands_the_community_to_a_member_and_stays_a_moderator(client, books):
    AuthActions(client).login("alice")
    page = client.get(MEMBERS).get_data(as_text=True)
    assert 'id="hand-over"' in page and 'action="/c/books/owner"' in page

    response = hand_over(client, "Bob")

    assert response.status_code == 303
    assert response.headers["Location"] == MEMBERS
    flashed = "\u2068bob\u2069 now owns \u2068Books\u2069. You stay on as a moderator."
    assert flashed in client.get(MEMBERS).get_data(as_text=True)
    assert role(books["bob"], books["books"]) == "owner"
    assert role(books["alice"], books["books"]) == "moderator"
    owners = db.session.scalars(
        select(Membership.user_id).where(
            Membership.community_id == books["books"], Membership.role == "owner"
        )
    ).all()
    assert owners == [books["bob"]]
    assert db.session.get(Community, books["books"]).member_count == 3
    entry = db.session.scalar(
        select(ModerationAction).where(ModerationAction.action == "transfer_community")
    )
    assert (entry.actor_id, entry.target_id, entry.community_id, entry.target_label) == (
        books["alice"],
        books["bob"],
        books["books"],
        "bob",
    )
    # The old owner no longer sees the form; the new one does.
    assert 'id="hand-over"' not in client.get(MEMBERS).get_data(as_text=True)


def test_a_moderator_or_member_cannot_hand_it_over(app, client, books):
    AuthActions(client).login("carol")
    assert 'id="hand-over"' not in client.get(MEMBERS).get_data(as_text=True)
    response = hand_over(client, "bob")
    assert response.status_code == 403
    assert role(books["alice"], books["books"]) == "owner"
    assert role(books["bob"], books["books"]) == "member"


def test_a_site_admin_who_is_not_the_owner_uses_the_admin_transfer_instead(app, books):
    with app.test_request_context(), unit_of_work():
        db.session.execute(update(User).where(User.id == books["dan"]).values(is_admin=True))
    with app.test_request_context(), pytest.raises(DomainError) as refusal:
        ownership.hand_over_community(
            person(books["dan"]), db.session.get(Community, books["books"]), "bob"
        )
    assert refusal.value.status == 403


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("dan", "Only a member of the community can become its owner."),
        ("nobody_here", "Only a member of the community can become its owner."),
        ("alice", "You own this community already."),
        ("", "Enter a username."),
    ],
)
def test_only_a_member_can_receive_it(client, books, username, message):
    AuthActions(client).login("alice")
    response = hand_over(client, username)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    typed = re.search(r'<input[^>]*name="owner-username"[^>]*>', html).group(0)
    assert f'value="{username}"' in typed and 'aria-invalid="true"' in typed
    assert role(books["alice"], books["books"]) == "owner"


def test_a_member_banned_from_the_community_cannot_receive_it(app, client, books):
    with app.test_request_context(), unit_of_work():
        db.session.add(CommunityBan(community_id=books["books"], user_id=books["bob"], reason="x"))
    AuthActions(client).login("alice")
    response = hand_over(client, "bob")
    assert response.status_code == 422
    assert "This person is banned from this community: lift the ban first." in response.get_data(
        as_text=True
    )
    assert role(books["bob"], books["books"]) == "member"


def test_guests_are_sent_to_sign_in(client, books):
    response = hand_over(client, "bob")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login?next=/c/books/members"
    assert role(books["alice"], books["books"]) == "owner"


def test_after_handing_over_the_old_owner_can_delete_their_account(client, books):
    AuthActions(client).login("alice")
    assert 'name="password"' not in client.get("/settings/account/delete").get_data(as_text=True)
    hand_over(client, "carol")
    assert 'name="password"' in client.get("/settings/account/delete").get_data(as_text=True)

    response = submit(
        client, "/settings/account/delete", {"password": TEST_PASSWORD, "content": "keep"}
    )

    assert response.status_code == 303
    assert db.session.get(User, books["alice"]) is None
    assert role(books["carol"], books["books"]) == "owner"
    assert db.session.get(Community, books["books"]).member_count == 2
