"""The site's own absolute addresses, for canonical links, OpenGraph and sitemaps.

An absolute address names a host, and a Host header is whatever the client sent: a page
cached by nginx or a CDN with a forged host in its canonical link would send crawlers and
share previews elsewhere. So the origin is `SITE_URL` when an operator set it
("https://quorum.example.org"); else the request's own host when Flask has checked it
against `TRUSTED_HOSTS`, or when it is this machine (development); else there is none,
and pages simply carry no absolute address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def site_origin() -> str | None:
    """ "scheme://host[:port]" of the site's absolute addresses, or None (see above)."""
    configured = str(current_app.config.get("SITE_URL") or "").strip()
    if configured:
        parts = urlsplit(configured)
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    if not has_request_context():
        return None
    host = request.host
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if current_app.config.get("TRUSTED_HOSTS") or name.lower() in LOOPBACK_NAMES:
        return f"{request.scheme}://{host}"
    return None


def absolute(path: str, origin: str | None) -> str | None:
    """`path` (a root-relative URL from url_for) on `origin`; None without an origin."""
    if origin is None or not path.startswith("/"):
        return None
    return origin + path
