"""Signed-in devices: signing out ends a session on the server, one device or all of them
can be signed out from account settings, and wrong passwords cannot lock a person out."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, AuthActions
from tests.support.forms import csrf_token_from, submit
from webapp.extensions import db
from webapp.models import User, UserSession, utc_now
from webapp.unit_of_work import unit_of_work

ACCOUNT = "/settings/account"


def signed_in(client) -> bool:
    return client.get(ACCOUNT).status_code == 200


def device_count(user_id: int) -> int:
    statement = select(func.count()).where(UserSession.user_id == user_id)
    return db.session.scalar(statement)


def copy_cookies(source, target) -> None:
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def test_a_session_cookie_copied_before_sign_out_stops_working(app, client, auth, make_user):
    bob = make_user("bob")
    auth.login("bob", remember="y")
    copy = app.test_client()
    copy_cookies(client, copy)
    assert signed_in(copy)  # the copy works while bob is signed in
    auth.logout()
    assert not signed_in(copy)
    remember_only = app.test_client()
    remember_only.set_cookie("remember_token", "unused")  # replaced below
    copy_cookies(copy, remember_only)
    remember_only.delete_cookie("session")
    assert not signed_in(remember_only)
    assert device_count(bob) == 0


def test_a_copied_remember_cookie_stops_working_after_sign_out(app, client, auth, make_user):
    make_user("bob")
    auth.login("bob", remember="y")
    remembered = client.get_cookie("remember_token").value
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert signed_in(thief)  # remember-me signs a fresh browser in...
    auth.logout()
    other = app.test_client()
    other.set_cookie("remember_token", remembered)
    assert not signed_in(other)  # ...until its device is signed out


def test_account_settings_list_devices_and_sign_one_out(app, client, auth, make_user):
    bob = make_user("bob")
    auth.login("bob")
    laptop = app.test_client()
    laptop.environ_base.update(
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        REMOTE_ADDR="198.51.100.7",
    )
    AuthActions(laptop).login("bob")
    assert device_count(bob) == 2
    page = client.get(ACCOUNT).get_data(as_text=True)
    assert "Signed-in devices" in page
    assert "Firefox on Linux" in page and "198.51.100.7" in page
    assert page.count("This device") == 1

    laptop_row = db.session.scalar(
        select(UserSession).where(UserSession.ip_address == "198.51.100.7")
    )
    response = submit(
        client, ACCOUNT, {}, post_url=f"/settings/account/devices/{laptop_row.id}/sign-out"
    )
    assert response.status_code == 303
    assert "That device is signed out." in client.get(ACCOUNT).get_data(as_text=True)
    assert not signed_in(laptop)
    assert signed_in(client)
    assert device_count(bob) == 1


def test_nobody_can_sign_out_someone_elses_device(app, client, auth, make_user):
    make_user("bob")
    make_user("eve")
    bobs_phone = app.test_client()
    AuthActions(bobs_phone).login("bob")
    bobs_device = db.session.scalar(select(UserSession))
    auth.login("eve")
    submit(client, ACCOUNT, {}, post_url=f"/settings/account/devices/{bobs_device.id}/sign-out")
    assert signed_in(bobs_phone)


def test_sign_out_everywhere_ends_every_session(app, client, auth, make_user):
    bob = make_user("bob")
    auth.login("bob", remember="y")
    phones = [app.test_client() for _ in range(2)]
    for phone in phones:
        AuthActions(phone).login("bob", remember="y")
    response = submit(client, ACCOUNT, {}, post_url="/auth/logout-everywhere")
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"
    assert "You are signed out on every device." in client.get("/auth/login").get_data(as_text=True)
    assert not signed_in(client)
    assert not any(signed_in(phone) for phone in phones)
    assert device_count(bob) == 0


def test_a_changed_password_keeps_this_device_and_signs_out_the_others(
    app, client, auth, make_user
):
    bob = make_user("bob")
    auth.login("bob")
    other = app.test_client()
    AuthActions(other).login("bob")
    submit(
        client,
        ACCOUNT,
        {
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new passphrase",
            "new_password_confirm": "a brand new passphrase",
        },
    )
    assert signed_in(client) and not signed_in(other)
    assert device_count(bob) == 1


def test_a_ban_signs_the_person_out_on_the_next_request(app, client, auth, make_user):
    bob = make_user("bob")
    auth.login("bob")
    assert signed_in(client)
    with app.app_context(), unit_of_work():
        db.session.get(User, bob).banned_at = utc_now()
    assert not signed_in(client)


def _wrong_password(client, identifier: str, address: str):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token_from(client.get("/auth/login", environ_base=environ).get_data(as_text=True))
    return client.post(
        "/auth/login",
        data={"identifier": identifier, "password": "not the password", "csrf_token": token},
        environ_base=environ,
    )


def test_guessing_from_one_address_cannot_lock_the_owner_out(app, client, make_user):
    """Wrong passwords are counted per (address, account) and per address, never per
    account alone: the owner, elsewhere, still signs in."""
    make_user("bob")
    make_user("carol")
    app.config["LOGIN_RATE_LIMIT"] = app.config["LOGIN_FAILURE_LIMIT"] = "5 per hour"
    try:
        attacker = app.test_client()
        statuses = [_wrong_password(attacker, "bob", "203.0.113.66").status_code for _ in range(6)]
        assert statuses == [422] * 5 + [429]

        owner = app.test_client()
        owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
        assert AuthActions(owner).login("bob").status_code == 302
        assert signed_in(owner)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = app.config["LOGIN_FAILURE_LIMIT"] = "10000 per minute"


def test_successful_sign_ins_do_not_use_up_the_account_budget(app, make_user):
    make_user("bob")
    app.config["LOGIN_RATE_LIMIT"] = "10000 per hour"
    app.config["LOGIN_FAILURE_LIMIT"] = "2 per hour"
    try:
        laptop = app.test_client()
        laptop.environ_base["REMOTE_ADDR"] = "198.51.100.30"
        for _ in range(4):  # correct passwords are not failures
            assert AuthActions(laptop).login("bob").status_code == 302
            AuthActions(laptop).logout()
        assert _wrong_password(laptop, "bob", "198.51.100.30").status_code == 422
        assert _wrong_password(laptop, "bob", "198.51.100.30").status_code == 422
        assert _wrong_password(laptop, "bob", "198.51.100.30").status_code == 429
    finally:
        app.config["LOGIN_FAILURE_LIMIT"] = "10000 per minute"
        app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"


def test_trying_addresses_on_change_email_is_limited(app, client, auth, make_user):
    """Each refused address tells that it has an account; only a few tries an hour."""
    make_user("bob")
    make_user("eve")
    auth.login("eve")
    app.config["CHANGE_EMAIL_RATE_LIMIT"] = "5 per hour"
    statuses = []
    for index in range(6):
        response = submit(
            client,
            ACCOUNT,
            {"new_email": f"guess{index}@example.org", "email_password": "wrong password"},
            post_url="/settings/account/email",
        )
        statuses.append(response.status_code)
    app.config["CHANGE_EMAIL_RATE_LIMIT"] = "10000 per minute"
    assert statuses == [422] * 5 + [429]
