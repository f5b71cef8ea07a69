"""Threads that fold and unfold, with and without JavaScript, and fields in error that
show it by more than red text (a red border, an icon)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.forms import csrf_token_from
from tests.support.site import comment as write_comment
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser

DANGER = "rgb(179, 38, 30)"  # --color-danger


def reply(page: Page, post_url: str, parent_id: int, body: str) -> int:
    """A reply by the signed-in person, through the reply form; returns its id."""
    request = page.context.request
    token = csrf_token_from(request.get(f"/comments/{parent_id}/reply").text())
    post_id = post_url.split("/p/")[1].split("/")[0]
    answer = request.post(
        f"/p/{post_id}/comments",
        form={"csrf_token": token, "body": body, "parent_id": str(parent_id)},
        max_redirects=0,
    )
    assert answer.status == 303, answer.text()
    return int(answer.headers["location"].rsplit("#comment-", 1)[1])


def only_comment_id(page: Page, post_url: str) -> int:
    html = page.context.request.get(post_url).text()
    (found,) = re.findall(r'<li class="comment" id="comment-(\d+)"', html)
    return int(found)


def toggle_of(comment: Locator) -> Locator:
    return comment.locator(":scope > details.thread > summary")


def test_collapse_a_thread_and_expand_it(page: Page, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "threads")
    post_url = publish(page, start_community(page, "Birds"), "Owls at night")
    write_comment(page, post_url, "Heard one last night.")
    top = only_comment_id(page, post_url)
    first = reply(page, post_url, top, "A tawny owl?")
    reply(page, post_url, first, "Yes, the kind that hoots.")
    reply(page, post_url, top, "Lucky you.")

    page.goto(post_url)
    assert_accessible(page)
    thread = page.locator(f"#comment-{top}")
    toggle = toggle_of(thread)
    nested = page.get_by_text("Yes, the kind that hoots.")
    expect(toggle).to_have_text("Hide replies (3)", use_inner_text=True)
    expect(nested).to_be_visible()
    expect(toggle_of(page.locator(f"#comment-{first}"))).to_have_text(
        "Hide reply (1)", use_inner_text=True
    )

    toggle.click()
    expect(toggle).to_have_text("Show 3 replies", use_inner_text=True)
    expect(nested).to_be_hidden()
    expect(page.get_by_text("Lucky you.")).to_be_hidden()
    expect(thread.locator(":scope > details")).not_to_have_attribute("open", "")
    expect(page.get_by_text("Heard one last night.")).to_be_visible()
    assert_accessible(page)

    # the summary is a control of its own: the keyboard opens it again
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_text("Hide replies (3)", use_inner_text=True)
    expect(nested).to_be_visible()
    expect(page.get_by_text("Lucky you.")).to_be_visible()

    # a reply written under a folded thread is seen at once
    toggle.click()
    expect(nested).to_be_hidden()
    thread.locator(":scope > article").get_by_role("link", name="Reply").click()
    if javascript:
        editor = thread.locator(".ql-editor")
        expect(editor).to_be_visible()
        editor.click()
        page.keyboard.type("Owls are everywhere this year.")
        thread.locator(".comment-form").get_by_role("button", name="Reply").click()
        expect(thread.locator(f"#replies-{top}")).to_contain_text("Owls are everywhere")
        expect(page.get_by_text("Owls are everywhere this year.")).to_be_visible()
        expect(nested).to_be_hidden()  # the folded thread stays as it was left
    else:
        assert_accessible(page)
        page.get_by_label("Your reply").fill("Owls are everywhere this year.")
        page.get_by_role("main").get_by_role("button", name="Reply").click()
        expect(page.get_by_text("Owls are everywhere this year.")).to_be_visible()
        expect(toggle_of(page.locator(f"#comment-{top}"))).to_have_text(
            "Hide replies (4)", use_inner_text=True
        )
    assert_accessible(page)


def border_and_icon(field: Locator) -> dict:
    return field.evaluate(
        """(element) => {
            const style = getComputedStyle(element);
            return {
                color: style.borderTopColor,
                start: style.borderInlineStartColor,
                bottom: style.borderBottomColor,
                image: style.backgroundImage,
            };
        }"""
    )


def test_a_field_in_error_shows_a_red_border_and_an_icon(page: Page, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "fields")
    page.goto("/c/new")
    assert_accessible(page)
    page.get_by_label("Name").fill("No spaces!")
    page.get_by_label("Title").fill("Bad name")
    page.get_by_role("button", name="Create community").click()
    name = page.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    style = border_and_icon(name)
    assert style["color"] == DANGER and style["start"] == DANGER, style
    assert style["image"].startswith('url("data:image/svg+xml'), style
    icon = page.locator(".field--error .field__errors li").first
    before = icon.evaluate("(e) => getComputedStyle(e, '::before').backgroundImage")
    assert before.startswith('url("data:image/svg+xml'), before
    # a field that is fine keeps its ordinary border
    assert border_and_icon(page.get_by_label("Title"))["color"] != DANGER
    assert_accessible(page)

    post_url = publish(page, start_community(page, "Empty words"), "Say something")
    page.goto(post_url)
    assert_accessible(page)
    page.locator("#comment-form-slot").get_by_role("button", name="Comment").click()
    if javascript:  # the editor stands in for the textarea: its frame turns red
        container = page.locator("#comment-form-slot .field--error .ql-container")
        expect(container).to_be_visible()
        style = border_and_icon(container)  # its top edge is the toolbar's
        assert style["start"] == DANGER and style["bottom"] == DANGER, style
        toolbar = page.locator("#comment-form-slot .field--error .ql-toolbar")
        assert border_and_icon(toolbar)["color"] == DANGER
    else:
        textarea = page.locator("textarea[aria-invalid='true']")
        expect(textarea).to_be_visible()
        style = border_and_icon(textarea)
        assert style["color"] == DANGER and style["image"].startswith('url("data:'), style
    assert_accessible(page)
