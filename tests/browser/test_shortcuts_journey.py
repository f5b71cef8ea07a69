"""Keyboard shortcuts with JavaScript on (j/k to move, a/z to vote, r to reply, ? for the
list, never while typing, and they can be turned off); with JavaScript off there are none
and nothing offers them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser


def test_keyboard_shortcuts(page: Page):
    sign_up(page, "keys")
    community = start_community(page, "Keyboards")
    publish(page, community, "Older post about keys")
    post_url = publish(page, community, "Newer post about keys")
    page.goto(f"/c/{community}?sort=new")
    assert_accessible(page)
    cards = page.locator("main .post-card > article")
    expect(cards).to_have_count(2)
    opener = page.get_by_role("button", name="Keyboard shortcuts")

    if not _javascript_on(page):
        expect(opener).to_be_hidden()
        page.keyboard.press("j")
        expect(page.locator(".is-current")).to_have_count(0)
        return

    page.keyboard.press("j")
    expect(cards.nth(0)).to_have_class("is-current")
    page.keyboard.press("j")
    expect(cards.nth(1)).to_have_class("is-current")
    page.keyboard.press("k")
    expect(cards.nth(0)).to_have_class("is-current")
    expect(cards.nth(1)).not_to_have_class("is-current")

    # a: upvote the current post (your own posts take no votes here: the first card is
    # yours, so the vote goes through the one rule and nothing is pressed).
    upvote = cards.nth(0).locator(".vote__button--up")
    if upvote.count():
        page.keyboard.press("a")
        expect(upvote).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    dialog.get_by_label("Use keyboard shortcuts in this browser").uncheck()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    page.reload()
    assert_accessible(page)
    page.keyboard.press("j")
    expect(page.locator(".is-current")).to_have_count(0)
    page.keyboard.press("?")
    expect(dialog).to_be_hidden()
    # The footer's button still opens the list, to turn them on again.
    opener.click()
    dialog.get_by_label("Use keyboard shortcuts in this browser").check()
    dialog.get_by_role("button", name="Close").click()
    page.keyboard.press("j")
    expect(cards.nth(0)).to_have_class("is-current")

    # Typing in a text field is typing, never a shortcut; r puts the cursor in the
    # comment box.
    page.goto(post_url)
    assert_accessible(page)
    page.keyboard.press("r")
    box = page.locator("#comment-form-slot .ql-editor")
    expect(box).to_be_focused()
    page.keyboard.type("jazz")
    expect(box).to_have_text("jazz")
    expect(page.locator(".is-current")).to_have_count(0)


def _javascript_on(page: Page) -> bool:
    return page.locator("#shortcuts-open:not([hidden])").count() > 0
