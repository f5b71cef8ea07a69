"""Two-factor sign-in: setup with a QR code, recovery codes shown once, the code step
after the password, replayed and used codes, remembered devices, turning it off, and the
mails about it. Rate limits, racing requests and the admins' rule: test_two_factor_limits.py."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, AuthActions
from tests.support.forms import csrf_token_from, submit
from webapp.auth import totp, two_factor
from webapp.extensions import db
from webapp.models import RecoveryCode, User, UserSession
from webapp.unit_of_work import unit_of_work

SETTINGS = "/settings/account/two-factor"
START = SETTINGS + "/start"
CONFIRM = SETTINGS + "/confirm"
CANCEL = SETTINGS + "/cancel"
NEW_CODES = SETTINGS + "/recovery-codes"
TURN_OFF = SETTINGS + "/turn-off"
STEP = "/auth/two-factor"
ACCOUNT = "/settings/account"

WRONG_CODE = "That code is not right. Type the code your app shows now."
USED_CODE = "That code was used already. Wait for the next one."
USED_RECOVERY = "That recovery code was used already. Each one works only once."
WRONG_PASSWORD = "Your current password is not correct."
CODE_LIST = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


class Clock:
    """The time two-factor codes are checked against, moved by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def tick(self, seconds: float = totp.PERIOD_SECONDS) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    moving = Clock(1_800_000_000.0)
    monkeypatch.setattr(two_factor, "now_seconds", lambda: moving.now)
    return moving


def secret_of(user_id: int) -> str | None:
    return db.session.scalar(select(User.totp_secret).where(User.id == user_id))


def code_now(user_id: int, clock: Clock) -> str:
    """The code the person's app shows at the clock's time."""
    secret = secret_of(user_id)
    assert secret
    return totp.code_at(secret, totp.step_at(clock.now))


def wrong_code(user_id: int, clock: Clock) -> str:
    """A six-digit code that none of the accepted steps has."""
    secret = secret_of(user_id) or ""
    step = totp.step_at(clock.now)
    accepted = {totp.code_at(secret, step + delta) for delta in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def page(response) -> str:
    return response.get_data(as_text=True)


def signed_in(client) -> bool:
    return client.get(ACCOUNT).status_code == 200


def sessions_of(user_id: int) -> int:
    return db.session.scalar(select(func.count()).where(UserSession.user_id == user_id))


def turn_on(client, user_id: int, clock: Clock) -> list[str]:
    """Set up two-factor sign-in through the settings page; the ten codes it shows."""
    assert submit(client, SETTINGS, {"password": TEST_PASSWORD}, post_url=START).status_code == 303
    confirmed = submit(client, SETTINGS, {"code": code_now(user_id, clock)}, post_url=CONFIRM)
    assert confirmed.status_code == 303
    codes = CODE_LIST.findall(page(client.get(SETTINGS)))
    clock.tick()  # the next code the test types is a later one
    return codes


def enable_for(app, user_id: int) -> list[str]:
    """Two-factor sign-in on for `user_id` (straight through the services); its codes."""
    with app.test_request_context(), unit_of_work():
        user = db.session.get(User, user_id)
        user.totp_secret = totp.new_secret()
        user.totp_enabled_at = user.created_at
        return two_factor._replace_recovery_codes(user)


def sign_in(app, identifier="alice", **extra):
    """A new browser that typed the password; (client, response)."""
    browser = app.test_client()
    return browser, AuthActions(browser).login(identifier, **extra)


def send_code(client, code: str, **extra):
    return submit(client, STEP, {"code": code, **extra})


# -- Setup -----------------------------------------------------------------------------


def test_setup_shows_the_qr_code_and_the_secret_and_a_wrong_code_is_refused(
    client, auth, make_user, clock
):
    alice = make_user("alice")
    auth.login("alice")
    off = page(client.get(SETTINGS))
    assert "Two-factor sign-in is off." in off
    refused = submit(client, SETTINGS, {"password": "not my password"}, post_url=START)
    assert refused.status_code == 422 and WRONG_PASSWORD in page(refused)
    assert secret_of(alice) is None

    assert submit(client, SETTINGS, {"password": TEST_PASSWORD}, post_url=START).status_code == 303
    secret = secret_of(alice)
    assert secret and len(secret) == 32
    setup = client.get(SETTINGS)
    html = page(setup)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "style=" not in svg and "<title>QR code for your authenticator app</title>" in svg
    assert "style-src 'self'" in setup.headers["Content-Security-Policy"]
    assert f'<bdi dir="ltr"><code class="two-factor__secret">{totp.grouped(secret)}</code>' in html
    assert (
        f'href="otpauth://totp/Quorum:alice?secret={secret}&amp;issuer=Quorum'
        '&amp;algorithm=SHA1&amp;digits=6&amp;period=30"'
    ) in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html

    wrong = submit(client, SETTINGS, {"code": wrong_code(alice, clock)}, post_url=CONFIRM)
    assert wrong.status_code == 422
    assert WRONG_CODE in page(wrong) and '<svg role="img"' in page(wrong)  # the QR stays
    not_digits = submit(client, SETTINGS, {"code": "12ab56"}, post_url=CONFIRM)
    assert not_digits.status_code == 422
    assert "Enter the 6-digit code from your app." in page(not_digits)
    assert db.session.get(User, alice).totp_enabled_at is None


def test_confirming_turns_it_on_and_shows_ten_recovery_codes_once(
    client, auth, make_user, clock, mailbox
):
    alice = make_user("alice")
    auth.login("alice")
    submit(client, SETTINGS, {"password": TEST_PASSWORD}, post_url=START)
    confirmed = submit(client, SETTINGS, {"code": code_now(alice, clock)}, post_url=CONFIRM)
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == SETTINGS

    shown = page(client.get(SETTINGS))
    codes = CODE_LIST.findall(shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Save these now; they will not be shown again." in shown
    assert "Two-factor sign-in is on." in shown  # the flash
    stored = db.session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == alice)
    ).all()
    assert sorted(stored) == sorted(
        hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes
    )
    user = db.session.get(User, alice)
    assert user.has_two_factor and user.totp_last_step == totp.step_at(clock.now)

    again = page(client.get(SETTINGS))
    assert CODE_LIST.findall(again) == [] and "Save these now" not in again
    assert "10 unused recovery codes left." in again

    mail = mailbox.wait_for("alice@example.org")
    assert mail.subject == "Two-factor sign-in is on"
    assert mail.link("/settings/account/two-factor") == "http://localhost" + SETTINGS
    assert "Two-factor sign-in was turned on for your account on Quorum." in mail.text


def test_the_mail_is_written_in_the_persons_language(client, auth, make_user, clock, mailbox):
    alice = make_user("alice")
    db.session.get(User, alice).locale = "fa"
    db.session.commit()
    auth.login("alice")
    turn_on(client, alice, clock)
    mail = mailbox.wait_for("alice@example.org")
    assert '<html lang="fa" dir="rtl">' in mail.html


def test_a_setup_can_be_cancelled(client, auth, make_user, clock):
    alice = make_user("alice")
    auth.login("alice")
    submit(client, SETTINGS, {"password": TEST_PASSWORD}, post_url=START)
    cancelled = submit(client, SETTINGS, {}, post_url=CANCEL)
    assert cancelled.status_code == 303
    assert secret_of(alice) is None
    assert "Setup cancelled. Two-factor sign-in stays off." in page(client.get(SETTINGS))


def test_the_settings_page_needs_a_signed_in_person(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/settings/account/two-factor"


# -- Signing in ------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_starts_no_session_before_it(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    browser, response = sign_in(app, next="/settings/account")
    assert response.status_code == 303 and response.headers["Location"] == STEP
    assert sessions_of(alice) == 0
    held = browser.get(ACCOUNT)
    assert held.status_code == 302 and held.headers["Location"].startswith("/auth/login")
    step = page(browser.get(STEP))
    assert 'autocomplete="one-time-code"' in step and 'inputmode="numeric"' in step
    assert "Remember this device for 30 days" in step

    wrong = send_code(browser, wrong_code(alice, clock))
    assert wrong.status_code == 422 and WRONG_CODE in page(wrong)
    assert not signed_in(browser)

    right = send_code(browser, code_now(alice, clock))
    assert right.status_code == 302 and right.headers["Location"] == "/settings/account"
    assert "Signed in. Welcome back, \u2068alice\u2069!" in page(browser.get("/"))
    assert signed_in(browser) and sessions_of(alice) == 1
    assert browser.get_cookie("two_factor_device") is None  # not asked to remember


def test_a_code_used_once_is_refused_the_second_time(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    code = code_now(alice, clock)
    first, _ = sign_in(app)
    assert send_code(first, code).status_code == 302
    second, _ = sign_in(app)
    replayed = send_code(second, code)
    assert replayed.status_code == 422 and USED_CODE in page(replayed)
    assert not signed_in(second)
    clock.tick()  # the next step's code
    assert send_code(second, code_now(alice, clock)).status_code == 302


def test_an_earlier_code_than_the_last_accepted_is_refused_too(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    secret = secret_of(alice)
    step = totp.step_at(clock.now)
    first, _ = sign_in(app)
    assert send_code(first, totp.code_at(secret, step + 1)).status_code == 302  # drift ahead
    second, _ = sign_in(app)
    earlier = send_code(second, totp.code_at(secret, step))
    assert earlier.status_code == 422 and USED_CODE in page(earlier)


def test_a_recovery_code_works_once(app, make_user, clock):
    alice = make_user("alice")
    codes = enable_for(app, alice)
    first, _ = sign_in(app)
    typed = codes[3].upper().replace("-", " - ")  # any case, spaces forgiven
    assert first.get(STEP + "?recovery=1").status_code == 200
    assert send_code(first, typed).status_code == 302 and signed_in(first)
    used = db.session.scalars(
        select(RecoveryCode.code_hash).where(
            RecoveryCode.user_id == alice, RecoveryCode.used_at.is_not(None)
        )
    ).all()
    assert used == [hashlib.sha256(codes[3].replace("-", "").encode()).hexdigest()]

    second, _ = sign_in(app)
    again = send_code(second, codes[3])
    assert again.status_code == 422 and USED_RECOVERY in page(again)
    made_up = send_code(second, "abcde-fghjk")
    assert made_up.status_code == 422 and "That recovery code is not right." in page(made_up)
    assert not signed_in(second)
    assert "9 unused recovery codes left." in page(first.get(SETTINGS))


def test_a_remembered_device_skips_the_step_until_2fa_is_turned_off_and_on(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    browser, _ = sign_in(app)
    assert send_code(browser, code_now(alice, clock), remember_device="y").status_code == 302
    cookie = browser.get_cookie("two_factor_device")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.path == "/" and not cookie.secure
    assert cookie.max_age == 30 * 86400

    AuthActions(browser).logout()
    again = AuthActions(browser).login("alice")
    assert again.status_code == 302 and signed_in(browser)  # no code asked

    stranger, asked = sign_in(app)  # another browser is still asked
    assert asked.headers["Location"] == STEP

    # Off and on again (a new secret): the device is forgotten.
    clock.tick()
    turned_off = submit(
        browser,
        SETTINGS,
        {"off-password": TEST_PASSWORD, "off-code": code_now(alice, clock)},
        post_url=TURN_OFF,
    )
    assert turned_off.status_code == 303
    browser.set_cookie("two_factor_device", cookie.value)  # kept anyway
    clock.tick()
    turn_on(browser, alice, clock)
    AuthActions(browser).logout()
    asked_again = AuthActions(browser).login("alice")
    assert asked_again.status_code == 303 and asked_again.headers["Location"] == STEP


def test_the_device_cookie_is_secure_where_the_remember_cookie_is(
    app, make_user, clock, monkeypatch
):
    alice = make_user("alice")
    enable_for(app, alice)
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    browser, _ = sign_in(app)
    send_code(browser, code_now(alice, clock), remember_device="y")
    cookie = browser.get_cookie("two_factor_device")
    assert cookie is not None and cookie.secure and cookie.http_only


def test_a_remembered_device_is_forgotten_when_the_password_changes(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    browser, _ = sign_in(app)
    send_code(browser, code_now(alice, clock), remember_device="y")
    changed = submit(
        browser,
        ACCOUNT,
        {
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new passphrase",
            "new_password_confirm": "a brand new passphrase",
        },
    )
    assert changed.status_code == 302
    AuthActions(browser).logout()
    again = AuthActions(browser).login("alice", password="a brand new passphrase")
    assert again.status_code == 303 and again.headers["Location"] == STEP


def test_a_remembered_device_counts_only_for_its_own_account(app, make_user, clock):
    alice = make_user("alice")
    bob = make_user("bob")
    enable_for(app, alice)
    enable_for(app, bob)
    browser, _ = sign_in(app)
    send_code(browser, code_now(alice, clock), remember_device="y")
    AuthActions(browser).logout()
    bob_there = AuthActions(browser).login("bob")
    assert bob_there.status_code == 303 and bob_there.headers["Location"] == STEP


def test_a_forged_device_cookie_is_ignored(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    browser = app.test_client()
    browser.set_cookie("two_factor_device", f'{{"user": {alice}}}.forged.signature')
    response = AuthActions(browser).login("alice")
    assert response.status_code == 303 and response.headers["Location"] == STEP


def test_the_code_step_expires_after_ten_minutes(app, make_user, clock):
    alice = make_user("alice")
    enable_for(app, alice)
    browser, _ = sign_in(app, next="/settings/account")
    clock.tick(9 * 60)
    in_time, _ = sign_in(app)
    assert send_code(in_time, code_now(alice, clock)).status_code == 302
    token = csrf_token_from(page(browser.get(STEP)))  # the form, still open in the tab
    clock.tick(61)  # ten minutes and a second after the first browser's password
    late = browser.post(STEP, data={"code": code_now(alice, clock), "csrf_token": token})
    assert late.status_code == 303 and late.headers["Location"] == "/auth/login"
    login_page = page(browser.get("/auth/login"))
    assert "Signing in took too long. Sign in again." in login_page
    assert not signed_in(browser)
    assert browser.get(STEP).headers["Location"] == "/auth/login"  # the state is gone


def test_a_password_reset_link_still_asks_for_the_code(app, client, make_user, clock, mailbox):
    alice = make_user("alice")
    enable_for(app, alice)
    submit(client, "/auth/forgot", {"email": "alice@example.org"})
    link = mailbox.wait_for("alice@example.org").link("/auth/reset/")
    path = link.removeprefix("http://localhost")
    new_password = "purple elephant skating"
    done = submit(
        client, path, {"new_password": new_password, "new_password_confirm": new_password}
    )
    assert done.status_code == 303 and done.headers["Location"] == STEP
    assert not signed_in(client) and sessions_of(alice) == 0
    assert send_code(client, code_now(alice, clock)).status_code == 302
    assert signed_in(client)


def test_the_code_step_without_a_password_first_goes_to_sign_in(client):
    response = client.get(STEP)
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"


def test_without_two_factor_the_password_is_enough(app, make_user):
    make_user("alice")
    browser, response = sign_in(app)
    assert response.status_code == 302 and signed_in(browser)


# -- Turning it off, new recovery codes ------------------------------------------------


def test_turning_off_needs_both_the_password_and_a_code(client, auth, make_user, clock, mailbox):
    alice = make_user("alice")
    auth.login("alice")
    turn_on(client, alice, clock)
    no_password = submit(
        client,
        SETTINGS,
        {"off-password": "wrong password", "off-code": code_now(alice, clock)},
        post_url=TURN_OFF,
    )
    assert no_password.status_code == 422 and WRONG_PASSWORD in page(no_password)
    no_code = submit(
        client,
        SETTINGS,
        {"off-password": TEST_PASSWORD, "off-code": wrong_code(alice, clock)},
        post_url=TURN_OFF,
    )
    assert no_code.status_code == 422 and WRONG_CODE in page(no_code)
    empty = submit(client, SETTINGS, {"off-password": TEST_PASSWORD}, post_url=TURN_OFF)
    assert empty.status_code == 422 and "Enter the code." in page(empty)
    assert db.session.get(User, alice).has_two_factor

    done = submit(
        client,
        SETTINGS,
        {"off-password": TEST_PASSWORD, "off-code": code_now(alice, clock)},
        post_url=TURN_OFF,
    )
    assert done.status_code == 303
    assert "Two-factor sign-in is off." in page(client.get(SETTINGS))
    user = db.session.get(User, alice)
    db.session.refresh(user)
    assert (user.totp_secret, user.totp_enabled_at, user.totp_last_step) == (None, None, None)
    assert db.session.scalar(select(func.count()).where(RecoveryCode.user_id == alice)) == 0

    mail = mailbox.wait_for("alice@example.org", count=2)
    assert mail.subject == "Two-factor sign-in is off"
    assert "Two-factor sign-in was turned off for your account on Quorum." in mail.text
    browser, response = sign_in(app=client.application)
    assert response.status_code == 302 and signed_in(browser)


def test_the_code_that_confirmed_the_setup_cannot_turn_it_off(client, auth, make_user, clock):
    alice = make_user("alice")
    auth.login("alice")
    submit(client, SETTINGS, {"password": TEST_PASSWORD}, post_url=START)
    code = code_now(alice, clock)
    assert submit(client, SETTINGS, {"code": code}, post_url=CONFIRM).status_code == 303
    replayed = submit(
        client, SETTINGS, {"off-password": TEST_PASSWORD, "off-code": code}, post_url=TURN_OFF
    )
    assert replayed.status_code == 422 and USED_CODE in page(replayed)
    assert secret_of(alice) is not None


def test_a_recovery_code_can_turn_it_off(client, auth, make_user, clock):
    alice = make_user("alice")
    auth.login("alice")
    codes = turn_on(client, alice, clock)
    done = submit(
        client, SETTINGS, {"off-password": TEST_PASSWORD, "off-code": codes[0]}, post_url=TURN_OFF
    )
    assert done.status_code == 303 and secret_of(alice) is None


def test_new_recovery_codes_replace_the_old_ones(app, client, auth, make_user, clock):
    alice = make_user("alice")
    auth.login("alice")
    old = turn_on(client, alice, clock)
    refused = submit(
        client,
        SETTINGS,
        {"codes-password": TEST_PASSWORD, "codes-code": wrong_code(alice, clock)},
        post_url=NEW_CODES,
    )
    assert refused.status_code == 422 and WRONG_CODE in page(refused)
    made = submit(
        client,
        SETTINGS,
        {"codes-password": TEST_PASSWORD, "codes-code": code_now(alice, clock)},
        post_url=NEW_CODES,
    )
    assert made.status_code == 303
    shown = page(client.get(SETTINGS))
    new = CODE_LIST.findall(shown)
    assert len(new) == 10 and not set(new) & set(old)
    assert "You have new recovery codes. The old ones no longer work." in shown
    assert CODE_LIST.findall(page(client.get(SETTINGS))) == []

    browser, _ = sign_in(app)
    stale = send_code(browser, old[0])
    assert stale.status_code == 422 and "That recovery code is not right." in page(stale)
    assert send_code(browser, new[0]).status_code == 302
