"""The JSON API at /api/v1. flask-smorest turns the marshmallow schemas that check each
request and shape each response into the OpenAPI 3.1 document at /api/v1/openapi.json,
so the spec and the behaviour come from the same code.

Every API blueprint made by `api_blueprint` passes `authenticate` first: a personal
access token in `Authorization: Bearer …` (cookies are never looked at, so the API needs
no CSRF token), and a token that can write for anything but GET/HEAD/OPTIONS."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_smorest import Api, Blueprint, abort

from webapp.api import tokens
from webapp.api.errors import ERROR_CODES, api_error
from webapp.api.schemas import ErrorSchema
from webapp.converters import IdConverter, TagConverter
from webapp.extensions import csrf, limiter
from webapp.urls import MAX_ID

API_PREFIX = "/api/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ERROR_DESCRIPTIONS = {
    400: "The request could not be read.",
    401: "No token, or a token that is unknown, revoked or whose owner is banned.",
    403: "The token's owner may not do this, or the token can only read.",
    404: "There is no such thing (or it is not shown to this token's owner).",
    409: "The request conflicts with the thing's state (already done, locked, taken).",
    413: "The request body is too large.",
    422: "The body or query does not pass the schema or the site's rules; see fields.",
    429: "Too many requests for this token: wait for Retry-After seconds.",
}


class QuorumApi(Api):
    """flask-smorest's Api, answering every error in Quorum's one JSON error shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return api_error(error)


api = QuorumApi()


def _token_rate_key() -> str:
    """Rate limits count per token (per address for requests without one). Read from
    the header, as the limiter runs before `authenticate`."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + hashlib.sha256(secret.strip().encode()).hexdigest()[:32]
    return "address:" + get_remote_address()


def authenticate() -> None:
    """`before_request` of every API blueprint: the token's owner becomes `current_user`
    for this request, or the request is refused (401, or 403 for a read-only token)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    found = tokens.token_owner(secret.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        abort(401)
        return  # abort raises
    token, user = found
    if request.method not in SAFE_METHODS and not tokens.can_write(token):
        abort(403, message=str(_l("This token can only read: create one that can write.")))
    g.api_token = token
    # Flask-Login reads the user from here: the session cookie is never consulted.
    g._login_user = user


class ApiBlueprint(Blueprint):
    """A blueprint of the API that can document its error responses in one line."""

    def errors(self, *statuses: int) -> Callable:
        """Document an operation's errors: 401 and 429 always (no valid token, too many
        requests), 403 on a write (a read-only token), and the `statuses` the operation
        itself answers. Each has the one error shape and an example."""

        def decorate(view):
            method = view.__name__.upper()
            documented = [401, 429, *([] if method in SAFE_METHODS else [403]), *statuses]
            for status in sorted(set(documented)):
                example = {"error": {"code": ERROR_CODES[status], "message": "…", "fields": {}}}
                if status == 422:
                    example["error"]["fields"] = {"title": ["This field is required."]}
                view = self.alt_response(
                    status,
                    schema=ErrorSchema,
                    description=ERROR_DESCRIPTIONS[status],
                    example=example,
                )(view)
            return view

        return decorate


def api_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    """A blueprint of the API: under /api/v1, token-authenticated, rate-limited per
    token, without CSRF (no cookie is accepted, so no other site can act through one)."""
    blueprint = ApiBlueprint(name, import_name, url_prefix=API_PREFIX, description=description)
    blueprint.before_request(authenticate)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_token_rate_key)(blueprint)
    limiter.limit(
        lambda: current_app.config["API_WRITE_RATE_LIMIT"],
        key_func=_token_rate_key,
        methods=["POST", "PUT", "PATCH", "DELETE"],
        scope="api-writes",
    )(blueprint)
    csrf.exempt(blueprint)
    return blueprint


def init_api(app: Flask, blueprints: list[Blueprint]) -> None:
    """Serve the API and its OpenAPI document (JSON only: /api/docs renders it)."""
    app.config.setdefault("API_TITLE", "Quorum API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "Quorum's JSON API: the same services, rules and sanitizer as the web "
                    "pages. Authenticate with a personal access token (create one on "
                    "/settings/tokens): `Authorization: Bearer qrm_…`. Lists are paged with "
                    "opaque cursors: pass `next` back as `cursor`. Errors are "
                    '`{"error": {"code", "message", "fields"}}`; messages follow '
                    "Accept-Language."
                )
            },
            "security": [{"bearerAuth": []}],
            "servers": [{"url": "/"}],
        },
    )
    api.init_app(app)
    # Path parameters as the URL converters accept them.
    api.register_converter(
        IdConverter, lambda converter: {"type": "integer", "minimum": 0, "maximum": MAX_ID}
    )
    api.register_converter(TagConverter, lambda converter: {"type": "string", "minLength": 1})
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal access token."},
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
