"""Localized error pages that keep the site's chrome."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do that.")),
    404: (_l("Page not found"), _l("There is nothing here. The link may be old or mistyped.")),
    405: (_l("Not allowed here"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (
        _l("Slow down"),
        _l("You have tried that too often. Please wait a little and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. It has been logged; please try again."),
    ),
    503: (
        _l("Please try again"),
        _l("The site is briefly unavailable. Please try again in a moment."),
    ),
}


def render_error(code: int, message=None):
    """The error page for `code` (other 4xx codes borrow 400's title), keeping the site's
    chrome; `message` replaces the default explanation."""
    fallback = ERROR_TEXTS[400] if 400 <= code < 500 else ERROR_TEXTS[500]
    title, default_message = ERROR_TEXTS.get(code, fallback)
    body = render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    )
    return body, code
