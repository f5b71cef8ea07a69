"""An admin at work, JavaScript on and off: a person reports a post, the admin bans its
author from the report queue, the author's next page is signed out and sign-in says why,
and the moderation log shows the ban. Every admin page passes axe, in English and in
Persian on a phone."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import PASSWORD, publish, sign_out, sign_up, start_community

pytestmark = pytest.mark.browser

BAN_REASON = "Selling fake watches, again"


def _new_admin(site_command) -> str:
    username = f"admin_{uuid.uuid4().hex[:8]}"
    site_command(
        "create-admin",
        "--email",
        f"{username}@example.org",
        "--username",
        username,
        "--password",
        PASSWORD,
    )
    return username


def _sign_in(page: Page, username: str) -> None:
    page.goto("/auth/login")
    assert_accessible(page)
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Signed in.")
    assert_accessible(page)


def test_an_admin_bans_a_person_from_a_report(
    page: Page, browser, live_server, site_command, request
):
    javascript = request.node.callspec.id == "js"
    author_context = browser.new_context(base_url=live_server, java_script_enabled=javascript)
    author = author_context.new_page()
    author_name = sign_up(author, "seller")
    community = start_community(author, "Bazaar")
    title = f"Cheap watches {uuid.uuid4().hex[:6]}"
    post_url = publish(author, community, title)

    # Someone reports the post.
    sign_up(page, "reader")
    page.goto(post_url)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a post")
    assert_accessible(page)
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Thank you. The moderators will look at your report."
    )
    assert page.url.endswith(post_url.split(live_server)[-1])
    assert_accessible(page)
    sign_out(page)

    # The admin finds it in the queue and bans its author in one step.
    admin = _new_admin(site_command)
    _sign_in(page, admin)
    page.get_by_role("link", name=re.compile(r"^Reports \d+")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert_accessible(page)
    row = page.get_by_role("article").filter(has_text=title)
    row.get_by_label("Outcome").select_option(label="Ban the person")
    row.get_by_label("Reason").fill(BAN_REASON)
    row.get_by_role("button", name="Resolve").click()
    if not javascript:  # the open queue again, without the resolved report
        expect(page.get_by_role("status")).to_contain_text("The report has been resolved.")
        expect(page.get_by_role("article").filter(has_text=title)).to_have_count(0)
        assert_accessible(page)
        page.goto("/admin/reports?state=resolved")
    row = page.get_by_role("article").filter(has_text=title)
    expect(row).to_contain_text("Banned")
    expect(row).to_contain_text(BAN_REASON)
    assert_accessible(page)

    # The author's very next page is signed out, and says why.
    author.goto(post_url)
    expect(author.get_by_role("status")).to_contain_text(
        f"You have been signed out: this account is suspended. Reason: {BAN_REASON}"
    )
    expect(author.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    author.goto("/auth/login")
    author.get_by_label("Email or username").fill(author_name)
    author.get_by_label("Password").fill(PASSWORD)
    author.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(author.get_by_role("main")).to_contain_text(
        f"This account is suspended. Reason: {BAN_REASON}"
    )
    author_context.close()

    # The log shows who did it, to whom, and why.
    page.goto("/admin/log")
    entry = page.get_by_role("row").filter(has_text=author_name)
    expect(entry.first).to_contain_text("banned a person from the site")
    expect(entry.first).to_contain_text(BAN_REASON)
    expect(entry.first).to_contain_text(admin)
    assert_accessible(page)


ADMIN_PAGES = [
    "/admin/",
    "/admin/people",
    "/admin/communities",
    "/admin/reports",
    "/admin/content",
    "/admin/log",
    "/admin/settings",
]


def test_every_admin_page_is_accessible(page: Page, site_command):
    owner = sign_up(page, "keeper")
    community = start_community(page, "Keepers")
    publish(page, community, "A post to count")
    sign_out(page)
    admin = _new_admin(site_command)
    _sign_in(page, admin)
    for path in [
        *ADMIN_PAGES,
        f"/admin/people/{owner}",
        f"/admin/people/{owner}/purge",
        f"/admin/communities/{community}",
        f"/admin/communities/{community}/delete",
        f"/c/{community}/mod/reports",
        f"/c/{community}/mod/content",
        f"/c/{community}/mod/bans",
        "/mod/reports",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_the_admin_area_in_persian_on_a_phone(browser, live_server, site_command, tmp_path):
    context = browser.new_context(
        base_url=live_server,
        locale="fa-IR",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    admin = _new_admin(site_command)
    page.goto("/auth/login")
    page.locator("#identifier").fill(admin)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    for path in [*ADMIN_PAGES, f"/admin/people/{admin}"]:
        page.goto(path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "fa"
        # Nothing sticks out sideways on a 390 px screen.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (path, overflow)
        page.screenshot(path=str(tmp_path / f"fa{path.replace('/', '_')}.png"))
        assert_accessible(page)
    context.close()
