"""Sitemap XML (sitemaps.org 0.9) and its responses: public, revalidated with an ETag
and Last-Modified, and kept in the shared cache under the generations of what they list
(webapp/caching.py), so a crawler's visit after a write sees the write, and a removed
post's address (its slug repeats the title) leaves the sitemap at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from flask import Response, abort, current_app, request

from webapp.caching import ALL, DIRECTORY, SITE, digest, generations, page_cache_enabled
from webapp.discovery.meta import iso_time
from webapp.extensions import cache

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_MIMETYPE = "application/xml"
MAX_AGE = 300  # seconds a crawler or CDN may reuse a sitemap unasked; then revalidate
CACHE_SECONDS = 3600
SCOPES = (SITE, ALL, DIRECTORY)  # posts and tags, communities, bans and purges

Entry = tuple[str, datetime | None]  # an absolute URL and when it last changed


def _items(tag: str, entries: Iterable[Entry]) -> Iterable[str]:
    for url, lastmod in entries:
        modified = f"<lastmod>{iso_time(lastmod)}</lastmod>" if lastmod is not None else ""
        yield f"<{tag}><loc>{escape(url)}</loc>{modified}</{tag}>"


def _document(root: str, item: str, entries: Iterable[Entry]) -> str:
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<{root} xmlns="{NAMESPACE}">',
            *_items(item, entries),
            f"</{root}>",
            "",
        ]
    )


def urlset(entries: Iterable[Entry]) -> str:
    """A sitemap: <urlset> of <url><loc> and <lastmod>."""
    return _document("urlset", "url", entries)


def sitemap_index(entries: Iterable[Entry]) -> str:
    """A sitemap index: <sitemapindex> of <sitemap><loc> and <lastmod>."""
    return _document("sitemapindex", "sitemap", entries)


def latest(entries: Sequence[Entry]) -> datetime | None:
    known = [lastmod for _url, lastmod in entries if lastmod is not None]
    return max(known) if known else None


def xml_response(build: Callable[[], tuple[str, datetime | None] | None], origin: str) -> Response:
    """The sitemap `build()` makes ((XML, last change), or None for 404), from the
    cache while nothing it lists has changed; public, with ETag and Last-Modified."""
    use_cache = page_cache_enabled()
    key = "sitemap:" + digest((request.path, origin))
    current = generations(*SCOPES) if use_cache else None
    stored = cache.get(key) if current is not None else None
    if isinstance(stored, dict) and stored.get("generations") == current:
        body, modified = stored["body"], stored["modified"]
    else:
        built = build()
        if built is None:
            abort(404)
        body, modified = built
        if current is not None:
            entry = {"body": body, "modified": modified, "generations": current}
            cache.set(key, entry, timeout=CACHE_SECONDS)
    return public_response(body, XML_MIMETYPE, modified)


def public_response(body: str, mimetype: str, modified: datetime | None = None) -> Response:
    """`body` for anyone and any cache, for `MAX_AGE` (config SITEMAP_MAX_AGE) seconds,
    then revalidated: a weak ETag, Last-Modified, 304 for a match."""
    response = Response(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config.get("SITEMAP_MAX_AGE", MAX_AGE))
    if modified is not None:
        response.last_modified = modified
    response.add_etag(weak=True)
    response.make_conditional(request)
    return response
