"""Tag pages and suggestions."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from webapp.caching import cached_guest_page, everything_scopes
from webapp.feeds.rendering import render_feed, requested_order
from webapp.htmx import render_page_or_partial
from webapp.tags import queries
from webapp.tags.names import normalize_tag, split_tags
from webapp.urls import carries_query

bp = Blueprint("tags", __name__)


@bp.route("/t/<tag:name>")
@carries_query("sort", "t")
@cached_guest_page(everything_scopes)
def tag(name: str):
    """Posts with one tag, newest first."""
    found = queries.tag_by_name(name)
    if found is None:
        abort(404)
    return render_feed("tags/tag.html", requested_order(), tag_id=found.id, tag=found)


@bp.route("/tags")
@cached_guest_page(everything_scopes)
def index():
    """Every tag in use, most used first."""
    page = queries.tags_by_use(request.args.get("cursor"), 100)
    return render_page_or_partial("tags/index.html", "tags/_tags_page.html", page=page)


@bp.route("/tags/suggest")
def suggest():
    """<option>s for the tag field's datalist: what is typed so far, with the last tag
    completed to a known one (in any script: "ش" suggests "شعر")."""
    typed = request.args.get("tags", "")[:200]
    *done, last = split_tags(typed)
    done_names = {normalize_tag(part) for part in done}
    lead = typed[: len(typed) - len(last.lstrip())]  # kept as typed, commas and all
    suggestions = queries.tags_starting_with(normalize_tag(last))
    values = [lead + tag.name for tag in suggestions if tag.name not in done_names]
    return render_template("tags/_suggestions.html", values=values)
