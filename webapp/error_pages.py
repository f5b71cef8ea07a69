"""Localized error pages that keep the site's chrome."""

from __future__ import annotations

import math
import time
from datetime import timedelta

from flask import render_template
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.extensions import limiter
from webapp.i18n import localize_digits

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


def retry_after_seconds() -> int | None:
    """How long until the limit this request broke lets it through again (what
    Flask-Limiter puts in the Retry-After header), or None if no limit was broken."""
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return None
    try:
        reset_at = limit.reset_at  # asks the limiter's storage
    except Exception:  # an unreachable store: the page says "a little" instead
        return None
    return max(1, int(reset_at - time.time()))  # as Flask-Limiter computes the header


def wait_text(seconds: int) -> str:
    """ "in 40 seconds", "in 5 minutes", "in 3 hours", in the reader's language. A unit is
    used from two of it on ("in 90 seconds", "in 61 minutes"), and the wait is rounded up
    to it, so that nobody is told to come back too early."""
    for unit in (86400, 3600, 60):
        if seconds >= 2 * unit:
            seconds = math.ceil(seconds / unit) * unit
            break
    return localize_digits(
        format_timedelta(timedelta(seconds=seconds), threshold=2, add_direction=True)
    )


def too_many_requests_message() -> str | None:
    """The 429 page's explanation with the wait, when the broken limit is known."""
    seconds = retry_after_seconds()
    if seconds is None:
        return None
    # Translators: %(when)s is a time from now, such as "in 40 seconds" or "in 5 minutes".
    return _("You have tried that too often. Please try again %(when)s.", when=wait_text(seconds))


def render_error(code: int, message=None):
    """The error page for `code` (other 4xx codes borrow 400's title), keeping the site's
    chrome; `message` replaces the default explanation. A 429 page says how long to wait."""
    if code == 429 and message is None:
        message = too_many_requests_message()
    fallback = ERROR_TEXTS[400] if 400 <= code < 500 else ERROR_TEXTS[500]
    title, default_message = ERROR_TEXTS.get(code, fallback)
    body = render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    )
    return body, code
