"""Site bans: what a ban stores, how the banned person is signed out and told why, the
sign-in refusal, the end of a ban, and lifting it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from webapp.admin import services
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import ModerationAction, User, UserSession, utc_now
from webapp.unit_of_work import unit_of_work

ACCOUNT = "/settings/account"


@pytest.fixture
def admin_id(make_user, db_session):
    user_id = make_user("root")
    db_session.get(User, user_id).is_admin = True
    db_session.commit()
    return user_id


def act(app, action):
    """Run a service as one committed request would."""
    with app.test_request_context(), unit_of_work():
        return action()


def ban(app, actor_id, target_id, reason="Spam everywhere", until=None):
    act(
        app,
        lambda: services.ban_user(
            db.session.get(User, actor_id), db.session.get(User, target_id), reason, until
        ),
    )


def devices(user_id: int) -> int:
    return db.session.scalar(select(func.count()).where(UserSession.user_id == user_id))


def test_ban_stores_exactly_the_reason_and_end_and_logs_it(app, admin_id, make_user):
    bob = make_user("bob")
    until = utc_now() + timedelta(days=3)
    ban(app, admin_id, bob, "  Posting spam links  ", until)
    db.session.expire_all()
    user = db.session.get(User, bob)
    assert user.ban_reason == "Posting spam links"
    assert user.banned_until == until
    assert user.banned_at is not None and user.is_banned
    entry = db.session.scalars(select(ModerationAction)).one()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        admin_id,
        "ban_user",
        "user",
        bob,
    )
    assert (entry.reason, entry.target_label) == ("Posting spam links", "bob")


@pytest.mark.parametrize(
    ("reason", "until_days", "message"),
    [
        ("", None, "Say why this person is banned."),
        ("   ", None, "Say why this person is banned."),
        ("x" * 501, None, "A reason has at most 500 characters."),
        ("Spam", -1, "The end of the ban must be in the future."),
    ],
)
def test_ban_is_refused_without_reason_or_with_a_past_end(
    app, admin_id, make_user, reason, until_days, message
):
    bob = make_user("bob")
    until = utc_now() + timedelta(days=until_days) if until_days else None
    with pytest.raises(DomainError) as refused:
        ban(app, admin_id, bob, reason, until)
    assert str(refused.value.message) == message
    db.session.expire_all()
    assert db.session.get(User, bob).banned_at is None
    assert db.session.scalar(select(func.count()).select_from(ModerationAction)) == 0


def test_an_admin_cannot_ban_themselves_or_another_admin(app, admin_id, make_user):
    other = make_user("other_admin")
    db.session.get(User, other).is_admin = True
    db.session.commit()
    with pytest.raises(DomainError, match="You cannot ban yourself."):
        ban(app, admin_id, admin_id)
    with pytest.raises(DomainError, match="remove their admin rights first"):
        ban(app, admin_id, other)


def test_a_non_admin_cannot_ban_through_the_service(app, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    with pytest.raises(DomainError) as refused:
        ban(app, alice, bob)
    assert refused.value.status == 403


def test_a_ban_takes_effect_on_the_very_next_request_and_says_why(
    app, client, auth, admin_id, make_user
):
    bob = make_user("bob")
    auth.login("bob")
    assert client.get(ACCOUNT).status_code == 200
    ban(app, admin_id, bob, "Harassing people")
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert "You have been signed out: this account is suspended. Reason: Harassing people" in page
    assert devices(bob) == 0
    # Signed out for good: the account page asks to sign in, and says nothing more.
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "suspended" not in client.get("/").get_data(as_text=True)


def test_a_banned_person_cannot_write_with_a_remember_cookie(
    app, client, auth, admin_id, make_user
):
    bob = make_user("bob")
    auth.login("bob", remember="y")
    ban(app, admin_id, bob)
    with client.session_transaction() as session:
        session.clear()  # only the remember cookie is left
    assert client.get(ACCOUNT).status_code == 302


def test_sign_in_is_refused_with_the_reason_and_end(app, auth, admin_id, make_user):
    bob = make_user("bob")
    ban(app, admin_id, bob, "Spam")
    page = auth.login("bob").get_data(as_text=True)
    assert "This account is suspended. Reason: Spam" in page

    until = utc_now() + timedelta(days=2)
    ban(app, admin_id, bob, "Spam again", until)
    response = auth.login("bob")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This account is suspended until " in page
    assert "Reason: Spam again" in page
    assert str(until.year) in page


def test_after_the_end_date_the_person_signs_in_again(app, client, auth, admin_id, make_user):
    bob = make_user("bob")
    auth.login("bob")
    ban(app, admin_id, bob, "Cool off", utc_now() + timedelta(days=1))
    db.session.get(User, bob).banned_until = utc_now() - timedelta(seconds=1)
    db.session.commit()
    # The device signed in before the ban stays signed out, even now the ban is over...
    assert client.get(ACCOUNT).status_code == 302
    assert devices(bob) == 0
    # ...and signing in again works.
    assert auth.login("bob").status_code == 302
    assert client.get(ACCOUNT).status_code == 200


def test_unban_lets_the_person_in_and_is_logged(app, auth, admin_id, make_user):
    bob = make_user("bob")
    ban(app, admin_id, bob, "Spam")
    act(
        app,
        lambda: services.unban_user(
            db.session.get(User, admin_id), db.session.get(User, bob), "Appeal accepted"
        ),
    )
    db.session.expire_all()
    user = db.session.get(User, bob)
    assert (user.banned_at, user.banned_until, user.ban_reason) == (None, None, "")
    assert auth.login("bob", TEST_PASSWORD).status_code == 302
    entries = db.session.execute(
        select(ModerationAction.action, ModerationAction.reason).order_by(ModerationAction.id)
    ).all()
    assert entries == [("ban_user", "Spam"), ("unban_user", "Appeal accepted")]


def test_unbanning_someone_not_banned_is_refused(app, admin_id, make_user):
    bob = make_user("bob")
    with pytest.raises(DomainError, match="This person is not banned."):
        act(
            app,
            lambda: services.unban_user(db.session.get(User, admin_id), db.session.get(User, bob)),
        )


def test_devices_from_before_a_lifted_ban_stay_signed_out(app, client, auth, admin_id, make_user):
    bob = make_user("bob")
    auth.login("bob")
    ban(app, admin_id, bob)
    act(
        app,
        lambda: services.unban_user(db.session.get(User, admin_id), db.session.get(User, bob)),
    )
    assert devices(bob) == 0
    assert client.get(ACCOUNT).status_code == 302
