"""Deleting asks first: a page of its own without JavaScript, a native dialog with it
(focus inside, Escape or Cancel closes it, focus returns to the link); a deleted
comment comes back with Undo."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import comment, publish, sign_up, start_community

pytestmark = pytest.mark.browser


def test_delete_a_comment_after_confirming_then_undo(page: Page, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "regret")
    community = start_community(page, "Second Thoughts")
    post_url = publish(page, community, "A post to discuss")
    comment(page, post_url, "Words I will take back")
    page.goto(post_url)
    assert_accessible(page)
    thread = page.get_by_role("article", name="Comment by")
    expect(thread).to_contain_text("Words I will take back")
    delete = thread.get_by_role("link", name="Delete")

    if javascript:
        delete.click()
        dialog = page.get_by_role("dialog", name="Delete comment")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Words I will take back")
        cancel = dialog.get_by_role("link", name="Cancel")
        expect(cancel).to_be_focused()  # the least destructive choice has the focus
        assert_accessible(page)
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(delete).to_be_focused()  # focus returns where it was
        delete.click()
        expect(dialog).to_be_visible()
        dialog.get_by_role("link", name="Cancel").click()
        expect(dialog).to_be_hidden()
        expect(thread).to_contain_text("Words I will take back")  # nothing happened
        delete.click()
        dialog.get_by_role("button", name="Delete").click()
    else:
        delete.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Delete comment")
        expect(page.get_by_role("main")).to_contain_text("Words I will take back")
        assert_accessible(page)
        page.get_by_role("main").get_by_role("button", name="Delete").click()

    expect(page.get_by_role("status")).to_contain_text("Your comment has been deleted.")
    expect(page.get_by_role("main")).not_to_contain_text("Words I will take back")
    assert_accessible(page)
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is back.")
    expect(page.get_by_role("main")).to_contain_text("Words I will take back")
    assert_accessible(page)
