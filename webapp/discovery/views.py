"""robots.txt and the sitemap, and the page meta every page's <head> asks for."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort

from webapp.discovery import queries, sitemaps
from webapp.discovery.addresses import absolute, site_origin
from webapp.discovery.meta import page_meta
from webapp.urls import fast_url_for

bp = Blueprint("discovery", __name__)
# templates/discovery/_page_meta.html, included in every page's <head> by base.html.
bp.add_app_template_global(page_meta, "page_meta")

# Private pages, forms and crawl traps (endless combinations of sorts and searches).
DISALLOWED = (
    "/admin/",
    "/api/v1/",
    "/auth/",
    "/c/*/mod/",
    "/c/*/submit",
    "/c/new",
    "/comments/*/",
    "/mod/",
    "/p/*/comments/more",
    "/p/*/delete",
    "/p/*/edit",
    "/p/*/remove",
    "/report/",
    "/search",
    "/settings/",
    "/submit",
    "/tags/suggest",
    "/*?sort=",
    "/*&sort=",
)
ROBOTS_MAX_AGE = 86400


def _origin() -> str:
    origin = site_origin()
    if origin is None:  # no trusted address to name (see addresses.py)
        abort(404)
    return origin


@bp.route("/robots.txt")
def robots():
    """What crawlers may read, and where the sitemap is."""
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in DISALLOWED)]
    sitemap = absolute(fast_url_for("discovery.sitemap_index"), site_origin())
    if sitemap:
        lines += ["", f"Sitemap: {sitemap}"]
    response = sitemaps.public_response("\n".join(lines) + "\n", "text/plain")
    response.cache_control.max_age = ROBOTS_MAX_AGE
    return response


@bp.route("/sitemap.xml")
def sitemap_index():
    """The sitemap index: communities, tags, and the chunks of posts."""
    origin = _origin()

    def build() -> tuple[str, datetime | None]:
        communities_changed, tags_changed = queries.newest_listing_changes()
        entries = [
            (origin + fast_url_for("discovery.communities"), communities_changed),
            (origin + fast_url_for("discovery.tags"), tags_changed),
            *(
                (origin + fast_url_for("discovery.posts", number=chunk.number), chunk.lastmod)
                for chunk in queries.post_chunks()
            ),
        ]
        return sitemaps.sitemap_index(entries), sitemaps.latest(entries)

    return sitemaps.xml_response(build, origin)


@bp.route("/sitemaps/communities.xml")
def communities():
    """Every community's page."""
    origin = _origin()

    def build() -> tuple[str, datetime | None]:
        entries = [
            (origin + fast_url_for("communities.page", name=name), lastmod)
            for name, lastmod in queries.community_entries()
        ]
        return sitemaps.urlset(entries), sitemaps.latest(entries)

    return sitemaps.xml_response(build, origin)


@bp.route("/sitemaps/tags.xml")
def tags():
    """Every tag in use."""
    origin = _origin()

    def build() -> tuple[str, datetime | None]:
        entries = [
            (origin + fast_url_for("tags.tag", name=name), lastmod)
            for name, lastmod in queries.tag_entries()
        ]
        return sitemaps.urlset(entries), sitemaps.latest(entries)

    return sitemaps.xml_response(build, origin)


@bp.route(f"/sitemaps/posts-<int(max={queries.MAX_CHUNK}):number>.xml")
def posts(number: int):
    """The public posts with ids in [number·10,000, (number+1)·10,000); 404 when none."""
    origin = _origin()

    def build() -> tuple[str, datetime | None] | None:
        found = queries.posts_of_chunk(number)
        if not found:
            return None
        entries = [
            (
                origin + fast_url_for("posts.detail", post_id=post.id, slug=post.slug),
                post.edited_at or post.created_at,
            )
            for post in found
        ]
        return sitemaps.urlset(entries), sitemaps.latest(entries)

    return sitemaps.xml_response(build, origin)
