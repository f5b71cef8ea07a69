"""A long thread in a real browser, with and without JavaScript: the first 200 comments,
"More comments" (appended in place with htmx, a page of its own without), and votes
through the one form per comment whose two buttons carry the value."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.support.accessibility import assert_accessible
from tests.support.site import publish, sign_up, start_community
from webapp.models import Comment, Post, comment_path
from webapp.models.base import utc_now

pytestmark = pytest.mark.browser

COMMENTS = 205  # one page of 200, then five more


@pytest.fixture
def long_thread(browser, live_server, live_database):
    """Someone else's post with COMMENTS top-level comments, stored straight in the live
    site's database (writing 205 through the forms would take minutes)."""
    context = browser.new_context(base_url=live_server)
    author_page = context.new_page()
    sign_up(author_page, "talker")
    url = publish(author_page, start_community(author_page), f"Long talk {uuid.uuid4().hex[:6]}")
    context.close()
    post_id = int(url.split("/p/")[1].split("/")[0])
    engine = create_engine(live_database)
    now = utc_now()
    with Session(engine) as session:
        author_id = session.scalar(select(Post.author_id).where(Post.id == post_id))
        for index in range(COMMENTS):  # Remark 0 scores best, Remark 204 least
            comment = Comment(
                post_id=post_id,
                author_id=author_id,
                depth=0,
                body_html=f"<p>Remark {index}</p>",
                body_text=f"Remark {index}",
                score=COMMENTS - index,
                upvotes=COMMENTS - index,
                downvotes=0,
                created_at=now - timedelta(seconds=index),
            )
            session.add(comment)
            session.flush()
            comment.path = comment_path(None, comment.id)
        session.commit()
    engine.dispose()
    return url


def test_more_comments_then_vote_on_one_of_them(page: Page, long_thread, request):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "reader")
    page.goto(long_thread)
    assert_accessible(page)
    comments = page.locator("#comments > li.comment")
    expect(comments).to_have_count(200)
    expect(page.get_by_text("Remark 199", exact=True)).to_be_visible()
    expect(page.get_by_text("Remark 200", exact=True)).to_have_count(0)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    page.get_by_role("link", name="More comments").click()
    last = page.locator("li.comment", has_text="Remark 204")
    expect(last).to_be_visible()
    if javascript:  # appended in place: the first 200 stay, nothing reloads
        expect(comments).to_have_count(COMMENTS)
        assert navigations == []
    else:  # the next page, under the post
        expect(comments).to_have_count(COMMENTS - 200)
        assert "after=" in page.url
        expect(page.get_by_role("heading", name="Long talk", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="More comments")).to_have_count(0)
    assert_accessible(page)

    widget = last.locator(".vote")
    up = widget.get_by_role("button", name="Upvote")
    down = widget.get_by_role("button", name="Downvote")
    expect(widget.locator("form")).to_have_count(1)
    expect(widget).to_contain_text("1 point")
    down.click()  # the clicked button's value is the vote: -1, not the first button's 1
    expect(widget).to_contain_text("0 points")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    up.click()
    expect(widget).to_contain_text("2 points")
    expect(up).to_have_attribute("aria-pressed", "true")
    up.click()  # pressing the pressed one clears the vote
    expect(widget).to_contain_text("1 point")
    expect(up).to_have_attribute("aria-pressed", "false")
    assert_accessible(page)
    if javascript:
        assert navigations == [], "votes and More comments with JavaScript reload nothing"
    else:
        assert len(navigations) == 4  # More comments, then three votes
