"""Error handlers: HTTP errors, CSRF failures, crashes and broken rules (DomainError),
answered as localized pages, or as JSON for the API."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from webapp.api.errors import api_error, json_error, wants_json
from webapp.domain import DomainError
from webapp.error_pages import ERROR_TEXTS, render_error
from webapp.faults import roll_back
from webapp.web import domain_error_page


def handle_http_error(error: HTTPException):
    if wants_json():
        return api_error(error)
    response = render_error(error.code or 500)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        return (*response, {"Allow": ", ".join(error.valid_methods)})
    return response


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _l(
            "This form had expired or was sent from another page, so nothing was saved. "
            "Please go back, reload the page and try again."
        ),
    )


def handle_server_error(error: Exception):
    roll_back()
    if wants_json():
        return json_error(500, str(ERROR_TEXTS[500][1]))
    return render_error(500)


def handle_domain_error(error: DomainError):
    """One place turns a broken rule into a response: nothing of the request's work is
    kept; the API answers JSON, pages show the message (see `web.domain_error_page`)."""
    roll_back()
    if wants_json():
        message = str(error.message)
        fields = {error.field: [message]} if error.field else None
        # The API's 400 means "could not be read"; a readable request that a rule refuses
        # is 422, as the OpenAPI document says.
        in_api = request.path.startswith("/api/")
        status = 422 if in_api and error.status == 400 else error.status
        return json_error(status, message, fields)
    return domain_error_page(error)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    for code in ERROR_TEXTS:
        if code != 500:
            app.register_error_handler(code, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
