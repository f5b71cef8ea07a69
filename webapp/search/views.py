"""The search page: a plain GET form, with live results as you type (htmx), and the
result tabs' counts in a second request."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request, url_for

from webapp.caching import cached_guest_page, search_scopes
from webapp.htmx import is_htmx
from webapp.search import queries
from webapp.search.engines import COUNT_CAP
from webapp.urls import carried_query, carries_query

bp = Blueprint("search", __name__)


def _tab_links() -> dict:
    """Each tab's URL (the same words, filters and sort; page one) and the counts' URL."""
    query = {key: value for key, value in carried_query().items() if key != "page"}
    return {
        "tab_urls": {
            kind: url_for("search.results", **{**query, "type": kind}) for kind in queries.KINDS
        },
        "counts_url": url_for("search.counts", **query),
        "count_cap": COUNT_CAP,
    }


@bp.route("/search")
@cached_guest_page(search_scopes)
@carries_query("q", "type", "sort", "community", "tag", "author", "t", "page")
def results():
    """Search posts, comments, communities, people and tags.

    The search page's own box asks for the results fragment; the header's box, typed
    into on any page, asks for the whole page (htmx then swaps in its main content).
    The tabs come without numbers; htmx loads them from `counts` (without JavaScript
    the tabs simply have none)."""
    search_request = queries.SearchRequest.from_args(request.args)
    found = queries.search(search_request)
    fragment = is_htmx() and request.headers.get("HX-Target") == "search-results"
    template = "search/_results.html" if fragment else "search/results.html"
    html = render_template(template, results=found, load_counts=True, **_tab_links())
    response = make_response(html)
    response.vary.add("HX-Target")
    return response


@bp.route("/search/counts")
@cached_guest_page(search_scopes)
@carries_query("q", "type", "sort", "community", "tag", "author", "t")
def counts():
    """The result tabs with how many results each type has (capped, cached a minute)."""
    search_request = queries.SearchRequest.from_args(request.args)
    found = queries.counts(search_request)
    return render_template(
        "search/_tabs.html", request_=search_request, counts=found, **_tab_links()
    )
