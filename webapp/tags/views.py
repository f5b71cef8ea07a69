"""Tag pages and suggestions."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from webapp.feeds.rendering import render_feed, requested_order
from webapp.htmx import render_page_or_partial
from webapp.tags import queries
from webapp.tags.services import normalize_tag

bp = Blueprint("tags", __name__)


@bp.route("/t/<name>")
def tag(name: str):
    """Posts with one tag, newest first."""
    found = queries.tag_by_name(name)
    if found is None:
        abort(404)
    return render_feed("tags/tag.html", requested_order(), tag_id=found.id, tag=found)


@bp.route("/tags")
def index():
    """Every tag in use, most used first."""
    page = queries.tags_by_use(request.args.get("cursor"), 100)
    return render_page_or_partial("tags/index.html", "tags/_tags_page.html", page=page)


@bp.route("/tags/suggest")
def suggest():
    """<option>s for the tag field's datalist: what is typed so far plus a known tag."""
    typed = request.args.get("tags", "")[:200]
    done, _, last = typed.rpartition(",")
    prefix = normalize_tag(last)
    done_tags = [part.strip() for part in done.split(",") if part.strip()]
    suggestions = [
        tag.name for tag in queries.tags_starting_with(prefix) if tag.name not in done_tags
    ]
    lead = ", ".join(done_tags)
    values = [f"{lead}, {name}" if lead else name for name in suggestions]
    return render_template("tags/_suggestions.html", values=values)
