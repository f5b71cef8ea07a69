"""API tokens from the account menu: create one, see its secret once (copy it with
JavaScript, select it without), use it against the API, revoke it (a dialog with
JavaScript, a page without), and the API answers 401."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.site import sign_up

pytestmark = pytest.mark.browser


def api_me(page: Page, secret: str):
    return page.context.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def test_create_use_and_revoke_a_token(page: Page, request):
    javascript = request.node.callspec.id == "js"
    if javascript:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    username = sign_up(page, "integrator")

    page.goto("/")
    assert_accessible(page)
    menu = page.get_by_role("navigation", name="Account")
    menu.get_by_text(username, exact=True).click()
    menu.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_role("main")).to_contain_text("You have no tokens.")
    expect(page.get_by_role("link", name="API documentation")).to_have_attribute(
        "href", "/api/docs"
    )
    assert_accessible(page)

    # An empty name is refused, and the choice made stays.
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("main")).to_contain_text(
        "Give the token a name, so you know later what uses it."
    )
    expect(page.get_by_label("Read and write")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Name").fill("Nightly backup")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Your new token “Nightly backup”")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Copy it now: you will not see it again.")
    field = page.get_by_label("Token", exact=True)
    secret = field.input_value()
    assert secret.startswith("qrm_")
    expect(field).to_have_attribute("readonly", "")
    expect(page.locator("pre")).to_contain_text(f"Authorization: Bearer {secret}")
    copy = page.get_by_role("button", name="Copy")
    if javascript:
        copy.click()
        expect(page.get_by_text("Copied.")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == secret
    else:
        expect(copy).to_be_hidden()  # nothing to press without JavaScript: select the text
        field.select_text()
    assert_accessible(page)

    # The token acts as its owner, with the page's own request context.
    answer = api_me(page, secret)
    assert answer.status == 200
    assert answer.json()["person"]["username"] == username
    assert answer.json()["scope"] == "write"

    # Shown once: the page again lists the token by its first characters only.
    page.goto("/settings/tokens")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text(secret)
    expect(main).to_contain_text("Nightly backup")
    expect(main).to_contain_text("Read and write")
    expect(main).to_contain_text(secret[:8] + "…")
    expect(main).to_contain_text("Last used")
    assert_accessible(page)

    revoke = main.get_by_role("link", name="Revoke Nightly backup")
    revoke.click()
    if javascript:
        dialog = page.get_by_role("dialog", name="Revoke token")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Nightly backup")
        assert_accessible(page)
        dialog.get_by_role("button", name="Revoke").click()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Revoke token")
        expect(page.get_by_role("main")).to_contain_text("Nightly backup")
        assert_accessible(page)
        page.get_by_role("main").get_by_role("button", name="Revoke").click()

    expect(page.get_by_role("status")).to_contain_text("The token “Nightly backup” is revoked.")
    expect(page.get_by_role("main")).to_contain_text("You have no tokens.")
    assert_accessible(page)
    assert api_me(page, secret).status == 401
