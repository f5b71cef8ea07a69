"""Feed pages."""

from __future__ import annotations

from flask import current_app, request

from webapp.feeds import bp, queries
from webapp.htmx import render_page_or_partial


@bp.route("/")
def home():
    """The newest posts across Quorum; htmx asks for the next page as a fragment."""
    page = queries.newest_posts(request.args.get("cursor"), current_app.config["FEED_PAGE_SIZE"])
    return render_page_or_partial("feeds/home.html", "feeds/_feed_page.html", page=page)
