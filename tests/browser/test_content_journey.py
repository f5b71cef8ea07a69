"""Communities, rich posts and threaded replies in a real browser, with and without
JavaScript: the Quill editor and htmx swaps on one side, plain forms on the other."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.forms import csrf_token_from

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def sign_up_in_context(page: Page, prefix: str) -> str:
    """Register through the real form with the page's own cookies (so it is signed in)."""
    username = f"{prefix}_{uuid.uuid4().hex[:10]}"
    form = page.context.request.get("/auth/register")
    answer = page.context.request.post(
        "/auth/register",
        form={
            "csrf_token": csrf_token_from(form.text()),
            "email": f"{username}@example.org",
            "username": username,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
        max_redirects=0,
    )
    assert answer.status == 302, answer.text()
    return username


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
    sign_up_in_context(page, "writer")
    name = create_community(page)
    page.get_by_role("link", name="New post").click()
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
        page.get_by_role("button", name="Link").click()
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
    sign_up_in_context(other_page, "host")
    name = f"c_{uuid.uuid4().hex[:10]}"
    token = csrf_token_from(other_page.context.request.get("/c/new").text())
    other_page.context.request.post(
        "/c/new",
        form={
            "csrf_token": token,
            "name": name,
            "title": "Night Sky",
            "description": "",
            "rules": "",
        },
    )
    token = csrf_token_from(other_page.context.request.get(f"/c/{name}/submit").text())
    answer = other_page.context.request.post(
        f"/c/{name}/submit",
        form={
            "csrf_token": token,
            "title": "Meteor shower tonight",
            "body": "Look up!",
            "body_format": "text",
            "url": "",
            "tags": "",
        },
    )
    post_url = answer.url
    token = csrf_token_from(other_page.context.request.get(post_url).text())
    post_id = post_url.split("/p/")[1].split("/")[0]
    other_page.context.request.post(
        f"/p/{post_id}/comments", form={"csrf_token": token, "body": "Where is best to watch?"}
    )
    other.close()

    sign_up_in_context(page, "reader")
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
    host = sign_up_in_context(page, "host")
    name = f"c_{uuid.uuid4().hex[:10]}"
    token = csrf_token_from(page.context.request.get("/c/new").text())
    page.context.request.post(
        "/c/new",
        form={"csrf_token": token, "name": name, "title": "Quiet", "description": "", "rules": ""},
    )
    page.context.request.post(
        "/auth/logout", form={"csrf_token": csrf_token_from(page.context.request.get("/").text())}
    )
    sign_up_in_context(page, "late")
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
