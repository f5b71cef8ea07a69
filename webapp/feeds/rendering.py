"""Rendering any feed (home, all, community, tag, profile) the same way: the whole page,
or for htmx only the next page of cards; and what a post card shows of a post."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, render_template, request
from flask_login import current_user

from webapp.feeds import queries
from webapp.htmx import is_htmx, render_page_or_partial

EXCERPT_LENGTH = 240
EXCERPT_LINES = 3
ELLIPSIS = "…"


def requested_order() -> queries.FeedOrder:
    return queries.FeedOrder.from_args(request.args.get("sort"), request.args.get("t"))


def render_feed(page_template: str, order, **filters_and_context):
    """Render a feed page (or just its next page for htmx) for the current request.
    Cards name their community except in that community's own feed."""
    filters = {
        key: filters_and_context.pop(key)
        for key in ("community_id", "tag_id", "author_id", "home_of")
        if key in filters_and_context
    }
    show_community = filters_and_context.pop("show_community", "community_id" not in filters)
    page = queries.feed_page(
        order,
        request.args.get("cursor"),
        current_app.config["FEED_PAGE_SIZE"],
        current_user,
        **filters,
    )
    if is_htmx() and request.args.get("cursor"):
        return render_page_or_partial(
            page_template, "feeds/_feed_page.html", page=page, show_community=show_community
        )
    return render_template(
        page_template,
        page=page,
        order=order,
        show_community=show_community,
        **filters_and_context,
    )


def link_domain(url: str | None) -> str:
    """The site a link post points to, as a card shows it: "example.org" for
    "https://www.example.org/a/b?c" (no scheme, "www." or port)."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") and host.count(".") > 1 else host


def card_excerpt(text: str | None, length: int = EXCERPT_LENGTH) -> list[str]:
    """The start of a post's plain text for its card: its first paragraphs and list
    items, one entry each (the card shows each on its own line), at most `length`
    characters in all; "…" marks where text was left out."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    shown: list[str] = []
    budget = length
    for line in lines[:EXCERPT_LINES]:
        if budget <= 0:
            break
        if len(line) > budget:
            cut = line[:budget]
            if " " in cut.strip():
                cut = cut.rstrip().rsplit(" ", 1)[0]
            shown.append(cut.rstrip(" ,;:") + ELLIPSIS)
            return shown
        shown.append(line)
        budget -= len(line)
    if len(lines) > len(shown) and shown:
        shown[-1] += " " + ELLIPSIS
    return shown
