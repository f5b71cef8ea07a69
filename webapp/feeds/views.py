"""Feed pages: home (your communities and people), and everything. htmx asks for the
next page as a fragment when the end of the list scrolls into view."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from webapp.caching import cached_guest_page, everything_scopes
from webapp.feeds import queries
from webapp.feeds.rendering import card_excerpt, link_domain, render_feed, requested_order
from webapp.urls import carries_query

bp = Blueprint("feeds", __name__)
# Post cards appear in every area's pages (communities, tags, profiles): app-wide.
bp.add_app_template_filter(link_domain, "link_domain")
bp.add_app_template_filter(card_excerpt, "card_excerpt")


@bp.route("/")
@carries_query("sort", "t")
@cached_guest_page(everything_scopes)
def home():
    """Your communities and the people you follow; everything for guests and for
    people who have joined and followed nobody yet."""
    order = requested_order()
    if not current_user.is_authenticated:
        return render_feed("feeds/home.html", order, feed_kind="all")
    subscriptions = queries.subscriptions(current_user.id)
    if not subscriptions.any:
        return render_feed("feeds/home.html", order, feed_kind="welcome")
    return render_feed(
        "feeds/home.html",
        order,
        feed_kind="home",
        home_of=current_user.id,
        joined_none=not subscriptions.joined,
    )


@bp.route("/all")
@carries_query("sort", "t")
@cached_guest_page(everything_scopes)
def everything():
    """Every post on the site."""
    return render_feed("feeds/home.html", requested_order(), feed_kind="all")
