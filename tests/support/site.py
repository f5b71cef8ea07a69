"""Setting the scene for browser journeys through the site's real forms, with a page's
own cookies (so the page is signed in as the person created)."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page

from tests.support.forms import csrf_token_from

PASSWORD = "correct horse battery"


def _post_form(page: Page, form_url: str, fields: dict, post_url: str | None = None):
    request = page.context.request
    token = csrf_token_from(request.get(form_url).text())
    return request.post(post_url or form_url, form={"csrf_token": token, **fields})


def sign_up(page: Page, prefix: str) -> str:
    """Register a new person (unique name starting with `prefix`); returns the username."""
    username = f"{prefix}_{uuid.uuid4().hex[:10]}"
    token = csrf_token_from(page.context.request.get("/auth/register").text())
    answer = page.context.request.post(
        "/auth/register",
        form={
            "csrf_token": token,
            "email": f"{username}@example.org",
            "username": username,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
        max_redirects=0,
    )
    assert answer.status == 303, answer.text()
    # Sign-up does not sign in (it answers the same whether or not the address is
    # taken): sign in as a new person would, with the username and password.
    token = csrf_token_from(page.context.request.get("/auth/login").text())
    answer = page.context.request.post(
        "/auth/login",
        form={"csrf_token": token, "identifier": username, "password": PASSWORD},
        max_redirects=0,
    )
    assert answer.status == 302, answer.text()
    return username


def sign_out(page: Page) -> None:
    _post_form(page, "/", {}, post_url="/auth/logout")


def start_community(page: Page, title: str = "Social") -> str:
    """A new community owned by the signed-in person; returns its name."""
    name = f"c_{uuid.uuid4().hex[:10]}"
    fields = {"name": name, "title": title, "description": "", "rules": ""}
    _post_form(page, "/c/new", fields)
    return name


def publish(page: Page, community: str, title: str, body: str = "Words.") -> str:
    """A post by the signed-in person; returns its URL."""
    fields = {"title": title, "body": body, "body_format": "text", "url": "", "tags": ""}
    return _post_form(page, f"/c/{community}/submit", fields).url


def comment(page: Page, post_url: str, body: str) -> None:
    """A top-level comment by the signed-in person on the post at `post_url`."""
    post_id = post_url.split("/p/")[1].split("/")[0]
    _post_form(page, post_url, {"body": body}, post_url=f"/p/{post_id}/comments")
