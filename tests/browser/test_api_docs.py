"""/api/docs in a real browser: with JavaScript, Swagger UI (vendored, under the site's
CSP) renders the operations of the live OpenAPI document; without it, the page still
says what the API is and where its document is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.browser


def test_the_api_docs_page(page: Page, live_server, request):
    javascript = request.node.callspec.id == "js"
    page.goto("/api/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Quorum API")
    intro = page.locator(".api-docs__intro")
    spec_link = intro.get_by_role("link", name="/api/v1/openapi.json")
    expect(spec_link).to_have_attribute("href", "/api/v1/openapi.json")
    tokens_link = intro.get_by_role("link", name="Create a token on your tokens page")
    expect(tokens_link).to_have_attribute("href", "/settings/tokens")
    fallback = intro.get_by_text("The interactive reference needs JavaScript.")
    reference = page.locator("#api-reference")
    if javascript:
        # The operations of the live document, rendered by Swagger UI.
        me = reference.locator(".opblock-summary-path", has_text="/api/v1/me").first
        expect(me).to_be_visible()
        expect(reference.locator(".opblock").first).to_be_visible()
        expect(fallback).to_be_hidden()
        assert_accessible(page)
        # An operation opens to show its documented responses.
        me.click()
        expect(reference.locator(".responses-table").first).to_be_visible()
        assert_accessible(page)
        # A write, with its request body's schema and example.
        create = reference.locator(".opblock-post .opblock-summary-control").first
        create.click()
        expect(reference.locator(".opblock-post .opblock-body").first).to_be_visible()
    else:
        expect(reference).to_be_empty()
        expect(fallback).to_be_visible()
    assert_accessible(page)
    spec = page.request.get(f"{live_server}/api/v1/openapi.json")
    assert spec.ok and "/api/v1/me" in spec.json()["paths"]
