"""Feed pages: home (your communities and people), and everything. htmx asks for the
next page as a fragment when the end of the list scrolls into view."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from webapp.feeds import queries
from webapp.feeds.rendering import render_feed, requested_order
from webapp.urls import carries_query

bp = Blueprint("feeds", __name__)


@bp.route("/")
@carries_query("sort", "t")
def home():
    """Your communities and the people you follow; everything for guests."""
    order = requested_order()
    if not current_user.is_authenticated:
        return render_feed("feeds/home.html", order, feed_kind="all")
    if not queries.has_subscriptions(current_user.id):
        return render_feed("feeds/home.html", order, feed_kind="welcome")
    return render_feed("feeds/home.html", order, feed_kind="home", home_of=current_user.id)


@bp.route("/all")
@carries_query("sort", "t")
def everything():
    """Every post on the site."""
    return render_feed("feeds/home.html", requested_order(), feed_kind="all")
