"""Password reset: "Forgot password?" → a mail with a one-hour, single-use link → a new
password, every other device signed out, signed in here."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, AuthActions
from tests.support.forms import submit
from webapp.auth.passwords import password_matches
from webapp.auth.tokens import make_token
from webapp.extensions import db, limiter
from webapp.models import User, UserSession, utc_now

NEW_PASSWORD = "purple elephant skating"
ASKED = (
    "If an account uses this address, we have sent it a link to choose a new password. "
    "The link works for one hour."
)
CHANGED = "Your password has been changed. Every other device has been signed out."
LINK = re.compile(r"^http://localhost/auth/reset/[\w.-]+$")


def ask_for_reset(client, email: str, **kwargs):
    return submit(client, "/auth/forgot", {"email": email}, **kwargs)


def reset_path(mailbox, address: str = "alice@example.org", count: int = 1) -> str:
    mail = mailbox.wait_for(address, count)
    link = mail.link("/auth/reset/")
    assert LINK.match(link), link
    return urlsplit(link).path


def choose(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    return submit(
        client,
        path,
        {"new_password": password, "new_password_confirm": password if again is None else again},
    )


def user_named(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == f"{username}@example.org"))


@contextmanager
def clock_ahead(monkeypatch, seconds: int):
    """Signed tokens (and nothing else) see a clock `seconds` ahead."""
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seconds)
        yield


def test_the_sign_in_page_offers_a_reset_with_the_typed_address(client, make_user):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<a href="/auth/forgot">Forgot password?</a>' in page
    refused = submit(client, "/auth/login", {"identifier": "me@example.org", "password": "x"})
    assert 'href="/auth/forgot?email=me@example.org"' in refused.get_data(as_text=True)
    form = client.get("/auth/forgot?email=me%40example.org").get_data(as_text=True)
    assert 'value="me@example.org"' in form


def test_the_mail_link_sets_a_new_password_and_signs_in(client, make_user, mailbox):
    make_user("alice")
    response = ask_for_reset(client, "  Alice@Example.org ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert ASKED in client.get("/auth/login").get_data(as_text=True)

    mail = mailbox.wait_for("alice@example.org")
    assert mail.recipients == ["alice@example.org"]
    assert mail.subject == "Choose a new password for Quorum"
    assert "The link works for one hour, and only once." in mail.text
    assert "If you did not ask for it, you can ignore this mail" in mail.text
    path = reset_path(mailbox)
    assert f'href="http://localhost{path}"' in mail.html

    form = client.get(path)
    assert form.status_code == 200
    assert "no-store" in form.headers["Cache-Control"]
    assert "For the account \u2068alice\u2069." in form.get_data(as_text=True)

    done = choose(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert CHANGED in home
    assert "Signed in. Welcome back, \u2068alice\u2069!" in home

    alice = user_named("alice")
    assert password_matches(alice.password_hash, NEW_PASSWORD)
    assert alice.email_verified_at is not None  # the link proved the address
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == alice.id))


def test_a_used_link_is_refused_with_a_way_to_ask_again(client, make_user, mailbox):
    make_user("alice")
    ask_for_reset(client, "alice@example.org")
    path = reset_path(mailbox)
    assert choose(client, path).status_code == 302
    for again in (client.get(path), choose(client, path, "another fine password")):
        html = again.get_data(as_text=True)
        assert again.status_code == 400
        assert (
            "This link has been used already, or the password has changed since it was sent. "
            "Ask for a new one."
        ) in html
        assert (
            '<a class="button button--primary" href="/auth/forgot">Ask for a new link</a>' in html
        )
    assert password_matches(user_named("alice").password_hash, NEW_PASSWORD)


def test_a_link_expires_after_one_hour(client, make_user, mailbox, monkeypatch):
    make_user("alice")
    ask_for_reset(client, "alice@example.org")
    path = reset_path(mailbox)
    with clock_ahead(monkeypatch, 3590):
        assert client.get(path).status_code == 200
    with clock_ahead(monkeypatch, 3601):
        expired = client.get(path)
    assert expired.status_code == 400
    assert "This link has expired. Ask for a new one." in expired.get_data(as_text=True)
    assert password_matches(user_named("alice").password_hash, TEST_PASSWORD)


def test_a_forged_link_is_refused(client, make_user, mailbox):
    make_user("alice")
    ask_for_reset(client, "alice@example.org")
    path = reset_path(mailbox)
    token = path.rsplit("/", 1)[1]
    position = 10  # inside the payload: any change breaks the signature
    forged = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    for answer in (client.get(f"/auth/reset/{forged}"), choose(client, f"/auth/reset/{forged}")):
        assert answer.status_code == 400
        assert "This link is not valid. Ask for a new one." in answer.get_data(as_text=True)
    assert client.get("/auth/reset/not-a-token").status_code == 400
    assert password_matches(user_named("alice").password_hash, TEST_PASSWORD)


def test_a_link_made_for_something_else_is_refused(app, client, make_user, mailbox):
    alice_id = make_user("alice")
    with app.test_request_context():
        confirm_token = make_token("confirm-email", {"u": alice_id, "e": "alice@example.org"})
    answer = client.get(f"/auth/reset/{confirm_token}")
    assert answer.status_code == 400
    assert "This link is not valid. Ask for a new one." in answer.get_data(as_text=True)


def test_changing_the_password_or_the_address_spends_the_link(client, auth, make_user, mailbox):
    make_user("alice")
    ask_for_reset(client, "alice@example.org")
    first = reset_path(mailbox)
    auth.login("alice")
    changed = submit(
        client,
        "/settings/account",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new secret",
            "new_password_confirm": "a brand new secret",
        },
    )
    assert changed.status_code == 302
    assert client.get(first).status_code == 400

    ask_for_reset(client, "alice@example.org")
    second = reset_path(mailbox, count=2)
    moved = submit(
        client,
        "/settings/account",
        {"new_email": "alice@example.net", "email_password": "a brand new secret"},
        post_url="/settings/account/email",
    )
    assert moved.status_code == 303
    assert client.get(second).status_code == 400


def test_resetting_signs_out_every_other_device(app, client, make_user, mailbox):
    make_user("alice")
    phone = app.test_client()
    assert AuthActions(phone).login("alice").status_code == 302
    assert phone.get("/settings/account").status_code == 200

    ask_for_reset(client, "alice@example.org")
    assert choose(client, reset_path(mailbox)).status_code == 302

    signed_out = phone.get("/settings/account")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/auth/login")
    assert client.get("/settings/account").status_code == 200  # this device: signed in
    alice = user_named("alice")
    devices = db.session.scalars(select(UserSession).where(UserSession.user_id == alice.id))
    assert len(list(devices)) == 1


def test_weak_or_mismatched_passwords_keep_the_link_working(client, make_user, mailbox):
    make_user("alice")
    ask_for_reset(client, "alice@example.org")
    path = reset_path(mailbox)
    weak = choose(client, path, "short")
    assert weak.status_code == 422
    assert "Use at least 10 characters." in weak.get_data(as_text=True)
    personal = choose(client, path, "alice-in-wonderland")
    assert personal.status_code == 422
    assert "Do not use your username or email address in your password." in personal.get_data(
        as_text=True
    )
    mismatch = choose(client, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422
    assert "The two passwords do not match." in mismatch.get_data(as_text=True)
    assert 'value="purple' not in mismatch.get_data(as_text=True)  # passwords are not echoed
    assert password_matches(user_named("alice").password_hash, TEST_PASSWORD)
    assert choose(client, path).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    app, make_user, mailbox, count_statements
):
    make_user("alice")
    answers = []
    for address in ("alice@example.org", "nobody@example.org"):
        client = app.test_client()
        client.get("/auth/forgot")
        with count_statements() as counter:
            response = ask_for_reset(client, address)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], counter.count, page))
    (known_status, known_where, known_work, known_page) = answers[0]
    (unknown_status, unknown_where, unknown_work, unknown_page) = answers[1]
    assert (known_status, known_where) == (unknown_status, unknown_where) == (303, "/auth/login")
    assert known_work == unknown_work  # the same statements, the same work
    csrf = re.compile(r"[\w-]{40,}\.[\w-]+\.[\w-]+")
    assert csrf.sub("", known_page) == csrf.sub("", unknown_page)
    assert ASKED in unknown_page

    mailbox.wait_for("alice@example.org")
    time.sleep(0.2)  # a mail sent beside the response has had its time
    assert [mail.to for mail in mailbox.mails] == ["alice@example.org"]


def test_a_banned_account_gets_its_password_but_is_not_signed_in(client, make_user, mailbox):
    alice_id = make_user("alice")
    alice = db.session.get(User, alice_id)
    alice.banned_at = utc_now()
    alice.ban_reason = "Spam"
    db.session.commit()
    ask_for_reset(client, "alice@example.org")
    done = choose(client, reset_path(mailbox))
    assert done.status_code == 303 and done.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert CHANGED in page
    assert "This account is suspended. Reason: Spam" in page
    assert client.get("/settings/account").status_code == 302  # not signed in
    assert password_matches(user_named("alice").password_hash, NEW_PASSWORD)


def test_an_account_with_two_factor_is_asked_for_its_code(client, make_user, mailbox):
    alice = db.session.get(User, make_user("alice"))
    alice.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    alice.totp_enabled_at = utc_now()
    db.session.commit()
    ask_for_reset(client, "alice@example.org")
    done = choose(client, reset_path(mailbox))
    assert done.status_code in (302, 303)
    assert done.headers["Location"].startswith("/auth/two-factor")
    assert client.get("/settings/account").status_code == 302  # not signed in yet
    assert password_matches(user_named("alice").password_hash, NEW_PASSWORD)


def test_the_mail_is_in_the_accounts_language(client, make_user, mailbox):
    alice = db.session.get(User, make_user("alice"))
    alice.locale = "fa"
    db.session.commit()
    ask_for_reset(client, "alice@example.org")
    mail = mailbox.wait_for("alice@example.org")
    assert mail.subject == "انتخاب گذرواژهٔ جدید برای Quorum"
    assert '<html lang="fa" dir="rtl">' in mail.html
    assert "انتخاب گذرواژهٔ جدید برای Quorum" in mail.html
    assert "/auth/reset/" in mail.link("/auth/reset/")


def test_the_mail_is_in_german_for_a_german_account(client, make_user, mailbox):
    alice = db.session.get(User, make_user("alice"))
    alice.locale = "de"
    db.session.commit()
    ask_for_reset(client, "alice@example.org")
    mail = mailbox.wait_for("alice@example.org")
    assert mail.subject == "Wähle ein neues Passwort für Quorum"
    assert '<html lang="de" dir="ltr">' in mail.html
    assert mail.text.startswith("Hallo alice,")


@pytest.fixture
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def test_asking_is_limited_per_address(app, make_user, mailbox, monkeypatch, fresh_limits):
    make_user("alice")
    monkeypatch.setitem(app.config, "PASSWORD_RESET_RATE_LIMIT", "2 per minute")
    statuses = []
    for index, typed in enumerate(("alice@example.org", "ALICE@example.org ", "alice@example.org")):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{index + 40}"
        statuses.append(ask_for_reset(client, typed).status_code)
    assert statuses == [303, 303, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.49"
    assert ask_for_reset(other, "bob@example.org").status_code == 303
    mailbox.wait_for("alice@example.org", count=2)
    time.sleep(0.2)
    assert len(mailbox.to("alice@example.org")) == 2


def test_asking_is_limited_per_client_address(app, make_user, monkeypatch, fresh_limits):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_RATE_LIMIT", "2 per minute")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    statuses = [ask_for_reset(client, f"person{n}@example.org").status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    limited = ask_for_reset(client, "person9@example.org")
    assert limited.status_code == 429
    assert "Slow down" in limited.get_data(as_text=True)


def test_the_new_password_form_is_limited_per_client_address(
    app, make_user, mailbox, monkeypatch, fresh_limits
):
    make_user("alice")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.78"
    ask_for_reset(client, "alice@example.org")
    path = reset_path(mailbox)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per minute")
    statuses = [choose(client, path, "short").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
