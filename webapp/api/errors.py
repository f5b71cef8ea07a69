"""JSON errors: every refusal under `/api/` is a JSON body with a 4xx or 5xx status, one
shape: `{"error": {"code", "message", "fields"}}`; messages in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, g, jsonify, request
from flask_babel import lazy_gettext as _l

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    428: "precondition_required",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}

API_MESSAGES = {
    401: _l("Send a valid personal access token: Authorization: Bearer <token>."),
    422: _l("Some fields are not valid: see fields."),
    415: _l("Send the body as JSON (Content-Type: application/json)."),
}

# marshmallow's and webargs's own messages, in the reader's language.
VALIDATION_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field cannot be null."),
    "Unknown field.": _l("This field is not known."),
    "Not a valid string.": _l("This must be text."),
    "Not a valid integer.": _l("This must be a whole number."),
    "Not a valid boolean.": _l("This must be true or false."),
    "Not a valid list.": _l("This must be a list."),
    "Invalid input type.": _l("This has the wrong type."),
    "Invalid value.": _l("This value is not allowed."),
    "Must be one of: ": _l("This value is not one of those allowed."),
    "Length must be": _l("This has the wrong length."),
    "Longer than maximum length": _l("This is too long."),
    "Shorter than minimum length": _l("This is too short."),
    "Must be less than or equal to": _l("This number is out of range."),
    "Not a valid datetime.": _l("This must be a date and time."),
    "Not a valid number.": _l("This must be a number."),
    "String does not match expected pattern.": _l("This contains characters that are not allowed."),
    "Must be greater than or equal to": _l("This number is out of range."),
    "Invalid JSON body.": _l("The body is not valid JSON."),
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


def _translated(message: str) -> str:
    for english, translated in VALIDATION_MESSAGES.items():
        if message.startswith(english):
            return str(translated)
    return message


def flat_fields(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs's `{"json": {"title": ["…"], "tags": {"0": ["…"]}}}` as
    `{"title": ["…"], "tags.0": ["…"]}` (request locations dropped, messages translated)."""
    fields: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "headers", "files", "view_args"):
                inner = flat_fields(value, "")
            else:
                inner = flat_fields(value, f"{prefix}.{key}" if prefix else str(key))
            for name, texts in inner.items():
                fields.setdefault(name, []).extend(texts)
    elif isinstance(messages, list | tuple):
        plain = [_translated(str(item)) for item in messages if not isinstance(item, Mapping)]
        if plain:
            fields[prefix or "_schema"] = plain
        for item in messages:
            if isinstance(item, Mapping):
                for name, nested in flat_fields(item, prefix).items():
                    fields.setdefault(name, []).extend(nested)
    elif messages is not None:
        fields[prefix or "_schema"] = [_translated(str(messages))]
    return fields


def api_error(error) -> tuple[Response, int] | tuple[Response, int, dict]:
    """An HTTPException raised under /api/ (by Werkzeug, webargs or our own `abort`) as
    the one JSON error shape, with its headers (Allow, WWW-Authenticate, Retry-After)."""
    from webapp.error_pages import ERROR_TEXTS

    status = error.code or 500
    data = getattr(error, "data", None) or {}
    message = data.get("message")
    if not message:
        if status in API_MESSAGES:
            message = str(API_MESSAGES[status])
        else:
            message = str(ERROR_TEXTS.get(status, ERROR_TEXTS[400 if status < 500 else 500])[1])
    fields = flat_fields(data.get("messages") or data.get("errors"))
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    valid_methods = getattr(error, "valid_methods", None)
    if valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    response, status = json_error(status, str(message), fields)
    return response, status, headers
