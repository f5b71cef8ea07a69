"""Rate limits shared by every area: one budget for all writes a person makes."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from webapp.config import ConfigurationError
from webapp.extensions import limiter


def user_or_address() -> str:
    """Signed-in people are limited per account (whatever their address), guests per IP."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


# Posting, commenting, editing, deleting, moderating, joining, following: one bucket.
writes = limiter.shared_limit(
    lambda: current_app.config["WRITE_RATE_LIMIT"],
    scope="writes",
    key_func=user_or_address,
    methods=["POST"],
)
votes = limiter.shared_limit(
    lambda: current_app.config["VOTE_RATE_LIMIT"], scope="votes", key_func=user_or_address
)


def check_limits(app: Flask) -> None:
    """Every configured limit (the settings named *_RATE_LIMIT) is read at start: the
    limiter logs and swallows its errors at run time (so that an unreachable Redis is no
    outage), which would otherwise make a mistyped limit silently limit nothing."""
    for name, value in app.config.items():
        if not name.endswith("_RATE_LIMIT") or value is None:
            continue
        try:
            parse_many(str(value))
        except ValueError:
            raise ConfigurationError(
                f"{name} must be limits such as '30 per minute;300 per hour', not {value!r}."
            ) from None
