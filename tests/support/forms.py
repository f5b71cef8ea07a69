"""Helpers to fill in the site's real forms, CSRF token included."""

from __future__ import annotations

import re

CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(client, form_url: str, data: dict, post_url: str | None = None, **kwargs):
    """GET `form_url`, then POST `data` with that page's CSRF token (to `post_url`)."""
    page = client.get(form_url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(post_url or form_url, data={**data, "csrf_token": token}, **kwargs)
