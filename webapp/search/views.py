"""The search page: a plain GET form, with live results as you type (htmx)."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request

from webapp.htmx import is_htmx
from webapp.search import queries
from webapp.urls import carries_query

bp = Blueprint("search", __name__)


@bp.route("/search")
@carries_query("q", "type", "sort", "community", "tag", "author", "t", "page")
def results():
    """Search posts, comments, communities, people and tags.

    The search page's own box asks for the results fragment; the header's box, typed
    into on any page, asks for the whole page (htmx then swaps in its main content)."""
    search_request = queries.SearchRequest.from_args(request.args)
    found = queries.search(search_request)
    fragment = is_htmx() and request.headers.get("HX-Target") == "search-results"
    template = "search/_results.html" if fragment else "search/results.html"
    response = make_response(render_template(template, results=found, kinds=queries.KINDS))
    response.vary.add("HX-Target")
    return response
