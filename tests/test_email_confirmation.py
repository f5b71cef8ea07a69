"""Confirming email addresses: the link sent at sign-up, sending it again, the banner,
changing the address (and undoing the change from the old one), and posting that waits
for a confirmed address when the site says so."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, AuthActions
from tests.support.forms import submit
from webapp.extensions import db, limiter
from webapp.models import Post, SiteSetting, User, UserSession, utc_now
from webapp.site_settings import forget_cached_settings

CONFIRM_LINK = re.compile(r"^http://localhost/auth/confirm/[\w.-]+$")
UNDO_LINK = re.compile(r"^http://localhost/auth/email/undo/[\w.-]+$")
MUST_CONFIRM = (
    "Confirm your email address before you post: use the link we sent you, or ask for a new one."
)


def user_with(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def path_of(link: str) -> str:
    return urlsplit(link).path


def confirm_path(mailbox, address: str, count: int = 1) -> str:
    link = mailbox.wait_for(address, count).link("/auth/confirm/")
    assert CONFIRM_LINK.match(link), link
    return path_of(link)


def change_email(client, new_email: str, password: str = TEST_PASSWORD):
    return submit(
        client,
        "/settings/account",
        {"new_email": new_email, "email_password": password},
        post_url="/settings/account/email",
    )


def mark_confirmed(user_id: int) -> None:
    db.session.get(User, user_id).email_verified_at = utc_now()
    db.session.commit()


@contextmanager
def clock_ahead(monkeypatch, seconds: int):
    """Signed tokens (and nothing else) see a clock `seconds` ahead."""
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seconds)
        yield


# -- Sign-up ---------------------------------------------------------------------------------


def test_sign_up_mails_a_link_that_confirms_the_address(client, auth, mailbox):
    response = auth.register("alice", email="Alice@Example.org")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Welcome to Quorum! Sign in with your username and password to start. "
        "We have sent you a link to confirm your email address."
    ) in page

    mail = mailbox.wait_for("alice@example.org")
    assert mail.recipients == ["alice@example.org"]
    assert mail.subject == "Confirm your email address on Quorum"
    assert "The link works for one week." in mail.text
    path = confirm_path(mailbox, "alice@example.org")
    assert user_with("alice@example.org").email_verified_at is None

    confirmed = client.get(path)  # signed out: the link alone is enough
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == "/"
    assert "Your email address is confirmed." in client.get("/").get_data(as_text=True)
    first = user_with("alice@example.org").email_verified_at
    assert first is not None

    again = client.get(path)  # a second click changes nothing and says the same
    assert again.status_code == 303
    assert user_with("alice@example.org").email_verified_at == first


def test_signing_up_with_a_taken_address_mails_its_owner_instead(client, auth, make_user, mailbox):
    make_user("alice")
    response = auth.register("stranger", email="ALICE@example.org")
    assert response.status_code == 303
    mail = mailbox.wait_for("alice@example.org")
    assert mail.subject == "Someone tried to sign up on Quorum with your address"
    assert "with the username alice, so no new one was made" in mail.text
    assert mail.link("/auth/login") == ("http://localhost/auth/login?identifier=alice@example.org")
    assert mail.link("/auth/forgot") == "http://localhost/auth/forgot?email=alice@example.org"
    time.sleep(0.1)
    assert len(mailbox.mails) == 1  # no confirmation link for an account never made
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_bad_link_says_why_and_offers_a_new_one(app, client, auth, make_user, mailbox):
    make_user("alice")
    guest = client.get("/auth/confirm/not-a-real-token")
    html = guest.get_data(as_text=True)
    assert guest.status_code == 400
    assert "This link is not valid. Ask for a new one." in html
    assert "Sign in to ask for a new link" in html

    auth.login("alice")
    signed_in = client.get("/auth/confirm/not-a-real-token")
    html = signed_in.get_data(as_text=True)
    assert signed_in.status_code == 400
    assert 'action="/settings/account/email/confirm"' in html
    assert "Send a new link to alice@example.org" in html


def test_a_confirmation_link_expires_after_a_week(client, auth, mailbox, monkeypatch):
    auth.register("alice")
    path = confirm_path(mailbox, "alice@example.org")
    with clock_ahead(monkeypatch, 7 * 24 * 3600 + 1):
        expired = client.get(path)
    assert expired.status_code == 400
    assert "This link has expired. Ask for a new one." in expired.get_data(as_text=True)
    assert user_with("alice@example.org").email_verified_at is None


# -- The banner and a new link ---------------------------------------------------------------


def test_the_banner_shows_until_the_address_is_confirmed(client, auth, make_user, mailbox):
    alice = make_user("alice")
    auth.login("alice")
    page = client.get("/all").get_data(as_text=True)
    assert "Confirm your email address: we sent a link to \u2068alice@example.org\u2069." in page
    assert '<form method="post" action="/settings/account/email/confirm"' in page
    assert '<input type="hidden" name="next" value="/all">' in page
    assert "Send the link again" in page

    sent = submit(client, "/all", {"next": "/all"}, post_url="/settings/account/email/confirm")
    assert sent.status_code == 303 and sent.headers["Location"] == "/all"
    page = client.get("/all").get_data(as_text=True)
    assert (
        "We have sent a new link to \u2068alice@example.org\u2069. It works for one week." in page
    )
    mail = mailbox.wait_for("alice@example.org")
    assert mail.subject == "Confirm your email address on Quorum"
    client.get(confirm_path(mailbox, "alice@example.org"))
    assert db.session.get(User, alice).email_verified_at is not None
    assert "Send the link again" not in client.get("/all").get_data(as_text=True)

    again = submit(client, "/settings/account", {}, post_url="/settings/account/email/confirm")
    assert again.status_code in (302, 303)
    assert "Your email address is confirmed already." in client.get("/").get_data(as_text=True)


def test_a_guest_cannot_ask_for_a_link(client):
    response = submit(client, "/", {}, post_url="/settings/account/email/confirm")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/auth/login")


def test_new_links_are_limited_per_account(app, make_user, mailbox, monkeypatch):
    limiter.reset()
    make_user("alice")
    make_user("bob")
    monkeypatch.setitem(app.config, "VERIFY_EMAIL_RATE_LIMIT", "2 per minute")
    alice = app.test_client()
    AuthActions(alice).login("alice")
    statuses = [
        submit(alice, "/", {}, post_url="/settings/account/email/confirm").status_code
        for _ in range(3)
    ]
    assert statuses == [303, 303, 429]
    bob = app.test_client()  # the same address, another account: its own budget
    AuthActions(bob).login("bob")
    assert submit(bob, "/", {}, post_url="/settings/account/email/confirm").status_code == 303
    mailbox.wait_for("alice@example.org", count=2)
    mailbox.wait_for("bob@example.org")
    time.sleep(0.1)
    assert len(mailbox.to("alice@example.org")) == 2
    limiter.reset()


# -- Changing the address, and undoing it ----------------------------------------------------


def test_changing_the_address_mails_both_addresses(client, auth, make_user, mailbox):
    alice = make_user("alice")
    mark_confirmed(alice)
    auth.login("alice")
    response = change_email(client, "Alice@New.example")
    assert response.status_code == 303
    page = client.get("/settings/account").get_data(as_text=True)
    assert (
        "Your email address is now \u2068alice@new.example\u2069. "
        "We have sent a link to confirm it."
    ) in page
    stored = db.session.get(User, alice)
    db.session.refresh(stored)
    assert stored.email == "alice@new.example"
    assert stored.email_verified_at is None

    confirm = mailbox.wait_for("alice@new.example")
    assert confirm.subject == "Confirm your email address on Quorum"
    notice = mailbox.wait_for("alice@example.org")
    assert notice.subject == "Your email address on Quorum was changed"
    assert (
        "Your address on Quorum was changed to alice@new.example. "
        "Mail for your account goes there from now on."
    ) in notice.text
    assert "If this was not you, undo it within a week:" in notice.text
    assert UNDO_LINK.match(notice.link("/auth/email/undo/"))

    client.get(confirm_path(mailbox, "alice@new.example"))
    assert user_with("alice@new.example").email_verified_at is not None


def test_undo_gives_the_old_address_back_once_and_signs_out_everywhere(
    app, client, auth, make_user, mailbox
):
    alice = make_user("alice")
    mark_confirmed(alice)
    auth.login("alice")
    laptop = app.test_client()
    AuthActions(laptop).login("alice")
    change_email(client, "taken.over@example.net")
    undo = path_of(mailbox.wait_for("alice@example.org").link("/auth/email/undo/"))

    asked = laptop.get(undo)  # a GET (a mail scanner, say) changes nothing
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert (
        "Your account will use \u2068alice@example.org\u2069 again instead of "
        "\u2068taken.over@example.net\u2069"
    ) in html
    assert user_with("taken.over@example.net") is not None

    done = submit(laptop, undo, {})
    assert done.status_code == 303
    assert done.headers["Location"] == "/auth/forgot?email=alice@example.org"
    page = laptop.get(done.headers["Location"]).get_data(as_text=True)
    assert (
        "Your email address is \u2068alice@example.org\u2069 again, and every device has been "
        "signed out. If you did not change it, choose a new password now."
    ) in page
    assert 'value="alice@example.org"' in page  # the reset form is filled in

    restored = user_with("alice@example.org")
    assert restored is not None and restored.id == alice
    assert restored.email_verified_at is not None  # it was confirmed before the change
    assert db.session.scalar(select(func.count()).where(UserSession.user_id == alice)) == 0
    assert client.get("/settings/account").status_code == 302  # signed out here too

    again = laptop.get(undo)
    assert again.status_code == 400
    assert "This change was undone already" in again.get_data(as_text=True)
    assert submit(client, "/auth/login", {}, post_url=undo).status_code == 400


def test_undo_keeps_an_unconfirmed_old_address_unconfirmed(client, auth, make_user, mailbox):
    make_user("alice")
    auth.login("alice")
    change_email(client, "alice@example.net")
    undo = path_of(mailbox.wait_for("alice@example.org").link("/auth/email/undo/"))
    assert submit(client, undo, {}).status_code == 303
    assert user_with("alice@example.org").email_verified_at is None


def test_undo_is_refused_when_another_account_took_the_old_address(
    app, client, auth, make_user, mailbox
):
    alice = make_user("alice")
    auth.login("alice")
    change_email(client, "alice@example.net")
    undo = path_of(mailbox.wait_for("alice@example.org").link("/auth/email/undo/"))
    make_user("mallory", email="alice@example.org")
    refused = submit(app.test_client(), undo, {})
    assert refused.status_code == 422
    assert (
        "The address alice@example.org belongs to another account now, so it cannot come "
        "back to this one."
    ) in refused.get_data(as_text=True)
    assert db.session.get(User, alice).email == "alice@example.net"


def test_undo_after_a_week_is_refused(client, auth, make_user, mailbox, monkeypatch):
    make_user("alice")
    auth.login("alice")
    change_email(client, "alice@example.net")
    undo = path_of(mailbox.wait_for("alice@example.org").link("/auth/email/undo/"))
    with clock_ahead(monkeypatch, 7 * 24 * 3600 + 1):
        expired = client.get(undo)
    assert expired.status_code == 400
    assert "This link has expired. Ask for a new one." in expired.get_data(as_text=True)
    assert user_with("alice@example.net") is not None


def test_a_confirmation_link_for_an_old_address_is_spent(client, auth, mailbox):
    auth.register("alice")
    first = confirm_path(mailbox, "alice@example.org")
    auth.login("alice")
    change_email(client, "alice@example.net")
    spent = client.get(first)
    assert spent.status_code == 400
    assert "This link is for an address your account no longer uses." in spent.get_data(
        as_text=True
    )
    assert user_with("alice@example.net").email_verified_at is None


# -- Posting waits for a confirmed address ---------------------------------------------------


def require_confirmation(app) -> None:
    """Turn the site setting on (as an admin's form would, cache included)."""
    db.session.add(SiteSetting(key="posting_requires_verified_email", value="1"))
    db.session.commit()
    with app.app_context():
        forget_cached_settings()


@pytest.fixture
def confirmation_required(app, db_session):
    require_confirmation(app)


@pytest.fixture
def books(make_user, content):
    owner = make_user("owner")
    mark_confirmed(owner)
    return {"owner": owner, "community": content.community(owner)}


def post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def test_an_unconfirmed_person_keeps_the_typed_post_and_is_told_why(
    client, auth, make_user, books, confirmation_required
):
    make_user("alice")
    auth.login("alice")
    response = submit(
        client,
        "/c/books/submit",
        {"title": "My words, kept", "body": "", "body_format": "text", "url": "", "tags": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code in (403, 422)
    assert MUST_CONFIRM in html
    assert 'value="My words, kept"' in html
    assert post_count() == 0


def test_an_unconfirmed_person_cannot_comment_or_start_a_community(
    client, auth, make_user, books, content, confirmation_required
):
    post = content.post(books["owner"], books["community"], "A post")
    make_user("alice")
    auth.login("alice")
    comment = submit(client, "/", {"body": "Hello there"}, post_url=f"/p/{post}/comments")
    assert comment.status_code in (403, 422)
    assert MUST_CONFIRM in comment.get_data(as_text=True)
    community = submit(
        client,
        "/c/new",
        {"name": "gardens", "title": "Gardens", "description": "", "rules": ""},
    )
    assert community.status_code in (403, 422)
    assert MUST_CONFIRM in community.get_data(as_text=True)


def test_the_api_answers_403_in_json(api_as, make_user, books, confirmation_required):
    alice = api_as("alice")
    response = alice.post(
        "/posts", json={"community": "books", "title": "Hello", "body": "<p>Hi</p>"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == MUST_CONFIRM
    assert post_count() == 0


def test_unconfirmed_people_still_vote_and_edit_their_profile(
    client, auth, make_user, books, content, confirmation_required
):
    post = content.post(books["owner"], books["community"], "Vote on me")
    make_user("alice")
    auth.login("alice")
    voted = submit(client, "/", {"value": "1"}, post_url=f"/p/{post}/vote")
    assert voted.status_code in (302, 303)
    assert db.session.get(Post, post).score == 1
    profile = client.get("/settings/profile")
    assert profile.status_code == 200


def test_posting_is_open_once_confirmed_or_when_the_site_does_not_ask(
    app, client, auth, make_user, books, mailbox
):
    make_user("alice")
    auth.login("alice")
    fields = {"title": "Before", "body": "", "body_format": "text", "url": "", "tags": ""}
    assert submit(client, "/c/books/submit", fields).status_code in (302, 303)  # setting off
    require_confirmation(app)
    fields["title"] = "Waiting"
    assert submit(client, "/c/books/submit", fields).status_code in (403, 422)
    submit(client, "/", {}, post_url="/settings/account/email/confirm")
    client.get(confirm_path(mailbox, "alice@example.org"))
    fields["title"] = "After"
    assert submit(client, "/c/books/submit", fields).status_code in (302, 303)
    assert post_count() == 2
