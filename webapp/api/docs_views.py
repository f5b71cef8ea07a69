"""The API's documentation page, /api/docs: Swagger UI (vendored under static/vendor/
swagger-ui, no CDN) reading the live OpenAPI document, inside the site's own chrome."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

bp = Blueprint("api_docs", __name__)

TOKENS_PATH = "/settings/tokens"


def _tokens_page_url() -> str:
    """Where people create tokens: the tokens page's own route, wherever it is named."""
    adapter = current_app.url_map.bind("")
    try:
        endpoint, _arguments = adapter.match(TOKENS_PATH, method="GET")
    except Exception:  # not served (yet): the documented address is still right
        return TOKENS_PATH
    return url_for(str(endpoint))


@bp.get("/api/docs")
def docs():
    """The API's reference, rendered in the browser from /api/v1/openapi.json."""
    return render_template(
        "api/docs.html",
        spec_url=url_for("api-docs.openapi_json"),
        tokens_url=_tokens_page_url(),
    )
