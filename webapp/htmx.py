"""One place that decides between a full page and an htmx partial."""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not a history restore). Asking
    marks the response as one that differs by `HX-Request` (see `add_vary_header`)."""
    g.varies_by_htmx = True
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_partial(
    page_template: str, partial_template: str, status: int = 200, **context
) -> Response:
    """Render the partial for htmx and the full page otherwise; caches keep the two apart."""
    template = partial_template if is_htmx() else page_template
    return make_response(render_template(template, **context), status)


def redirect_for_htmx(location: str, code: int = 303) -> Response:
    """A redirect that htmx follows as a full navigation (HX-Redirect), or a plain one
    (303 after a POST by default)."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return make_response(redirect(location, code=code))


def sign_in_first(come_back_to: str) -> Response:
    """Send a guest to sign in, then back to `come_back_to`."""
    flash(gettext("Please sign in to continue."), "info")
    code = 302 if request.method in ("GET", "HEAD") else 303
    return redirect_for_htmx(url_for("auth.login", next=come_back_to), code)


def add_vary_header(response: Response) -> Response:
    """Every response whose content depended on `is_htmx()` says so to caches."""
    if g.get("varies_by_htmx"):
        response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_vary_header)
