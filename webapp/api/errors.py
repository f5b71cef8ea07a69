"""JSON errors: every refusal under `/api/` is a JSON body with a 4xx or 5xx status."""

from __future__ import annotations

from flask import Response, g, jsonify, request

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def use_json_errors() -> None:
    """This request is answered in JSON (an endpoint for scripts, such as the editor's
    image upload): its errors must be too."""
    g.json_errors = True


def wants_json() -> bool:
    """True for requests to the JSON API and JSON endpoints: never an HTML error page."""
    return g.get("json_errors", False) or request.path == "/api" or request.path.startswith("/api/")


def json_error(
    status: int, message: str, fields: dict[str, list[str]] | None = None, code: str | None = None
) -> tuple[Response, int]:
    """`{"error": {"code", "message", "fields"}}` with `status`."""
    body = {
        "code": code or ERROR_CODES.get(status, "error"),
        "message": message,
        "fields": fields or {},
    }
    return jsonify(error=body), status
