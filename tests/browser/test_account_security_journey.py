"""Accounts people can trust, in Chromium with and without JavaScript: a forgotten
password comes back through a real mail, two-factor sign-in asks for the app's code,
and a person deletes their account."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.mailbox import shared_mailbox
from tests.support.site import PASSWORD, publish, sign_out, sign_up, start_community
from webapp.auth.totp import code_at, step_at

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase"


def account_nav(page: Page):
    return page.get_by_role("navigation", name="Account")


def main(page: Page):
    return page.get_by_role("main")


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/auth/login")
    assert_accessible(page)
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    main(page).get_by_role("button", name="Sign in").click()


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_forgot_password_mail_new_password_and_signed_in(page: Page):
    username = sign_up(page, "forgot")
    sign_out(page)
    address = f"{username}@example.org"

    page.goto("/auth/login")
    assert_accessible(page)
    main(page).get_by_role("link", name="Forgot password?").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(address)
    main(page).get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text(
        "If an account uses this address, we have sent it a link"
    )
    assert_accessible(page)

    mail = shared_mailbox().wait_for(address, containing="/auth/reset/")
    assert mail.subject == "Choose a new password for Quorum"
    page.goto(path_of(mail.link("/auth/reset/")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Set the new password").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text(
        "Your password has been changed. Every other device has been signed out."
    )
    expect(status).to_contain_text(f"Welcome back, \u2068{username}\u2069!")
    expect(account_nav(page).get_by_text(username, exact=True)).to_be_visible()
    assert_accessible(page)

    # The link is spent, and only the new password opens the account.
    page.goto(path_of(mail.link("/auth/reset/")))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(main(page)).to_contain_text("This link has been used already")
    assert_accessible(page)
    sign_out(page)
    sign_in(page, username, PASSWORD)
    expect(main(page)).to_contain_text("That email/username and password do not match.")
    assert_accessible(page)
    sign_in(page, username, NEW_PASSWORD)
    expect(account_nav(page).get_by_text(username, exact=True)).to_be_visible()
    assert_accessible(page)


def test_turn_on_two_factor_sign_out_and_sign_in_with_a_code(page: Page):
    username = sign_up(page, "totp")
    page.goto("/settings/account")
    assert_accessible(page)
    main(page).get_by_role("link", name="Two-factor settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    assert_accessible(page)
    page.get_by_label("Current password").fill(PASSWORD)
    main(page).get_by_role("button", name="Turn on").click()

    # The QR code is drawn inline, and the key is there in text for typing.
    expect(main(page).get_by_role("img")).to_have_count(1)
    secret = re.sub(r"\s", "", page.locator(".two-factor__secret").inner_text())
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    assert_accessible(page)
    step = step_at(time.time())
    page.get_by_label("Enter the 6-digit code from your app").fill(code_at(secret, step))
    main(page).get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is on.")
    codes = main(page).locator(".recovery-codes__list li")
    expect(codes).to_have_count(10)
    assert_accessible(page)
    page.reload()  # shown once only
    expect(main(page).locator(".recovery-codes__list li")).to_have_count(0)
    assert_accessible(page)

    sign_out(page)
    sign_in(page, username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(account_nav(page).get_by_text(username, exact=True)).to_have_count(0)
    assert_accessible(page)
    # The code used to turn it on cannot be used again; the app's next code works (the
    # neighbouring step is accepted for clocks that drift).
    page.get_by_label("Code").fill(code_at(secret, step))
    main(page).get_by_role("button", name="Sign in").click()
    expect(main(page)).to_contain_text("That code was used already.")
    assert_accessible(page)
    page.get_by_label("Code").fill(code_at(secret, step + 1))
    main(page).get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text(f"Welcome back, \u2068{username}\u2069!")
    expect(account_nav(page).get_by_text(username, exact=True)).to_be_visible()
    assert_accessible(page)


def test_delete_account_keeping_posts_as_deleted(page: Page, live_server: str):
    username = sign_up(page, "leaving")
    community = start_community(page, "Farewells")
    post_url = publish(page, community, "Thanks for all the fish", "So long.")
    # An owner is told to hand the community over first.
    page.goto("/settings/account/delete")
    expect(main(page)).to_contain_text(
        "Hand each one to another member before you delete your account."
    )
    expect(main(page).get_by_role("button", name="Delete my account")).to_have_count(0)
    assert_accessible(page)

    # Someone else joins and takes the community over; then the account can go.
    other = page.context.browser.new_context(base_url=live_server)
    try:
        heir_page = other.new_page()
        heir = sign_up(heir_page, "heir")
        _join(heir_page, community)
    finally:
        other.close()
    _hand_over(page, community, heir)

    page.goto("/settings/account/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    assert_accessible(page)
    main(page).get_by_label("Keep my posts and comments, shown as by [deleted]").check()
    page.get_by_label("Your password").fill(PASSWORD)
    main(page).get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("status")).to_contain_text("Your account has been deleted.")
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)
    # The post stays, by "[deleted]"; the profile is gone.
    page.goto(post_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thanks for all the fish")
    expect(main(page).locator("article").first).to_contain_text("[deleted]")
    expect(main(page)).not_to_contain_text(username)
    assert_accessible(page)
    response = page.goto(f"/u/{username}")
    assert response is not None and response.status == 404
    assert_accessible(page)
    sign_in(page, username, PASSWORD)
    expect(main(page)).to_contain_text("That email/username and password do not match.")
    assert_accessible(page)


def _join(page: Page, community: str) -> None:
    from tests.support.forms import csrf_token_from

    request = page.context.request
    token = csrf_token_from(request.get(f"/c/{community}").text())
    answer = request.post(f"/c/{community}/join", form={"csrf_token": token})
    assert answer.ok, answer.status


def _hand_over(page: Page, community: str, heir: str) -> None:
    from tests.support.forms import csrf_token_from

    request = page.context.request
    token = csrf_token_from(request.get(f"/c/{community}/members").text())
    answer = request.post(
        f"/c/{community}/owner", form={"csrf_token": token, "owner-username": heir}, max_redirects=0
    )
    assert answer.status in (302, 303), answer.text()
