"""Searching from the header box: live results while typing with JavaScript, a plain
form submission without it."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser


def test_search_from_the_header(page: Page, browser, live_server, request):
    javascript = request.node.callspec.id == "js"
    word = f"zq{uuid.uuid4().hex[:8]}"
    context = browser.new_context(base_url=live_server)
    writer = context.new_page()
    sign_up(writer, "writer")
    community = start_community(writer)
    publish(writer, community, f"Nebula {word} observing notes")
    publish(writer, community, f"Comet {word}x sighting")
    context.close()

    page.goto("/")
    assert_accessible(page)
    box = page.get_by_role("search").first.get_by_role("searchbox")
    if javascript:
        box.fill(word[:6])  # a prefix: both posts match
        results = page.locator(".search-hit")
        expect(results).to_have_count(2)
        expect(page).to_have_url(f"{live_server}/search?q={word[:6]}")
        assert_accessible(page)
        box.fill(f"{word} nebula")  # narrows as typing goes on
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text("Nebula")
        expect(box).to_be_focused()  # typing never lost the box
        expect(page).to_have_url(f"{live_server}/search?q={word}%20nebula")
        assert_accessible(page)
    else:
        box.fill(word[:6])
        box.press("Enter")
        expect(page.locator(".search-hit")).to_have_count(2)
        assert_accessible(page)
        page.get_by_label("Search for").fill(f"{word} nebula")
        page.get_by_role("main").get_by_role("button", name="Search").click()
        expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hit mark").first).to_be_visible()
    assert_accessible(page)
