"""The dark theme, in Chromium with and without JavaScript: it follows the device when
the person chose nothing, a choice in the footer (guests) or in the preferences (stored
on the account) wins over the device, and axe finds no contrast problem in either theme."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import PASSWORD, publish, sign_out, sign_up, start_community

pytestmark = pytest.mark.browser

LIGHT_BACKGROUND = "rgb(245, 246, 248)"
DARK_BACKGROUND = "rgb(18, 20, 25)"


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def choose_in_footer(page: Page, label: str) -> None:
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Theme").select_option(label=label)
    footer.get_by_role("button", name="Change theme").click()


def test_the_theme_follows_the_device_until_a_guest_chooses(page: Page):
    page.emulate_media(color_scheme="dark")
    page.goto("/auth/register")
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    assert background(page) == DARK_BACKGROUND
    assert_accessible(page)  # axe's colour contrast, in the dark

    choose_in_footer(page, "Light")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert background(page) == LIGHT_BACKGROUND
    assert_accessible(page)

    page.emulate_media(color_scheme="light")
    choose_in_footer(page, "Dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BACKGROUND
    assert_accessible(page)
    page.goto("/c/")  # the choice stays for the next pages (a cookie)
    assert background(page) == DARK_BACKGROUND
    assert_accessible(page)

    choose_in_footer(page, "Automatic (as on this device)")
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    assert background(page) == LIGHT_BACKGROUND
    assert_accessible(page)


def test_a_members_choice_is_kept_on_the_account(page: Page, browser, live_server):
    username = sign_up(page, "night")
    community = start_community(page, "Night owls")
    post_url = publish(page, community, "Stars tonight", "Clear skies, **finally**.")
    page.goto("/settings/preferences")
    assert_accessible(page)
    page.get_by_role("main").get_by_label("Theme").select_option(label="Dark")
    page.get_by_role("main").get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Your preferences have been saved.")
    assert background(page) == DARK_BACKGROUND
    assert_accessible(page)
    # A page with the most colours: a post with its vote buttons and the comment form.
    page.goto(post_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stars tonight")
    assert background(page) == DARK_BACKGROUND
    assert_accessible(page)
    sign_out(page)

    # Another device, light by default, signs in: the account's choice comes along.
    other = browser.new_context(base_url=live_server, color_scheme="light")
    try:
        device = other.new_page()
        device.goto("/auth/login")
        assert background(device) == LIGHT_BACKGROUND
        device.get_by_label("Email or username").fill(username)
        device.get_by_label("Password", exact=True).fill(PASSWORD)
        device.get_by_role("main").get_by_role("button", name="Sign in").click()
        expect(device.locator("html")).to_have_attribute("data-theme", "dark")
        assert background(device) == DARK_BACKGROUND
    finally:
        other.close()
