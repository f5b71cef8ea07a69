"""A guest switches to Persian from the footer, reads a right-to-left page, signs up,
votes and replies in Persian, then switches to German; with and without JavaScript."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import comment as write_comment
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser
PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF]")


def choose_language(page: Page, code: str) -> None:
    footer = page.locator("footer")
    footer.locator("select[name=language]").select_option(code)
    footer.locator("form.language-menu button[type=submit]").click()


def test_persian_then_german(page: Page, browser, live_server, request):
    javascript = request.node.callspec.id == "js"
    # Someone has posted, and commented, in English.
    other = browser.new_context(base_url=live_server)
    author = other.new_page()
    sign_up(author, "host")
    community = start_community(author)
    title = f"Stars tonight {uuid.uuid4().hex[:6]}"
    post_url = publish(author, community, title)
    write_comment(author, post_url, "Clear skies?")
    other.close()

    page.goto("/")
    assert_accessible(page)
    choose_language(page, "fa")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    assert PERSIAN_LETTERS.search(page.locator("header").inner_text())
    # Right-to-left for real: the site name sits at the right edge of the header.
    name_box = page.locator(".site-name").bounding_box()
    assert name_box["x"] > page.viewport_size["width"] / 2
    assert_accessible(page)

    sign_up(page, "reader")  # the language cookie stays with the browser
    page.goto(post_url)
    expect(html).to_have_attribute("dir", "rtl")
    assert_accessible(page)
    widget = page.locator(".post .vote")
    widget.locator("button.vote__button--up").click()
    expect(widget.locator(".vote__score")).to_contain_text("۱")  # Persian digits
    expect(widget.locator("button.vote__button--up")).to_have_attribute("aria-pressed", "true")
    assert_accessible(page)

    comment = page.locator(".comment").filter(has_text="Clear skies?")
    comment.locator(".actions a[href*='/reply']").click()
    if javascript:
        editor = comment.locator(".ql-editor")
        expect(editor).to_be_visible()
        editor.click()
        page.keyboard.type("آسمان صاف است")
        comment.locator("form.comment-form button[type=submit]").click()
        expect(comment.locator(".comment-list--replies").first).to_contain_text("آسمان صاف است")
    else:
        expect(html).to_have_attribute("dir", "rtl")
        assert_accessible(page)
        page.locator("form.comment-form textarea").fill("آسمان صاف است")
        page.locator("form.comment-form button[type=submit]").click()
        expect(page.locator(".comment-list--replies").first).to_contain_text("آسمان صاف است")
    assert_accessible(page)

    choose_language(page, "de")
    expect(html).to_have_attribute("lang", "de")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.locator("footer select[name=language]")).to_have_value("de")
    assert not PERSIAN_LETTERS.search(page.locator("header").inner_text())
    assert_accessible(page)
