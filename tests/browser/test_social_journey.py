"""Voting, following and infinite scroll in a real browser, with and without JavaScript."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser


@pytest.fixture
def authors_post(browser, live_server):
    """Someone else's community and post, made in their own browser context."""
    context = browser.new_context(base_url=live_server)
    author_page = context.new_page()
    author = sign_up(author_page, "author")
    community = start_community(author_page)
    url = publish(author_page, community, f"Vote for me {uuid.uuid4().hex[:6]}")
    context.close()
    return {"author": author, "community": community, "url": url}


def test_vote_up_then_down_then_clear(page: Page, authors_post, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "voter")
    page.goto(authors_post["url"])
    assert_accessible(page)
    widget = page.locator(".post .vote")
    up = widget.get_by_role("button", name="Upvote")
    down = widget.get_by_role("button", name="Downvote")
    expect(widget).to_contain_text("0 points")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    up.click()
    expect(widget).to_contain_text("1 point")
    expect(up).to_have_attribute("aria-pressed", "true")
    assert_accessible(page)
    down.click()
    expect(widget).to_contain_text("-1 points")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    assert_accessible(page)
    down.click()  # pressing the pressed button clears the vote
    expect(widget).to_contain_text("0 points")
    expect(down).to_have_attribute("aria-pressed", "false")
    assert_accessible(page)
    if javascript:
        assert navigations == [], "votes with JavaScript must not reload the page"
    else:
        assert len(navigations) == 3


def test_follow_and_unfollow(page: Page, authors_post, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "fan")
    page.goto(f"/u/{authors_post['author']}")
    assert_accessible(page)
    box = page.locator(".profile-header .follow")
    expect(box).to_contain_text("0 followers")
    url = page.url
    box.get_by_role("button", name="Follow").click()
    expect(box).to_contain_text("1 follower")
    unfollow = box.get_by_role("button", name="Following · Unfollow")
    expect(unfollow).to_have_attribute("aria-pressed", "true")
    assert page.url == url
    assert_accessible(page)
    unfollow.click()
    expect(box).to_contain_text("0 followers")
    expect(box.get_by_role("button", name="Follow")).to_be_visible()
    assert_accessible(page)
    if javascript:
        expect(box.get_by_role("button", name="Follow")).to_be_focused()


def test_the_all_feed_loads_its_next_page(page: Page, browser, live_server, request):
    javascript = request.node.callspec.id == "js"
    context = browser.new_context(base_url=live_server)
    writer_page = context.new_page()
    sign_up(writer_page, "prolific")
    community = start_community(writer_page)
    tag = uuid.uuid4().hex[:6]
    for index in range(27):
        publish(writer_page, community, f"Scroll {tag} {index:02d}")
    context.close()

    page.goto("/all?sort=new")
    assert_accessible(page)
    cards = page.locator("#feed .post-card")
    expect(cards).to_have_count(25)
    expect(page.get_by_role("link", name=f"Scroll {tag} 26")).to_be_visible()
    if javascript:
        page.locator(".feed__more").scroll_into_view_if_needed()
        expect(page.get_by_role("link", name=f"Scroll {tag} 01")).to_be_visible()
        assert cards.count() > 25  # the next page was appended in place
        assert "cursor=" not in page.url
    else:
        page.get_by_role("link", name="More posts").click()
        assert "cursor=" in page.url
        expect(page.get_by_role("link", name=f"Scroll {tag} 01")).to_be_visible()
        expect(page.get_by_role("link", name=f"Scroll {tag} 26")).to_have_count(0)
    assert_accessible(page)
