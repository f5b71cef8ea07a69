"""Sign up, sign out and sign in again through the header, with and without JavaScript."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import PASSWORD, sign_up

pytestmark = pytest.mark.browser


def unique_username(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def welcome_back(username: str):
    # The name is isolated (FSI ... PDI) so that it keeps its direction in any language.
    return re.compile(rf"Signed in. Welcome back, \u2068{username}\u2069!")


def account_nav(page: Page):
    return page.get_by_role("navigation", name="Account")


@pytest.fixture
def existing_account(browser, live_server) -> str:
    """A username registered through the real sign-up form, outside the test's page."""
    context = browser.new_context(base_url=live_server)
    try:
        return sign_up(context.new_page(), "known")
    finally:
        context.close()


def test_sign_up_sign_out_and_sign_in_again(page: Page):
    username = unique_username("journey")

    page.goto("/")
    assert_accessible(page)

    account_nav(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    assert_accessible(page)

    page.get_by_label("Email address").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()

    # Sign-up answers the same whether or not the address is taken: it asks to sign in,
    # with the username filled in.
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Welcome to .+! Sign in with your username and password to start.")
    )
    expect(page.get_by_label("Email or username")).to_have_value(username)
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text(welcome_back(username))
    menu = account_nav(page).get_by_text(username, exact=True)
    expect(menu).to_be_visible()
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_have_count(0)
    assert_accessible(page)

    # The user menu is a <details>: it opens natively, with or without JavaScript.
    sign_out = account_nav(page).get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    menu.click()
    expect(sign_out).to_be_visible()
    assert_accessible(page)
    sign_out.click()

    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    sign_in = account_nav(page).get_by_role("link", name="Sign in")
    expect(sign_in).to_be_visible()
    expect(account_nav(page).get_by_text(username, exact=True)).to_have_count(0)
    assert_accessible(page)

    sign_in.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("status")).to_contain_text(welcome_back(username))
    expect(account_nav(page).get_by_text(username, exact=True)).to_be_visible()
    assert_accessible(page)


def test_wrong_password_shows_the_error_and_keeps_the_identifier(page: Page, existing_account):
    page.goto("/auth/login")
    assert_accessible(page)

    page.get_by_label("Email or username").fill(existing_account)
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields.")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_accessible_description(
        "That email/username and password do not match."
    )
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_value("")
    expect(page.get_by_label("Email or username")).to_have_value(existing_account)
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_sign_out_ends_a_remembered_sign_in_for_good(page: Page, browser, live_server):
    """Tick "Keep me signed in", sign out: the next page is signed out, and cookies
    copied before signing out (session and remember-me) sign nobody in any more."""
    username = unique_username("remember")
    context_of_page = page.context
    page.goto("/auth/register")
    assert_accessible(page)
    page.get_by_label("Email address").fill(f"{username}@example.org")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_label("Email or username")).to_have_value(username)
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(account_nav(page).get_by_text(username, exact=True)).to_be_visible()
    copied = context_of_page.cookies()
    assert {"session", "remember_token"} <= {cookie["name"] for cookie in copied}

    account_nav(page).get_by_text(username, exact=True).click()
    account_nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    assert_accessible(page)
    assert "remember_token" not in {cookie["name"] for cookie in context_of_page.cookies()}
    page.goto("/settings/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    # Someone who copied both cookies before the sign-out gets nothing from them.
    thief = browser.new_context(base_url=live_server)
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto("/settings/account")
        expect(stolen.get_by_role("heading", level=1)).to_have_text("Sign in")
        only_remember = [cookie for cookie in copied if cookie["name"] == "remember_token"]
        thief.clear_cookies()
        thief.add_cookies(only_remember)
        stolen.goto("/settings/account")
        expect(stolen.get_by_role("heading", level=1)).to_have_text("Sign in")
    finally:
        thief.close()
