"""The API's documentation page, /api/docs: Swagger UI (vendored under static/vendor/
swagger-ui, no CDN) reading the live OpenAPI document, inside the site's own chrome."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def docs():
    """The API's reference, rendered in the browser from /api/v1/openapi.json."""
    return render_template(
        "api/docs.html",
        spec_url=url_for("api-docs.openapi_json"),
        tokens_url=url_for("api_tokens.settings"),
    )
