"""Accounts: registration, sign in/out, password change, and the rules around them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from tests.support.forms import csrf_token_from, submit
from webapp.extensions import db
from webapp.models import Profile, User


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_creates_user_and_profile_then_asks_to_sign_in(client, auth):
    response = auth.register("Alice_1", email="Alice@Example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login?identifier=Alice_1"
    user = db.session.scalar(select(User).where(User.email == "alice@example.org"))
    assert user is not None and user.profile.username == "Alice_1"
    assert user.password_hash != TEST_PASSWORD and "pbkdf2" in user.password_hash
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sign in with your username and password to start." in login_page
    assert 'value="Alice_1"' in login_page  # the username is filled in
    assert auth.login("Alice_1").status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Alice_1" in home and "Sign out" in home


def test_register_with_a_taken_email_answers_exactly_like_a_new_account(app, make_user):
    """A stranger cannot learn from the sign-up form whether an address is registered."""
    make_user("alice")
    answers = []
    for username, email in (("newcomer", "new@example.org"), ("alice2", "ALICE@example.org")):
        client = app.test_client()
        response = type_registration(client, username, email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append(
            (response.status_code, response.headers["Location"].replace(username, "NAME"), page)
        )
    (status_new, where_new, page_new), (status_taken, where_taken, page_taken) = answers
    assert (
        (status_new, where_new)
        == (status_taken, where_taken)
        == (303, "/auth/login?identifier=NAME")
    )
    strip = re.compile(r"[\w-]{40,}\.[\w-]+\.[\w-]+|newcomer|alice2")  # CSRF tokens, names
    assert strip.sub("", page_new) == strip.sub("", page_taken)
    assert count_users() == 2  # the taken address created nothing
    assert db.session.scalar(select(Profile).where(Profile.username == "alice2")) is None


def type_registration(client, username, email):
    return submit(
        client,
        "/auth/register",
        {
            "email": email,
            "username": username,
            "password": TEST_PASSWORD,
            "password_confirm": TEST_PASSWORD,
        },
    )


def test_register_rejects_username_differing_only_in_case(client, auth, make_user):
    make_user("alice")
    response = auth.register("ALICE", email="other@example.org")
    assert response.status_code == 422
    assert "This username is taken" in response.get_data(as_text=True)
    assert count_users() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": ("x" * 250) + "@example.org"}, "at most 254 characters"),
        ({"username": "ab"}, "A username has 3 to 30 characters."),
        ({"username": "a" * 31}, "A username has 3 to 30 characters."),
        ({"username": "bad name!"}, "Use only letters, digits and underscores."),
        ({"password": "short", "password_confirm": "short"}, "Use at least 10 characters."),
        ({"password": "1234567890", "password_confirm": "1234567890"}, "too common"),
        (
            {"password": "carmen-rocks-2026", "password_confirm": "carmen-rocks-2026"},
            "Do not use your username",
        ),
        ({"password_confirm": "something else entirely"}, "The two passwords do not match."),
        ({"email": ""}, "Enter your email address."),
        ({"password": "x" * 129, "password_confirm": "x" * 129}, "Use at most 128 characters."),
    ],
)
def test_register_rejects_bad_input_with_a_clear_message(client, fields, message):
    data = {
        "email": "carmen@example.org",
        "username": "carmen",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
        **fields,
    }
    response = submit(client, "/auth/register", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html
    assert count_users() == 0


def test_post_without_csrf_token_is_refused(client):
    response = client.post(
        "/auth/register",
        data={
            "email": "a@example.org",
            "username": "abc",
            "password": TEST_PASSWORD,
            "password_confirm": TEST_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    assert count_users() == 0


def test_login_by_email_or_username_in_any_case(client, auth, make_user):
    make_user("Bob_K", email="bob@example.org")
    for identifier in ("bob@example.org", "BOB@EXAMPLE.ORG", "Bob_K", "bob_k"):
        response = auth.login(identifier)
        assert response.status_code == 302, identifier
        assert "Bob_K" in client.get("/").get_data(as_text=True)
        auth.logout()


def test_login_with_wrong_password_says_so_and_keeps_identifier(auth, make_user):
    make_user("bob")
    response = auth.login("bob", "wrong password here")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "do not match" in html
    assert 'value="bob"' in html and "wrong password here" not in html


def test_unknown_account_gets_the_same_message_as_wrong_password(auth):
    response = auth.login("nobody", "whatever password")
    assert "That email/username and password do not match." in response.get_data(as_text=True)


def test_banned_user_cannot_sign_in(auth, make_user, db_session):
    from webapp.models import utc_now

    user_id = make_user("mallory")
    db.session.get(User, user_id).banned_at = utc_now()
    db.session.commit()
    response = auth.login("mallory")
    assert response.status_code == 422
    assert "suspended" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("/settings/account", "/settings/account"),
        ("/?sort=new", "/?sort=new"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_next_only_redirects_inside_the_site(client, make_user, next_value, expected):
    make_user("bob")
    response = submit(
        client,
        "/auth/login",
        {"identifier": "bob", "password": TEST_PASSWORD, "next": next_value},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_page_carries_next_from_the_query(client):
    html = client.get("/auth/login?next=/settings/account").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/settings/account"' in html
    html = client.get("/auth/login?next=https://evil.example").get_data(as_text=True)
    assert 'name="next" type="hidden" value=""' in html


def test_protected_page_sends_guest_to_login_and_back(client, auth, make_user):
    make_user("bob")
    response = client.get("/settings/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    token = csrf_token_from(login_page)
    next_value = re.search(r'name="next" type="hidden" value="([^"]*)"', login_page).group(1)
    response = client.post(
        "/auth/login",
        data={
            "identifier": "bob",
            "password": TEST_PASSWORD,
            "next": next_value,
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/settings/account"


def test_logout_needs_post(client, auth, make_user):
    make_user("bob")
    auth.login("bob")
    assert client.get("/auth/logout").status_code == 405
    assert "Sign out" in client.get("/").get_data(as_text=True)
    response = auth.logout()
    assert response.status_code == 302
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_remember_me_sets_a_long_lived_httponly_cookie(client, auth, make_user):
    make_user("bob")
    response = auth.login("bob", remember="y")
    cookie = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("remember_token")]
    assert cookie and "HttpOnly" in cookie[0] and "SameSite=Lax" in cookie[0]


def test_sign_out_also_forgets_a_remembered_sign_in(client, auth, make_user):
    """After "Keep me signed in", Sign out must not leave the next person signed in."""
    make_user("bob")
    auth.login("bob", remember="y")
    assert client.get_cookie("remember_token") is not None
    response = auth.logout()
    cleared = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("remember_token")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert client.get_cookie("remember_token") is None
    page = client.get("/settings/account")
    assert page.status_code == 302 and page.headers["Location"].startswith("/auth/login")
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_signed_in_pages_are_kept_out_of_caches(client, auth, make_user):
    make_user("bob")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    auth.login("bob")
    for path in ("/", "/settings/account", "/u/bob"):
        cache_control = client.get(path).headers.get("Cache-Control", "")
        assert "private" in cache_control and "no-store" in cache_control, path
    avatar = client.get("/u/bob/avatar.svg").headers["Cache-Control"]
    assert "public" in avatar and "no-store" not in avatar


def test_session_cookie_is_httponly_and_samesite(client, auth, make_user):
    make_user("bob")
    response = auth.login("bob")
    session_cookie = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")]
    assert "HttpOnly" in session_cookie[0] and "SameSite=Lax" in session_cookie[0]


def test_change_password_signs_out_other_devices(app, client, auth, make_user):
    make_user("bob")
    auth.login("bob")
    other_device = app.test_client()
    AuthLike = type(auth)
    AuthLike(other_device).login("bob")
    response = submit(
        client,
        "/settings/account",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new passphrase",
            "new_password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert "Your password has been changed" in client.get("/settings/account").get_data(
        as_text=True
    )
    # The other device's session carries the old epoch: it is signed out.
    assert other_device.get("/settings/account").status_code == 302
    auth.logout()
    assert auth.login("bob").status_code == 422
    assert auth.login("bob", "a brand new passphrase").status_code == 302


def test_change_password_rejects_wrong_current_password(client, auth, make_user):
    make_user("bob")
    auth.login("bob")
    response = submit(
        client,
        "/settings/account",
        {
            "current_password": "not my password",
            "new_password": "a brand new passphrase",
            "new_password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in response.get_data(as_text=True)


def test_registration_race_on_username_is_a_message_not_a_500(app, db_session):
    from webapp.auth.services import AccountError, register_user, sign_up
    from webapp.unit_of_work import unit_of_work

    with app.test_request_context():
        with unit_of_work():
            register_user("first@example.org", "racer", TEST_PASSWORD)
        # The form's uniqueness check passed earlier; the database still refuses.
        with pytest.raises(AccountError) as error:
            register_user("second@example.org", "RACER", TEST_PASSWORD)
        assert error.value.field == "username"
        with pytest.raises(AccountError) as error:
            register_user("FIRST@example.org", "other_name", TEST_PASSWORD)
        assert error.value.field == "email"
        # The public sign-up refuses it quietly (its answer is the same either way).
        assert sign_up("FIRST@example.org", "other_name", TEST_PASSWORD) is None
        db.session.commit()  # the refused sign-ups left nothing behind to store
    assert db.session.scalar(select(func.count()).select_from(Profile)) == 1


def test_login_is_rate_limited_with_a_localized_page(app, client, make_user):
    make_user("bob")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        environ = {"REMOTE_ADDR": "203.0.113.9"}
        statuses = []
        for _ in range(4):
            page = client.get("/auth/login", environ_base=environ)
            token = csrf_token_from(page.get_data(as_text=True))
            response = client.post(
                "/auth/login",
                data={"identifier": "bob", "password": "wrong password!", "csrf_token": token},
                environ_base=environ,
            )
            statuses.append(response.status_code)
        assert statuses == [422, 422, 422, 429]
        assert "Slow down" in response.get_data(as_text=True)
        assert "Retry-After" in response.headers
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"


def test_counts_in_messages_use_the_readers_digits(client):
    """A Persian reader sees "۱۰", not "10", in "Use at least 10 characters."."""
    client.set_cookie("lang", "fa")
    response = submit(
        client,
        "/auth/register",
        {
            "email": "x@example.org",
            "username": "someone",
            "password": "short",
            "password_confirm": "short",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<html lang="fa"' in html
    assert "۱۰" in html and "10 " not in html.split('id="password-error"')[1][:200]
