"""Rendering any feed (home, all, community, tag, profile) the same way: the whole page,
or for htmx only the next page of cards."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from webapp.feeds import queries
from webapp.htmx import is_htmx, render_page_or_partial


def requested_order() -> queries.FeedOrder:
    return queries.FeedOrder.from_args(request.args.get("sort"), request.args.get("t"))


def render_feed(page_template: str, order, **filters_and_context):
    """Render a feed page (or just its next page for htmx) for the current request."""
    filters = {
        key: filters_and_context.pop(key)
        for key in ("community_id", "tag_id", "author_id", "home_of")
        if key in filters_and_context
    }
    page = queries.feed_page(
        order,
        request.args.get("cursor"),
        current_app.config["FEED_PAGE_SIZE"],
        current_user,
        **filters,
    )
    if is_htmx() and request.args.get("cursor"):
        return render_page_or_partial(page_template, "feeds/_feed_page.html", page=page)
    return render_template(page_template, page=page, order=order, **filters_and_context)
