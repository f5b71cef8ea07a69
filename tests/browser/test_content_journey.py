"""Communities, rich posts and threaded replies in a real browser, with and without
JavaScript: the Quill editor and htmx swaps on one side, plain forms on the other."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import comment as write_comment
from tests.support.site import publish, sign_out, sign_up, start_community

pytestmark = pytest.mark.browser


def create_community(page: Page) -> str:
    name = f"c_{uuid.uuid4().hex[:10]}"
    page.goto("/c/")
    assert_accessible(page)
    page.get_by_role("link", name="Start a community").click()
    assert_accessible(page)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Title").fill("Garden Club")
    page.get_by_label("Description").fill("Everything that grows.")
    page.get_by_role("button", name="Create community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Garden Club")
    assert_accessible(page)
    return name


def test_write_a_rich_post_and_read_it(page: Page, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "writer")
    name = create_community(page)
    page.get_by_role("complementary").get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New post in Garden Club")
    assert_accessible(page)
    title = f"Spring planting notes {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    if javascript:
        editor = page.locator(".ql-editor")
        expect(editor).to_be_visible()
        expect(page.get_by_role("textbox", name="Text")).to_be_visible()
        editor.click()
        page.keyboard.type("Plant ")
        page.get_by_role("button", name="Bold").click()
        page.keyboard.type("tomatoes")
        page.get_by_role("button", name="Bold").click()
        page.keyboard.type(" after the frost. See ")
        page.keyboard.type("the almanac")
        for _ in range(len("the almanac")):
            page.keyboard.press("Shift+ArrowLeft")
        page.get_by_role("button", name="Link", exact=True).click()
        link_input = page.locator(".ql-tooltip input[type=text]")
        link_input.fill("https://example.org/almanac")
        link_input.press("Enter")
        page.keyboard.press("End")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Bulleted list").click()
        page.keyboard.type("basil")
        page.keyboard.press("Enter")
        page.keyboard.type("chives")
        assert_accessible(page)
    else:
        expect(page.locator(".ql-editor")).to_have_count(0)
        page.get_by_label("Text").fill("Plant tomatoes after the frost.\n\nbasil and chives")
    page.get_by_label("Tags").fill("Gardening, Spring")
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    body = page.locator(".user-content")
    if javascript:
        expect(body.locator("strong")).to_have_text("tomatoes")
        link = body.get_by_role("link", name="the almanac")
        expect(link).to_have_attribute("href", "https://example.org/almanac")
        expect(link).to_have_attribute("rel", "nofollow ugc noopener")
        expect(body.locator("ul > li")).to_have_text(["basil", "chives"])
    else:
        expect(body.locator("p")).to_have_text(
            ["Plant tomatoes after the frost.", "basil and chives"]
        )
    expect(page.get_by_role("list", name="Tags")).to_contain_text("#gardening")
    assert_accessible(page)
    page.get_by_role("link", name="#spring").click()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert_accessible(page)
    assert name


def test_join_a_community_and_reply_in_place(page: Page, browser, live_server, request):
    javascript = request.node.callspec.id == "js"
    # Someone else starts the community, posts, and comments.
    other = browser.new_context(base_url=live_server)
    other_page = other.new_page()
    sign_up(other_page, "host")
    name = start_community(other_page, "Night Sky")
    post_url = publish(other_page, name, "Meteor shower tonight", "Look up!")
    write_comment(other_page, post_url, "Where is best to watch?")
    other.close()

    sign_up(page, "reader")
    page.goto(f"/c/{name}")
    assert_accessible(page)
    sidebar = page.get_by_role("complementary", name="About this community")
    expect(sidebar).to_contain_text("1 member")
    sidebar.get_by_role("button", name="Join").click()
    expect(sidebar).to_contain_text("2 members")
    expect(sidebar.get_by_role("button", name="Joined · Leave")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Meteor shower tonight").click()
    assert_accessible(page)
    url_before = page.url
    comment = page.locator(".comment").filter(has_text="Where is best to watch?")
    comment.get_by_role("link", name="Reply").click()
    if javascript:
        expect(page).to_have_url(url_before)  # the form arrived in place, no page load
        editor = comment.locator(".ql-editor")
        expect(editor).to_be_visible()
        assert_accessible(page)
        editor.click()
        page.keyboard.type("Somewhere dark, away from the city.")
        comment.get_by_role("button", name="Reply").last.click()
        expect(comment.locator(".comment-list--replies").first).to_contain_text(
            "Somewhere dark, away from the city."
        )
        expect(page).to_have_url(url_before)
        expect(comment.locator(".ql-editor")).to_have_count(0)  # the form went away
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Reply")
        assert_accessible(page)
        page.get_by_label("Your reply").fill("Somewhere dark, away from the city.")
        page.get_by_role("main").get_by_role("button", name="Reply").click()
        expect(page.locator(".comment-list--replies").first).to_contain_text(
            "Somewhere dark, away from the city."
        )
    assert_accessible(page)


def test_an_expired_form_says_so_instead_of_failing_silently(page: Page, request):
    javascript = request.node.callspec.id == "js"
    host = sign_up(page, "host")
    name = start_community(page, "Quiet")
    sign_out(page)
    sign_up(page, "late")
    page.goto(f"/c/{name}")
    assert_accessible(page)
    # Simulate a tab left open past the token's lifetime: its tokens no longer match.
    page.evaluate(
        """() => {
            document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'stale');
            document.body.setAttribute('hx-headers', '{"X-CSRFToken": "stale"}');
        }"""
    )
    page.get_by_role("button", name="Join").click()
    if javascript:
        expect(page.get_by_role("alert")).to_contain_text("This page had expired")
        expect(page.get_by_role("button", name="Join")).to_be_visible()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Bad request")
        expect(page.get_by_role("main")).to_contain_text("nothing was saved")
    assert_accessible(page)
    assert host


def test_a_post_with_only_a_title_and_link_has_no_body(page: Page, request):
    """The editor starts empty: a title-and-link post publishes no text at all (it once
    published the word "None" from an empty editor)."""
    javascript = request.node.callspec.id == "js"
    sign_up(page, "linker")
    name = start_community(page, "Links")
    page.goto(f"/c/{name}/submit")
    assert_accessible(page)
    if javascript:
        expect(page.locator(".ql-editor")).to_have_text("")
    else:
        expect(page.get_by_label("Text")).to_have_value("")
    title = f"Just a link {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    page.get_by_role("textbox", name="Link").fill("https://example.org/article")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".user-content")).to_have_count(0)
    expect(page.get_by_role("link", name="https://example.org/article")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/c/{name}")
    card = page.locator(".post-card", has_text=title)
    expect(card.locator(".post-card__excerpt")).to_have_count(0)
    assert_accessible(page)
