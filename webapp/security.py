"""Security headers on every response: a strict CSP with no inline scripts, and friends."""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Not no-referrer: Flask-WTF's HTTPS referrer check needs a same-origin Referer.
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def keep_private_pages_out_of_caches(response: Response) -> Response:
    """A signed-in person's pages are theirs alone: no shared cache keeps them, and after
    sign-out the browser's Back button cannot show them from its cache."""
    from flask_login import current_user

    personal = response.mimetype in ("text/html", "application/json")
    if personal and current_user.is_authenticated and not response.cache_control.public:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


def refuse_nul_bytes() -> None:
    """No text a person sends contains NUL; PostgreSQL cannot store it. Say 400 early."""
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    from webapp import http_caching

    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
    app.after_request(keep_private_pages_out_of_caches)
    # Guests' pages public with an ETag, the CSRF token they need no session for, and
    # fingerprinted static files.
    http_caching.init_app(app)
