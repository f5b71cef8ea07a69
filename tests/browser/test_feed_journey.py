"""Reading a feed in a real browser: infinite scroll, then a post, then Back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser

PAGE_SIZE = 25  # FEED_PAGE_SIZE's default, which the live server uses


@pytest.fixture(scope="module")
def long_community(browser, live_server):
    """A community with three pages of posts and a bit more (three writers, so no one
    runs into the per-account write budget)."""
    context = browser.new_context(base_url=live_server)
    writer_page = context.new_page()
    sign_up(writer_page, "longfeed")
    name = start_community(writer_page, "Long feed")
    context.close()
    number = 0
    for _writer in range(3):
        context = browser.new_context(base_url=live_server)
        writer_page = context.new_page()
        sign_up(writer_page, "writer")
        for _ in range(PAGE_SIZE + 1):
            publish(writer_page, name, f"Long read {number:02d}")
            number += 1
        context.close()
    return {"name": name, "count": number}


def _card_ids(page: Page) -> list[str]:
    return page.locator("#feed .post-card article").evaluate_all(
        "articles => articles.map(a => a.getAttribute('aria-labelledby'))"
    )


def _scroll_to_end(page: Page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


def test_back_after_infinite_scroll_returns_to_the_same_place(page: Page, long_community, request):
    javascript = request.node.callspec.id == "js"
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(f"/c/{long_community['name']}?sort=new")
    assert_accessible(page)
    cards = page.locator("#feed .post-card")
    expect(cards).to_have_count(PAGE_SIZE)
    newest = f"Long read {long_community['count'] - 1:02d}"
    if not javascript:
        # Without JavaScript "More posts" is a link to the next page, and Back is native.
        page.get_by_role("link", name="More posts").click()
        assert "cursor=" in page.url
        assert_accessible(page)
        expect(page.get_by_role("link", name=newest)).to_have_count(0)
        page.go_back()
        expect(page.get_by_role("link", name=newest)).to_be_visible()
        assert_accessible(page)
        return

    # Three pages: the first and two more, each loaded when "More posts" is revealed.
    for loaded in (2 * PAGE_SIZE, 3 * PAGE_SIZE):
        _scroll_to_end(page)
        expect(cards).to_have_count(loaded)
    assert_accessible(page)

    # Stop on a post in the middle of the third page, and open it.
    target = page.get_by_role("link", name="Long read 10", exact=True)
    target.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -200)")
    page.wait_for_timeout(400)  # let a debounced scroll handler (if any) see where we are
    before_ids = _card_ids(page)
    before_y = page.evaluate("window.scrollY")
    assert before_y > 2 * 700
    target.click()
    page.wait_for_url("**/p/**")
    assert_accessible(page)

    page.go_back()
    assert page.url.endswith("?sort=new")
    expect(cards).to_have_count(len(before_ids))
    assert _card_ids(page) == before_ids
    expect(page.get_by_role("link", name="Long read 10", exact=True)).to_be_in_viewport()
    page.wait_for_timeout(300)
    after_y = page.evaluate("window.scrollY")
    height = page.evaluate("window.innerHeight")
    assert abs(after_y - before_y) < height, (before_y, after_y)
    assert_accessible(page)

    # Infinite scroll goes on from there: the fourth page, once, after the third.
    _scroll_to_end(page)
    expect(cards).to_have_count(long_community["count"])
    ids = _card_ids(page)
    assert ids[: len(before_ids)] == before_ids and len(set(ids)) == len(ids)
